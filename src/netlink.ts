/**
 * Netlink messages (Linux): build requests, split replies into messages and
 * attributes, and run a whole dump. The socket is an ordinary
 * `socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)`; these helpers only lay out
 * and read `struct nlmsghdr`, `struct nlmsgerr` and `struct rtattr` (layouts
 * from the platform table, checked against the headers by `tools/probe.c`).
 * CPython has netlink sockets but leaves the messages to `struct`; the names
 * here are the kernel's.
 *
 * @example Every interface, from the kernel
 * ```ts
 * import * as usocket from "../mod.ts";
 * using nl = usocket.socket(usocket.AF_NETLINK, usocket.SOCK_RAW, usocket.NETLINK_ROUTE);
 * nl.settimeout(5);
 * const links = usocket.netlink_dump(nl, usocket.RTM_GETLINK, new Uint8Array(16));
 * for (const m of links) {
 *   const name = usocket.rtattrs(m.payload, 16).find(([type]) => type === usocket.IFLA_IFNAME);
 *   if (name) console.log(new TextDecoder().decode(name[1].subarray(0, -1))); // "lo", …
 * }
 * ```
 *
 * @module
 */
import { bufferOf, int, surplus } from "./args.ts";
import { OSError } from "./os_error.ts";
import { C, E, L } from "./platform/mod.ts";
import type { Socket } from "./socket.ts";

/** One netlink message: its header's fields and a view of its payload. */
export interface NetlinkMessage {
  /** `nlmsg_type`: `NLMSG_DONE`, `RTM_NEWLINK`, … */
  type: number;
  /** `nlmsg_flags`: `NLM_F_MULTI`, … */
  flags: number;
  /** `nlmsg_seq`: the request's sequence number it answers. */
  seq: number;
  /** `nlmsg_pid`: the sender's port id (0: the kernel). */
  pid: number;
  /** The bytes after the header (`nlmsg_len` − header), a view of the input. */
  payload: Uint8Array;
}

const align4 = (n: number) => (n + 3) & ~3;

function layouts() {
  const H = L.nlmsghdr, A = L.rtattr, ERR = L.nlmsgerr;
  if (H === null || A === null || ERR === null) {
    throw new OSError(E.EAFNOSUPPORT, "netlink is Linux's: this OS has no struct nlmsghdr");
  }
  return { H, A, ERR };
}

/**
 * Builds one netlink message: a `struct nlmsghdr` (`nlmsg_len` set, pid 0)
 * followed by `payload`, padded to 4 bytes (NLMSG_ALIGN). No syscall.
 *
 * @param type `nlmsg_type` (0–65535)
 * @param flags `nlmsg_flags` (0–65535), e.g. `NLM_F_REQUEST | NLM_F_DUMP`
 * @param seq `nlmsg_seq` (0–2³²−1)
 * @param payload the message's body (for RTM_GETLINK a `struct ifinfomsg`)
 * @throws {TypeError|RangeError} a bad argument
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const req = usocket.nlmsg(usocket.RTM_GETLINK, usocket.NLM_F_REQUEST | usocket.NLM_F_DUMP, 1, new Uint8Array(16));
 * console.log(req.length); // 32
 * ```
 */
export function nlmsg(type: number, flags: number, seq: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (arguments.length > 4) surplus(arguments.length, 4, "nlmsg(type, flags, seq, payload)");
  const { H } = layouts();
  int(type, "type", 0, 0xffff);
  int(flags, "flags", 0, 0xffff);
  int(seq, "seq", 0, 0xffffffff);
  const body = bufferOf(payload, "payload");
  const len = H.size + body.byteLength;
  const out = new Uint8Array(align4(len));
  const dv = new DataView(out.buffer);
  dv.setUint32(H.nlmsg_len, len, true);
  dv.setUint16(H.nlmsg_type, type, true);
  dv.setUint16(H.nlmsg_flags, flags, true);
  dv.setUint32(H.nlmsg_seq, seq, true);
  out.set(body, H.size);
  return out;
}

