/**
 * Ancillary data (control messages) for `sendmsg`/`recvmsg`: CPython's
 * `CMSG_LEN`/`CMSG_SPACE`, `send_fds`/`recv_fds`, and what CPython leaves to
 * `struct.unpack`: {@linkcode decode_cmsg} turns the common items into
 * objects, and `cmsg_*` build items to send. Also {@linkcode peercred}
 * (`SO_PEERCRED`). The layouts come from the platform table.
 *
 * @example Passing a descriptor to another socket
 * ```ts
 * import * as usocket from "../mod.ts";
 * const [a, b] = usocket.socketpair();
 * using udp = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * usocket.send_fds(a, ["fd"], [udp.fileno()]);
 * const [msg, fds] = usocket.recv_fds(b, 16, 4);
 * using same = new usocket.Socket(usocket.AF_INET, usocket.SOCK_DGRAM, 0, fds[0]);
 * console.log(new TextDecoder().decode(msg), same.fileno() !== udp.fileno()); // "fd" true
 * a.close();
 * b.close();
 * ```
 *
 * @module
 */
import { type Address, decodeAddress, inet_ntop, inet_pton } from "./address/mod.ts";
import { int, surplus } from "./args.ts";
import { ANCBUF_MAX, type AncItem, cmsgLen, cmsgSpace } from "./msghdr.ts";
import { OSError } from "./os_error.ts";
import { C, E, L } from "./platform/mod.ts";
import type { Socket } from "./socket.ts";
import type { Data } from "./stream.ts";

export type { AncItem } from "./msghdr.ts";

const { SOL_SOCKET, SCM_RIGHTS, IPPROTO_IP, IPPROTO_IPV6, AF_INET, AF_INET6 } = C;

/**
 * `CMSG_LEN(length)`: the `cmsg_len` of a control message carrying
 * `length` bytes (header included, trailing padding not), as CPython's
 * `socket.CMSG_LEN`.
 *
 * @throws {RangeError} `length` not an integer in 0–1 MiB
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.CMSG_LEN(4)); // 20 on Linux (a 16-byte header)
 * ```
 */
export function CMSG_LEN(length: number): number {
  return cmsgLen(int(length, "length", 0, ANCBUF_MAX));
}

/**
 * `CMSG_SPACE(length)`: the bytes a control message carrying `length` bytes
 * takes in a control buffer, padding included, as CPython's
 * `socket.CMSG_SPACE`. A `recvmsg` `ancbufsize` is the sum over the items
 * expected.
 *
 * @throws {RangeError} `length` not an integer in 0–1 MiB
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.CMSG_SPACE(4)); // 24 on Linux (data padded to 8)
 * ```
 */
export function CMSG_SPACE(length: number): number {
  return cmsgSpace(int(length, "length", 0, ANCBUF_MAX));
}

function ints(values: Iterable<number>, name: string): Uint8Array {
  const list = [...values];
  const out = new Uint8Array(list.length * 4);
  const view = new DataView(out.buffer);
  list.forEach((v, i) => view.setInt32(i * 4, int(v, `${name}[${i}]`), true));
  return out;
}

/**
 * An `SCM_RIGHTS` item passing descriptors: `[SOL_SOCKET, SCM_RIGHTS, int32s]`.
 *
 * @param fds descriptor numbers (e.g. `sock.fileno()`); the kernel checks them when the message is sent (EBADF)
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.cmsg_rights([0, 1])[2].length); // 8
 * ```
 */
export function cmsg_rights(fds: Iterable<number>): AncItem {
  return [SOL_SOCKET, SCM_RIGHTS, ints(fds, "fds")];
}

/**
 * An `SCM_CREDENTIALS` item (Linux): `struct ucred { pid, uid, gid }`. The
 * kernel accepts only the sender's own ids unless it is privileged (EPERM).
 *
 * @throws {OSError} ENOPROTOOPT where the OS has no SCM_CREDENTIALS (macOS)
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.cmsg_credentials(1, 0, 0)[2].length); // 12
 * ```
 */
