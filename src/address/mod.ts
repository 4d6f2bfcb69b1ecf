/**
 * Socket addresses: tuples ↔ C `struct sockaddr_*` bytes through one codec
 * per family (`inet.ts`, `inet6.ts`, `unix.ts`, and on Linux `packet.ts` and
 * `netlink.ts`), built from the running platform's layout table; raw
 * sockaddrs for any other family; and the text
 * forms of IPv4/IPv6 addresses (`inet_pton`/`inet_ntop`).
 *
 * @module
 */
import { surplus, typeName } from "../args.ts";
import { if_indextoname, if_nametoindex } from "../interfaces.ts";
import { C, L, Q } from "../platform/mod.ts";
import type { AddressCodec } from "./codec.ts";
import { header } from "./header.ts";
import { inetCodec, type IPv4Address } from "./inet.ts";
import { inet6Codec, type IPv6Address } from "./inet6.ts";
import { formatIPv6, parseIPv4, parseIPv6 } from "./ip_text.ts";
import { type NetlinkAddress, netlinkCodec } from "./netlink.ts";
import { type PacketAddress, packetCodec } from "./packet.ts";
import { type UnixAddress, unixCodec } from "./unix.ts";

export type { AddressCodec } from "./codec.ts";
export type { IPv4Address } from "./inet.ts";
export type { IPv6Address } from "./inet6.ts";
export type { NetlinkAddress } from "./netlink.ts";
export type { PacketAddress } from "./packet.ts";
export type { UnixAddress } from "./unix.ts";

/**
 * Any address `bind`/`connect`/`sendto` accept: an address tuple, an AF_UNIX
 * path, or a raw `struct sockaddr` in a `Uint8Array` (the MicroPython Unix
 * port's opaque form).
 */
export type Address = IPv4Address | IPv6Address | UnixAddress | PacketAddress | NetlinkAddress | Uint8Array;

/** Largest sockaddr this module handles (`sizeof(struct sockaddr_storage)`). */
export const SOCKADDR_MAX: number = L.sockaddr_storage.size;

const AF_INET = C.AF_INET, AF_INET6 = C.AF_INET6, AF_UNIX = C.AF_UNIX;
const AF_PACKET = C.AF_PACKET, AF_NETLINK = C.AF_NETLINK;
const encoder = new TextEncoder();
const h = header(L);

/** The codecs of this platform, by family. */
const codecs = new Map<number, AddressCodec>(
  [inetCodec(AF_INET, L), inet6Codec(AF_INET6, L), unixCodec(AF_UNIX, L, Q.abstractUnixNames)].map((
    c,
  ) => [c.family, c]),
);
if (L.sockaddr_ll !== null) {
  codecs.set(
    AF_PACKET,
    packetCodec(AF_PACKET, L, {
      index: if_nametoindex,
      name(index) {
        try {
          return if_indextoname(index);
        } catch {
          return null; // gone since the packet arrived
        }
      },
    }),
  );
}
if (L.sockaddr_nl !== null) codecs.set(AF_NETLINK, netlinkCodec(AF_NETLINK, L));

/** Encodes `s` as a NUL-terminated UTF-8 C string; refuses embedded NULs. */
export function cstr(s: string, what: string): Uint8Array {
  if (s.includes("\0")) throw new TypeError(`${what} must not contain NUL characters`);
  const out = new Uint8Array(s.length * 3 + 1);
  const { written } = encoder.encodeInto(s, out);
  return out.subarray(0, written + 1);
}

/** The `sa_family` of a raw sockaddr. */
export function familyOf(buf: Uint8Array): number {
  return h.family(buf);
}

const AF_NAME: Record<number, string> = { [AF_INET]: "AF_INET", [AF_INET6]: "AF_INET6", [AF_UNIX]: "AF_UNIX" };
if (AF_PACKET) AF_NAME[AF_PACKET] = "AF_PACKET";
if (AF_NETLINK) AF_NAME[AF_NETLINK] = "AF_NETLINK";

/** `"AF_INET"` etc., or the number as text. */
export function familyName(af: number): string {
  return AF_NAME[af] ?? String(af);
}

