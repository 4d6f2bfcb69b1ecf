/**
 * AF_UNIX: a path (or a Linux abstract name, `"\0…"`) ↔ `struct sockaddr_un`.
 *
 * @module
 */
import type { Layouts } from "../platform/types.ts";
import type { AddressCodec } from "./codec.ts";
import { header } from "./header.ts";

/**
 * An AF_UNIX address: a file system path, or on Linux an abstract name that
 * starts with `"\0"`. An unnamed socket's address is `""`.
 */
export type UnixAddress = string;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The AF_UNIX codec of an OS: `family` is its `AF_UNIX`, `layout` its table,
 * `abstractNames` whether it has Linux's abstract namespace (a name starting
 * with NUL); elsewhere such a name is refused, as any other NUL.
 */
export function unixCodec(family: number, layout: Layouts, abstractNames: boolean): AddressCodec {
  const h = header(layout);
  const { size, sun_path } = layout.sockaddr_un;
  const room = size - sun_path;
  return {
    family,
    minLength: sun_path,
    encode(address, out, what) {
      if (typeof address !== "string") throw new TypeError(`${what}: an AF_UNIX address is a path string`);
      const abstract = abstractNames && address.startsWith("\0");
      if (!abstract && address.includes("\0")) {
        throw new TypeError(`${what}: AF_UNIX path must not contain NUL characters`);
      }
      out.fill(0, 0, size);
      const bytes = encoder.encode(address);
      if (bytes.length > room - (abstract ? 0 : 1)) {
        throw new RangeError(`${what}: AF_UNIX path too long (${bytes.length} bytes, at most ${room - 1})`);
      }
      out.set(bytes, sun_path);
      const len = sun_path + bytes.length + (abstract || bytes.length === 0 ? 0 : 1);
      h.set(new DataView(out.buffer, out.byteOffset, out.byteLength), family, len);
      return len;
    },
    decode(buf, len): UnixAddress {
      if (len <= sun_path) return "";
      const path = buf.subarray(sun_path, len);
      if (path[0] === 0 && abstractNames) return decoder.decode(path); // Linux abstract name, "\0..."
      const nul = path.indexOf(0);
      return decoder.decode(nul < 0 ? path : path.subarray(0, nul));
    },
  };
}