export function cmsg_credentials(pid: number, uid: number, gid: number): AncItem {
  const U = needUcred();
  const out = new Uint8Array(U.size);
  const view = new DataView(out.buffer);
  view.setInt32(U.pid, int(pid, "pid"), true);
  view.setUint32(U.uid, int(uid, "uid", 0, 0xffffffff), true);
  view.setUint32(U.gid, int(gid, "gid", 0, 0xffffffff), true);
  return [SOL_SOCKET, C.SCM_CREDENTIALS, out];
}

/**
 * An `IP_PKTINFO` item for `sendmsg` on an IPv4 datagram socket: send out
 * of interface `ifindex` (0: the routing table picks) with source address
 * `spec_dst` (`"0.0.0.0"`: the interface's).
 *
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const [level, type] = usocket.cmsg_pktinfo(1, "127.0.0.1");
 * console.log(level === usocket.IPPROTO_IP, type === usocket.IP_PKTINFO); // true true
 * ```
 */
export function cmsg_pktinfo(ifindex: number, spec_dst = "0.0.0.0"): AncItem {
  const P = L.in_pktinfo;
  const out = new Uint8Array(P.size);
  new DataView(out.buffer).setUint32(P.ipi_ifindex, int(ifindex, "ifindex", 0, 0xffffffff), true);
  out.set(inet_pton(AF_INET, spec_dst), P.ipi_spec_dst);
  return [IPPROTO_IP, C.IP_PKTINFO, out];
}

/**
 * An `IPV6_PKTINFO` item for `sendmsg` on an IPv6 datagram socket: source
 * address `addr` (`"::"`: any) and outgoing interface `ifindex` (0: any).
 *
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.cmsg_pktinfo6("::1", 1)[2].length); // 20
 * ```
 */
export function cmsg_pktinfo6(addr: string, ifindex = 0): AncItem {
  const P = L.in6_pktinfo;
  const out = new Uint8Array(P.size);
  out.set(inet_pton(AF_INET6, addr), P.ipi6_addr);
  new DataView(out.buffer).setUint32(P.ipi6_ifindex, int(ifindex, "ifindex", 0, 0xffffffff), true);
  return [IPPROTO_IPV6, C.IPV6_PKTINFO, out];
}

/**
 * A `UDP_SEGMENT` item for `sendmsg` on a UDP socket (Linux GSO): the
 * buffer sent leaves as datagrams of `size` bytes each (the last may be
 * shorter), for this call only — `setsockopt(SOL_UDP, UDP_SEGMENT, size)`
 * does the same for every send. The kernel refuses (EINVAL) a buffer of more
 * segments than it allows (64 or 128 by version) or a size over the path MTU.
 *
 * @param size segment bytes, 1 to 65 535
 * @throws {OSError} ENOPROTOOPT where the OS has no UDP GSO (macOS)
 * @example 3 000 bytes as three datagrams
 * ```ts
 * import * as usocket from "../mod.ts";
 * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * rx.bind(["127.0.0.1", 0]);
 * using tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * tx.sendmsg([new Uint8Array(3000)], [usocket.cmsg_udp_segment(1200)], 0, rx.getsockname());
 * console.log(rx.recv(2000).length, rx.recv(2000).length, rx.recv(2000).length); // 1200 1200 600
 * ```
 */
export function cmsg_udp_segment(size: number): AncItem {
  if (C.UDP_SEGMENT === 0) throw new OSError(E.ENOPROTOOPT, "UDP_SEGMENT (UDP GSO) is Linux's");
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, int(size, "size", 1, 0xffff), true);
  return [C.SOL_UDP, C.UDP_SEGMENT, out];
}