/**
 * Builds one route-netlink attribute (`struct rtattr` + `data`, padded to 4
 * bytes: RTA_ALIGN), to append to a request's payload. No syscall.
 *
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const name = usocket.rtattr(usocket.IFLA_IFNAME, new TextEncoder().encode("lo\0"));
 * console.log(name); // Uint8Array(8) [7, 0, 3, 0, 108, 111, 0, 0]
 * ```
 */
export function rtattr(type: number, data: Uint8Array): Uint8Array {
  if (arguments.length > 2) surplus(arguments.length, 2, "rtattr(type, data)");
  const { A } = layouts();
  int(type, "type", 0, 0xffff);
  const body = bufferOf(data, "data");
  const len = A.size + body.byteLength;
  if (len > 0xffff) throw new RangeError(`data: an rtattr holds at most ${0xffff - A.size} bytes`);
  const out = new Uint8Array(align4(len));
  const dv = new DataView(out.buffer);
  dv.setUint16(A.rta_len, len, true);
  dv.setUint16(A.rta_type, type, true);
  out.set(body, A.size);
  return out;
}

/**
 * Splits the first `length` bytes of `buf` (one datagram read from a netlink
 * socket) into its messages. No syscall, no copy: payloads are views of
 * `buf`.
 *
 * @param buf the bytes received
 * @param length how many of them (default: all)
 * @throws {OSError} EBADMSG when a header is cut short or a message claims
 *   more bytes than there are (a datagram truncated by a small buffer)
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const done = usocket.nlmsg(usocket.NLMSG_DONE, usocket.NLM_F_MULTI, 7, new Uint8Array(4));
 * console.log(usocket.parse_nlmsgs(done)[0].seq); // 7
 * ```
 */
export function parse_nlmsgs(buf: Uint8Array, length?: number): NetlinkMessage[] {
  if (arguments.length > 2) surplus(arguments.length, 2, "parse_nlmsgs(buf, length)");
  const { H } = layouts();
  const bytes = bufferOf(buf, "buf");
  const end = length === undefined ? bytes.byteLength : int(length, "length", 0, bytes.byteLength);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, end);
  const out: NetlinkMessage[] = [];
  for (let at = 0; at < end;) {
    if (end - at < H.size) {
      throw new OSError(E.EBADMSG, `netlink: ${end - at} bytes at offset ${at} are too few for a header`);
    }
    const len = dv.getUint32(at + H.nlmsg_len, true);
    if (len < H.size || len > end - at) {
      throw new OSError(E.EBADMSG, `netlink: a message at offset ${at} claims ${len} bytes; ${end - at} remain`);
    }
    out.push({
      type: dv.getUint16(at + H.nlmsg_type, true),
      flags: dv.getUint16(at + H.nlmsg_flags, true),
      seq: dv.getUint32(at + H.nlmsg_seq, true),
      pid: dv.getUint32(at + H.nlmsg_pid, true),
      payload: bytes.subarray(at + H.size, at + len),
    });
    at += align4(len);
  }
  return out;
}

/**
 * The route-netlink attributes of a message's payload, from `offset` (the
 * size of the fixed part: 16 for `struct ifinfomsg`, 8 for `struct
 * ifaddrmsg`): `[type, data]` pairs, `data` a view without the header. No
 * syscall.
 *
 * @throws {OSError} EBADMSG when an attribute runs past the payload
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const payload = new Uint8Array([...new Uint8Array(16), ...usocket.rtattr(usocket.IFLA_MTU, new Uint8Array([0, 5, 0, 0]))]);
 * console.log(usocket.rtattrs(payload, 16)); // [[4, Uint8Array(4) [0, 5, 0, 0]]]
 * ```
 */
