/**
 * The socket class: MicroPython's `usocket.socket` over libc.
 *
 * A {@linkcode Socket} is a {@linkcode Stream}: the stream methods (`read`,
 * `readinto`, `readline`, `write`) and the readline buffer live in
 * `stream.ts`, over this class's two primitives (`_recvInto`, `_sendFrom`).
 * Every syscall that may block or fail with EAGAIN/EINTR goes through
 * `sockCall` (`call.ts`, CPython's `sock_call`), which owns timeouts, EINTR
 * and EAGAIN; `connect` and `close` do not, and say why. Received bytes land
 * in the arenas of `arena.ts`; addresses are encoded by the codecs of
 * `address/`.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { MAX_IO } from "../ffi/symbols.ts";
import { type Address, decodeAddress, encodeAddress, familyName, SOCKADDR_MAX } from "./address/mod.ts";
import { received, recvTarget } from "./arena.ts";
import { bufferOf, bytesOf, int, surplus, typeName } from "./args.ts";
import {
  addrBuf,
  addrLen,
  armedTimeout,
  deadlineFor,
  msgBuf,
  NOSIGNAL,
  OP_ACCEPT,
  OP_RECV,
  OP_RECVFROM,
  OP_RECVMMSG,
  OP_RECVMSG,
  OP_SEND,
  OP_SENDMMSG,
  OP_SENDMSG,
  OP_SENDTO,
  sockCall,
} from "./call.ts";
import { DatagramBatch, needMmsg } from "./mmsg.ts";
import {
  ANCBUF_MAX,
  ancdata,
  type AncItem,
  ancItems,
  controlBuffer,
  encodeControl,
  ioBuffers,
  msgFlags,
  msgNameLen,
  packMsg,
  RECV_CLOEXEC,
} from "./msghdr.ts";
import { OSError, raiseErrno } from "./os_error.ts";
import { C, E, L, Q } from "./platform/mod.ts";
import type { Pollable } from "./pollable.ts";
import { fileArg, sendFile } from "./sendfile.ts";
import { type Data, Stream } from "./stream.ts";
import { waitFd } from "./wait.ts";

export type { Data } from "./stream.ts";

/** A socket option value: an integer (or boolean), or raw bytes. */
export type OptionValue = number | boolean | ArrayBufferView;

const { EAGAIN, EINTR, EINPROGRESS, ETIMEDOUT, EBADF } = E;
const POLLOUT = C.POLLOUT;
const MSG_PEEK = C.MSG_PEEK, MSG_WAITALL = C.MSG_WAITALL, MSG_DONTWAIT = C.MSG_DONTWAIT;
const MSG_WAITFORONE = C.MSG_WAITFORONE;
/** Or-ed into the type of every socket this module creates: close-on-exec where the type takes it (Linux). */
const CLOEXEC_TYPE = Q.socketTypeFlags ? C.SOCK_CLOEXEC : 0;
const SOCK_STREAM = C.SOCK_STREAM;
const TYPE_FLAGS = C.SOCK_NONBLOCK | C.SOCK_CLOEXEC;
const DEFAULT_BACKLOG = 128;

// Scratch memory shared by all sockets of this thread. Every call is
// synchronous and none re-enters another, so one of each is enough.
const addrLenBytes = new Uint8Array(addrLen.buffer);
const optBuf = new Uint8Array(256);
const optInt = new Int32Array(optBuf.buffer, 0, 1);
const optView = new DataView(optBuf.buffer);
const optLen = new Uint32Array(1);
const optLenBytes = new Uint8Array(optLen.buffer);
const EMPTY = new Uint8Array(0);

/**
 * Set by accept() and socketpair() around `new Socket(…, fd)`: the
 * descriptor is new, made by this module, so its O_NONBLOCK is the type's
 * SOCK_NONBLOCK (no `fcntl(2)` to ask), it has no timeout, and it still needs
 * {@linkcode prepare}'s close-on-exec where the type could not carry it.
 */
let adoptingNew = false;

/** Closes descriptors of sockets that were garbage-collected while open. */
const finalizer = new FinalizationRegistry<number>((fd) => {
  libc.close(fd);
});

/**
 * Makes a descriptor safe for this module, per the OS's quirks: without
 * SOCK_CLOEXEC (macOS) a new descriptor (`fresh`) gets FD_CLOEXEC
 * (`fcntl(2)`); without MSG_NOSIGNAL (macOS) every socket gets SO_NOSIGPIPE
 * (`setsockopt(2)`), so that a write to a closed peer raises EPIPE instead
 * of killing the process. Nothing to do on Linux. Raises OSError.
 */
function prepare(fd: number, fresh: boolean): void {
  if (fresh && !Q.socketTypeFlags && libc.fcntl(fd, C.F_SETFD, C.FD_CLOEXEC) < 0) raiseErrno();
  if (!Q.msgNosignal) {
    optInt[0] = 1;
    if (libc.setsockopt(fd, C.SOL_SOCKET, C.SO_NOSIGPIPE, optBuf, 4) < 0) raiseErrno();
  }
}
/**
 * A BSD socket. Create one with {@linkcode socket} (or `new Socket(af, type,
 * proto)`); accepted connections come from {@linkcode Socket.accept}.
 *
 * Blocking calls block the calling thread and return values, not Promises;
 * run a server in a Worker to do two things at once.
 *
 * Received bytes come back as `Uint8Array`s, which may be views of a shared
 * arena (their `.buffer` is the arena), as Node's `Buffer` pool: results up
 * to 4 KiB of a 64 KiB arena, results of 4 KiB to 256 KiB of a 1 MiB arena.
 * That keeps receives cheap; a kept view keeps its arena alive, so `.slice()`
 * a result you hold on to alone.
 *
 * Differs from CPython: the socket is its own stream (`read`, `readinto`,
 * `readline`, `write`) as in MicroPython, and `makefile()` returns the socket
 * itself; timeouts raise `OSError(ETIMEDOUT)`, not `socket.timeout`.
 *
 * @example TCP client
 * ```ts
 * import * as usocket from "../mod.ts";
 * const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
 * s.settimeout(2);
 * try {
 *   s.connect(usocket.getaddrinfo("127.0.0.1", 8080)[0][4]);
 *   s.sendall("hello\n");
 *   console.log(s.readline());
 * } catch (e) {
 *   console.log("no server:", (e as Error).message);
 * } finally {
 *   s.close();
 * }
 * ```
 */
export class Socket extends Stream implements Pollable {
  #fd: number;
  readonly #family: number;
  readonly #type: number;
  readonly #proto: number;
  /** -1: blocking, 0: non-blocking, > 0: timeout in seconds. */
  #timeout = -1;
  /** Whether the descriptor itself has O_NONBLOCK set. */
  #fdNonblock = false;
  /** The timeout whose SO_RCVTIMEO/SO_SNDTIMEO the descriptor carries, in seconds (0: none; NaN: unknown). */
  #kernelTimeout = 0;
  /** Called on close (pollers forget the fd). */
  #closeHooks: Set<(s: Socket) => void> | null = null;

  /**
   * Creates a socket. Maps to `socket(2)` (with `SOCK_CLOEXEC`), or adopts
   * `fileno` when given (CPython's `socket(..., fileno)`; the socket then owns
   * and will close that descriptor; `fcntl(2)` reads its blocking mode).
   *
   * @param af address family: `AF_INET` (default), `AF_INET6`, `AF_UNIX`
   * @param type `SOCK_STREAM` (default), `SOCK_DGRAM`, `SOCK_RAW`; on Linux
   *   `SOCK_NONBLOCK` may be or-ed in (the socket starts non-blocking)
   * @param proto protocol number, normally 0
   * @param fileno an open descriptor to adopt instead of creating one
   * @throws {OSError} EAFNOSUPPORT, EPROTONOSUPPORT, EMFILE, EACCES, … from `socket(2)`
   * @example
   * ```ts
   * import { AF_INET6, SOCK_DGRAM, Socket } from "../mod.ts";
   * using s = new Socket(AF_INET6, SOCK_DGRAM);
   * console.log(String(s)); // <socket fd=3 AF_INET6 SOCK_DGRAM>
   * ```
   */
  constructor(af: number = C.AF_INET, type: number = SOCK_STREAM, proto = 0, fileno?: number) {
    if (arguments.length > 4) surplus(arguments.length, 4, "new Socket(af, type, proto, fileno)");
    super();
    af = int(af, "af");
    type = int(type, "type");
    proto = int(proto, "proto");
    const created = fileno === undefined || fileno === null;
    let fd: number;
    if (created) {
      fd = libc.socket(af, type | CLOEXEC_TYPE, proto);
      if (fd < 0) raiseErrno();
    } else {
      fd = int(fileno, "fileno", 0);
    }
    this.#fd = fd;
    this.#family = af;
    this.#type = type & ~TYPE_FLAGS;
    this.#proto = proto;
    finalizer.register(this, fd, this);
    try {
      if (created || adoptingNew) {
        prepare(fd, true);
        if (type & C.SOCK_NONBLOCK) {
          this.#timeout = 0;
          this.#fdNonblock = true;
        }
      } else {
        prepare(fd, false);
        const fl = libc.fcntl(fd, C.F_GETFL, 0);
        if (fl < 0) raiseErrno();
        if (fl & C.O_NONBLOCK) {
          this.#timeout = 0;
          this.#fdNonblock = true;
        }
        // an adopted descriptor may carry SO_RCVTIMEO/SO_SNDTIMEO (set by another
        // socket object, or a parent process): unknown, so settimeout() rewrites it
        this.#kernelTimeout = NaN;
      }
    } catch (e) {
      // a created descriptor is closed here; an adopted one stays its owner's
      this.#fd = -1;
      finalizer.unregister(this);
      if (created) libc.close(fd);
      throw e;
    }
  }

