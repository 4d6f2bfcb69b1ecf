/**
 * The socket class: MicroPython's `usocket.socket` over libc.
 *
 * Every syscall that may block or fail with EAGAIN/EINTR goes through one
 * wait-then-call loop, `Socket.#call` (CPython's `sock_call`): it owns the
 * timeout deadline, EINTR retries and the EAGAIN → poll → retry cycle. No
 * method re-implements it.
 *
 * Blocking model: with no timeout the descriptor is in blocking mode and each
 * operation is exactly one syscall (send → `send(2)`, recv → `recv(2)`). With a
 * timeout the descriptor stays blocking and carries the timeout itself
 * (`SO_RCVTIMEO`/`SO_SNDTIMEO`), so the first syscall of an operation is
 * still the only one when it completes in time; later steps of a looping
 * operation (`sendall`, `read`, `readline`, …) and retries after EINTR use
 * `MSG_DONTWAIT` and `poll(2)` with the time left. In non-blocking mode
 * (O_NONBLOCK) calls never wait.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { runtime } from "../ffi/runtime.ts";
import { MAX_IO } from "../ffi/symbols.ts";
import { type Address, decodeAddress, encodeAddress, familyName, SOCKADDR_MAX } from "./address.ts";
import { bufferOf, bytesOf, int, surplus, typeName } from "./args.ts";
import { now } from "./clock.ts";
import { OSError, raiseErrno } from "./os_error.ts";
import { C, E, L } from "./platform/mod.ts";

/** Data a send-like method takes: bytes in any ArrayBufferView, or a string (sent as UTF-8). */
export type Data = ArrayBufferView | ArrayBuffer | string;

/** A socket option value: an integer (or boolean), or raw bytes. */
export type OptionValue = number | boolean | ArrayBufferView;

const { EAGAIN, EINTR, EINPROGRESS, ETIMEDOUT, EBADF } = E;
const POLLIN = C.POLLIN, POLLOUT = C.POLLOUT;
const MSG_DONTWAIT = C.MSG_DONTWAIT, MSG_PEEK = C.MSG_PEEK, MSG_WAITALL = C.MSG_WAITALL;
/** Added to every send flag: no SIGPIPE (Linux); macOS uses SO_NOSIGPIPE instead. */
const NOSIGNAL = C.MSG_NOSIGNAL;
const SOCK_STREAM = C.SOCK_STREAM;
const TYPE_FLAGS = C.SOCK_NONBLOCK | C.SOCK_CLOEXEC;
const DEFAULT_BACKLOG = 128;

/**
 * Timeouts from this long (seconds) let the kernel wait out an operation's
 * first syscall (SO_RCVTIMEO/SO_SNDTIMEO); shorter ones poll from the start.
 */
const ARM_MIN = 0.1;

/**
 * The SO_RCVTIMEO/SO_SNDTIMEO put on the descriptor for a timeout of `t`
 * seconds: short of `t`, so that the kernel's wait always ends before the
 * deadline and `poll(2)` waits out the rest. Linux keeps socket timeouts on
 * its timer wheel, which fires late by up to 8/63 of the wait plus a tick
 * (measured here, HZ=250: a 3 s SO_RCVTIMEO returned after 3.01–3.17 s, a
 * 0.5 s one after 0.512–0.528 s), while `poll(2)` sleeps on a high-resolution
 * timer (late by well under a millisecond). 7/8 of `t` less 25 ms (two ticks
 * at HZ=100, and a margin) fires at most `t` × 0.986 − 17 ms.
 */
function armedTimeout(t: number): number {
  return t >= ARM_MIN ? t * 0.875 - 0.025 : t;
}

// Operations of the wait-then-call loop.
const OP_SEND = 0, OP_RECV = 1, OP_SENDTO = 2, OP_RECVFROM = 3, OP_ACCEPT = 4;

// Scratch memory shared by all sockets of this thread. Every call is
// synchronous and none re-enters another, so one of each is enough.
const SCRATCH = 65536;
const scratch = new Uint8Array(SCRATCH);
const addrBuf = new Uint8Array(SOCKADDR_MAX);
const addrLen = new Uint32Array(1);
const addrLenBytes = new Uint8Array(addrLen.buffer);
const pollfd = new Int32Array(2);
const pollfdBytes = new Uint8Array(pollfd.buffer);
const pollEvents = new Int16Array(pollfd.buffer);
const optBuf = new Uint8Array(256);
const optInt = new Int32Array(optBuf.buffer, 0, 1);
const optLen = new Uint32Array(1);
const optLenBytes = new Uint8Array(optLen.buffer);
const EMPTY = new Uint8Array(0);

/**
 * A shared arena for received bytes, as Node's Buffer pool: results are views
 * of it, handed out back to back. A view keeps its whole arena alive.
 */