/** A control message {@linkcode decode_cmsg} knows. */
export type Cmsg =
  /** `SCM_RIGHTS`: descriptors now open in this process (close-on-exec); the receiver owns them. */
  | { kind: "rights"; fds: number[] }
  /** `SCM_CREDENTIALS` (Linux, after `SO_PASSCRED`): the sender's ids, checked by the kernel. */
  | { kind: "credentials"; pid: number; uid: number; gid: number }
  /** `IP_PKTINFO`: the interface a datagram arrived on, the local address it was routed to, its destination. */
  | { kind: "pktinfo"; ifindex: number; spec_dst: string; addr: string }
  /** `IPV6_PKTINFO`: a datagram's destination address and arrival interface. */
  | { kind: "pktinfo6"; addr: string; ifindex: number }
  /** `IP_TTL` (after `IP_RECVTTL`): the datagram's TTL. */
  | { kind: "ttl"; ttl: number }
  /** `IPV6_HOPLIMIT` (after `IPV6_RECVHOPLIMIT`). */
  | { kind: "hoplimit"; hoplimit: number }
  /**
   * `UDP_GRO` (Linux, after `setsockopt(SOL_UDP, UDP_GRO, 1)`): the buffer
   * received is several datagrams coalesced, each `segment` bytes but the
   * last (which may be shorter).
   */
  | { kind: "gro"; segment: number }
  /** `SCM_TIMESTAMP` (`SO_TIMESTAMP`): arrival time, seconds and microseconds since the epoch. */
  | { kind: "timestamp"; sec: number; usec: number }
  /** `SCM_TIMESTAMPNS` (`SO_TIMESTAMPNS`, Linux): arrival time, seconds and nanoseconds. */
  | { kind: "timestampns"; sec: number; nsec: number }
  /**
   * `IP_RECVERR`/`IPV6_RECVERR` from `recvmsg(…, MSG_ERRQUEUE)` (Linux):
   * `struct sock_extended_err` — the error, where it came from
   * (`SO_EE_ORIGIN_*`), the ICMP type and code, and the node that reported it
   * (`SO_EE_OFFENDER`), `null` when none.
   */
  | {
    kind: "recverr";
    errno: number;
    origin: number;
    type: number;
    code: number;
    info: number;
    data: number;
    offender: Address | null;
  };

function needUcred(): NonNullable<typeof L.ucred> {
  if (L.ucred === null || C.SCM_CREDENTIALS === 0) {
    throw new OSError(E.ENOPROTOOPT, "SCM_CREDENTIALS and SO_PEERCRED are Linux's; this OS has neither");
  }
  return L.ucred;
}

/** A 64-bit signed field at `off` as a number (time values stay far below 2^53). */
function i64(view: DataView, off: number): number {
  return view.getUint32(off, true) + view.getInt32(off + 4, true) * 0x100000000;
}

/**
 * Decodes an ancillary item from `recvmsg` into an object, or `null` for an
 * item it does not know or one too short for its struct (cut short by the
 * kernel: `MSG_CTRUNC`). Pure: reads only `item`'s bytes.
 *
 * @example The TTL of a datagram
 * ```ts
 * import * as usocket from "../mod.ts";
 * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_RECVTTL, 1);
 * rx.bind(["127.0.0.1", 0]);
 * rx.sendto("x", rx.getsockname());
 * const [, anc] = rx.recvmsg(8, usocket.CMSG_SPACE(4));
 * console.log(usocket.decode_cmsg(anc[0])); // { kind: "ttl", ttl: 64 }
 * ```
 */