// The last [host, port(, flowinfo, scope_id)] tuple encoded, by value, and its
// bytes: programs connect or sendto the same address again and again, and a
// hit costs a few comparisons instead of a DataView and parsing the text.
let lastFamily = -1, lastLength = 0, lastSize = 0;
let lastHost: unknown, lastPort: unknown, lastFlow: unknown, lastScope: unknown;
const lastBytes = new Uint8Array(SOCKADDR_MAX);

/**
 * Writes `address` as a `struct sockaddr` of `family` into `out` (at least
 * {@linkcode SOCKADDR_MAX} bytes) and returns its length. Throws TypeError or
 * RangeError naming `what` for anything malformed; makes no syscall except
 * `inet_pton` for IPv6 text and `if_nametoindex` for a named zone.
 */
export function encodeAddress(family: number, address: unknown, out: Uint8Array, what = "address"): number {
  if (
    family === lastFamily && Array.isArray(address) && address.length === lastLength && address[0] === lastHost
    && address[1] === lastPort && address[2] === lastFlow && address[3] === lastScope
  ) {
    for (let i = 0; i < lastSize; i++) out[i] = lastBytes[i];
    return lastSize;
  }
  const size = encodeNew(family, address, out, what);
  if (Array.isArray(address) && (family === AF_INET || family === AF_INET6) && !String(address[0]).includes("%")) {
    // (a named zone is looked up each time: interfaces come and go)
    lastFamily = family;
    lastLength = address.length;
    [lastHost, lastPort, lastFlow, lastScope] = address;
    lastSize = size;
    lastBytes.set(out.subarray(0, size));
  }
  return size;
}

function encodeNew(family: number, address: unknown, out: Uint8Array, what: string): number {
  if (address instanceof Uint8Array) return encodeRaw(family, address, out, what);
  const codec = codecs.get(family);
  if (codec === undefined) {
    throw new TypeError(`${what}: pass a raw sockaddr Uint8Array for family ${familyName(family)}`);
  }
  if ((family === AF_INET || family === AF_INET6) && !Array.isArray(address)) {
    // Python's getaddrinfo(...)[0][-1] is undefined in JavaScript
    const hint = address === undefined
      ? " (for a getaddrinfo() entry's address use ai[4] or ai.at(-1): ai[-1] is undefined in JavaScript)"
      : "";
    throw new TypeError(
      `${what} must be a [host, port] tuple (or a raw sockaddr Uint8Array), got ${typeName(address)}${hint}`,
    );
  }
  return codec.encode(address, out, what);
}

function encodeRaw(family: number, raw: Uint8Array, out: Uint8Array, what: string): number {
  const min = codecs.get(family)?.minLength ?? h.size;
  if (raw.byteLength < min) {
    throw new RangeError(
      `${what}: raw sockaddr is ${raw.byteLength} bytes; ${familyName(family)} needs at least ${min}`,
    );
  }
  if (raw.byteLength > SOCKADDR_MAX) {
    throw new RangeError(`${what}: raw sockaddr is ${raw.byteLength} bytes; at most ${SOCKADDR_MAX}`);
  }
  const f = familyOf(raw);
  if (f !== family) {
    throw new TypeError(`${what}: raw sockaddr has family ${familyName(f)}, the socket is ${familyName(family)}`);
  }
  out.set(raw);
  return raw.byteLength;
}

/**
 * Decodes `len` bytes of a `struct sockaddr` into an address: `[host, port]`
 * for AF_INET, `[host, port, flowinfo, scope_id]` for AF_INET6, a string for
 * AF_UNIX, `[ifname, proto, pkttype, hatype, addr]` for AF_PACKET, `[pid,
 * groups]` for AF_NETLINK, and a copy of the raw bytes for any other family
 * (or a short one).
 */
export function decodeAddress(buf: Uint8Array, len: number): Address {
  if (len < h.size) return ""; // an unnamed AF_UNIX socket's address
  const codec = codecs.get(familyOf(buf));
  return codec === undefined ? buf.slice(0, len) : codec.decode(buf, len) as Address;
}