  /** The descriptor, or `OSError(EBADF)` if closed. */
  #live(): number {
    const fd = this.#fd;
    if (fd < 0) throw new OSError(EBADF);
    return fd;
  }

  // ---- the stream primitives (see Stream) ----

  /** @internal One `recv(2)` step; `all` on a blocking stream socket adds MSG_WAITALL (one syscall for the whole count). */
  protected override _recvInto(buf: Uint8Array, len: number, all: boolean, deadline: number, first: boolean): number {
    const t = this.#timeout;
    const flags = all && t !== 0 && this.#type === SOCK_STREAM ? MSG_WAITALL : 0;
    return sockCall(this.#live(), t, OP_RECV, buf, len, flags, deadline, first, 0);
  }

  /** @internal One `send(2)` step, with MSG_NOSIGNAL. */
  protected override _sendFrom(buf: Uint8Array, len: number, flags: number, deadline: number, first: boolean): number {
    return sockCall(this.#live(), this.#timeout, OP_SEND, buf, len, flags | NOSIGNAL, deadline, first, 0);
  }

  /** @internal Raises EBADF when closed; the operation's deadline. */
  protected override _start(): number {
    this.#live();
    return deadlineFor(this.#timeout);
  }

  /** @internal */
  protected override _nonblocking(): boolean {
    return this.#timeout === 0;
  }

  /** @internal */
  protected override _datagram(): boolean {
    return this.#type !== SOCK_STREAM;
  }

  /**
   * Serves a receive from the readline buffer, which holds bytes: up to `n`
   * of them into `dst` (kept there with MSG_PEEK). Returns the count. No
   * syscall. Raises EBADF when closed.
   */
  #fromBuffer(dst: Uint8Array, n: number, flags: number): number {
    this.#live();
    return this._takeBuffered(dst, 0, n, (flags & MSG_PEEK) !== 0);
  }

  /** {@linkcode Socket.#fromBuffer} into a new array of up to `bufsize` bytes. */
  #bufferedBytes(bufsize: number, flags: number): Uint8Array {
    const pending = this._pending();
    const out = new Uint8Array(bufsize < pending ? bufsize : pending);
    this.#fromBuffer(out, out.length, flags);
    return out;
  }

  // ---- modes ----
  /**
   * Sets SO_RCVTIMEO and SO_SNDTIMEO for a timeout of `t` seconds (0: none):
   * to {@linkcode armedTimeout}`(t)`. `#kernelTimeout` records `t`.
   */
  #setKernelTimeout(t: number): void {
    if (this.#kernelTimeout === t) return;
    const l = L.timeval;
    optBuf.fill(0, 0, l.size);
    const k = armedTimeout(t);
    let sec = Math.floor(k), usec = Math.round((k - sec) * 1e6);
    if (usec >= 1e6) (sec += 1, usec = 0);
    if (t > 0 && sec === 0 && usec === 0) usec = 1; // {0, 0} would mean "no timeout"
    if (sec > 0x7fffffff) sec = 0x7fffffff;
    // little-endian; both values < 2^31, so a 64-bit field's high half stays 0
    optView.setInt32(l.tv_sec, sec, true);
    optView.setInt32(l.tv_usec, usec, true);
    const fd = this.#fd;
    if (libc.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVTIMEO, optBuf, l.size) < 0) raiseErrno();
    if (libc.setsockopt(fd, C.SOL_SOCKET, C.SO_SNDTIMEO, optBuf, l.size) < 0) raiseErrno();
    this.#kernelTimeout = t;
  }

  #setFdNonblock(on: boolean): void {
    if (this.#fdNonblock === on) return;
    const fd = this.#fd;
    const fl = libc.fcntl(fd, C.F_GETFL, 0);
    if (fl < 0) raiseErrno();
    if (libc.fcntl(fd, C.F_SETFL, on ? fl | C.O_NONBLOCK : fl & ~C.O_NONBLOCK) < 0) raiseErrno();
    this.#fdNonblock = on;
  }

  // ---- lifecycle ----

  /**
   * Closes the socket. Maps to `close(2)`. Idempotent: a second call does
   * nothing. Afterwards every other method raises `OSError(EBADF)` and
   * `fileno()` is -1. Pollers the socket is registered with report POLLNVAL
   * for it and never poll its old descriptor number again.
   *
   * Does not block (unless SO_LINGER is set with a non-zero time).
   *
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const s = usocket.socket();
   * s.close();
   * s.close(); // no-op
   * console.log(s.fileno()); // -1
   * ```
   */
  close(): void {
    if (arguments.length > 0) surplus(arguments.length, 0, "Socket.close()");
    const fd = this.#fd;
    if (fd < 0) return;
    this.#release();
    // Not sockCall: close(2) is never retried. After EINTR Linux has already
    // released the number, and a retry could close another thread's new descriptor.
    if (libc.close(fd) < 0) {
      const e = libc.errno();
      if (e !== EINTR) throw new OSError(e); // the descriptor is released either way
    }
  }

  /** Forgets the descriptor: no finalizer, no buffered bytes, pollers told. */
  #release(): void {
    finalizer.unregister(this);
    this.#fd = -1;
    this._dropBuffered();
    const hooks = this.#closeHooks;
    if (hooks !== null) {
      this.#closeHooks = null;
      for (const h of hooks) h(this);
    }
  }
  /**
   * Gives up ownership of the descriptor and returns it, as CPython's
   * `detach()`: the socket behaves as closed but the descriptor stays open.
   *
   * @returns the descriptor, or -1 if already closed
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const s = usocket.socket();
   * const fd = s.detach();
   * const t = new usocket.Socket(usocket.AF_INET, usocket.SOCK_STREAM, 0, fd); // adopt it
   * t.close();
   * ```
   */
  detach(): number {
    if (arguments.length > 0) surplus(arguments.length, 0, "Socket.detach()");
    const fd = this.#fd;
    if (fd >= 0) this.#release();
    return fd;
  }

  /** Same as {@linkcode Socket.close}: `using s = usocket.socket()` closes at scope end. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * The descriptor number, or -1 once closed. Does not block; no syscall.
   *
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * console.log(s.fileno() >= 0); // true
   * ```
   */
  fileno(): number {
    if (arguments.length > 0) surplus(arguments.length, 0, "Socket.fileno()");
    return this.#fd;
  }

  /** The address family (`AF_INET`, …), as CPython's `socket.family`. */
  get family(): number {
    return this.#family;
  }

  /** The socket type (`SOCK_STREAM`, …) without creation flags, as CPython's `socket.type`. */
  get type(): number {
    return this.#type;
  }

  /** The protocol number given at creation, as CPython's `socket.proto`. */
  get proto(): number {
    return this.#proto;
  }

  /** `<socket fd=5 AF_INET SOCK_STREAM>`; `[closed]` is added once closed. */
  override toString(): string {
    const t = this.#type === SOCK_STREAM
      ? "SOCK_STREAM"
      : this.#type === C.SOCK_DGRAM
      ? "SOCK_DGRAM"
      : this.#type === C.SOCK_RAW
      ? "SOCK_RAW"
      : `type=${this.#type}`;
    const p = this.#proto ? ` proto=${this.#proto}` : "";
    return `<socket fd=${this.#fd} ${familyName(this.#family)} ${t}${p}${this.#fd < 0 ? " [closed]" : ""}>`;
  }

  /** @internal Deno's console.log shows `toString()`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** @internal Bun's (Node's) console.log shows `toString()`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- addresses ----

  /**
   * Binds the socket to `address`. Maps to `bind(2)`. Does not block.
   *
   * @param address `[host, port]` (`""` host = any address), an IPv6 tuple,
   *   an AF_UNIX path, or a raw sockaddr `Uint8Array`
   * @throws {OSError} EADDRINUSE, EADDRNOTAVAIL, EACCES, EINVAL (already bound), EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * s.bind(["127.0.0.1", 0]); // port 0: the kernel picks one
   * console.log(s.getsockname());
   * ```
   */
  bind(address: Address): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "Socket.bind(address)");
    const len = encodeAddress(this.#family, address, addrBuf);
    const fd = this.#live();
    if (libc.bind(fd, addrBuf, len) < 0) raiseErrno();
  }

  /**
   * Lets a bound stream socket accept connections. Maps to `listen(2)`.
   * Does not block.
   *
   * @param backlog pending connections the kernel queues; below 0 means 0;
   *   default 128 (capped by the kernel's somaxconn)
   * @throws {OSError} EADDRINUSE, EOPNOTSUPP (not a stream socket), EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * s.bind(["127.0.0.1", 0]);
   * s.listen();
   * ```
   */
  listen(backlog: number = DEFAULT_BACKLOG): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "Socket.listen(backlog)");
    backlog = int(backlog, "backlog");
    const fd = this.#live();
    if (libc.listen(fd, backlog < 0 ? 0 : backlog) < 0) raiseErrno();
  }

  /**
   * Accepts a connection. Maps to `accept4(2)` (`accept(2)` on macOS); with
   * a timeout the kernel waits (SO_RCVTIMEO), and the new socket's inherited
   * timeouts are cleared with `setsockopt(2)`.
   *
   * Blocks until a client connects (blocking mode), up to the timeout
   * (`OSError(ETIMEDOUT)`), or not at all (non-blocking: `OSError(EAGAIN)`).
   * The new socket starts blocking, with no timeout, whatever the listener's
   * mode.
   *
   * @returns `[conn, address]`: the connected socket and the client's address
   * @throws {OSError} EAGAIN, ETIMEDOUT, EINVAL (not listening), EMFILE, ECONNABORTED, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using srv = usocket.socket();
   * srv.bind(["127.0.0.1", 0]);
   * srv.listen();
   * using cli = usocket.socket();
   * cli.connect(srv.getsockname());
   * const [conn, addr] = srv.accept();
   * console.log(addr); // ["127.0.0.1", 40000-ish]
   * conn.close();
   * ```
   */
  accept(): [Socket, Address] {
    if (arguments.length > 0) surplus(arguments.length, 0, "Socket.accept()");
    const t = this.#timeout;
    const r = sockCall(this.#live(), t, OP_ACCEPT, EMPTY, 0, 0, deadlineFor(t), true, 0);
    if (r < 0) throw new OSError(-r);
    const address = decodeAddress(addrBuf, addrLen[0]);
    let conn: Socket | undefined;
    adoptingNew = true;
    try {
      conn = new Socket(this.#family, this.#type, this.#proto, r);
      adoptingNew = false;
      if (Q.acceptInheritsNonblock && this.#fdNonblock) {
        // macOS: accept(2) gave it the listener's O_NONBLOCK; it starts blocking
        conn.#fdNonblock = true;
        conn.#setFdNonblock(false);
      }
      if (this.#kernelTimeout !== 0) {
        // it inherited the listener's SO_RCVTIMEO/SO_SNDTIMEO: it starts with no timeout
        conn.#kernelTimeout = this.#kernelTimeout;
        conn.#setKernelTimeout(0);
      }
    } catch (e) {
      if (conn) conn.close();
      else libc.close(r);
      throw e;
    } finally {
      adoptingNew = false;
    }
    return [conn, address];
  }
  /**
   * Connects to `address`. Maps to `connect(2)`; with a timeout, then
   * `poll(2)` for writability and `getsockopt(SO_ERROR)` for the outcome.
   *
   * Blocks until connected or refused (blocking), up to the timeout
   * (`OSError(ETIMEDOUT)`), or not at all: a non-blocking socket raises
   * `OSError(EINPROGRESS)` and completes in the background (poll for
   * POLLOUT, then read `getsockopt(SOL_SOCKET, SO_ERROR)`).
   *
   * @param address an address tuple (a numeric host: resolve names with
   *   `getaddrinfo()` first), an AF_UNIX path or a raw sockaddr
   * @throws {OSError} ECONNREFUSED, ETIMEDOUT, EINPROGRESS, ENETUNREACH, EISCONN, EBADF, …
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * try {
   *   s.connect(["127.0.0.1", 1]);
   * } catch (e) {
   *   console.log((e as usocket.OSError).errno === usocket.errno.ECONNREFUSED);
   * }
   * ```
   */
  connect(address: Address): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "Socket.connect(address)");
    const len = encodeAddress(this.#family, address, addrBuf);
    const fd = this.#live();
    // Not sockCall: connect(2) is never retried. After EINTR or EINPROGRESS the
    // attempt goes on in the kernel and a second call reports only its state
    // (EALREADY); the outcome is waited for (POLLOUT) and read from SO_ERROR.
    const deadline = deadlineFor(this.#timeout);
    const timed = this.#timeout > 0;
    if (timed) this.#setFdNonblock(true); // wait with poll(2) for the deadline, not the kernel's timeout
    try {
      if (libc.connect(fd, addrBuf, len) === 0) return;
      const e = libc.errno();
      // EINTR: the connection goes on in the kernel; wait for it as for EINPROGRESS
      if (e !== EINPROGRESS && e !== EINTR) throw new OSError(e);
      if (this.#timeout === 0) throw new OSError(EINPROGRESS);
      if (waitFd(fd, POLLOUT, timed ? deadline : -1) < 0) throw new OSError(ETIMEDOUT);
    } finally {
      if (timed) this.#setFdNonblock(false);
    }
    const err = this.getsockopt(C.SOL_SOCKET, C.SO_ERROR) as number;
    if (err !== 0) throw new OSError(err);
  }
  /**
   * Like {@linkcode Socket.connect} but returns the errno instead of raising
   * it (0 on success), as CPython's `connect_ex()`. Bad arguments still throw.
   *
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * s.setblocking(false);
   * console.log(s.connect_ex(["127.0.0.1", 1])); // EINPROGRESS or ECONNREFUSED
   * ```
   */
  connect_ex(address: Address): number {
    if (arguments.length > 1) surplus(arguments.length, 1, "Socket.connect_ex(address)");
    try {
      this.connect(address);
      return 0;
    } catch (e) {
      if (e instanceof OSError) return e.errno;
      throw e;
    }
  }

  /**
   * The socket's own address. Maps to `getsockname(2)`. Does not block.
   *
   * @throws {OSError} EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * s.bind(["127.0.0.1", 0]);
   * const [host, port] = s.getsockname() as [string, number];
   * console.log(host, port > 0);
   * ```
   */
  getsockname(): Address {
    if (arguments.length > 0) surplus(arguments.length, 0, "Socket.getsockname()");
    const fd = this.#live();
    addrLen[0] = SOCKADDR_MAX;
    if (libc.getsockname(fd, addrBuf, addrLenBytes) < 0) raiseErrno();
    return decodeAddress(addrBuf, Math.min(addrLen[0], SOCKADDR_MAX));
  }

  /**
   * The connected peer's address. Maps to `getpeername(2)`. Does not block.
   *
   * @throws {OSError} ENOTCONN, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * try {
   *   s.getpeername();
   * } catch (e) {
   *   console.log((e as usocket.OSError).errno === usocket.errno.ENOTCONN);
   * }
   * ```
   */
  getpeername(): Address {
    if (arguments.length > 0) surplus(arguments.length, 0, "Socket.getpeername()");
    const fd = this.#live();
    addrLen[0] = SOCKADDR_MAX;
    if (libc.getpeername(fd, addrBuf, addrLenBytes) < 0) raiseErrno();
    return decodeAddress(addrBuf, Math.min(addrLen[0], SOCKADDR_MAX));
  }

  /**
   * Shuts down one or both directions. Maps to `shutdown(2)`. Does not block.
   *
   * @param how `SHUT_RD`, `SHUT_WR` (the peer reads EOF) or `SHUT_RDWR`
   * @throws {OSError} ENOTCONN, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * a.shutdown(usocket.SHUT_WR);
   * console.log(b.recv(10).length); // 0: EOF
   * a.close();
   * b.close();
   * ```
   */
  shutdown(how: number): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "Socket.shutdown(how)");
    how = int(how, "how", 0, 2);
    const fd = this.#live();
    if (libc.shutdown(fd, how) < 0) raiseErrno();
  }

  // ---- options and modes ----

  /**
   * Sets a socket option. Maps to `setsockopt(2)`. Does not block.
   *
   * @param level `SOL_SOCKET`, `IPPROTO_TCP`, `IPPROTO_IP`, `IPPROTO_IPV6`, …
   * @param optname `SO_REUSEADDR`, `TCP_NODELAY`, …
   * @param value an integer (or boolean), passed as a C `int`; or bytes, passed as they are
   *   (e.g. `struct linger` from `linger()`, `struct ip_mreq` from `ip_mreq()`)
   * @throws {OSError} ENOPROTOOPT (unknown option), EINVAL, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
   * ```
   */
  setsockopt(level: number, optname: number, value: OptionValue): void;
  /**
   * Sets a socket option with a NULL value of `optlen` bytes, as CPython's
   * `setsockopt(level, optname, None, optlen)` (options such as AF_ALG's
   * `ALG_SET_AEAD_AUTHSIZE` take only a length). Maps to `setsockopt(2)`.
   * Does not block.
   *
   * @param level option level
   * @param optname option name
   * @param value `null`
   * @param optlen the length passed with the NULL value (0 to 2³¹−1)
   * @throws {OSError} EFAULT (the option needs a value), EINVAL, ENOPROTOOPT, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * try {
   *   s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, null, 4);
   * } catch (e) {
   *   console.log((e as usocket.OSError).errno === usocket.errno.EFAULT); // true: this option needs its int
   * }
   * ```
   */
  setsockopt(level: number, optname: number, value: null, optlen: number): void;
  setsockopt(level: number, optname: number, value: OptionValue | null, optlen?: number): void {
    const nargs = arguments.length;
    if (nargs > 4) surplus(nargs, 4, "Socket.setsockopt(level, optname, value, optlen)");
    level = int(level, "level");
    optname = int(optname, "optname");
    let buf: Uint8Array | null, len: number;
    if (nargs === 4 || value === null) {
      if (value !== null) throw new TypeError(`value must be null when optlen is given, got ${typeName(value)}`);
      if (nargs < 4) {
        throw new TypeError("optlen is needed with a null value: setsockopt(level, optname, null, optlen)");
      }
      buf = null;
      len = int(optlen, "optlen", 0);
    } else if (typeof value === "boolean" || typeof value === "number") {
      const v = typeof value === "boolean" ? (value ? 1 : 0) : int(value, "value");
      optInt[0] = v;
      buf = optBuf;
      len = 4;
    } else if (ArrayBuffer.isView(value)) {
      buf = bytesOf(value, "value");
      len = buf.byteLength;
    } else {
      throw new TypeError(`value must be a number, a boolean, bytes or null, got ${typeName(value)}`);
    }
    const fd = this.#live();
    if (libc.setsockopt(fd, level, optname, buf, len) < 0) raiseErrno();
    if (level === C.SOL_SOCKET && (optname === C.SO_RCVTIMEO || optname === C.SO_SNDTIMEO)) {
      // the descriptor's timeout is settimeout()'s: a timed socket keeps its own
      this.#kernelTimeout = NaN;
      if (this.#timeout > 0) this.#setKernelTimeout(this.#timeout);
    }
  }

  /**
   * Reads a socket option. Maps to `getsockopt(2)`. Does not block.
   *
   * @param level option level
   * @param optname option name
   * @param buflen when given (1-256), the raw option bytes are returned
   *   (up to `buflen`); otherwise the option is read as a C `int`
   * @returns the integer value, or a `Uint8Array` when `buflen` is given
   * @throws {OSError} ENOPROTOOPT, EINVAL, EBADF
   * @example Outcome of a non-blocking connect
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * console.log(s.getsockopt(usocket.SOL_SOCKET, usocket.SO_ERROR)); // 0
   * ```
   */
  getsockopt(level: number, optname: number): number;
  /**
   * Reads a socket option's raw bytes (up to `buflen`, 1-256), e.g. a
   * `struct linger`. Maps to `getsockopt(2)`. Does not block.
   *
   * @throws {OSError} ENOPROTOOPT, EINVAL, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * console.log(usocket.parse_linger(s.getsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, 8))); // [false, 0]
   * ```
   */
  getsockopt(level: number, optname: number, buflen: number): Uint8Array;
  getsockopt(level: number, optname: number, buflen?: number): number | Uint8Array {
    if (arguments.length > 3) surplus(arguments.length, 3, "Socket.getsockopt(level, optname, buflen)");
    level = int(level, "level");
    optname = int(optname, "optname");
    if (buflen !== undefined) int(buflen, "buflen", 1, optBuf.length);
    const fd = this.#live();
    optBuf.fill(0, 0, buflen ?? 4);
    optLen[0] = buflen ?? 4;
    if (libc.getsockopt(fd, level, optname, optBuf, optLenBytes) < 0) raiseErrno();
    if (buflen !== undefined) return optBuf.slice(0, Math.min(optLen[0], buflen));
    return optInt[0];
  }

  /**
   * Sets the timeout of blocking operations. Maps to `fcntl(2)` F_SETFL
   * O_NONBLOCK when the blocking mode changes, and to `setsockopt(2)`
   * SO_RCVTIMEO/SO_SNDTIMEO when the timeout changes: the descriptor carries
   * the timeout, so a timed operation that completes in time is one syscall.
   *
   * - `null`: blocking, no timeout (exactly `setblocking(true)`);
   * - `0`: non-blocking (exactly `setblocking(false)`);
   * - `t > 0`: every operation not done within `t` seconds raises
   *   `OSError(ETIMEDOUT)`; one deadline covers a whole call (`sendall`,
   *   `read`, `readline`…), and bytes a timed-out read already received are
   *   kept for the next read.
   *
   * @param value seconds (a finite number ≥ 0) or `null`
   * @throws {RangeError} for negative, NaN or infinite values
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * s.settimeout(1.5);
   * console.log(s.gettimeout()); // 1.5
   * ```
   */
  settimeout(value: number | null): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "Socket.settimeout(value)");
    let t: number;
    if (value === null || value === undefined) t = -1;
    else if (typeof value !== "number") throw new TypeError(`timeout must be a number or null, got ${typeName(value)}`);
    else if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`timeout must be a finite number >= 0, got ${value}`);
    } else t = value;
    this.#live();
    this.#setFdNonblock(t === 0);
    if (t > 0) this.#setKernelTimeout(t);
    else if (t < 0) this.#setKernelTimeout(0);
    this.#timeout = t;
  }

  /**
   * The timeout in seconds, `0` when non-blocking, `null` when blocking.
   *
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * console.log(s.gettimeout()); // null
   * ```
   */
  gettimeout(): number | null {
    if (arguments.length > 0) surplus(arguments.length, 0, "Socket.gettimeout()");
    return this.#timeout < 0 ? null : this.#timeout;
  }

  /**
   * Sets blocking (`true`, same as `settimeout(null)`) or non-blocking
   * (`false`, same as `settimeout(0)`) mode. Maps to `fcntl(2)` when the mode
   * changes.
   *
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * s.setblocking(false);
   * console.log(s.gettimeout()); // 0
   * ```
   */
  setblocking(flag: boolean): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "Socket.setblocking(flag)");
    if (typeof flag !== "boolean" && typeof flag !== "number") {
      throw new TypeError(`flag must be a boolean, got ${typeName(flag)}`);
    }
    if (Number.isNaN(flag)) throw new RangeError("flag must be a boolean, got NaN");
    this.settimeout(flag ? null : 0);
  }

  /**
   * Returns the socket itself as its stream, as MicroPython does: closing
   * the "file" closes the socket. No syscall.
   *
   * @param mode `"rb"`, `"wb"` or `"rwb"`; any other mode is refused
   * @param buffering ignored (MicroPython streams are unbuffered)
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using s = usocket.socket();
   * console.log(s.makefile("rwb") === s); // true
   * ```
   */
  makefile(mode = "rb", buffering = 0): this {
    if (arguments.length > 2) surplus(arguments.length, 2, "Socket.makefile(mode, buffering)");
    if (mode !== "rb" && mode !== "wb" && mode !== "rwb") {
      throw new TypeError(`mode must be "rb", "wb" or "rwb" (binary modes only), got ${JSON.stringify(mode)}`);
    }
    if (typeof buffering !== "number") throw new TypeError("buffering must be a number");
    this.#live();
    return this;
  }

  // ---- sending ----

  /**
   * Sends data; returns how many bytes were sent (possibly fewer: a short
   * write). Maps to one `send(2)` (with `MSG_NOSIGNAL`); with a timeout the
   * kernel waits at most that long for room (SO_SNDTIMEO).
   *
   * Blocks until some bytes fit in the send buffer (blocking), up to the
   * timeout, or not at all (non-blocking: `OSError(EAGAIN)`). At most 1 GiB
   * is passed to one call.
   *
   * @param data bytes (any ArrayBufferView; a `Uint8Array` is sent without copying) or a string (UTF-8)
   * @param flags `MSG_*` flags
   * @throws {OSError} EAGAIN, ETIMEDOUT, EPIPE (peer closed), ECONNRESET, ENOTCONN, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * console.log(a.send("hi")); // 2
   * a.close();
   * b.close();
   * ```
   */
  send(data: Data, flags = 0): number {
    if (arguments.length > 2) surplus(arguments.length, 2, "Socket.send(data, flags)");
    const bytes = bytesOf(data, "data");
    if (flags !== 0) int(flags, "flags");
    const len = bytes.byteLength < MAX_IO ? bytes.byteLength : MAX_IO;
    const t = this.#timeout;
    const r = sockCall(this.#live(), t, OP_SEND, bytes, len, flags | NOSIGNAL, deadlineFor(t), true, 0);
    if (r < 0) throw new OSError(-r);
    return r;
  }
  /**
   * Sends all of `data`, chunk after chunk. Maps to `send(2)` in a loop (plus
   * `poll(2)` when a timeout is set and the buffer fills).
   *
   * Blocks until everything is sent (blocking) or up to the timeout for the
   * whole call (`OSError(ETIMEDOUT)`). On a non-blocking socket it raises
   * `OSError(EAGAIN)` if not everything could be sent at once (how much was
   * sent is then unknown: use `write()`, which returns the count).
   *
   * @throws {OSError} EAGAIN, ETIMEDOUT, EPIPE, ECONNRESET, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * a.sendall(new Uint8Array(1000));
   * console.log(b.read(1000)!.length); // 1000
   * a.close();
   * b.close();
   * ```
   */
  sendall(data: Data, flags = 0): void {
    if (arguments.length > 2) surplus(arguments.length, 2, "Socket.sendall(data, flags)");
    const bytes = bytesOf(data, "data");
    if (flags !== 0) int(flags, "flags");
    if (this._sendAll(bytes, flags) < bytes.byteLength) throw new OSError(EAGAIN);
  }
  /**
   * Sends a file's bytes, as CPython's `socket.sendfile(file, offset, count)`:
   * `count` bytes from `offset` (all to the end of the file when `count` is
   * `null`). Maps to `sendfile(2)` in a loop on Linux — the kernel copies the
   * file to the socket, no byte passes through JavaScript — with SIGPIPE
   * blocked around each call (`pthread_sigmask`; sendfile has no
   * MSG_NOSIGNAL); elsewhere, or for a file sendfile cannot splice from
   * (EINVAL), `pread(2)` and `send(2)`, 64 KiB at a time. Stream sockets
   * only; the file must be seekable (a pipe is `OSError(ESPIPE)`).
   *
   * Blocks until all is sent or the file ends (blocking), up to the timeout
   * for the whole call (`OSError(ETIMEDOUT)`). Unlike CPython, which refuses
   * non-blocking sockets, a non-blocking socket sends what fits now and
   * returns the count (`OSError(EAGAIN)` if nothing fits). Unlike CPython,
   * the file's position is neither read nor moved: pass `offset`.
   *
   * @param file an open descriptor (`fs.openSync(path)` in Deno, Bun or
   *   Node's `node:fs`) or a path, opened read-only and closed again
   * @param offset where to start in the file (default 0)
   * @param count how many bytes; `null` or absent: to the end of the file
   * @returns the bytes sent (fewer than `count` only at the end of the file,
   *   or non-blocking)
   * @throws {OSError} EAGAIN, ETIMEDOUT, EPIPE, ECONNRESET, EBADF (of the
   *   socket or the file), ESPIPE (a pipe or socket as the file), ENOENT/EACCES (opening a path)
   * @throws {TypeError} not a stream socket, or a bad argument (before any syscall)
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * console.log(a.sendfile(new URL(import.meta.url).pathname, 0, 6)); // 6
   * console.log(b.recv(6).length); // 6
   * a.close();
   * b.close();
   * ```
   */
  sendfile(file: number | string, offset = 0, count: number | null = null): number {
    if (arguments.length > 3) surplus(arguments.length, 3, "Socket.sendfile(file, offset, count)");
    int(offset, "offset", 0, Number.MAX_SAFE_INTEGER);
    if (count !== null && count !== undefined) int(count, "count", 0, Number.MAX_SAFE_INTEGER);
    if (this.#type !== SOCK_STREAM) {
      throw new TypeError("sendfile: only SOCK_STREAM sockets are supported (as CPython)");
    }
    const fd = this.#live();
    const [src, opened] = fileArg(file);
    try {
      const t = this.#timeout, deadline = deadlineFor(t);
      return sendFile(
        fd,
        t,
        deadline,
        src,
        offset,
        count ?? null,
        (buf, len, first) => this._sendFrom(buf, len, 0, deadline, first),
      );
    } finally {
      if (opened) libc.close(src);
    }
  }
  /**
   * Sends a datagram to `address`. Maps to `sendto(2)` (with `MSG_NOSIGNAL`).
   * Repeated sends to the same address tuple reuse its encoding.
   *
   * Blocks (rarely, for UDP) like {@linkcode Socket.send}.
   *
   * @param data the datagram
   * @param address a numeric address tuple, an AF_UNIX path or a raw sockaddr
   * @returns bytes sent
   * @throws {OSError} EMSGSIZE, EAGAIN, ETIMEDOUT, ECONNREFUSED (an earlier ICMP error), EACCES (broadcast without SO_BROADCAST), EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * tx.sendto("ping", rx.getsockname());
   * console.log(rx.recvfrom(64)[0].length); // 4
   * ```
   */
  sendto(data: Data, address: Address): number;
  /**
   * Sends a datagram to `address` with `flags` (`MSG_*`), as CPython's and
   * MicroPython's `sendto(bytes, flags, address)`. Maps to `sendto(2)` (with
   * `MSG_NOSIGNAL` added); otherwise as {@linkcode Socket.sendto}`(data, address)`.
   *
   * @param data the datagram
   * @param flags `MSG_*` flags (`MSG_DONTWAIT`, `MSG_DONTROUTE`, …)
   * @param address a numeric address tuple, an AF_UNIX path or a raw sockaddr
   * @returns bytes sent
   * @throws {OSError} EMSGSIZE, EAGAIN, ETIMEDOUT, ECONNREFUSED, EACCES, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * tx.sendto("ping", usocket.MSG_DONTWAIT, rx.getsockname());
   * console.log(rx.recvfrom(64)[0].length); // 4
   * ```
   */
  sendto(data: Data, flags: number, address: Address): number;
  sendto(data: Data, a: Address | number, b?: Address): number {
    const bytes = bytesOf(data, "data");
    let flags = NOSIGNAL, address = a;
    if (arguments.length > 2) {
      if (arguments.length > 3) surplus(arguments.length, 3, "Socket.sendto(data, flags, address)");
      flags |= int(a, "flags");
      address = b as Address;
    }
    const len = encodeAddress(this.#family, address, addrBuf);
    const fd = this.#live();
    const n = bytes.byteLength < MAX_IO ? bytes.byteLength : MAX_IO;
    const t = this.#timeout;
    const r = sockCall(fd, t, OP_SENDTO, bytes, n, flags, deadlineFor(t), true, len);
    if (r < 0) throw new OSError(-r);
    return r;
  }
  // ---- receiving ----

  /**
   * Receives up to `bufsize` bytes. Maps to one `recv(2)` (with a timeout,
   * the kernel waits at most that long: SO_RCVTIMEO). Bytes already buffered by `readline()`/`read()` are
   * returned first, without a syscall.
   *
   * Blocks until data or EOF arrive (blocking), up to the timeout
   * (`OSError(ETIMEDOUT)`), or not at all (non-blocking: `OSError(EAGAIN)`).
   *
   * @param bufsize the most bytes to return (0 to 1 GiB)
   * @param flags `MSG_PEEK`, `MSG_DONTWAIT`, `MSG_WAITALL`, …
   * @returns the bytes; empty at EOF. May be a view of a shared arena (see
   *   {@linkcode Socket}): copy with `.slice()` before transferring `.buffer`
   * @throws {OSError} EAGAIN, ETIMEDOUT, ECONNRESET, ENOTCONN, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * a.send("abc");
   * console.log(b.recv(16)); // Uint8Array(3) [97, 98, 99]
   * a.close();
   * b.close();
   * ```
   */
  recv(bufsize: number, flags = 0): Uint8Array {
    if (arguments.length > 2) surplus(arguments.length, 2, "Socket.recv(bufsize, flags)");
    int(bufsize, "bufsize", 0, MAX_IO);
    if (flags !== 0) int(flags, "flags");
    if (this._pending() > 0) return this.#bufferedBytes(bufsize, flags);
    const fd = this.#live();
    if (bufsize === 0) return new Uint8Array(0);
    const buf = recvTarget(bufsize);
    const t = this.#timeout;
    const r = sockCall(fd, t, OP_RECV, buf, bufsize, flags, deadlineFor(t), true, 0);
    if (r < 0) throw new OSError(-r);
    return received(buf, bufsize, r);
  }
  /**
   * Receives into `buf` (no allocation), as CPython's `recv_into()`. Maps to
   * one `recv(2)`; blocks like {@linkcode Socket.recv}.
   *
   * @param buf the destination
   * @param nbytes the most bytes to receive; 0 or absent = `buf`'s length
   * @param flags `MSG_*` flags
   * @returns the number of bytes received (0 at EOF)
   * @throws {OSError} EAGAIN, ETIMEDOUT, ECONNRESET, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * a.send("abc");
   * const buf = new Uint8Array(8);
   * console.log(b.recv_into(buf)); // 3
   * a.close();
   * b.close();
   * ```
   */
  recv_into(buf: ArrayBufferView | ArrayBuffer, nbytes = 0, flags = 0): number {
    if (arguments.length > 3) surplus(arguments.length, 3, "Socket.recv_into(buf, nbytes, flags)");
    const dst = bufferOf(buf, "buf");
    int(nbytes, "nbytes", 0, dst.byteLength);
    if (flags !== 0) int(flags, "flags");
    const n = Math.min(nbytes || dst.byteLength, MAX_IO);
    if (this._pending() > 0) return this.#fromBuffer(dst, n, flags);
    const fd = this.#live();
    if (n === 0) return 0;
    const t = this.#timeout;
    const r = sockCall(fd, t, OP_RECV, dst, n, flags, deadlineFor(t), true, 0);
    if (r < 0) throw new OSError(-r);
    return r;
  }
  /**
   * Receives a datagram and its sender. Maps to one `recvfrom(2)` (with a
   * timeout, the kernel waits at most that long); blocks like {@linkcode Socket.recv}. A datagram
   * longer than `bufsize` is truncated (the rest is discarded by the kernel).
   *
   * @param bufsize the most bytes to return (0 to 1 GiB)
   * @param flags `MSG_*` flags
   * @returns `[bytes, address]`; the address is `null` when the kernel
   *   gives none (a connected stream socket)
   * @throws {OSError} EAGAIN, ETIMEDOUT, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * rx.sendto("me", rx.getsockname());
   * const [data, from] = rx.recvfrom(16);
   * console.log(data.length, from); // 2 ["127.0.0.1", port]
   * ```
   */
  recvfrom(bufsize: number, flags = 0): [Uint8Array, Address | null] {
    if (arguments.length > 2) surplus(arguments.length, 2, "Socket.recvfrom(bufsize, flags)");
    int(bufsize, "bufsize", 0, MAX_IO);
    if (flags !== 0) int(flags, "flags");
    if (this._pending() > 0) return [this.#bufferedBytes(bufsize, flags), null];
    const fd = this.#live();
    const buf = recvTarget(bufsize);
    const t = this.#timeout;
    const r = sockCall(fd, t, OP_RECVFROM, buf, bufsize, flags, deadlineFor(t), true, 0);
    if (r < 0) throw new OSError(-r);
    const n = Math.min(addrLen[0], SOCKADDR_MAX);
    return [received(buf, bufsize, r), n === 0 ? null : decodeAddress(addrBuf, n)];
  }
  /**
   * Receives a datagram into `buf`, as CPython's `recvfrom_into()`. Maps to
   * one `recvfrom(2)`.
   *
   * @returns `[nbytes, address]`
   * @throws {OSError} EAGAIN, ETIMEDOUT, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * rx.sendto("me", rx.getsockname());
   * console.log(rx.recvfrom_into(new Uint8Array(16))[0]); // 2
   * ```
   */
  recvfrom_into(buf: ArrayBufferView | ArrayBuffer, nbytes = 0, flags = 0): [number, Address | null] {
    if (arguments.length > 3) surplus(arguments.length, 3, "Socket.recvfrom_into(buf, nbytes, flags)");
    const dst = bufferOf(buf, "buf");
    int(nbytes, "nbytes", 0, dst.byteLength);
    if (flags !== 0) int(flags, "flags");
    const n = Math.min(nbytes || dst.byteLength, MAX_IO);
    if (this._pending() > 0) return [this.#fromBuffer(dst, n, flags), null];
    const fd = this.#live();
    const t = this.#timeout;
    const r = sockCall(fd, t, OP_RECVFROM, dst, n, flags, deadlineFor(t), true, 0);
    if (r < 0) throw new OSError(-r);
    const alen = Math.min(addrLen[0], SOCKADDR_MAX);
    return [r, alen === 0 ? null : decodeAddress(addrBuf, alen)];
  }
  /**
   * Sends the concatenation of `buffers` as one message, with ancillary data,
   * as CPython's `sendmsg()`. Maps to one `sendmsg(2)` (flags with
   * `MSG_NOSIGNAL` added); blocks and times out like {@linkcode Socket.send},
   * and like it may send less than everything on a stream socket (the count
   * is returned).
   *
   * @param buffers byte buffers (or strings, UTF-8), at most 1 024, gathered in order
   * @param ancdata control messages as `[level, type, data]` items, e.g.
   *   `[SOL_SOCKET, SCM_RIGHTS, bytes of int32 descriptors]` (see `cmsg_rights`)
   * @param flags `MSG_*` flags
   * @param address where to send (unconnected datagram sockets); `null` or omitted: none
   * @returns bytes sent
   * @throws {OSError} EAGAIN, ETIMEDOUT, EPIPE, EMSGSIZE, EBADF (also for a
   *   closed descriptor in an SCM_RIGHTS item), EINVAL (control data the
   *   kernel refuses)
   * @throws {TypeError|RangeError} bad buffers, items or flags (more than 1 024
   *   buffers, more than 1 MiB of control data), before any syscall
   * @example Two buffers and a descriptor in one message
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
   * using f = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * a.sendmsg(["he", "llo"], [usocket.cmsg_rights([f.fileno()])]);
   * const [data, fds] = usocket.recv_fds(b, 16, 1);
   * console.log(new TextDecoder().decode(data), fds.length); // "hello" 1
   * using g = new usocket.Socket(usocket.AF_INET, usocket.SOCK_DGRAM, 0, fds[0]); // adopts it
   * a.close();
   * b.close();
   * ```
   */
  sendmsg(
    buffers: Iterable<Data>,
    ancdata: Iterable<readonly [number, number, Data]> | null = null,
    flags = 0,
    address: Address | null = null,
  ): number {
    if (arguments.length > 4) surplus(arguments.length, 4, "Socket.sendmsg(buffers, ancdata, flags, address)");
    const bufs = ioBuffers(buffers, "buffers", false);
    const [items, space] = ancItems(ancdata, "ancdata");
    if (flags !== 0) int(flags, "flags");
    const nameLen = address === null || address === undefined ? 0 : encodeAddress(this.#family, address, addrBuf);
    const fd = this.#live();
    const ctl = controlBuffer(space);
    encodeControl(items, ctl, space);
    packMsg(bufs, nameLen, ctl, space);
    const t = this.#timeout;
    const r = sockCall(fd, t, OP_SENDMSG, msgBuf, 0, flags | NOSIGNAL, deadlineFor(t), true, 0);
    if (r < 0) throw new OSError(-r);
    return r;
  }
  /**
   * Receives a message and its ancillary data, as CPython's `recvmsg()`.
   * Maps to one `recvmsg(2)` (Linux: with `MSG_CMSG_CLOEXEC`, so received
   * descriptors are close-on-exec; macOS: `fcntl(2)` on each); blocks and
   * times out like {@linkcode Socket.recv}. Bytes already in the readline
   * buffer are returned first, with no ancillary data.
   *
   * The control buffer is `ancbufsize` bytes: control messages that do not
   * fit are cut short or dropped by the kernel, which sets `MSG_CTRUNC` in
   * the returned flags (descriptors that did not fit are closed by the
   * kernel, none leak); nothing past the bytes the kernel wrote is read. Size
   * it with {@linkcode CMSG_SPACE}.
   *
   * @param bufsize the most bytes to receive (0 to 1 GiB)
   * @param ancbufsize the control buffer's size in bytes (0 to 1 MiB)
   * @param flags `MSG_*` flags (`MSG_PEEK`, `MSG_ERRQUEUE`, `MSG_DONTWAIT`, …)
   * @returns `[data, ancdata, msg_flags, address]`: ancdata as `[level, type,
   *   data]` items (see {@linkcode decode_cmsg}), `msg_flags` with
   *   `MSG_TRUNC`/`MSG_CTRUNC`/`MSG_EOR`/`MSG_ERRQUEUE`, the sender or `null`
   * @throws {OSError} EAGAIN, ETIMEDOUT, ECONNRESET, EBADF
   * @throws {RangeError} `bufsize` or `ancbufsize` out of range, before any syscall
   * @example The interface and destination of a datagram (IP_PKTINFO)
   * ```ts
   * import * as usocket from "../mod.ts";
   * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_PKTINFO, 1);
   * rx.bind(["127.0.0.1", 0]);
   * rx.sendto("hi", rx.getsockname());
   * const [data, anc] = rx.recvmsg(16, usocket.CMSG_SPACE(12));
   * console.log(data.length, usocket.decode_cmsg(anc[0])); // 2 { kind: "pktinfo", ifindex: 1, … }
   * ```
   */
  recvmsg(bufsize: number, ancbufsize = 0, flags = 0): [Uint8Array, AncItem[], number, Address | null] {
    if (arguments.length > 3) surplus(arguments.length, 3, "Socket.recvmsg(bufsize, ancbufsize, flags)");
    int(bufsize, "bufsize", 0, MAX_IO);
    int(ancbufsize, "ancbufsize", 0, ANCBUF_MAX);
    if (flags !== 0) int(flags, "flags");
    if (this._pending() > 0) return [this.#bufferedBytes(bufsize, flags), [], 0, null];
    const fd = this.#live();
    const buf = recvTarget(bufsize);
    const ctl = controlBuffer(ancbufsize);
    const r = this.#recvmsg(fd, [buf], ctl, ancbufsize, flags);
    return [received(buf, bufsize, r), ancdata(ctl, ancbufsize), this.#msgFlags(flags), this.#sender()];
  }
  /**
   * Receives a message into `buffers` (scattered in order) and its ancillary
   * data, as CPython's `recvmsg_into()`. Maps to one `recvmsg(2)`, as
   * {@linkcode Socket.recvmsg}.
   *
   * @param buffers writable buffers, at most 1 024
   * @param ancbufsize the control buffer's size in bytes (0 to 1 MiB)
   * @param flags `MSG_*` flags
   * @returns `[nbytes, ancdata, msg_flags, address]`
   * @throws {OSError} EAGAIN, ETIMEDOUT, ECONNRESET, EBADF
   * @example A header and a body in separate buffers
   * ```ts
   * import * as usocket from "../mod.ts";
   * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * rx.sendto("HDRbody", rx.getsockname());
   * const head = new Uint8Array(3), body = new Uint8Array(16);
   * console.log(rx.recvmsg_into([head, body])[0]); // 7
   * ```
   */
  recvmsg_into(
    buffers: Iterable<ArrayBufferView | ArrayBuffer>,
    ancbufsize = 0,
    flags = 0,
  ): [number, AncItem[], number, Address | null] {
    if (arguments.length > 3) surplus(arguments.length, 3, "Socket.recvmsg_into(buffers, ancbufsize, flags)");
    const bufs = ioBuffers(buffers, "buffers", true);
    int(ancbufsize, "ancbufsize", 0, ANCBUF_MAX);
    if (flags !== 0) int(flags, "flags");
    if (this._pending() > 0) {
      const peek = (flags & MSG_PEEK) !== 0;
      let n = 0;
      for (const b of bufs) {
        if (this._pending() === 0) break;
        n += this._takeBuffered(b, 0, b.byteLength, peek);
        if (peek) break; // a peek cannot go on past what it did not take
      }
      return [n, [], 0, null];
    }
    const fd = this.#live();
    const ctl = controlBuffer(ancbufsize);
    const r = this.#recvmsg(fd, bufs, ctl, ancbufsize, flags);
    return [r, ancdata(ctl, ancbufsize), this.#msgFlags(flags), this.#sender()];
  }
  /** One `recvmsg(2)` into `bufs` with the control buffer `ctl[0, ancbufsize)`. */
  #recvmsg(fd: number, bufs: Uint8Array[], ctl: Uint8Array, ancbufsize: number, flags: number): number {
    packMsg(bufs, SOCKADDR_MAX, ctl, ancbufsize);
    const t = this.#timeout;
    const r = sockCall(fd, t, OP_RECVMSG, msgBuf, ancbufsize, flags | RECV_CLOEXEC, deadlineFor(t), true, SOCKADDR_MAX);
    if (r < 0) throw new OSError(-r);
    return r;
  }
  /**
   * Sends up to `count` messages of `batch` in one `sendmmsg(2)` (Linux;
   * flags with `MSG_NOSIGNAL` added): message `i` is the first
   * `batch.lengths[i]` bytes of `batch.slots[i]`, to `address` when given,
   * else to the address set for slot `i` ({@linkcode DatagramBatch.setAddress},
   * or left there by a receive), else to the connected peer; with
   * `batch.segments[i]` above 0 it carries a `UDP_SEGMENT` control message
   * and leaves as datagrams of that size (GSO). No allocation.
   *
   * Returns how many messages were sent, as the syscall: possibly fewer than
   * `count` (the send buffer filled, non-blocking, or an error after the
   * first, which the kernel then drops; the next call reports a lasting one).
   * Blocks (blocking mode: the kernel waits for room for each message) like
   * {@linkcode Socket.send}; with a timeout the kernel waits at most about
   * that long for room for a message (its SO_SNDTIMEO; `OSError(ETIMEDOUT)`
   * when none was sent, else the count so far); non-blocking:
   * `OSError(EAGAIN)` when none could be sent.
   *
   * @param batch the messages
   * @param count how many, from slot 0 (default `batch.count`; 0 sends nothing, no syscall)
   * @param flags `MSG_*` flags
   * @param address one destination for every message (unconnected sockets); `null` or omitted: per slot
   * @returns messages sent
   * @throws {OSError} EAGAIN, ETIMEDOUT, EMSGSIZE, EINVAL (e.g. a GSO buffer
   *   over the kernel's segment limit), ECONNREFUSED, EDESTADDRREQ, EBADF;
   *   ENOSYS where the OS has no `sendmmsg` (macOS)
   * @throws {TypeError|RangeError} a bad batch, count, flags, address, or a
   *   `lengths[i]` over the slot size, before any syscall
   * @example One destination, three datagrams
   * ```ts
   * import * as usocket from "../mod.ts";
   * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * const b = new usocket.DatagramBatch(3, 32, { addresses: false });
   * b.lengths.set([1, 2, 3]);
   * console.log(tx.sendmmsg(b, 3, 0, rx.getsockname())); // 3
   * console.log(rx.recv(32).length, rx.recv(32).length); // 1 2
   * ```
   */
  sendmmsg(batch: DatagramBatch, count?: number, flags = 0, address: Address | null = null): number {
    if (arguments.length > 4) surplus(arguments.length, 4, "Socket.sendmmsg(batch, count, flags, address)");
    const n = this.#batchCount(batch, count);
    if (flags !== 0) int(flags, "flags");
    const nameLen = address === null || address === undefined ? 0 : encodeAddress(this.#family, address, addrBuf);
    const fd = this.#live();
    needMmsg();
    if (n === 0) return 0;
    const hdr = batch._forSend(n, nameLen);
    const t = this.#timeout;
    const r = sockCall(fd, t, OP_SENDMMSG, hdr, n, flags | NOSIGNAL, deadlineFor(t), true, 0);
    if (r < 0) throw new OSError(-r);
    return r;
  }
  /**
   * Receives up to `count` datagrams into `batch` in one `recvmmsg(2)`
   * (Linux; with `MSG_WAITFORONE`, and `MSG_CMSG_CLOEXEC`): datagram `i`
   * lands in `batch.slots[i]`, its length in `batch.lengths[i]`, its
   * `msg_flags` in `batch.flags[i]` (`MSG_TRUNC` when it was longer than
   * the slot: the rest is discarded), its sender as slot `i`'s address
   * ({@linkcode DatagramBatch.address}), its control messages in slot `i`'s
   * control buffer ({@linkcode DatagramBatch.ancdata}) and, with `segments`,
   * its GRO segment size in `batch.segments[i]`. No allocation.
   *
   * Returns how many arrived (1 to `count`). Blocks until the first
   * datagram (blocking mode), then takes only those already queued; with a
   * timeout, waits at most that long for the first (`OSError(ETIMEDOUT)`);
   * non-blocking: `OSError(EAGAIN)` when none is queued — as
   * {@linkcode Socket.recv}. Bytes already in the readline buffer are
   * returned first, as message 0 with no sender.
   *
   * @param batch where the datagrams go
   * @param count the most to receive (default `batch.count`; 0 returns 0, no syscall)
   * @param flags `MSG_*` flags (`MSG_DONTWAIT`, `MSG_PEEK`, `MSG_TRUNC`, …)
   * @returns datagrams received
   * @throws {OSError} EAGAIN, ETIMEDOUT, ECONNREFUSED (an earlier ICMP error), EBADF;
   *   ENOSYS where the OS has no `recvmmsg` (macOS)
   * @throws {TypeError|RangeError} a bad batch, count or flags, before any syscall
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * rx.sendto("ab", rx.getsockname());
   * rx.sendto("cde", rx.getsockname());
   * const b = new usocket.DatagramBatch(8, 16);
   * const n = rx.recvmmsg(b);
   * console.log(n, b.lengths.subarray(0, n)); // 2 Int32Array(2) [2, 3]
   * ```
   */
  recvmmsg(batch: DatagramBatch, count?: number, flags = 0): number {
    if (arguments.length > 3) surplus(arguments.length, 3, "Socket.recvmmsg(batch, count, flags)");
    const n = this.#batchCount(batch, count);
    if (flags !== 0) int(flags, "flags");
    const fd = this.#live();
    needMmsg();
    if (n === 0) return 0;
    if (this._pending() > 0) {
      batch._buffered(this._takeBuffered(batch.slots[0], 0, batch.size, (flags & MSG_PEEK) !== 0));
      return 1;
    }
    const hdr = batch._forRecv(n);
    const t = this.#timeout;
    const f = flags | MSG_WAITFORONE | RECV_CLOEXEC;
    const r = sockCall(fd, t, OP_RECVMMSG, hdr, n, f, deadlineFor(t), true, 0);
    if (r < 0) throw new OSError(-r);
    batch._received(r, (MSG_WAITFORONE | RECV_CLOEXEC) & ~flags);
    return r;
  }
  /** Checks a batch call's `batch` and `count` (default: the whole batch). */
  #batchCount(batch: DatagramBatch, count: number | undefined): number {
    if (!(batch instanceof DatagramBatch)) throw new TypeError(`batch must be a DatagramBatch, got ${typeName(batch)}`);
    return count === undefined ? batch.count : int(count, "count", 0, batch.count);
  }
  /** `msg_flags` of the last {@linkcode Socket.#recvmsg}, without the MSG_CMSG_CLOEXEC it added (Linux echoes it). */
  #msgFlags(flags: number): number {
    return msgFlags() & ~(RECV_CLOEXEC & ~flags);
  }
  /** The sender of the last {@linkcode Socket.#recvmsg}, or `null`. */
  #sender(): Address | null {
    const n = Math.min(msgNameLen(), SOCKADDR_MAX);
    return n === 0 ? null : decodeAddress(addrBuf, n);
  }
  /**
   * @internal asyncio's one step of `op` (`OP_RECV`, `OP_SEND`, `OP_RECVFROM`,
   * `OP_SENDTO` to the address already in `addrBuf`) on `buf[0, len)`, never
   * waiting whatever the socket's mode (`MSG_DONTWAIT`; sends add
   * `MSG_NOSIGNAL`). Receives serve the readline buffer first (a recvfrom
   * then reports no sender: `addrLen[0]` is 0). Returns the count (0 at
   * EOF) or `-EAGAIN` — no exception on the path that precedes every wait;
   * raises OSError for anything else.
   */
  _step(op: number, buf: Uint8Array, len: number, flags: number, addrLength: number): number {
    const fd = this.#live();
    if (op === OP_RECV || op === OP_RECVFROM) {
      if (this._pending() > 0) {
        addrLen[0] = 0;
        return this._takeBuffered(buf, 0, len, (flags & MSG_PEEK) !== 0);
      }
      return sockCall(fd, 0, op, buf, len, flags | MSG_DONTWAIT, -1, true, 0);
    }
    return sockCall(fd, 0, op, buf, len, flags | MSG_DONTWAIT | NOSIGNAL, -1, true, addrLength);
  }

  /** @internal Registers a function called once when this socket closes (used by pollers). */
  _onClose(hook: (s: Socket) => void): void {
    (this.#closeHooks ??= new Set()).add(hook);
  }

  /** @internal Removes a close hook. */
  _offClose(hook: (s: Socket) => void): void {
    this.#closeHooks?.delete(hook);
  }
}

/**
 * Creates a new socket: `socket(af = AF_INET, type = SOCK_STREAM, proto = 0)`.
 * Maps to `socket(2)` (with `SOCK_CLOEXEC`). Does not block.
 *
 * Differs from MicroPython's docs, which give `proto=IPPROTO_TCP`: the default
 * is 0, letting the kernel pick the protocol for the type (as CPython).
 *
 * @throws {OSError} EAFNOSUPPORT, EPROTONOSUPPORT, EINVAL, EMFILE, EACCES
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
 * console.log(String(s)); // <socket fd=3 AF_INET SOCK_STREAM>
 * s.close();
 * ```
 */
export function socket(af: number = C.AF_INET, type: number = SOCK_STREAM, proto = 0): Socket {
  if (arguments.length > 3) surplus(arguments.length, 3, "socket(af, type, proto)");
  return new Socket(af, type, proto);
}

/**
 * Creates a pair of connected sockets. Maps to `socketpair(2)`.
 *
 * @param af `AF_UNIX` (default; the only family Linux supports here)
 * @param type `SOCK_STREAM` (default) or `SOCK_DGRAM`
 * @throws {OSError} EAFNOSUPPORT, EMFILE
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const [a, b] = usocket.socketpair();
 * a.send("x");
 * console.log(b.recv(1)); // Uint8Array(1) [120]
 * a.close();
 * b.close();
 * ```
 */
export function socketpair(af: number = C.AF_UNIX, type: number = SOCK_STREAM, proto = 0): [Socket, Socket] {
  if (arguments.length > 3) surplus(arguments.length, 3, "socketpair(af, type, proto)");
  af = int(af, "af");
  type = int(type, "type");
  proto = int(proto, "proto");
  const sv = new Int32Array(2);
  if (libc.socketpair(af, type | CLOEXEC_TYPE, proto, new Uint8Array(sv.buffer)) < 0) raiseErrno();
  let a: Socket | undefined;
  adoptingNew = true;
  try {
    a = new Socket(af, type, proto, sv[0]);
    return [a, new Socket(af, type, proto, sv[1])];
  } catch (e) {
    if (a) a.close();
    else libc.close(sv[0]);
    libc.close(sv[1]);
    throw e;
  } finally {
    adoptingNew = false;
  }
}
/**
 * Adopts a duplicate of an open descriptor as a socket, as CPython's
 * `socket.fromfd()`: maps to `fcntl(fd, F_DUPFD_CLOEXEC)`, so `fd` itself
 * stays open and owned by the caller (close it when done). Use it for a
 * descriptor inherited from a parent process, or one from another library.
 *
 * @param fd an open socket descriptor
 * @param af its address family
 * @param type its socket type
 * @param proto its protocol
 * @throws {OSError} EBADF (not open), EMFILE
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * using a = usocket.socket();
 * using b = usocket.fromfd(a.fileno(), usocket.AF_INET, usocket.SOCK_STREAM);
 * console.log(a.fileno() !== b.fileno()); // true: b owns a duplicate
 * ```
 */
export function fromfd(fd: number, af: number, type: number, proto = 0): Socket {
  if (arguments.length > 4) surplus(arguments.length, 4, "fromfd(fd, af, type, proto)");
  fd = int(fd, "fd", 0);
  af = int(af, "af");
  type = int(type, "type");
  proto = int(proto, "proto");
  const dup = libc.fcntl(fd, C.F_DUPFD_CLOEXEC, 0);
  if (dup < 0) raiseErrno();
  try {
    return new Socket(af, type, proto, dup);
  } catch (e) {
    libc.close(dup);
    throw e;
  }
}