export function decode_cmsg(item: readonly [number, number, Uint8Array]): Cmsg | null {
  // no surplus check: `anc.map(decode_cmsg)` passes an index and the array too
  if (!Array.isArray(item) || item.length !== 3 || !(item[2] instanceof Uint8Array)) {
    throw new TypeError("item must be [level, type, Uint8Array], as recvmsg returns");
  }
  const [level, type, data] = item;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = data.byteLength;
  if (level === SOL_SOCKET) {
    if (type === SCM_RIGHTS) {
      const fds: number[] = [];
      for (let off = 0; off + 4 <= n; off += 4) fds.push(view.getInt32(off, true));
      return { kind: "rights", fds };
    }
    if (type === C.SCM_CREDENTIALS && C.SCM_CREDENTIALS !== 0 && L.ucred !== null && n >= L.ucred.size) {
      const U = L.ucred;
      return {
        kind: "credentials",
        pid: view.getInt32(U.pid, true),
        uid: view.getUint32(U.uid, true),
        gid: view.getUint32(U.gid, true),
      };
    }
    if (type === C.SO_TIMESTAMPNS && C.SO_TIMESTAMPNS !== 0 && n >= L.timespec.size) {
      return { kind: "timestampns", sec: i64(view, L.timespec.tv_sec), nsec: i64(view, L.timespec.tv_nsec) };
    }
    if (type === C.SO_TIMESTAMP && n >= L.timeval.size) {
      const T = L.timeval;
      const usec = T.usecSize === 8 ? i64(view, T.tv_usec) : view.getInt32(T.tv_usec, true);
      return { kind: "timestamp", sec: i64(view, T.tv_sec), usec };
    }
    return null;
  }
  if (level === IPPROTO_IP) {
    if (type === C.IP_PKTINFO && n >= L.in_pktinfo.size) {
      const P = L.in_pktinfo;
      return {
        kind: "pktinfo",
        ifindex: view.getUint32(P.ipi_ifindex, true),
        spec_dst: inet_ntop(AF_INET, data.subarray(P.ipi_spec_dst, P.ipi_spec_dst + 4)),
        addr: inet_ntop(AF_INET, data.subarray(P.ipi_addr, P.ipi_addr + 4)),
      };
    }
    // Linux sends IP_TTL as an int; macOS sends IP_RECVTTL as one byte
    if ((type === C.IP_TTL && n >= 4) || (type === C.IP_RECVTTL && n >= 1)) {
      return { kind: "ttl", ttl: n >= 4 ? view.getInt32(0, true) : data[0] };
    }
    if (type === C.IP_RECVERR && C.IP_RECVERR !== 0) return recverr(data, view);
    return null;
  }
  if (level === IPPROTO_IPV6) {
    if (type === C.IPV6_PKTINFO && n >= L.in6_pktinfo.size) {
      const P = L.in6_pktinfo;
      return {
        kind: "pktinfo6",
        addr: inet_ntop(AF_INET6, data.subarray(P.ipi6_addr, P.ipi6_addr + 16)),
        ifindex: view.getUint32(P.ipi6_ifindex, true),
      };
    }
    if (type === C.IPV6_HOPLIMIT && n >= 4) return { kind: "hoplimit", hoplimit: view.getInt32(0, true) };
    if (type === C.IPV6_RECVERR && C.IPV6_RECVERR !== 0) return recverr(data, view);
    return null;
  }
  if (level === C.SOL_UDP && C.SOL_UDP !== 0 && type === C.UDP_GRO && n >= 4) {
    return { kind: "gro", segment: view.getInt32(0, true) };
  }
  return null;
}

function recverr(data: Uint8Array, view: DataView): Cmsg | null {
  const X = L.sock_extended_err;
  if (X === null || data.byteLength < X.size) return null;
  // SO_EE_OFFENDER: a sockaddr right after the struct (family 0: none)
  const rest = data.subarray(X.size);
  const family = rest.byteLength >= 2 ? new DataView(rest.buffer, rest.byteOffset).getUint16(0, true) : 0;
  let offender: Address | null = null;
  if (family === AF_INET || family === AF_INET6) {
    try {
      offender = decodeAddress(rest, rest.byteLength);
    } catch {
      offender = null; // cut short: MSG_CTRUNC
    }
  }
  return {
    kind: "recverr",
    errno: view.getUint32(X.ee_errno, true),
    origin: data[X.ee_origin],
    type: data[X.ee_type],
    code: data[X.ee_code],
    info: view.getUint32(X.ee_info, true),
    data: view.getUint32(X.ee_data, true),
    offender,
  };
}