class Arena {
  #size: number;
  #buf = new ArrayBuffer(0); // allocated at first use
  #off = 0;
  constructor(size: number) {
    this.#size = size;
  }
  /** A view of the next `n` free bytes; nothing is taken until {@linkcode Arena.take}. */
  space(n: number): Uint8Array {
    if (this.#off + n > this.#buf.byteLength) { // also when a caller transferred (detached) the arena
      this.#buf = new ArrayBuffer(this.#size);
      this.#off = 0;
    }
    return new Uint8Array(this.#buf, this.#off, n);
  }
  /** Takes the first `n` bytes of `view` (the last {@linkcode Arena.space}) as a result. */
  take(view: Uint8Array, n: number): Uint8Array {
    this.#off = (this.#off + n + 7) & ~7;
    return n === view.length ? view : view.subarray(0, n);
  }
}

// Where received bytes go, so that a result mostly needs no copy (measured):
// - up to 256 B on Bun: a new array (JavaScriptCore: 8 ns for 64 B, 20 ns for
//   256, against 40 ns for a view);
// - up to 4 KiB: a view of the small arena (an ArrayBuffer costs ~200 ns on
//   Deno, a view ~20 ns);
// - up to 256 KiB: the bulk arena. A result of more than 4 KiB is a view of
//   it (a new 64 KiB array per receive held recv(65536) to ~2.0 GiB/s on Bun
//   and ~2.3 on Deno where a 1 MiB arena reached ~2.5 and ~2.8); a shorter one
//   is copied into the small arena, so that a small result kept does not keep
//   1 MiB alive and the bulk arena is not used up by short reads;
// - beyond: an array of its own.
const FRESH_MAX = runtime === "bun" ? 256 : 0;
const SMALL_MAX = 4096, BULK_MAX = 262144;
const small = new Arena(65536), bulk = new Arena(1 << 20);

/** A copy of `src[start, end)`: a view of the small arena up to 4 KiB, else its own array. */
function copyOut(src: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  if (n > SMALL_MAX) return src.slice(start, end);
  const out = small.space(n);
  out.set(start === 0 && end === src.length ? src : src.subarray(start, end));
  return small.take(out, n);
}

/** Where recv()/recvfrom() receive up to `bufsize` bytes (see above); {@linkcode received} makes the result. */
function recvTarget(bufsize: number): Uint8Array {
  if (bufsize <= FRESH_MAX) return new Uint8Array(bufsize);
  if (bufsize <= SMALL_MAX) return small.space(bufsize);
  if (bufsize <= BULK_MAX) return bulk.space(bufsize);
  return new Uint8Array(bufsize);
}

/**
 * The result of a receive of `r` bytes into `buf` = `recvTarget(bufsize)`.
 * `r` may exceed `bufsize` (MSG_TRUNC reports a datagram's full length):
 * only the `bufsize` bytes written are returned.
 */
function received(buf: Uint8Array, bufsize: number, r: number): Uint8Array {
  const n = r < bufsize ? r : bufsize;
  if (bufsize <= FRESH_MAX) return n === bufsize ? buf : buf.slice(0, n);
  if (bufsize <= SMALL_MAX) return small.take(buf, n);
  if (bufsize <= BULK_MAX) return n > SMALL_MAX ? bulk.take(buf, n) : copyOut(buf, 0, n);
  return n === bufsize ? buf : buf.slice(0, n);
}

/**
 * How many sockets hold bytes in their readline buffer: pollers skip looking
 * when none does. A socket dropped without close() while holding bytes stays
 * counted, which only costs pollers their shortcut.
 */
let buffering = 0;

/** @internal The number of open sockets with bytes buffered by `readline()`/`read()`. */
export function _buffering(): number {
  return buffering;
}

/** Set by accept() around `new Socket(fd)`: accept4(2) returned a blocking fd, no need to ask fcntl. */
let adoptingBlocking = false;

/** Closes descriptors of sockets that were garbage-collected while open. */
const finalizer = new FinalizationRegistry<number>((fd) => {
  libc.close(fd);
});

function timeoutError(): OSError {
  return new OSError(ETIMEDOUT);
}

/**
 * Waits with `poll(2)` until `fd` is ready for `events` or `deadline`
 * (a {@linkcode now} time) passes. Returns the revents, or `-ETIMEDOUT`.
 * EINTR is retried with the remaining time.
 */
function waitFd(fd: number, events: number, deadline: number): number {
  for (;;) {
    let ms = -1;
    if (deadline >= 0) {
      // Past the deadline nothing is polled: a descriptor that polls ready
      // while its call says EAGAIN (an AF_UNIX datagram socket shut down for
      // reading does) must not keep the caller's loop going.
      const left = deadline - now();
      if (!(left > 0)) return -ETIMEDOUT;
      ms = Math.ceil(left);
      if (ms > 0x7fffffff) ms = 0x7fffffff;
    }
    pollfd[0] = fd;
    pollEvents[2] = events;
    pollEvents[3] = 0;
    const r = libc.poll(pollfdBytes, 1, ms);
    if (r > 0) return pollEvents[3];
    if (r === 0) {
      if (deadline >= 0 && now() >= deadline) return -ETIMEDOUT;
      continue;
    }
    const e = libc.errno();
    if (e !== EINTR) throw new OSError(e);
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
export class Socket {
  #fd: number;
  readonly #family: number;
  readonly #type: number;
  readonly #proto: number;
  /** -1: blocking, 0: non-blocking, > 0: timeout in seconds. */
  #timeout = -1;
  /** Whether the descriptor itself has O_NONBLOCK set. */
  #fdNonblock = false;
  /** The SO_RCVTIMEO/SO_SNDTIMEO set on the descriptor, in seconds (0: none). */
  #kernelTimeout = 0;
  /** Set by #deadline(): the next syscall is an operation's first, so the kernel's timeout is its deadline. */
  #fresh = false;
  /** Why the last #sendLoop stopped early (EAGAIN or ETIMEDOUT), else 0. */
  #sendStop = 0;
  // Bytes received by readline/read beyond what they returned: served first
  // by every later receive. Live bytes are #rbuf[#rpos, #rend).
  #rbuf: Uint8Array = EMPTY;
  #rpos = 0;
  #rend = 0;
  /** Called on close (pollers forget the fd). */
  #closeHooks: Set<(s: Socket) => void> | null = null;

  /**
   * Creates a socket. Maps to `socket(2)` (with `SOCK_CLOEXEC`), or adopts
   * `fileno` when given (CPython's `socket(..., fileno)`; the socket then owns
   * and will close that descriptor).
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
    af = int(af, "af");
    type = int(type, "type");
    proto = int(proto, "proto");
    let fd: number;
    if (fileno !== undefined && fileno !== null) {
      fd = int(fileno, "fileno", 0);
    } else {
      fd = libc.socket(af, type | C.SOCK_CLOEXEC, proto);
      if (fd < 0) raiseErrno();
    }
    this.#fd = fd;
    this.#family = af;
    this.#type = type & ~TYPE_FLAGS;
    this.#proto = proto;
    finalizer.register(this, fd, this);
    if (fileno === undefined || fileno === null) {
      if (C.SOCK_CLOEXEC === 0) this.#darwinSetup();
      if (type & C.SOCK_NONBLOCK) {
        this.#timeout = 0;
        this.#fdNonblock = true;
      }
    } else if (!adoptingBlocking) {
      const fl = libc.fcntl(fd, C.F_GETFL, 0);
      if (fl < 0) {
        this.#fd = -1;
        finalizer.unregister(this);
        raiseErrno();
      }
      if (fl & C.O_NONBLOCK) {
        this.#timeout = 0;
        this.#fdNonblock = true;
      }
      // an adopted descriptor may carry SO_RCVTIMEO/SO_SNDTIMEO (set by another
      // socket object, or a parent process): unknown, so settimeout() rewrites it
      this.#kernelTimeout = NaN;
    }
  }

  /** macOS has no SOCK_CLOEXEC or MSG_NOSIGNAL: set FD_CLOEXEC and SO_NOSIGPIPE. */
  #darwinSetup(): void {
    libc.fcntl(this.#fd, C.F_SETFD, C.FD_CLOEXEC);
    optInt[0] = 1;
    libc.setsockopt(this.#fd, C.SOL_SOCKET, C.SO_NOSIGPIPE, optBuf, 4);
  }

  /** The descriptor, or `OSError(EBADF)` if closed. */
  #live(): number {
    const fd = this.#fd;
    if (fd < 0) throw new OSError(EBADF);
    return fd;
  }

  /** Starts an operation: its deadline ({@linkcode now} ms), or -1 without a timeout. */
  #deadline(): number {
    const t = this.#timeout;
    if (t <= 0) return -1;
    this.#fresh = t >= ARM_MIN;
    return now() + t * 1000;
  }

  /** One raw syscall for `op`. Returns its result; errno is left for the caller to read at once. */
  #sys(op: number, fd: number, buf: Uint8Array, len: number, flags: number, addrLength: number): number {
    switch (op) {
      case OP_RECV:
        return libc.recv(fd, buf, len, flags);
      case OP_SEND:
        return libc.send(fd, buf, len, flags);
      case OP_RECVFROM:
        addrLen[0] = SOCKADDR_MAX;
        return libc.recvfrom(fd, buf, len, flags, addrBuf, addrLenBytes);
      case OP_SENDTO:
        return libc.sendto(fd, buf, len, flags, addrBuf, addrLength);
      default:
        addrLen[0] = SOCKADDR_MAX;
        return libc.accept4
          ? libc.accept4(fd, addrBuf, addrLenBytes, C.SOCK_CLOEXEC)
          : libc.accept(fd, addrBuf, addrLenBytes);
    }
  }

  /**
   * The wait-then-call loop. Returns the syscall's result (≥ 0), or
   * `-EAGAIN` (non-blocking, or MSG_DONTWAIT, and nothing ready) or
   * `-ETIMEDOUT` (deadline passed). Any other failure raises OSError.
   *
   * - blocking: the syscall blocks; EINTR is retried;
   * - non-blocking, or the caller's MSG_DONTWAIT: one attempt;
   * - timeout: see {@linkcode Socket.#callTimed}.
   *
   * Kept small on purpose: the timed case lives apart, so the blocking and
   * non-blocking cases every hot loop takes compile fast (measured on Bun:
   * bytecode cost 1330 → 598, its top-tier compile 13.6 → 2.3 ms; a
   * process's JIT time for a `readinto` loop ~28 → ~20 ms).
   */
  #call(op: number, buf: Uint8Array, len: number, flags: number, deadline: number, addrLength = 0): number {
    const fd = this.#live();
    const dontwait = (flags & MSG_DONTWAIT) !== 0;
    if (this.#timeout > 0 && !dontwait) return this.#callTimed(op, fd, buf, len, flags, deadline, addrLength);
    for (;;) {
      const r = this.#sys(op, fd, buf, len, flags, addrLength);
      if (r >= 0) return r;
      const e = libc.errno();
      if (e === EINTR) continue;
      if (e !== EAGAIN) throw new OSError(e);
      if (this.#timeout === 0 || dontwait) return -EAGAIN;
      // blocking, yet EAGAIN: the descriptor carries a timeout (or O_NONBLOCK)
      // this object did not set — through fromfd/detach or a raw setsockopt. Keep waiting.
      waitFd(fd, op === OP_SEND || op === OP_SENDTO ? POLLOUT : POLLIN, -1);
    }
  }

  /**
   * {@linkcode Socket.#call} with a timeout: an operation's first syscall
   * blocks in the kernel (SO_RCVTIMEO/SO_SNDTIMEO, set by settimeout) for a
   * little less than the timeout ({@linkcode armedTimeout}), so a call that
   * completes in time is one syscall. Later syscalls of the same operation,
   * any after EINTR or after the kernel's wait ran out, and every syscall of
   * a timeout under {@linkcode ARM_MIN}, use MSG_DONTWAIT and `poll(2)` for
   * the time left, which ends within a millisecond of the deadline.
   */
  #callTimed(
    op: number,
    fd: number,
    buf: Uint8Array,
    len: number,
    flags: number,
    deadline: number,
    addrLength: number,
  ): number {
    if (this.#fresh) {
      this.#fresh = false;
      const r = this.#sys(op, fd, buf, len, flags, addrLength);
      if (r >= 0) return r;
      const e = libc.errno();
      // EAGAIN: the kernel's timeout, armed short of the deadline, ran out:
      // poll(2) waits out the rest
      if (e === EAGAIN && now() >= deadline) return -ETIMEDOUT;
      if (e !== EAGAIN && e !== EINTR) throw new OSError(e);
    }
    const events = op === OP_SEND || op === OP_SENDTO ? POLLOUT : POLLIN;
    // accept(2) takes no MSG_DONTWAIT: wait for readiness first instead
    const dontwait = op === OP_ACCEPT ? 0 : MSG_DONTWAIT;
    if (op === OP_ACCEPT) {
      const w = waitFd(fd, POLLIN, deadline);
      if (w < 0) return w;
    }
    for (;;) {
      const r = this.#sys(op, fd, buf, len, flags | dontwait, addrLength);
      if (r >= 0) return r;
      const e = libc.errno();
      if (e === EINTR) continue;
      if (e !== EAGAIN) throw new OSError(e);
      const w = waitFd(fd, events, deadline);
      if (w < 0) return w;
    }
  }

  /**
   * Sets SO_RCVTIMEO and SO_SNDTIMEO for a timeout of `t` seconds (0: none):
   * to {@linkcode armedTimeout}`(t)`. `#kernelTimeout` records `t`.
   */
  #setKernelTimeout(t: number): void {
    if (this.#kernelTimeout === t) return;
    const l = L.timeval;
    const dv = new DataView(optBuf.buffer);
    optBuf.fill(0, 0, l.size);
    const k = armedTimeout(t);
    let sec = Math.floor(k), usec = Math.round((k - sec) * 1e6);
    if (usec >= 1e6) (sec += 1, usec = 0);
    if (t > 0 && sec === 0 && usec === 0) usec = 1; // {0, 0} would mean "no timeout"
    if (sec > 0x7fffffff) sec = 0x7fffffff;
    // little-endian; both values < 2^31, so a 64-bit field's high half stays 0
    dv.setInt32(l.tv_sec, sec, true);
    dv.setInt32(l.tv_usec, usec, true);
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

  // ---- buffered bytes (readline/read leftovers) ----

  /** Copies up to `max` buffered bytes into `dst` at `off`; consumes them unless `peek`. */
  #takeBuffered(dst: Uint8Array, off: number, max: number, peek = false): number {
    const n = Math.min(max, this.#rend - this.#rpos);
    if (n <= 0) return 0;
    dst.set(this.#rbuf.subarray(this.#rpos, this.#rpos + n), off);
    if (!peek) this.#consume(n);
    return n;
  }

  #consume(n: number): void {
    const p = this.#rpos + n;
    if (p >= this.#rend) this.#window(0, 0);
    else this.#window(p, this.#rend);
  }

  /** Sets the live part of the buffer, #rbuf[rpos, rend), keeping `buffering` exact. */
  #window(rpos: number, rend: number): void {
    const was = this.#rend > this.#rpos, is = rend > rpos;
    if (was !== is) buffering += is ? 1 : -1;
    this.#rpos = rpos;
    this.#rend = rend;
  }

  /** Puts bytes back in front of the buffer (a read interrupted by its deadline keeps them). */
  #unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const live = this.#rbuf.subarray(this.#rpos, this.#rend);
    const next = new Uint8Array(Math.max(bytes.length + live.length, 4096));
    next.set(bytes, 0);
    next.set(live, bytes.length);
    this.#rbuf = next;
    this.#window(0, bytes.length + live.length);
  }

  /** Makes room for at least `min` more bytes after #rend. */
  #reserve(min: number): void {
    if (this.#rbuf.length - this.#rend >= min) return;
    const live = this.#rend - this.#rpos;
    if (this.#rpos > 0 && this.#rbuf.length - live >= min) {
      this.#rbuf.copyWithin(0, this.#rpos, this.#rend);
    } else {
      const next = new Uint8Array(Math.max(this.#rbuf.length * 2, live + min));
      next.set(this.#rbuf.subarray(this.#rpos, this.#rend));
      this.#rbuf = next;
    }
    this.#window(0, live);
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
    if (libc.close(fd) < 0) {
      const e = libc.errno();
      if (e !== EINTR) throw new OSError(e); // the descriptor is released either way
    }
  }

  /** Forgets the descriptor: no finalizer, no buffered bytes, pollers told. */
  #release(): void {
    finalizer.unregister(this);
    this.#fd = -1;
    this.#rbuf = EMPTY;
    this.#window(0, 0);
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
  toString(): string {
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
    const r = this.#call(OP_ACCEPT, EMPTY, 0, 0, this.#deadline());
    if (r < 0) throw new OSError(-r);
    const address = decodeAddress(addrBuf, addrLen[0]);
    let conn: Socket;
    adoptingBlocking = libc.accept4 !== undefined; // Linux: accept4 without SOCK_NONBLOCK
    try {
      conn = new Socket(this.#family, this.#type, this.#proto, r);
    } catch (e) {
      libc.close(r);
      throw e;
    } finally {
      adoptingBlocking = false;
    }
    if (C.SOCK_CLOEXEC === 0) {
      // macOS: accept() inherits O_NONBLOCK and sets no FD_CLOEXEC.
      conn.#darwinSetup();
      conn.#setFdNonblock(false);
      conn.#timeout = -1;
    }
    if (this.#kernelTimeout !== 0) {
      // the new socket inherited the listener's SO_RCVTIMEO/SO_SNDTIMEO: it starts blocking, no timeout
      conn.#kernelTimeout = this.#kernelTimeout;
      conn.#setKernelTimeout(0);
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
    const deadline = this.#deadline();
    const timed = this.#timeout > 0;
    if (timed) this.#setFdNonblock(true); // wait with poll(2) for the deadline, not the kernel's timeout
    try {
      if (libc.connect(fd, addrBuf, len) === 0) return;
      const e = libc.errno();
      // EINTR: the connection goes on in the kernel; wait for it as for EINPROGRESS
      if (e !== EINPROGRESS && e !== EINTR) throw new OSError(e);
      if (this.#timeout === 0) throw new OSError(EINPROGRESS);
      if (waitFd(fd, POLLOUT, timed ? deadline : -1) < 0) throw timeoutError();
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
    const r = this.#call(OP_SEND, bytes, len, flags | NOSIGNAL, this.#deadline());
    if (r < 0) throw new OSError(-r);
    return r;
  }

  /**
   * Sends all of `bytes`; returns the count sent. When EAGAIN (non-blocking)
   * or the deadline stopped it early, `#sendStop` holds that errno, else 0.
   */
  #sendLoop(bytes: Uint8Array, flags: number): number {
    const deadline = this.#deadline();
    const total = bytes.byteLength;
    let off = 0;
    this.#sendStop = 0;
    while (off < total) {
      const view = off === 0 ? bytes : bytes.subarray(off);
      const left = total - off;
      const r = this.#call(OP_SEND, view, left < MAX_IO ? left : MAX_IO, flags | NOSIGNAL, deadline);
      if (r < 0) {
        this.#sendStop = -r;
        break;
      }
      off += r;
    }
    return off;
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
    this.#live();
    this.#sendLoop(bytes, flags);
    if (this.#sendStop !== 0) throw new OSError(this.#sendStop);
  }

  /**
   * Writes `buf` with the "no short writes" policy: a blocking socket sends
   * everything; a non-blocking one sends what fits and returns that count
   * (`null` if nothing fit). Maps to `send(2)` (with `MSG_NOSIGNAL`) in a
   * loop; nothing is sent, and no syscall made, for an empty range.
   *
   * Blocks like {@linkcode Socket.sendall}; with a timeout, raises
   * `OSError(ETIMEDOUT)` if the whole buffer is not sent in time.
   *
   * Arguments as MicroPython's stream `write(buf[, max_len])` and
   * `write(buf, off, max_len)` (`py/stream.c`): see the other overloads.
   *
   * @param buf bytes (any ArrayBufferView, not copied) or a string (UTF-8)
   * @returns bytes written, or `null` for a non-blocking socket that could write nothing
   * @throws {OSError} ETIMEDOUT, EPIPE, ECONNRESET, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * console.log(a.write("line\n")); // 5
   * a.close();
   * b.close();
   * ```
   */
  write(buf: Data): number | null;
  /**
   * Writes the first `max_len` bytes of `buf` (all of it when `max_len` is
   * negative or past the end), as MicroPython's `write(buf, max_len)`;
   * otherwise as {@linkcode Socket.write}`(buf)`.
   *
   * @param buf bytes, or a string (its UTF-8 bytes are counted)
   * @param max_len the most bytes to write; negative: no limit (MicroPython)
   * @returns bytes written, or `null` for a non-blocking socket that could write nothing
   * @throws {OSError} ETIMEDOUT, EPIPE, ECONNRESET, EBADF
   * @throws {TypeError | RangeError} `max_len` is not an integer
   * @example An MQTT-style header: only the bytes used
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * const premsg = new Uint8Array([0x30, 5, 0, 0, 0, 0]);
   * console.log(a.write(premsg, 2)); // 2: sends 0x30, 5
   * a.close();
   * b.close();
   * ```
   */
  write(buf: Data, max_len: number): number | null;
  /**
   * Writes at most `max_len` bytes of `buf` starting at byte `off`, as
   * MicroPython's `write(buf, off, max_len)`: an `off` past the end writes
   * nothing (and returns 0), a negative `max_len` means "to the end".
   * Otherwise as {@linkcode Socket.write}`(buf)`.
   *
   * Differs from MicroPython: a negative `off` raises RangeError (MicroPython
   * reads it as a huge unsigned number, past the end, and writes nothing).
   *
   * @param buf bytes, or a string (offsets count its UTF-8 bytes)
   * @param off the first byte to write (an integer ≥ 0)
   * @param max_len the most bytes to write; negative: no limit
   * @returns bytes written, or `null` for a non-blocking socket that could write nothing
   * @throws {OSError} ETIMEDOUT, EPIPE, ECONNRESET, EBADF
   * @throws {TypeError | RangeError} `off` or `max_len` is not an integer, `off` is negative
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * console.log(a.write("0123456789", 2, 3)); // 3: sends "234"
   * a.close();
   * b.close();
   * ```
   */
  write(buf: Data, off: number, max_len: number): number | null;
  write(buf: Data, a?: number, b?: number): number | null {
    const n = arguments.length;
    let bytes = bytesOf(buf, "buf");
    if (n > 1) {
      if (n > 3) surplus(n, 3, "Socket.write(buf, off, max_len)");
      bytes = writeRange(bytes, n === 3 ? a : undefined, n === 3 ? b : a);
    }
    this.#live();
    const sent = this.#sendLoop(bytes, 0);
    const stop = this.#sendStop;
    if (stop === 0) return sent;
    if (stop === EAGAIN) return sent > 0 ? sent : null;
    throw new OSError(stop);
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
    this.#live();
    const n = bytes.byteLength < MAX_IO ? bytes.byteLength : MAX_IO;
    const r = this.#call(OP_SENDTO, bytes, n, flags, this.#deadline(), len);
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
    if (this.#rend > this.#rpos) {
      this.#live();
      const out = new Uint8Array(Math.min(bufsize, this.#rend - this.#rpos));
      this.#takeBuffered(out, 0, out.length, (flags & MSG_PEEK) !== 0);
      return out;
    }
    if (bufsize === 0) {
      this.#live();
      return new Uint8Array(0);
    }
    const buf = recvTarget(bufsize);
    const r = this.#call(OP_RECV, buf, bufsize, flags, this.#deadline());
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
    if (this.#rend > this.#rpos) {
      this.#live();
      return this.#takeBuffered(dst, 0, n, (flags & MSG_PEEK) !== 0);
    }
    if (n === 0) {
      this.#live();
      return 0;
    }
    const r = this.#call(OP_RECV, dst, n, flags, this.#deadline());
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
    if (this.#rend > this.#rpos) {
      this.#live();
      const out = new Uint8Array(Math.min(bufsize, this.#rend - this.#rpos));
      this.#takeBuffered(out, 0, out.length, (flags & MSG_PEEK) !== 0);
      return [out, null];
    }
    const buf = recvTarget(bufsize);
    const r = this.#call(OP_RECVFROM, buf, bufsize, flags, this.#deadline());
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
    if (this.#rend > this.#rpos) {
      this.#live();
      return [this.#takeBuffered(dst, 0, n, (flags & MSG_PEEK) !== 0), null];
    }
    const r = this.#call(OP_RECVFROM, dst, n, flags, this.#deadline());
    if (r < 0) throw new OSError(-r);
    const alen = Math.min(addrLen[0], SOCKADDR_MAX);
    return [r, alen === 0 ? null : decodeAddress(addrBuf, alen)];
  }

  /**
   * Fills `dst[0, want)`: buffered bytes first, then `recv(2)` until `want`
   * bytes, EOF, or (non-blocking) nothing more is ready. Datagram sockets
   * make one receive. Returns the count, or -1 when non-blocking and nothing
   * at all was ready. On the deadline, bytes already received are put back
   * in the buffer and ETIMEDOUT raised.
   */
  #fill(dst: Uint8Array, want: number, deadline: number): number {
    let got = this.#takeBuffered(dst, 0, want);
    const stream = this.#type === SOCK_STREAM;
    // A blocking stream (with or without a timeout) asks the kernel for the
    // whole count at once: one syscall, no loop, unless a signal, EOF or the
    // timeout cuts it short.
    const flags = stream && this.#timeout !== 0 ? MSG_WAITALL : 0;
    while (got < want) {
      const view = got === 0 ? dst : dst.subarray(got);
      const left = want - got;
      const r = this.#call(OP_RECV, view, left < MAX_IO ? left : MAX_IO, flags, deadline);
      if (r === 0) break;
      if (r < 0) {
        if (r === -EAGAIN) return got > 0 ? got : -1;
        this.#unread(dst.slice(0, got));
        throw timeoutError();
      }
      got += r;
      if (!stream) break;
    }
    return got;
  }

  /**
   * Reads up to `nbytes` (default: `buf`'s length) into `buf`, with the "no
   * short reads" policy: a blocking socket waits until that many bytes or
   * EOF. Maps to one `recv(2)` with `MSG_WAITALL` on a blocking stream
   * socket (looping only if a signal cuts it short), else `recv(2)` in a
   * loop; allocates nothing per call.
   *
   * Blocks until done or EOF (blocking), up to the timeout for the whole call
   * (`OSError(ETIMEDOUT)`: bytes already received are kept for the next
   * read), or not at all (non-blocking: what is ready).
   *
   * Arguments as MicroPython's stream `readinto(buf[, nbytes])`
   * (`py/stream.c`): an `nbytes` past the buffer's end, or negative, is the
   * buffer's length. (CPython's sockets have no `readinto`; their
   * `recv_into`, which refuses such an `nbytes`, is {@linkcode Socket.recv_into}.)
   *
   * @param buf the destination (any ArrayBufferView or ArrayBuffer; written in place)
   * @param nbytes the most bytes to read; absent, `null`, negative or too large: `buf`'s length
   * @returns bytes read (0 at EOF), or `null` for a non-blocking socket with nothing ready
   * @throws {OSError} ETIMEDOUT, ECONNRESET, EBADF
   * @throws {TypeError | RangeError} `nbytes` is not an integer
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * a.sendall("0123456789");
   * const buf = new Uint8Array(10);
   * console.log(b.readinto(buf)); // 10
   * a.close();
   * b.close();
   * ```
   */
  readinto(buf: ArrayBufferView | ArrayBuffer, nbytes?: number): number | null {
    if (arguments.length > 2) surplus(arguments.length, 2, "Socket.readinto(buf, nbytes)");
    const dst = bufferOf(buf, "buf");
    let want = dst.byteLength;
    if (nbytes !== undefined && nbytes !== null) {
      const n = int(nbytes, "nbytes", -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      if (n >= 0 && n < want) want = n; // MicroPython: a larger (or, as size_t, negative) count is the buffer's
    }
    this.#live();
    if (want === 0) return 0;
    const got = this.#fill(dst, want, this.#deadline());
    return got < 0 ? null : got;
  }

  /**
   * Reads `size` bytes (fewer only at EOF), or everything until EOF when
   * `size` is absent or negative. Maps to `recv(2)` in a loop.
   *
   * Blocks until done (blocking: `read()` returns only when the peer closes),
   * up to the timeout for the whole call (bytes already received are kept
   * for the next read), or not at all (non-blocking: what is ready, `null` if
   * nothing).
   *
   * Arguments as MicroPython's stream `read([size])` (`py/stream.c`: `None`
   * or -1 reads to EOF) and CPython's file objects' `read(size=-1)`.
   *
   * @param size how many bytes (0 to 1 GiB); absent, `null` or negative: everything until EOF
   * @returns the bytes (empty at EOF), or `null` for a non-blocking socket with nothing ready
   * @throws {TypeError | RangeError} `size` is not an integer, or over 1 GiB
   * @throws {OSError} ETIMEDOUT, ECONNRESET, EBADF
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * a.sendall("hello");
   * a.close();
   * console.log(new TextDecoder().decode(b.read()!)); // "hello"
   * b.close();
   * ```
   */
  read(size?: number | null): Uint8Array | null {
    if (arguments.length > 1) surplus(arguments.length, 1, "Socket.read(size)");
    const all = size === undefined || size === null || (typeof size === "number" && size < 0);
    if (!all) int(size, "size", 0, MAX_IO);
    this.#live();
    const deadline = this.#deadline();
    if (!all) {
      if (size === 0) return new Uint8Array(0);
      const n = size!;
      if (n <= SMALL_MAX) {
        const got = this.#fill(scratch, n, deadline);
        return got < 0 ? null : copyOut(scratch, 0, got);
      }
      if (n <= 1 << 20) {
        const out = new Uint8Array(n);
        const got = this.#fill(out, n, deadline);
        return got < 0 ? null : got === n ? out : out.slice(0, got);
      }
    }
    const limit = all ? Infinity : size!;
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      while (total < limit) {
        const want = Math.min(SCRATCH, limit - total);
        const got = this.#fill(scratch, want, deadline);
        if (got <= 0) {
          if (got < 0 && total === 0) return null;
          break;
        }
        chunks.push(copyOut(scratch, 0, got));
        total += got;
        if (got < want && this.#timeout === 0) break;
      }
    } catch (e) {
      if (e instanceof OSError && e.errno === ETIMEDOUT) this.#unread(concat(chunks, total));
      throw e;
    }
    return concat(chunks, total);
  }

  /**
   * Reads one line, through `\n` or EOF, or `size` bytes if no `\n` comes
   * sooner (MicroPython's and CPython's `readline(size)`). Receives in chunks
   * (not a syscall per byte); bytes after the line stay buffered and are
   * served first by every later receive (`recv`, `read`, `readinto`,
   * `readline`, `recvfrom`).
   *
   * Blocks until a whole line, `size` bytes, or EOF (blocking), up to the
   * timeout (`OSError(ETIMEDOUT)`, the partial line stays buffered), or not at
   * all: non-blocking, it returns a whole line (or `size` bytes) or `null`,
   * keeping a partial line buffered until its `\n` or EOF arrives.
   *
   * Differs from MicroPython, whose unbuffered `readline` reads a byte per
   * syscall: a non-blocking call that finds half a line returns `null` and
   * keeps it, where MicroPython returns the half.
   *
   * @param size the most bytes to return; absent, `null` or negative: no limit; 0: returns empty at once
   * @returns the line with its `\n`; the rest at EOF; empty at EOF with nothing left
   * @throws {OSError} ETIMEDOUT, ECONNRESET, EBADF
   * @throws {TypeError | RangeError} `size` is not an integer
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const [a, b] = usocket.socketpair();
   * a.sendall("one\ntwo\n");
   * console.log(new TextDecoder().decode(b.readline()!)); // "one\n"
   * console.log(new TextDecoder().decode(b.readline(2)!)); // "tw"
   * a.close();
   * b.close();
   * ```
   */
  readline(size?: number | null): Uint8Array | null {
    if (arguments.length > 1) surplus(arguments.length, 1, "Socket.readline(size)");
    let max = Infinity;
    if (size !== undefined && size !== null) {
      const n = int(size, "size", -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      if (n >= 0) max = n;
    }
    this.#live();
    if (max === 0) return new Uint8Array(0);
    const deadline = this.#deadline();
    let scanned = 0; // bytes after #rpos known to hold no "\n"
    for (;;) {
      const live = this.#rend - this.#rpos;
      const limit = live < max ? this.#rend : this.#rpos + max;
      const nl = this.#rbuf.indexOf(10, this.#rpos + scanned);
      if (nl >= 0 && nl < limit) return this.#takeLine(nl + 1);
      if (live >= max) return this.#takeLine(limit);
      scanned = live;
      this.#reserve(16384);
      const room = this.#rbuf.subarray(this.#rend);
      const r = this.#call(OP_RECV, room, room.length, 0, deadline);
      if (r > 0) {
        this.#window(this.#rpos, this.#rend + r);
        continue;
      }
      if (r === 0) return this.#takeLine(this.#rend); // EOF: the rest, maybe empty
      if (r === -EAGAIN) return null;
      throw timeoutError();
    }
  }

  #takeLine(end: number): Uint8Array {
    const line = copyOut(this.#rbuf, this.#rpos, end);
    this.#consume(end - this.#rpos);
    return line;
  }

  /** @internal Registers a function called once when this socket closes (used by pollers). */
  _onClose(hook: (s: Socket) => void): void {
    (this.#closeHooks ??= new Set()).add(hook);
  }

  /** @internal Removes a close hook. */
  _offClose(hook: (s: Socket) => void): void {
    this.#closeHooks?.delete(hook);
  }

  /** @internal Bytes buffered by readline/read, not yet returned. */
  _buffered(): number {
    return this.#rend - this.#rpos;
  }
}

/**
 * The bytes `write(buf, off, max_len)` sends, as MicroPython's stream write:
 * `off` (default 0) past the end is the end; a negative `max_len` (or none)
 * is no limit.
 */
function writeRange(bytes: Uint8Array, off: unknown, maxLen: unknown): Uint8Array {
  const len = bytes.byteLength;
  let start = 0, end = len;
  if (off !== undefined) {
    start = int(off, "off", 0, Number.MAX_SAFE_INTEGER);
    if (start > len) start = len;
  }
  if (maxLen !== undefined) {
    const m = int(maxLen, "max_len", -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (m >= 0 && m < end - start) end = start + m;
  }
  return start === 0 && end === len ? bytes : bytes.subarray(start, end);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
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
  if (libc.socketpair(af, type | C.SOCK_CLOEXEC, proto, new Uint8Array(sv.buffer)) < 0) raiseErrno();
  let a: Socket | undefined;
  try {
    a = new Socket(af, type, proto, sv[0]);
    return [a, new Socket(af, type, proto, sv[1])];
  } catch (e) {
    if (a) a.close();
    else libc.close(sv[0]);
    libc.close(sv[1]);
    throw e;
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
