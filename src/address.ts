/**
 * Socket addresses: tuples ↔ C `struct sockaddr_*` bytes, and the text forms
 * of IPv4/IPv6 addresses (`inet_pton`/`inet_ntop`).
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { surplus, typeName } from "./args.ts";
import { C, L } from "./platform/mod.ts";

/** An IPv4 address: `[host, port]`, host in dotted-quad text (`"127.0.0.1"`). */
export type IPv4Address = [host: string, port: number];

/**
 * An IPv6 address: `[host, port, flowinfo, scope_id]` as in CPython; the last
 * two default to 0 when passed in. `host` may carry a zone (`"fe80::1%eth0"`).
 */
export type IPv6Address = [host: string, port: number, flowinfo?: number, scope_id?: number];

/**
 * An AF_UNIX address: a file system path, or on Linux an abstract name that
 * starts with `"\0"`. An unnamed socket's address is `""`.
 */
export type UnixAddress = string;

/**
 * Any address `bind`/`connect`/`sendto` accept: an address tuple, an AF_UNIX
 * path, or a raw `struct sockaddr` in a `Uint8Array` (the MicroPython Unix
 * port's opaque form).
 */
export type Address = IPv4Address | IPv6Address | UnixAddress | Uint8Array;

/** Largest sockaddr this module handles (`sizeof(struct sockaddr_storage)`). */
export const SOCKADDR_MAX: number = L.sockaddr_storage.size;

const AF_INET = C.AF_INET, AF_INET6 = C.AF_INET6, AF_UNIX = C.AF_UNIX;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes `s` as a NUL-terminated UTF-8 C string; refuses embedded NULs. */
export function cstr(s: string, what: string): Uint8Array {
  if (s.includes("\0")) throw new TypeError(`${what} must not contain NUL characters`);
  const out = new Uint8Array(s.length * 3 + 1);
  const { written } = encoder.encodeInto(s, out);
  return out.subarray(0, written + 1);
}

function setFamily(dv: DataView, family: number, len: number): void {
  if (L.sockaddr.familySize === 1) {
    dv.setUint8(L.sockaddr.sa_len, len);
    dv.setUint8(L.sockaddr.sa_family, family);
  } else {
    dv.setUint16(L.sockaddr.sa_family, family, true);
  }
}

/** The `sa_family` of a raw sockaddr. */
export function familyOf(buf: Uint8Array): number {
  const o = L.sockaddr.sa_family;
  return L.sockaddr.familySize === 1 ? buf[o] : buf[o] | (buf[o + 1] << 8);
}

const AF_NAME: Record<number, string> = { [AF_INET]: "AF_INET", [AF_INET6]: "AF_INET6", [AF_UNIX]: "AF_UNIX" };

/** `"AF_INET"` etc., or the number as text. */
export function familyName(af: number): string {
  return AF_NAME[af] ?? String(af);
}

/** Parses strict dotted-quad IPv4 text into `out[off..off+4]`; false if not one. */
function parseIPv4(s: string, out: Uint8Array, off: number): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let part = 0, value = 0, digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 3) return false;
      out[off + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false; // no leading zeros, as inet_pton
      value = value * 10 + (c - 48);
      if (value > 255) return false;
      digits++;
    } else {
      return false;
    }
  }
  return part === 4;
}

const textScratch = new Uint8Array(64);

/** Parses IPv6 text (no zone) with libc's inet_pton into `out[off..off+16]`. */
function parseIPv6(s: string, out: Uint8Array, off: number): boolean {
  if (s.length === 0 || s.length > 45 || s.includes("\0")) return false;
  const { written } = encoder.encodeInto(s, textScratch);
  textScratch[written] = 0;
  return libc.inet_pton(AF_INET6, textScratch, out.subarray(off, off + 16)) === 1;
}

function scopeIndex(zone: string, what: string): number {
  if (/^[0-9]+$/.test(zone)) return Number(zone) >>> 0;
  const idx = zone.length > 0 && zone.length < 16 ? libc.if_nametoindex(cstr(zone, what)) : 0;
  if (idx === 0) throw new TypeError(`${what}: unknown IPv6 zone (interface) "${zone}"`);
  return idx;
}

function hostError(what: string, host: string, family: string): TypeError {
  const shown = host.length > 64 ? `${host.slice(0, 64)}…` : host;
  return new TypeError(
    `${what}: ${JSON.stringify(shown)} is not a numeric ${family} address; `
      + `resolve host names with getaddrinfo() first`,
  );
}

