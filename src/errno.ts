/**
 * errno values of the host, as MicroPython's `errno` module gives them.
 *
 * @example Catch a refused connection
 * ```ts
 * import * as usocket from "../mod.ts";
 * const { errno } = usocket;
 * const s = usocket.socket();
 * try {
 *   s.connect(["127.0.0.1", 1]);
 * } catch (e) {
 *   if (e instanceof usocket.OSError && e.errno === errno.ECONNREFUSED) console.log("refused");
 * } finally {
 *   s.close();
 * }
 * ```
 *
 * @module
 */
import { E } from "./platform/mod.ts";

/** Operation not permitted. */
export const EPERM: number = E.EPERM;
/** No such file or directory. */
export const ENOENT: number = E.ENOENT;
/** Interrupted system call (retried inside this module). */
export const EINTR: number = E.EINTR;
/** Input/output error. */
export const EIO: number = E.EIO;
/** Bad file descriptor: also raised by every method of a closed socket. */
export const EBADF: number = E.EBADF;
/** Resource temporarily unavailable: a non-blocking call found nothing ready. */
export const EAGAIN: number = E.EAGAIN;
/** Same as {@linkcode EAGAIN} on Linux and macOS. */
export const EWOULDBLOCK: number = E.EAGAIN;
/** Cannot allocate memory. */
export const ENOMEM: number = E.ENOMEM;
/** Permission denied. */
export const EACCES: number = E.EACCES;
/** No such device: an unknown interface name (`if_nametoindex`, `SO_BINDTODEVICE`, AF_PACKET addresses). */
export const ENODEV: number = E.ENODEV;
/** No such device or address: an unknown interface index (`if_indextoname`). */
export const ENXIO: number = E.ENXIO;
/** Illegal seek: a pipe or a socket given to `sendfile` as the file. */
export const ESPIPE: number = E.ESPIPE;
/** Bad message: a netlink reply that is cut short or malformed (`parse_nlmsgs`, `rtattrs`). */
export const EBADMSG: number = E.EBADMSG;
/** Bad address. */
export const EFAULT: number = E.EFAULT;
/** File exists. */
export const EEXIST: number = E.EEXIST;
/** Not a directory. */
export const ENOTDIR: number = E.ENOTDIR;
/** Is a directory. */
export const EISDIR: number = E.EISDIR;
/** Invalid argument. */
export const EINVAL: number = E.EINVAL;
/** Too many open files in the system. */
export const ENFILE: number = E.ENFILE;
/** Too many open files in this process. */
export const EMFILE: number = E.EMFILE;
/** No space left on device. */
export const ENOSPC: number = E.ENOSPC;
/** Broken pipe: writing to a connection the peer closed. */
export const EPIPE: number = E.EPIPE;
/** Result too large. */
export const ERANGE: number = E.ERANGE;
/** File name too long. */
export const ENAMETOOLONG: number = E.ENAMETOOLONG;
/** Function not implemented. */
export const ENOSYS: number = E.ENOSYS;
/** Not a socket. */
export const ENOTSOCK: number = E.ENOTSOCK;
/** Destination address required. */
export const EDESTADDRREQ: number = E.EDESTADDRREQ;
/** Message too long. */
export const EMSGSIZE: number = E.EMSGSIZE;
/** Protocol wrong type for socket. */
export const EPROTOTYPE: number = E.EPROTOTYPE;
/** Protocol not available (unknown socket option). */
export const ENOPROTOOPT: number = E.ENOPROTOOPT;
/** Protocol not supported. */
export const EPROTONOSUPPORT: number = E.EPROTONOSUPPORT;
/** Operation not supported. */
export const EOPNOTSUPP: number = E.EOPNOTSUPP;
/** Address family not supported. */
export const EAFNOSUPPORT: number = E.EAFNOSUPPORT;
/** Address already in use. */
export const EADDRINUSE: number = E.EADDRINUSE;
/** Cannot assign requested address. */
export const EADDRNOTAVAIL: number = E.EADDRNOTAVAIL;
/** Network is down. */
export const ENETDOWN: number = E.ENETDOWN;
/** Network is unreachable. */
export const ENETUNREACH: number = E.ENETUNREACH;
/** Connection aborted. */
export const ECONNABORTED: number = E.ECONNABORTED;
/** Connection reset by peer. */
export const ECONNRESET: number = E.ECONNRESET;
/** No buffer space available. */
export const ENOBUFS: number = E.ENOBUFS;
/** Socket is already connected. */
export const EISCONN: number = E.EISCONN;
/** Socket is not connected. */
export const ENOTCONN: number = E.ENOTCONN;
/** Cannot send after shutdown. */
export const ESHUTDOWN: number = E.ESHUTDOWN;
/** Timed out: raised when a `settimeout()` deadline passes. */
export const ETIMEDOUT: number = E.ETIMEDOUT;
/** Connection refused. */
export const ECONNREFUSED: number = E.ECONNREFUSED;
/** Host is down. */
export const EHOSTDOWN: number = E.EHOSTDOWN;
/** No route to host. */
export const EHOSTUNREACH: number = E.EHOSTUNREACH;
/** Operation already in progress. */
export const EALREADY: number = E.EALREADY;
/** Operation now in progress: a non-blocking `connect()` has started. */
export const EINPROGRESS: number = E.EINPROGRESS;

/**
 * errno number → name, for every errno this host's table knows
 * (MicroPython's `errno.errorcode`).
 *
 * @example
 * ```ts
 * import { errno } from "../mod.ts";
 * console.log(errno.errorcode[errno.ECONNREFUSED]); // "ECONNREFUSED"
 * ```
 */
export const errorcode: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(Object.entries(E).map(([name, n]) => [n, name])),
);