/**
 * Converts an IP address from text to its packed bytes (4 for AF_INET, 16 for
 * AF_INET6), as `inet_pton(3)` and CPython's `socket.inet_pton`. IPv4 is
 * parsed in TypeScript (no call); IPv6 maps to `inet_pton(3)`.
 *
 * @throws {TypeError} when `text` is not a numeric address of `af`.
 * @example
 * ```ts
 * import { AF_INET, inet_pton } from "../../mod.ts";
 * console.log(inet_pton(AF_INET, "127.0.0.1")); // Uint8Array(4) [127, 0, 0, 1]
 * ```
 */
export function inet_pton(af: number, text: string): Uint8Array {
  if (arguments.length > 2) surplus(arguments.length, 2, "inet_pton(af, text)");
  if (typeof text !== "string") throw new TypeError(`text must be a string, got ${typeName(text)}`);
  if (af === AF_INET) {
    const out = new Uint8Array(4);
    if (!parseIPv4(text, out, 0)) {
      throw new TypeError(`text: ${JSON.stringify(text.slice(0, 64))} is not an IPv4 address`);
    }
    return out;
  }
  if (af === AF_INET6) {
    const out = new Uint8Array(16);
    if (!parseIPv6(text, out, 0)) {
      throw new TypeError(`text: ${JSON.stringify(text.slice(0, 64))} is not an IPv6 address`);
    }
    return out;
  }
  throw new RangeError(`af must be AF_INET or AF_INET6, got ${af}`);
}

/**
 * Converts a packed IP address (4 or 16 bytes) to its text form, as
 * `inet_ntop(3)` and CPython's `socket.inet_ntop`. IPv4 is formatted in
 * TypeScript (no call); IPv6 maps to `inet_ntop(3)`.
 *
 * @throws {RangeError} when `packed` has the wrong length for `af`.
 * @example
 * ```ts
 * import { AF_INET6, inet_ntop } from "../../mod.ts";
 * console.log(inet_ntop(AF_INET6, new Uint8Array(16))); // "::"
 * ```
 */
export function inet_ntop(af: number, packed: Uint8Array): string {
  if (arguments.length > 2) surplus(arguments.length, 2, "inet_ntop(af, packed)");
  if (!(packed instanceof Uint8Array)) throw new TypeError(`packed must be a Uint8Array, got ${typeName(packed)}`);
  if (af === AF_INET) {
    if (packed.byteLength !== 4) throw new RangeError(`packed: an IPv4 address is 4 bytes, got ${packed.byteLength}`);
    return `${packed[0]}.${packed[1]}.${packed[2]}.${packed[3]}`;
  }
  if (af === AF_INET6) {
    if (packed.byteLength !== 16) throw new RangeError(`packed: an IPv6 address is 16 bytes, got ${packed.byteLength}`);
    return formatIPv6(packed, 0);
  }
  throw new RangeError(`af must be AF_INET or AF_INET6, got ${af}`);
}

/**
 * Decodes a raw `struct sockaddr` (as `getaddrinfo` results or the Unix port
 * give) into its address tuple: the MicroPython Unix port's `sockaddr()`.
 * No syscall (AF_INET6 text comes from `inet_ntop(3)`, a library call).
 *
 * @example A Linux `struct sockaddr_in` for 127.0.0.1 port 80
 * ```ts
 * import { sockaddr } from "../../mod.ts";
 * const raw = new Uint8Array([2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
 * console.log(sockaddr(raw)); // ["127.0.0.1", 80]
 * ```
 */
export function sockaddr(raw: Uint8Array): Address {
  if (arguments.length > 1) surplus(arguments.length, 1, "sockaddr(raw)");
  if (!(raw instanceof Uint8Array)) throw new TypeError(`raw must be a Uint8Array, got ${typeName(raw)}`);
  if (raw.byteLength < h.size) {
    throw new RangeError(`raw: a sockaddr is at least ${h.size} bytes, got ${raw.byteLength}`);
  }
  const family = familyOf(raw);
  const min = codecs.get(family)?.minLength;
  if (min !== undefined && raw.byteLength < min) {
    throw new RangeError(`raw: a ${familyName(family)} sockaddr is at least ${min} bytes, got ${raw.byteLength}`);
  }
  return decodeAddress(raw, raw.byteLength);
}