function checkPort(port: unknown, what: string): number {
  if (typeof port !== "number") throw new TypeError(`${what}: port must be a number, got ${typeof port}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${what}: port must be an integer 0-65535, got ${port}`);
  }
  return port;
}

function checkU32(v: unknown, name: string, what: string, max = 0xffffffff): number {
  if (v === undefined) return 0;
  if (typeof v !== "number") throw new TypeError(`${what}: ${name} must be a number`);
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what}: ${name} must be an integer 0-${max}`);
  return v;
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
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (address instanceof Uint8Array) return encodeRaw(family, address, out, what);
  if (family === AF_UNIX) {
    if (typeof address !== "string") throw new TypeError(`${what}: an AF_UNIX address is a path string`);
    return encodeUnix(address, out, dv, what);
  }
  if (!Array.isArray(address)) {
    // Python's getaddrinfo(...)[0][-1] is undefined in JavaScript
    const hint = address === undefined
      ? " (for a getaddrinfo() entry's address use ai[4] or ai.at(-1): ai[-1] is undefined in JavaScript)"
      : "";
    throw new TypeError(
      `${what} must be a [host, port] tuple (or a raw sockaddr Uint8Array), got ${typeName(address)}${hint}`,
    );
  }
  if (family === AF_INET) {
    if (address.length !== 2) throw new TypeError(`${what}: an AF_INET address is [host, port]`);
    const [host, port] = address;
    if (typeof host !== "string") throw new TypeError(`${what}: host must be a string`);
    const p = checkPort(port, what);
    out.fill(0, 0, L.sockaddr_in.size);
    setFamily(dv, AF_INET, L.sockaddr_in.size);
    dv.setUint16(L.sockaddr_in.sin_port, p, false);
    const a = L.sockaddr_in.sin_addr;
    if (host === "") { /* INADDR_ANY */ }
    else if (host === "<broadcast>") out.fill(255, a, a + 4);
    else if (!parseIPv4(host, out, a)) {
      if (host.includes("\0")) throw new TypeError(`${what}: host must not contain NUL characters`);
      throw hostError(what, host, "IPv4");
    }
    return L.sockaddr_in.size;
  }
  if (family === AF_INET6) {
    if (address.length < 2 || address.length > 4) {
      throw new TypeError(`${what}: an AF_INET6 address is [host, port, flowinfo?, scope_id?]`);
    }
    const [host, port, flowinfo, scopeId] = address;
    if (typeof host !== "string") throw new TypeError(`${what}: host must be a string`);
    const p = checkPort(port, what);
    const flow = checkU32(flowinfo, "flowinfo", what, 0xfffff);
    let scope = checkU32(scopeId, "scope_id", what);
    const l = L.sockaddr_in6;
    out.fill(0, 0, l.size);
    setFamily(dv, AF_INET6, l.size);
    dv.setUint16(l.sin6_port, p, false);
    dv.setUint32(l.sin6_flowinfo, flow, false);
    if (host !== "") {
      if (host.includes("\0")) throw new TypeError(`${what}: host must not contain NUL characters`);
      const pct = host.indexOf("%");
      const bare = pct < 0 ? host : host.slice(0, pct);
      if (!parseIPv6(bare, out, l.sin6_addr)) throw hostError(what, host, "IPv6");
      if (pct >= 0 && scope === 0) scope = scopeIndex(host.slice(pct + 1), what);
    }
    dv.setUint32(l.sin6_scope_id, scope, true);
    return l.size;
  }
  throw new TypeError(`${what}: tuples are for AF_INET/AF_INET6; pass a raw sockaddr Uint8Array for family ${family}`);
}

function encodeUnix(path: string, out: Uint8Array, dv: DataView, what: string): number {
  const off = L.sockaddr_un.sun_path;
  const room = L.sockaddr_un.size - off;
  const abstract = path.startsWith("\0");
  if (!abstract && path.includes("\0")) throw new TypeError(`${what}: AF_UNIX path must not contain NUL characters`);
  out.fill(0, 0, L.sockaddr_un.size);
  const bytes = encoder.encode(path);
  if (bytes.length > room - (abstract ? 0 : 1)) {
    throw new RangeError(`${what}: AF_UNIX path too long (${bytes.length} bytes, at most ${room - 1})`);
  }
  out.set(bytes, off);
  const len = off + bytes.length + (abstract || bytes.length === 0 ? 0 : 1);
  setFamily(dv, AF_UNIX, len);
  return len;
}

const MIN_LEN: Record<number, number> = {
  [AF_INET]: L.sockaddr_in.size,
  [AF_INET6]: L.sockaddr_in6.size,
  [AF_UNIX]: L.sockaddr_un.sun_path,
};

function encodeRaw(family: number, raw: Uint8Array, out: Uint8Array, what: string): number {
  const min = MIN_LEN[family] ?? L.sockaddr.sa_family + L.sockaddr.familySize;
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

// Decoding caches: recvfrom from the same peer returns the same host string
// without re-formatting it.
let last4 = -1, last4Text = "";
const last6 = new Uint8Array(16);
let last6Text = "";
const ntopScratch = new Uint8Array(64);

function formatIPv4(b: Uint8Array, o: number): string {
  const key = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  if (key !== last4) {
    last4 = key;
    last4Text = `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  }
  return last4Text;
}

