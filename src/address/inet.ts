/**
 * AF_INET: `[host, port]` ↔ `struct sockaddr_in`.
 *
 * @module
 */
import type { Layouts } from "../platform/types.ts";
import { type AddressCodec, checkPort, hostError } from "./codec.ts";
import { header } from "./header.ts";
import { formatIPv4, parseIPv4 } from "./ip_text.ts";

/** An IPv4 address: `[host, port]`, host in dotted-quad text (`"127.0.0.1"`). */
export type IPv4Address = [host: string, port: number];

/**
 * The AF_INET codec of an OS: `family` is its `AF_INET`, `layout` its table.
 * `""` is INADDR_ANY and `"<broadcast>"` INADDR_BROADCAST, as in CPython.
 */
export function inetCodec(family: number, layout: Layouts): AddressCodec {
  const h = header(layout);
  const { size, sin_port, sin_addr } = layout.sockaddr_in;
  return {
    family,
    minLength: size,
    encode(address, out, what) {
      if (!Array.isArray(address) || address.length !== 2) {
        throw new TypeError(`${what}: an AF_INET address is [host, port]`);
      }
      const [host, port] = address;
      if (typeof host !== "string") throw new TypeError(`${what}: host must be a string`);
      const p = checkPort(port, what);
      const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
      out.fill(0, 0, size);
      h.set(dv, family, size);
      dv.setUint16(sin_port, p, false);
      if (host === "") { /* INADDR_ANY */ }
      else if (host === "<broadcast>") out.fill(255, sin_addr, sin_addr + 4);
      else if (!parseIPv4(host, out, sin_addr)) {
        if (host.includes("\0")) throw new TypeError(`${what}: host must not contain NUL characters`);
        throw hostError(what, host, "IPv4");
      }
      return size;
    },
    decode(buf, len): IPv4Address | Uint8Array {
      if (len < size) return buf.slice(0, len);
      return [formatIPv4(buf, sin_addr), (buf[sin_port] << 8) | buf[sin_port + 1]];
    },
  };
}