/**
 * Sends `buffers` with the descriptors `fds` (one `SCM_RIGHTS` item) over
 * an AF_UNIX socket, as CPython's `socket.send_fds`. Maps to one
 * `sendmsg(2)`; blocks like `sock.sendmsg`. The descriptors stay open here;
 * the receiver gets its own.
 *
 * @returns bytes sent (at least one byte must be sent with descriptors on a stream socket)
 * @throws {OSError} EBADF when a descriptor is not open, EAGAIN, ETIMEDOUT, EPIPE
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const [a, b] = usocket.socketpair();
 * using udp = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * console.log(usocket.send_fds(a, ["x"], [udp.fileno()])); // 1
 * const [, fds] = usocket.recv_fds(b, 1, 1);
 * new usocket.Socket(usocket.AF_INET, usocket.SOCK_DGRAM, 0, fds[0]).close(); // adopt, then close
 * a.close();
 * b.close();
 * ```
 */
export function send_fds(
  sock: Socket,
  buffers: Iterable<Data>,
  fds: Iterable<number>,
  flags = 0,
  address: Address | null = null,
): number {
  if (arguments.length > 5) surplus(arguments.length, 5, "send_fds(sock, buffers, fds, flags, address)");
  return sock.sendmsg(buffers, [cmsg_rights(fds)], flags, address);
}

/**
 * Receives up to `bufsize` bytes and up to `maxfds` descriptors, as
 * CPython's `socket.recv_fds`. Maps to one `recvmsg(2)` with room for
 * `maxfds` descriptors (`MSG_CMSG_CLOEXEC` on Linux: they are close-on-exec).
 * Descriptors beyond `maxfds` are closed by the kernel, which reports
 * `MSG_CTRUNC` in the flags; none leak. The caller owns the descriptors:
 * adopt each with `new Socket(af, type, 0, fd)` (or close it).
 *
 * @returns `[data, fds, msg_flags, address]`
 * @throws {OSError} EAGAIN, ETIMEDOUT, EBADF
 * @throws {RangeError} `maxfds` not in 0–65 536
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
 * a.send("no descriptors");
 * const [data, fds, flags] = usocket.recv_fds(b, 64, 4);
 * console.log(data.length, fds, flags); // 14 [] 0
 * a.close();
 * b.close();
 * ```
 */
export function recv_fds(sock: Socket, bufsize: number, maxfds: number, flags = 0): [
  Uint8Array,
  number[],
  number,
  Address | null,
] {
  if (arguments.length > 4) surplus(arguments.length, 4, "recv_fds(sock, bufsize, maxfds, flags)");
  int(maxfds, "maxfds", 0, 65536);
  const [data, anc, msgFlags, address] = sock.recvmsg(bufsize, maxfds === 0 ? 0 : cmsgLen(maxfds * 4), flags);
  // CMSG_LEN, as CPython: CMSG_SPACE's padding would hold one more descriptor on Linux
  const fds: number[] = [];
  for (const item of anc) {
    if (item[0] === SOL_SOCKET && item[1] === SCM_RIGHTS) {
      const d = decode_cmsg(item);
      if (d?.kind === "rights") fds.push(...d.fds);
    }
  }
  return [data, fds, msgFlags, address];
}

/**
 * The credentials of the process at the other end of a connected AF_UNIX
 * socket, from when it connected (or called `socketpair`): `[pid, uid,
 * gid]`. Maps to `getsockopt(SOL_SOCKET, SO_PEERCRED)` (Linux); the raw 12
 * bytes, as CPython gives them, are `sock.getsockopt(SOL_SOCKET,
 * SO_PEERCRED, 12)`.
 *
 * @throws {OSError} ENOPROTOOPT on an OS without SO_PEERCRED (macOS), ENOTCONN, EBADF
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const [a, b] = usocket.socketpair();
 * const [pid] = usocket.peercred(a);
 * console.log(pid > 0); // true: this process
 * a.close();
 * b.close();
 * ```
 */
export function peercred(sock: Socket): [pid: number, uid: number, gid: number] {
  if (arguments.length > 1) surplus(arguments.length, 1, "peercred(sock)");
  const U = needUcred();
  const raw = sock.getsockopt(SOL_SOCKET, C.SO_PEERCRED, U.size);
  if (raw.byteLength < U.size) throw new OSError(E.EINVAL, `SO_PEERCRED gave ${raw.byteLength} bytes`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return [view.getInt32(U.pid, true), view.getUint32(U.uid, true), view.getUint32(U.gid, true)];
}
