/**
 * `getaddrinfo()`: host and port to address tuples, through libc's resolver.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { type Address, cstr, decodeAddress } from "./address/mod.ts";
import { int, notDetached, surplus, typeName } from "./args.ts";
import { OSError } from "./os_error.ts";
import { L, platform } from "./platform/mod.ts";

/**
 * One `getaddrinfo()` result: `[family, type, proto, canonname, sockaddr]`.
 * `sockaddr` is an address tuple that `connect`/`bind`/`sendto` take as is.
 */
export type AddrInfo = [family: number, type: number, proto: number, canonname: string, sockaddr: Address];

/** Bytes (MicroPython's `b"host"`) as a NUL-terminated C string; refuses embedded NULs. */
function cbytes(bytes: Uint8Array, what: string): Uint8Array {
  if (notDetached(bytes, what).includes(0)) throw new TypeError(`${what} must not contain NUL bytes`);
  const out = new Uint8Array(bytes.byteLength + 1);
  out.set(bytes);
  return out;
}

/**
 * Translates `host` and `port` into the addresses to create and connect a
 * socket with. Maps to `getaddrinfo(3)` (then `freeaddrinfo(3)`).
 *
 * Blocks while the system resolver works: for a numeric host, or with
 * `AI_NUMERICHOST`, it returns at once; for a name it may query DNS.
 *
 * @param host a host name or numeric address, as a string or as bytes (a
 *   `Uint8Array` of ASCII/UTF-8, as MicroPython's and CPython's `b"host"`);
 *   `null` for the local wildcard (with `AI_PASSIVE`) or loopback address
 * @param port a port number (0-65535), a service name (`"http"`, or its bytes), or `null`
 * @param af address family hint (`0` = any, `AF_INET`, `AF_INET6`)
 * @param type socket type hint (`0` = any, `SOCK_STREAM`, `SOCK_DGRAM`);
 *   with 0, glibc returns one entry per type (stream, datagram, raw)
 * @param proto protocol hint
 * @param flags `AI_*` flags
 * @returns `[family, type, proto, canonname, sockaddr][]`
 * @throws {OSError} with a NEGATIVE errno on resolver failure (`-2`,
 *   `EAI_NONAME`, on glibc) and gai_strerror's text; with a positive errno
 *   for `EAI_SYSTEM`.
 *
 * Differs from CPython: failures are `OSError`, not `socket.gaierror`, as in
 * MicroPython; `canonname` is `""` unless `AI_CANONNAME` is given.
 *
 * @example Connect to a numeric address
 * ```ts
 * import * as usocket from "../mod.ts";
 * const [ai] = usocket.getaddrinfo("127.0.0.1", 8080, 0, usocket.SOCK_STREAM);
 * console.log(ai[4]); // ["127.0.0.1", 8080]
 * ```
 */
export function getaddrinfo(
  host: string | Uint8Array | null,
  port: number | string | Uint8Array | null,
  af = 0,
  type = 0,
  proto = 0,
  flags = 0,
): AddrInfo[] {
  if (arguments.length > 6) surplus(arguments.length, 6, "getaddrinfo(host, port, af, type, proto, flags)");
  if (host !== null && host !== undefined && typeof host !== "string" && !(host instanceof Uint8Array)) {
    throw new TypeError(`host must be a string, bytes (Uint8Array) or null, got ${typeName(host)}`);
  }
  let service: string | Uint8Array | null;
  if (port === null || port === undefined) service = null;
  else if (typeof port === "number") {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`port must be an integer 0-65535, got ${port}`);
    }
    service = String(port);
  } else if (typeof port === "string" || port instanceof Uint8Array) service = port;
  else throw new TypeError(`port must be a number, a service name or null, got ${typeName(port)}`);
  if ((host === null || host === undefined) && service === null) {
    throw new TypeError("host and port must not both be null");
  }
  int(af, "af");
  int(type, "type");
  int(proto, "proto");
  int(flags, "flags");
  const node = host === null || host === undefined
    ? null
    : typeof host === "string"
    ? cstr(host, "host")
    : cbytes(host, "host");
  const serv = service === null ? null : typeof service === "string" ? cstr(service, "port") : cbytes(service, "port");
  if (node !== null && node.length > 1025) throw new RangeError("host is longer than 1024 bytes");

  const a = L.addrinfo;
  const hints = new Uint8Array(a.size);
  const hv = new DataView(hints.buffer);
  hv.setInt32(a.ai_flags, flags, true);
  hv.setInt32(a.ai_family, af, true);
  hv.setInt32(a.ai_socktype, type, true);
  hv.setInt32(a.ai_protocol, proto, true);
  const res = new BigUint64Array(1);
  const resBytes = new Uint8Array(res.buffer);

  const rc = libc.getaddrinfo(node, serv, hints, resBytes);
  if (rc !== 0) {
    if (rc === platform.eai.EAI_SYSTEM) throw new OSError(libc.errno());
    throw new OSError(rc < 0 ? rc : -rc, libc.gai_strerror(rc));
  }
  const out: AddrInfo[] = [];
  try {
    for (let p = res[0]; p !== 0n;) {
      const rec = libc.peek(p, a.size);
      const rv = new DataView(rec.buffer);
      const addrlen = rv.getUint32(a.ai_addrlen, true);
      const addrPtr = rv.getBigUint64(a.ai_addr, true);
      const canonPtr = rv.getBigUint64(a.ai_canonname, true);
      const raw = addrPtr === 0n ? new Uint8Array(0) : libc.peek(addrPtr, addrlen);
      out.push([
        rv.getInt32(a.ai_family, true),
        rv.getInt32(a.ai_socktype, true),
        rv.getInt32(a.ai_protocol, true),
        canonPtr === 0n ? "" : libc.cstring(canonPtr) ?? "",
        decodeAddress(raw, raw.byteLength),
      ]);
      p = rv.getBigUint64(a.ai_next, true);
    }
  } finally {
    libc.freeaddrinfo(res[0]);
  }
  return out;
}
