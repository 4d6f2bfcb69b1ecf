/**
 * Byte layouts of the structured socket options, so that `setsockopt` and
 * `getsockopt` keep their raw form: `struct linger` (SO_LINGER),
 * `struct ip_mreq` (IP_ADD_MEMBERSHIP/IP_DROP_MEMBERSHIP) and
 * `struct ipv6_mreq` (IPV6_JOIN_GROUP/IPV6_LEAVE_GROUP).
 *
 * @module
 */
import { inet_pton } from "./address/mod.ts";
import { int, surplus, typeName } from "./args.ts";
import { C, L } from "./platform/mod.ts";

/**
 * Packs a `struct linger { int l_onoff; int l_linger; }` for `SO_LINGER`.
 * `linger(true, 0)` makes `close()` reset the connection (RST) instead of a
 * graceful FIN. No syscall: pass the result to `setsockopt(SOL_SOCKET,
 * SO_LINGER, …)`, which maps to `setsockopt(2)`.
 *
 * @param onoff whether lingering is on
 * @param seconds how long `close()` may block sending unsent data
 * @example Reset on close
 * ```ts
 * import * as usocket from "../mod.ts";
 * using s = usocket.socket();
 * s.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, usocket.linger(true, 0));
 * console.log(usocket.parse_linger(s.getsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, 8))); // [true, 0]
 * ```
 */
export function linger(onoff: boolean, seconds = 0): Uint8Array {
  if (arguments.length > 2) surplus(arguments.length, 2, "linger(onoff, seconds)");
  if (typeof onoff !== "boolean" && typeof onoff !== "number") {
    throw new TypeError(`onoff must be a boolean, got ${typeName(onoff)}`);
  }
  const out = new Uint8Array(L.linger.size);
  const dv = new DataView(out.buffer);
  dv.setInt32(L.linger.l_onoff, onoff ? 1 : 0, true);
  dv.setInt32(L.linger.l_linger, int(seconds, "seconds", 0, 0x7fffffff), true);
  return out;
}

/**
 * Unpacks a `struct linger` read with `getsockopt(SOL_SOCKET, SO_LINGER, 8)`.
 * No syscall (the read is `getsockopt(2)`'s).
 *
 * @returns `[onoff, seconds]`
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.parse_linger(usocket.linger(true, 5))); // [true, 5]
 * ```
 */
export function parse_linger(bytes: Uint8Array): [onoff: boolean, seconds: number] {
  if (arguments.length > 1) surplus(arguments.length, 1, "parse_linger(bytes)");
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < L.linger.size) {
    throw new RangeError(`bytes must be a Uint8Array of at least ${L.linger.size} bytes`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [dv.getInt32(L.linger.l_onoff, true) !== 0, dv.getInt32(L.linger.l_linger, true)];
}

/** inet_pton, with errors naming the caller's argument. */
function packed(af: number, text: string, name: string): Uint8Array {
  try {
    return inet_pton(af, text);
  } catch (e) {
    if (e instanceof TypeError) throw new TypeError(`${name}: ${e.message}`);
    throw e;
  }
}

/**
 * Packs a `struct ip_mreq { struct in_addr imr_multiaddr, imr_interface; }`
 * for `IP_ADD_MEMBERSHIP` / `IP_DROP_MEMBERSHIP` (level `IPPROTO_IP`). No
 * syscall: `setsockopt(2)` is made by `Socket.setsockopt` with the result.
 *
 * @param group the multicast group, e.g. `"239.1.2.3"`
 * @param iface the local interface address; `"0.0.0.0"` lets the kernel choose
 * @throws {TypeError} when either is not a numeric IPv4 address
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const mreq = usocket.ip_mreq("239.1.2.3", "127.0.0.1");
 * console.log(mreq.length); // 8
 * ```
 */
export function ip_mreq(group: string, iface = "0.0.0.0"): Uint8Array {
  if (arguments.length > 2) surplus(arguments.length, 2, "ip_mreq(group, iface)");
  const out = new Uint8Array(L.ip_mreq.size);
  out.set(packed(C.AF_INET, group, "group"), L.ip_mreq.imr_multiaddr);
  out.set(packed(C.AF_INET, iface, "iface"), L.ip_mreq.imr_interface);
  return out;
}

/**
 * Packs a `struct ipv6_mreq { struct in6_addr ipv6mr_multiaddr; unsigned
 * ipv6mr_interface; }` for `IPV6_JOIN_GROUP` / `IPV6_LEAVE_GROUP` (level
 * `IPPROTO_IPV6`). No syscall: `setsockopt(2)` is made by
 * `Socket.setsockopt` with the result.
 *
 * @param group the IPv6 multicast group, e.g. `"ff02::1:3"`
 * @param ifindex the interface index (0: the kernel chooses)
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.ipv6_mreq("ff02::1:3", 1).length); // 20
 * ```
 */
export function ipv6_mreq(group: string, ifindex = 0): Uint8Array {
  if (arguments.length > 2) surplus(arguments.length, 2, "ipv6_mreq(group, ifindex)");
  const out = new Uint8Array(L.ipv6_mreq.size);
  out.set(packed(C.AF_INET6, group, "group"), L.ipv6_mreq.ipv6mr_multiaddr);
  new DataView(out.buffer).setUint32(L.ipv6_mreq.ipv6mr_interface, int(ifindex, "ifindex", 0, 0xffffffff), true);
  return out;
}
