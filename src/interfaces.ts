/**
 * Network interface names and indexes, as CPython's `socket.if_nameindex`,
 * `if_nametoindex` and `if_indextoname`: thin over the libc calls of the
 * same names.
 *
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const lo = usocket.if_nametoindex("lo");
 * console.log(usocket.if_indextoname(lo)); // "lo"
 * console.log(usocket.if_nameindex().some(([i, name]) => i === lo && name === "lo")); // true
 * ```
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { int, surplus, typeName } from "./args.ts";
import { OSError, raiseErrno } from "./os_error.ts";
import { C, E, L } from "./platform/mod.ts";

const encoder = new TextEncoder(), decoder = new TextDecoder();
const nameBuf = new Uint8Array(C.IF_NAMESIZE);

/**
 * The index of the interface called `name`. Maps to `if_nametoindex(3)`.
 *
 * @throws {OSError} ENODEV when there is no such interface (CPython: "no interface with this name")
 * @throws {TypeError} `name` not a string
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.if_nametoindex("lo") > 0); // true
 * ```
 */
export function if_nametoindex(name: string): number {
  if (arguments.length > 1) surplus(arguments.length, 1, "if_nametoindex(name)");
  if (typeof name !== "string") throw new TypeError(`name must be a string, got ${typeName(name)}`);
  const bytes = encoder.encode(name);
  if (bytes.length >= C.IF_NAMESIZE || bytes.includes(0)) throw new OSError(E.ENODEV, `no interface "${name}"`);
  const c = new Uint8Array(bytes.length + 1);
  c.set(bytes);
  const idx = libc.if_nametoindex(c);
  if (idx === 0) throw new OSError(E.ENODEV, `no interface "${name}"`);
  return idx;
}

/**
 * The name of the interface with index `index`. Maps to `if_indextoname(3)`.
 *
 * @throws {OSError} ENXIO when there is no such interface
 * @throws {RangeError} `index` not an integer 1–4294967295
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.if_indextoname(usocket.if_nametoindex("lo"))); // "lo"
 * ```
 */
export function if_indextoname(index: number): string {
  if (arguments.length > 1) surplus(arguments.length, 1, "if_indextoname(index)");
  int(index, "index", 1, 0xffffffff);
  nameBuf.fill(0);
  if (!libc.if_indextoname(index, nameBuf)) raiseErrno();
  const end = nameBuf.indexOf(0);
  return decoder.decode(nameBuf.subarray(0, end < 0 ? nameBuf.length : end));
}

/**
 * Every interface as `[index, name]`, in the order libc gives them. Maps to
 * `if_nameindex(3)` and `if_freenameindex(3)`.
 *
 * @throws {OSError} ENOBUFS, or what libc reports
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.if_nameindex().find(([, name]) => name === "lo")?.[0] ?? 0 > 0); // true
 * ```
 */
export function if_nameindex(): [index: number, name: string][] {
  if (arguments.length > 0) surplus(arguments.length, 0, "if_nameindex()");
  const head = libc.if_nameindex();
  if (head === 0n) raiseErrno();
  const N = L.if_nameindex, out: [number, string][] = [];
  try {
    // the array ends with { 0, NULL }; bounded in case it does not
    for (let i = 0; i < 65536; i++) {
      const entry = libc.peek(head + BigInt(i * N.size), N.size);
      const view = new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
      const index = view.getUint32(N.if_index, true);
      const name = view.getBigUint64(N.if_name, true);
      if (index === 0 && name === 0n) break;
      out.push([index, libc.cstring(name) ?? ""]);
    }
  } finally {
    libc.if_freenameindex(head);
  }
  return out;
}