function formatIPv6(b: Uint8Array, o: number): string {
  let same = last6Text !== "";
  for (let i = 0; same && i < 16; i++) same = last6[i] === b[o + i];
  if (same) return last6Text;
  const src = b.subarray(o, o + 16);
  if (!libc.inet_ntop(AF_INET6, src, ntopScratch, ntopScratch.length)) throw new Error("inet_ntop failed");
  last6.set(src);
  last6Text = decoder.decode(ntopScratch.subarray(0, ntopScratch.indexOf(0)));
  return last6Text;
}

/**
 * Decodes `len` bytes of a `struct sockaddr` into an address: `[host, port]`
 * for AF_INET, `[host, port, flowinfo, scope_id]` for AF_INET6, a string for
 * AF_UNIX, and a copy of the raw bytes for any other family.
 */
export function decodeAddress(buf: Uint8Array, len: number): Address {
  if (len < L.sockaddr.sa_family + L.sockaddr.familySize) return AF_UNIX_UNNAMED;
  const family = familyOf(buf);
  if (family === AF_INET && len >= L.sockaddr_in.size) {
    const port = (buf[L.sockaddr_in.sin_port] << 8) | buf[L.sockaddr_in.sin_port + 1];
    return [formatIPv4(buf, L.sockaddr_in.sin_addr), port];
  }
  if (family === AF_INET6 && len >= L.sockaddr_in6.size) {
    const l = L.sockaddr_in6;
    const dv = new DataView(buf.buffer, buf.byteOffset, len);
    return [
      formatIPv6(buf, l.sin6_addr),
      dv.getUint16(l.sin6_port, false),
      dv.getUint32(l.sin6_flowinfo, false),
      dv.getUint32(l.sin6_scope_id, true),
    ];
  }
  if (family === AF_UNIX) {
    const off = L.sockaddr_un.sun_path;
    if (len <= off) return AF_UNIX_UNNAMED;
    const path = buf.subarray(off, len);
    if (path[0] === 0) return decoder.decode(path); // Linux abstract name, "\0..."
    const nul = path.indexOf(0);
    return decoder.decode(nul < 0 ? path : path.subarray(0, nul));
  }
  return buf.slice(0, len);
}

const AF_UNIX_UNNAMED = "";

/**
 * Converts an IP address from text to its packed bytes (4 for AF_INET, 16 for
 * AF_INET6), as `inet_pton(3)` and CPython's `socket.inet_pton`.
 *
 * @throws {TypeError} when `text` is not a numeric address of `af`.
 * @example
 * ```ts
 * import { AF_INET, inet_pton } from "../mod.ts";
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
 * `inet_ntop(3)` and CPython's `socket.inet_ntop`.
 *
 * @throws {RangeError} when `packed` has the wrong length for `af`.
 * @example
 * ```ts
 * import { AF_INET6, inet_ntop } from "../mod.ts";
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
 * import { sockaddr } from "../mod.ts";
 * const raw = new Uint8Array([2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
 * console.log(sockaddr(raw)); // ["127.0.0.1", 80]
 * ```
 */
export function sockaddr(raw: Uint8Array): Address {
  if (arguments.length > 1) surplus(arguments.length, 1, "sockaddr(raw)");
  if (!(raw instanceof Uint8Array)) throw new TypeError(`raw must be a Uint8Array, got ${typeName(raw)}`);
  const header = L.sockaddr.sa_family + L.sockaddr.familySize;
  if (raw.byteLength < header) {
    throw new RangeError(`raw: a sockaddr is at least ${header} bytes, got ${raw.byteLength}`);
  }
  const family = familyOf(raw);
  const min = MIN_LEN[family];
  if (min !== undefined && raw.byteLength < min) {
    throw new RangeError(`raw: a ${familyName(family)} sockaddr is at least ${min} bytes, got ${raw.byteLength}`);
  }
  return decodeAddress(raw, raw.byteLength);
}