export function rtattrs(payload: Uint8Array, offset = 0): [type: number, data: Uint8Array][] {
  if (arguments.length > 2) surplus(arguments.length, 2, "rtattrs(payload, offset)");
  const { A } = layouts();
  const bytes = bufferOf(payload, "payload");
  int(offset, "offset", 0, bytes.byteLength);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: [number, Uint8Array][] = [];
  for (let at = align4(offset); at + A.size <= bytes.byteLength;) {
    const len = dv.getUint16(at + A.rta_len, true);
    if (len < A.size || len > bytes.byteLength - at) {
      throw new OSError(E.EBADMSG, `netlink: an attribute at offset ${at} claims ${len} bytes`);
    }
    out.push([dv.getUint16(at + A.rta_type, true) & 0x3fff, bytes.subarray(at + A.size, at + len)]); // without NLA_F_NESTED/NET_BYTEORDER
    at += align4(len);
  }
  return out;
}

let nextSeq = (Date.now() & 0x7fffffff) >>> 0;
const peekBuf = new Uint8Array(1);

/**
 * Sends one dump request (`NLM_F_REQUEST | NLM_F_DUMP`) of `type` with
 * `payload` and returns every message of the reply up to `NLMSG_DONE`,
 * however many datagrams it takes. Each datagram is sized first with
 * `recv(MSG_PEEK | MSG_TRUNC)` and then read whole, so none is cut short;
 * messages of other sequence numbers (multicast notifications) are skipped.
 * Maps to one `send(2)` and two `recv(2)` per datagram; blocks like
 * `recv` (set a timeout on `sock` to bound it).
 *
 * @param sock a netlink socket (`AF_NETLINK`, `SOCK_RAW` or `SOCK_DGRAM`)
 * @param type the request, e.g. `RTM_GETLINK`, `RTM_GETADDR`
 * @param payload its fixed part (a zeroed `struct ifinfomsg` is 16 bytes,
 *   `struct ifaddrmsg` 8; its first byte is the address family to list, 0 for all)
 * @returns the reply's messages (NLMSG_DONE excluded); payloads are views of
 *   buffers no one else holds
 * @throws {OSError} the errno of an NLMSG_ERROR reply; EBADMSG for a
 *   malformed reply; ETIMEDOUT past the socket's timeout; EBADF
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * using nl = usocket.socket(usocket.AF_NETLINK, usocket.SOCK_RAW, usocket.NETLINK_ROUTE);
 * nl.settimeout(5);
 * const addrs = usocket.netlink_dump(nl, usocket.RTM_GETADDR, new Uint8Array([usocket.AF_INET, 0, 0, 0, 0, 0, 0, 0]));
 * console.log(addrs.length > 0); // true (127.0.0.1 on lo, at least)
 * ```
 */
export function netlink_dump(sock: Socket, type: number, payload: Uint8Array = new Uint8Array(0)): NetlinkMessage[] {
  if (arguments.length > 3) surplus(arguments.length, 3, "netlink_dump(sock, type, payload)");
  const { H, ERR } = layouts();
  const seq = nextSeq = (nextSeq + 1) >>> 0;
  sock.send(nlmsg(type, C.NLM_F_REQUEST | C.NLM_F_DUMP, seq, payload));
  const out: NetlinkMessage[] = [];
  for (;;) {
    const size = sock.recv_into(peekBuf, 1, C.MSG_PEEK | C.MSG_TRUNC);
    const buf = new Uint8Array(Math.max(size, H.size));
    const n = sock.recv_into(buf);
    for (const m of parse_nlmsgs(buf, n)) {
      if (m.seq !== seq) continue;
      if (m.type === C.NLMSG_DONE) {
        // its payload is the dump's own result (netlink_dump_done): negative when the kernel's walk failed
        const v = m.payload.byteLength >= 4
          ? new DataView(m.payload.buffer, m.payload.byteOffset).getInt32(0, true)
          : 0;
        if (v < 0) throw new OSError(-v, `netlink dump ${type} ended with an error`);
        return out;
      }
      if (m.type === C.NLMSG_ERROR) {
        if (m.payload.byteLength < ERR.error + 4) throw new OSError(E.EBADMSG, "netlink: NLMSG_ERROR cut short");
        const err = -new DataView(m.payload.buffer, m.payload.byteOffset).getInt32(ERR.error, true);
        if (err === 0) continue; // an acknowledgement
        throw new OSError(err, `netlink request ${type}`);
      }
      out.push(m);
    }
  }
}
