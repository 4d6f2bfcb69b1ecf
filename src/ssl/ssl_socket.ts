/**
 * The TLS socket: a {@linkcode Stream} over OpenSSL driven through memory
 * BIOs, as MicroPython drives mbedTLS over its stream. OpenSSL never
 * touches the descriptor: this module's own socket calls (`sockCall`, with
 * MSG_NOSIGNAL, timeouts, EINTR and errno handling) move the ciphertext,
 * and every `SSL_*` call runs on the JS thread with `ERR_clear_error`
 * before it and `SSL_get_error` right after it.
 *
 * @module
 */
import { backend } from "../../ffi/backend.ts";
import { CTRL, type LibSsl } from "../../ffi/libssl.ts";
import { MAX_IO } from "../../ffi/symbols.ts";
import type { Pointer } from "../../ffi/types.ts";
import type { Address } from "../address/mod.ts";
import { received, recvTarget } from "../arena.ts";
import { bufferOf, bytesOf, int, surplus, typeName } from "../args.ts";
import { deadlineFor, NOSIGNAL, OP_RECV, OP_SEND, sockCall } from "../call.ts";
import { now } from "../clock.ts";
import { OSError } from "../os_error.ts";
import { C, E } from "../platform/mod.ts";
import { pendingChanged, type Pollable } from "../pollable.ts";
import type { Socket } from "../socket.ts";
import { type Data, Stream } from "../stream.ts";
import { derOf } from "./certs.ts";
import type { SSLContext } from "./context.ts";
import { forgetDtls, timerLeft } from "./dtls.ts";
import {
  SSL_ERROR_NONE,
  SSL_ERROR_WANT_READ,
  SSL_ERROR_WANT_WRITE,
  SSL_ERROR_ZERO_RETURN,
  SSLError,
  sslErrorFrom,
  SSLWantReadError,
  SSLWantWriteError,
} from "./errors.ts";

const { EAGAIN, EBADF, ETIMEDOUT } = E;
const MSG_DONTWAIT = C.MSG_DONTWAIT, POLLIN = C.POLLIN, POLLOUT = C.POLLOUT;

// TLS operations driven by SSLSocket.#drive.
const OP_READ = 0, OP_WRITE = 1, OP_HANDSHAKE = 2, OP_SHUTDOWN = 3;
/** #drive's results when a non-blocking operation must wait for the socket. */
const NEED_READ = -0x10000, NEED_WRITE = -0x10001;
/** The most plaintext one SSL_write_ex is given: bounds the ciphertext queued when the socket is full. */
const MAX_WRITE = 262144;
/**
 * How much plaintext a write encrypts before it sends: OpenSSL's partial
 * writes return after each 16 KiB record, and sending each record alone cost
 * four `send(2)` calls per 64 KiB (measured: client CPU per 64 KiB Bun 68 -> 47
 * µs, Deno 47 -> 35 µs with one send). Also bounds the ciphertext a
 * non-blocking write leaves queued when the socket is full.
 */
const COALESCE = 65536;

// Scratch shared by all TLS sockets of this thread (every call is
// synchronous and none re-enters another).
/** Ciphertext from the socket, on its way into the read BIO. */
const inBuf = new Uint8Array(65536);
/** A `size_t` out-parameter; its low half is the count (every length here is < 2 GiB). */
const sizeT = new Uint8Array(8);
const sizeT32 = new Uint32Array(sizeT.buffer);
const EMPTY = new Uint8Array(0);

/** Frees the OpenSSL state of TLS sockets garbage-collected while open (their socket closes its own descriptor). */
const finalizer = new FinalizationRegistry<{ lib: LibSsl; ssl: Pointer; dtlsBio: Pointer | null }>(
  ({ lib, ssl, dtlsBio }) => {
    if (dtlsBio !== null) forgetDtls(ssl, dtlsBio);
    lib.SSL_free(ssl);
  },
);

/** Only `SSLContext.wrap_socket` makes an SSLSocket. */
const INTERNAL: unique symbol = Symbol("SSLSocket");

/** @internal The token `SSLContext.wrap_socket` passes to the constructor. */
export const _internal: typeof INTERNAL = INTERNAL;

/**
 * A TLS connection over a {@linkcode Socket}, as MicroPython's `SSLSocket`
 * and CPython's `ssl.SSLSocket`. Made by `SSLContext.wrap_socket` or
 * `ssl.wrap_socket`. It has MicroPython's stream methods (`read`,
 * `readinto`, `readline`, `write`: one implementation with the plain
 * socket's, same rules) and CPython's `recv`, `recv_into`, `send`,
 * `sendall`.
 *
 * Blocking mode and timeout are the wrapped socket's (`settimeout` and
 * `setblocking` act on it): blocking calls block the calling thread; with a
 * timeout one deadline covers a whole call (`OSError(ETIMEDOUT)`; nothing
 * is lost: a record that arrived half is finished by the next call);
 * non-blocking stream methods return `null` where MicroPython returns
 * `None`, and `recv`/`send`/`do_handshake` raise `SSLWantReadError` or
 * `SSLWantWriteError` (errno EAGAIN), as CPython.
 *
 * After a fatal TLS error every later call raises the same error
 * (MicroPython's sticky error). A clean close_notify from the peer is EOF.
 *
 * @example See {@linkcode SSLContext}
 * ```ts
 * import { ssl } from "../../mod.ts";
 * console.log(typeof ssl.SSLSocket); // "function"
 * ```
 */
export class SSLSocket extends Stream implements Pollable {
  readonly #lib: LibSsl;
  #ssl: Pointer;
  readonly #rbio: Pointer;
  readonly #wbio: Pointer;
  #sock: Socket | null;
  readonly #serverSide: boolean;
  /** The context this socket was made from (CPython's `SSLSocket.context`); it stays alive as long as the socket. */
  readonly context: SSLContext;
  /** Ciphertext OpenSSL produced that the socket has not taken yet: #out[#outPos, #outEnd). */
  #out: Uint8Array = EMPTY;
  #outPos = 0;
  #outEnd = 0;
  /** The sticky error: once set, every call raises it. */
  #error: OSError | null = null;
  /** The last read stopped on a partial record: unprocessed bytes are not readable until more arrive. */
  #needSocket = false;
  /** The last write (or handshake) waits for the peer's bytes: pollers wait for POLLIN in its stead. */
  #writeNeedsRead = false;
  #closeHooks: Set<(s: SSLSocket) => void> | null = null;
  /** DTLS: the datagrams OpenSSL wrote, each to go out as one `send(2)` (dtls.ts); null for TLS. */
  readonly #datagrams: Uint8Array[] | null;

  /** @internal Use `SSLContext.wrap_socket`. */
  constructor(
    token: typeof INTERNAL,
    context: SSLContext,
    lib: LibSsl,
    ssl: Pointer,
    rbio: Pointer,
    wbio: Pointer,
    sock: Socket,
    serverSide: boolean,
    datagrams: Uint8Array[] | null,
  ) {
    if (token !== INTERNAL) {
      throw new TypeError("an SSLSocket is made by SSLContext.wrap_socket() or ssl.wrap_socket()");
    }
    super();
    this.#lib = lib;
    this.#ssl = ssl;
    this.#rbio = rbio;
    this.#wbio = wbio;
    this.#sock = sock;
    this.#serverSide = serverSide;
    this.context = context;
    this.#datagrams = datagrams;
    // pollers always ask a TLS socket for pending bytes (OpenSSL's buffers change inside its calls)
    pendingChanged(true);
    finalizer.register(this, { lib, ssl, dtlsBio: datagrams === null ? null : wbio }, this);
  }

  // ---- the state ----

  /** Raises the sticky error, or EBADF when closed; returns the socket's descriptor. */
  #live(): number {
    if (this.#error !== null) throw this.#error;
    const fd = this.#sock === null || this.#ssl === null ? -1 : this.#sock.fileno();
    if (fd < 0) throw new OSError(EBADF);
    return fd;
  }

  /** The socket's mode as sockCall takes it: -1 blocking, 0 non-blocking, > 0 seconds. */
  #timeout(): number {
    const t = this.#sock!.gettimeout();
    return t === null ? -1 : t;
  }

  // ---- moving ciphertext ----

  /**
   * Takes what OpenSSL wrote into the write BIO and sends everything queued
   * (with `flags`, e.g. MSG_DONTWAIT for one try). Returns 0 when all is
   * sent, `-EAGAIN` (non-blocking; the rest stays queued) or `-ETIMEDOUT`.
   */
  #flush(fd: number, t: number, deadline: number, first: boolean, flags = 0): number {
    const q = this.#datagrams;
    if (q !== null) {
      // DTLS: each datagram as OpenSSL wrote it, in order
      while (q.length > 0) {
        const d = q[0];
        const r = sockCall(fd, t, OP_SEND, d, d.length, NOSIGNAL | flags, deadline, first, 0);
        first = false;
        if (r < 0) return r;
        q.shift();
      }
      return 0;
    }
    const lib = this.#lib;
    const n = lib.BIO_ctrl_pending(this.#wbio);
    if (n > 0) {
      if (this.#out.length - this.#outEnd < n) {
        const live = this.#outEnd - this.#outPos;
        const next = new Uint8Array(Math.max(live + n, 2 * this.#out.length, 32768));
        next.set(this.#out.subarray(this.#outPos, this.#outEnd));
        this.#out = next;
        this.#outPos = 0;
        this.#outEnd = live;
      }
      // the queue is mostly empty: then the buffer itself, no view per call
      const into = this.#outEnd === 0 ? this.#out : this.#out.subarray(this.#outEnd);
      if (lib.BIO_read_ex(this.#wbio, into, n, sizeT) === 1) this.#outEnd += sizeT32[0];
    }
    while (this.#outPos < this.#outEnd) {
      const view = this.#outPos === 0 ? this.#out : this.#out.subarray(this.#outPos);
      const r = sockCall(fd, t, OP_SEND, view, this.#outEnd - this.#outPos, NOSIGNAL | flags, deadline, first, 0);
      first = false;
      if (r < 0) return r;
      this.#outPos += r;
    }
    this.#outPos = this.#outEnd = 0;
    return 0;
  }

  /** Ciphertext waits to be sent: queued here, or (TLS) still in the write BIO. */
  #hasOutput(): boolean {
    if (this.#datagrams !== null) return this.#datagrams.length > 0;
    return this.#outEnd > this.#outPos || this.#lib.BIO_ctrl_pending(this.#wbio) > 0;
  }

  /** Receives ciphertext into the read BIO: the count, 0 at EOF (the BIO then reports it), `-EAGAIN` or `-ETIMEDOUT`. */
  #fill(fd: number, t: number, deadline: number, first: boolean): number {
    if (this.#datagrams !== null) return this.#fillDatagram(fd, t, deadline, first);
    const r = sockCall(fd, t, OP_RECV, inBuf, inBuf.length, 0, deadline, first, 0);
    if (r > 0) {
      this.#lib.BIO_write_ex(this.#rbio, inBuf, r, sizeT);
      this.#needSocket = false;
      this.#writeNeedsRead = false;
    } else if (r === 0) {
      this.#lib.BIO_ctrl(this.#rbio, CTRL.BIO_C_SET_BUF_MEM_EOF_RETURN, 0n, null);
    }
    return r;
  }

  /**
   * DTLS: receives one datagram into the read BIO (OpenSSL has read all
   * before it), minding the retransmission timer: the wait ends when the
   * timer fires (its flight is sent again, `DTLSv1_handle_timeout`) or at
   * the deadline. Returns the count (an empty datagram: 0, which is no EOF),
   * `-EAGAIN` or `-ETIMEDOUT`; raises `OSError(ETIMEDOUT)` when OpenSSL gives
   * up retransmitting.
   */
  #fillDatagram(fd: number, t: number, deadline: number, first: boolean): number {
    const lib = this.#lib, ssl = this.#ssl;
    for (;;) {
      const left = timerLeft(lib, ssl);
      if (left === 0) {
        // the timer is due: the last flight again
        lib.ERR_clear_error();
        if (lib.SSL_ctrl(ssl, CTRL.DTLS_HANDLE_TIMEOUT, 0n, null) < 0n) {
          throw new OSError(ETIMEDOUT, "DTLS: the peer did not answer OpenSSL's retransmissions");
        }
        const f = this.#flush(fd, t, deadline, false);
        if (f < 0) return f;
        first = false;
        continue;
      }
      let r: number;
      if (left < 0 || t === 0) {
        r = sockCall(fd, t, OP_RECV, inBuf, inBuf.length, 0, deadline, first, 0);
      } else {
        // wait (poll) until the timer or the deadline, whichever is first
        const timerAt = now() + left;
        const until = deadline >= 0 && deadline < timerAt ? deadline : timerAt;
        r = sockCall(fd, 1, OP_RECV, inBuf, inBuf.length, 0, until, false, 0);
        if (r === -ETIMEDOUT && until === timerAt) continue;
      }
      if (r > 0) {
        lib.BIO_write_ex(this.#rbio, inBuf, r, sizeT);
        this.#needSocket = false;
        this.#writeNeedsRead = false;
      }
      return r;
    }
  }

  /**
   * One TLS operation, driven until it completes (blocking), its deadline
   * passes, or (non-blocking) it must wait for the socket. Returns the
   * operation's count (read: bytes, 0 for the peer's close_notify; write:
   * bytes taken; handshake/shutdown: 1), `NEED_READ`/`NEED_WRITE`, or
   * `-ETIMEDOUT`. A fatal error becomes sticky and is raised.
   */
  #drive(op: number, buf: Uint8Array, len: number, deadline: number, first: boolean): number {
    const fd = this.#live();
    const lib = this.#lib, ssl = this.#ssl, t = this.#timeout();
    try {
      if (this.#outEnd > this.#outPos || (this.#datagrams !== null && this.#datagrams.length > 0)) {
        // a non-blocking call left ciphertext queued: it goes first, in order
        const f = this.#flush(fd, t, deadline, first);
        first = false;
        if (f < 0) return f === -EAGAIN ? NEED_WRITE : f;
      }
      for (;;) {
        lib.ERR_clear_error();
        const ret = op === OP_READ
          ? lib.SSL_read_ex(ssl, buf, len, sizeT)
          : op === OP_WRITE
          ? lib.SSL_write_ex(ssl, buf, len, sizeT)
          : op === OP_HANDSHAKE
          ? lib.SSL_do_handshake(ssl)
          : lib.SSL_shutdown(ssl);
        const code = ret > 0 || (op === OP_SHUTDOWN && ret === 0) ? SSL_ERROR_NONE : lib.SSL_get_error(ssl, ret);
        let count = op <= OP_WRITE ? sizeT32[0] : 1;
        if (op === OP_WRITE && code === SSL_ERROR_NONE && count < len && this.#datagrams === null) {
          count = this.#encryptMore(buf, len, count);
        }
        if (code !== SSL_ERROR_NONE && code !== SSL_ERROR_WANT_READ && code !== SSL_ERROR_WANT_WRITE) {
          if (code === SSL_ERROR_ZERO_RETURN) {
            this.#flush(fd, t, deadline, false); // our own close_notify reply, if any
            return 0;
          }
          // fatal: send the alert OpenSSL queued (best effort), then keep the error
          const err = sslErrorFrom(lib, code, () => Number(lib.SSL_get_verify_result(ssl)));
          try {
            this.#flush(fd, t, deadline, false, MSG_DONTWAIT);
          } catch { /* the peer may be gone: the TLS error is the one to report */ }
          this.#error = err;
          throw err;
        }
        // send what the call produced (handshake messages, records, alerts)
        let f = 0;
        if (this.#hasOutput()) {
          f = this.#flush(fd, t, deadline, first);
          first = false;
        }
        if (code === SSL_ERROR_NONE) {
          if (op === OP_SHUTDOWN && ret === 0) {
            // our close_notify is out; the peer's is awaited by the next SSL_shutdown
            if (f < 0) return f === -EAGAIN ? NEED_WRITE : f;
            continue;
          }
          // a write's records were taken: the count stands even if some wait in the queue
          this.#writeNeedsRead = false;
          return count;
        }
        if (f < 0) return f === -EAGAIN ? NEED_WRITE : f;
        if (code === SSL_ERROR_WANT_WRITE) continue; // the queue drained: retry
        const r = this.#fill(fd, t, deadline, first);
        first = false;
        if (r >= 0) continue; // bytes, or EOF now visible to OpenSSL
        if (r === -EAGAIN) {
          this.#needSocket = true;
          if (op !== OP_READ) this.#writeNeedsRead = true;
          return NEED_READ;
        }
        return r;
      }
    } catch (e) {
      // a socket error (ECONNRESET, EPIPE, …) ends the TLS connection too
      if (e instanceof OSError && this.#error === null) this.#error = e;
      throw e;
    }
  }

  /**
   * After `SSL_write_ex` took `done` bytes of `buf` (one record), encrypts
   * more of it into the write BIO, up to {@link COALESCE} bytes in all, so
   * that one `send(2)` carries them. Returns the bytes taken. A failure here
   * ends the coalescing: a fatal one becomes the sticky error, raised by the
   * next call (the bytes counted were taken; its alert goes out with them),
   * anything else is left to the next `SSL_write_ex`.
   */
  #encryptMore(buf: Uint8Array, len: number, done: number): number {
    const lib = this.#lib, ssl = this.#ssl;
    const end = len < COALESCE ? len : COALESCE;
    while (done < end) {
      lib.ERR_clear_error();
      const ret = lib.SSL_write_ex(ssl, buf.subarray(done), end - done, sizeT);
      if (ret !== 1) {
        const code = lib.SSL_get_error(ssl, ret);
        if (code !== SSL_ERROR_WANT_READ && code !== SSL_ERROR_WANT_WRITE && code !== SSL_ERROR_ZERO_RETURN) {
          this.#error = sslErrorFrom(lib, code, () => Number(lib.SSL_get_verify_result(ssl)));
        }
        break;
      }
      done += sizeT32[0];
    }
    return done;
  }

  /** A #drive result as a Stream primitive's: count, -EAGAIN or -ETIMEDOUT. */
  static #primitive(r: number): number {
    return r >= 0 || r === -ETIMEDOUT ? r : -EAGAIN;
  }

  /** A #drive result for CPython-style methods: the count, or the error to raise. */
  static #result(r: number): number {
    if (r >= 0) return r;
    if (r === NEED_READ) throw new SSLWantReadError();
    if (r === NEED_WRITE) throw new SSLWantWriteError();
    throw new OSError(-r);
  }

  // ---- the stream primitives (see Stream) ----

  /** @internal One TLS read step. */
  protected override _recvInto(buf: Uint8Array, len: number, _all: boolean, deadline: number, first: boolean): number {
    return SSLSocket.#primitive(this.#drive(OP_READ, buf, len, deadline, first));
  }

  /** @internal One TLS write step (at most 256 KiB of plaintext). */
  protected override _sendFrom(buf: Uint8Array, len: number, _flags: number, deadline: number, first: boolean): number {
    return SSLSocket.#primitive(this.#drive(OP_WRITE, buf, len < MAX_WRITE ? len : MAX_WRITE, deadline, first));
  }

  /** @internal Raises the sticky error or EBADF; the operation's deadline. */
  protected override _start(): number {
    this.#live();
    return deadlineFor(this.#timeout());
  }

  /** @internal */
  protected override _nonblocking(): boolean {
    return this.#timeout() === 0;
  }

  /** @internal */
  protected override _datagram(): boolean {
    return this.#datagrams !== null; // DTLS: a read returns one record
  }

  /**
   * @internal Bytes a read returns without the socket: readline's buffer,
   * OpenSSL's decrypted bytes, and records received but not yet decrypted
   * (unless the last read found only part of one).
   */
  override _pending(): number {
    const n = super._pending();
    if (this.#ssl === null || this.#error !== null) return n;
    const lib = this.#lib;
    const p = n + lib.SSL_pending(this.#ssl);
    if (p > 0) return p;
    // records OpenSSL has not decrypted yet: in its buffer, or still in the read BIO (it reads a record at a time)
    if (this.#needSocket) return 0;
    return lib.SSL_has_pending(this.#ssl) === 1 || lib.BIO_ctrl_pending(this.#rbio) > 0 ? 1 : 0;
  }

  /**
   * @internal What a poller waits for on the descriptor when asked for
   * `events`: POLLOUT while ciphertext is queued (it must go before anything
   * else can), POLLIN while a write or handshake waits for the peer's
   * bytes; otherwise `events`. See `Pollable._pollEvents`.
   */
  _pollEvents(events: number): number {
    if (events === 0 || this.#ssl === null || this.#error !== null) return events;
    if (this.#outEnd > this.#outPos || (this.#datagrams !== null && this.#datagrams.length > 0)) {
      return (events & ~POLLIN) | POLLOUT;
    }
    if (this.#writeNeedsRead) return (events & ~POLLOUT) | POLLIN;
    return events;
  }

  // ---- CPython's socket-style methods ----

  /**
   * Runs the TLS handshake (`SSL_do_handshake`, with the socket's
   * `recv(2)`/`send(2)` in between). `wrap_socket` calls it unless told not
   * to; otherwise the first read or write runs it.
   *
   * Blocks until done (blocking), up to the timeout (`OSError(ETIMEDOUT)`),
   * or not at all: non-blocking, it raises `SSLWantReadError` /
   * `SSLWantWriteError` until it completes (call it again when poll says so).
   *
   * @throws {SSLCertVerificationError} the peer's certificate failed verification
   * @throws {SSLError} any other TLS failure (sticky)
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.do_handshake); // "function"
   * ```
   */
  do_handshake(): void {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.do_handshake()");
    const deadline = this._start();
    SSLSocket.#result(this.#drive(OP_HANDSHAKE, EMPTY, 0, deadline, true));
  }

  /**
   * Receives up to `bufsize` decrypted bytes (`SSL_read_ex`), as CPython's
   * `SSLSocket.recv`. Bytes buffered by `readline()` come first.
   *
   * Blocks until some arrive (blocking), up to the timeout, or not at all
   * (non-blocking: `SSLWantReadError`).
   *
   * @param bufsize the most bytes (0 to 1 GiB)
   * @param flags must be 0 (as CPython)
   * @returns the bytes; empty after the peer's close_notify
   * @throws {SSLWantReadError | SSLWantWriteError | SSLError | OSError}
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.recv); // "function"
   * ```
   */
  recv(bufsize: number, flags = 0): Uint8Array {
    if (arguments.length > 2) surplus(arguments.length, 2, "SSLSocket.recv(bufsize, flags)");
    int(bufsize, "bufsize", 0, MAX_IO);
    noFlags(flags);
    const deadline = this._start();
    const pending = super._pending();
    if (pending > 0) {
      const out = new Uint8Array(bufsize < pending ? bufsize : pending);
      this._takeBuffered(out, 0, out.length);
      return out;
    }
    if (bufsize === 0) return new Uint8Array(0);
    const buf = recvTarget(bufsize);
    return received(buf, bufsize, SSLSocket.#result(this.#drive(OP_READ, buf, bufsize, deadline, true)));
  }

  /**
   * Receives into `buf`, as CPython's `SSLSocket.recv_into`; otherwise as
   * {@linkcode SSLSocket.recv}.
   *
   * @param buf the destination
   * @param nbytes the most bytes; 0 or absent: `buf`'s length
   * @param flags must be 0
   * @returns the count (0 after close_notify)
   * @throws {SSLWantReadError | SSLWantWriteError | SSLError | OSError}
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.recv_into); // "function"
   * ```
   */
  recv_into(buf: ArrayBufferView | ArrayBuffer, nbytes = 0, flags = 0): number {
    if (arguments.length > 3) surplus(arguments.length, 3, "SSLSocket.recv_into(buf, nbytes, flags)");
    const dst = bufferOf(buf, "buf");
    int(nbytes, "nbytes", 0, dst.byteLength);
    noFlags(flags);
    const n = Math.min(nbytes || dst.byteLength, MAX_IO);
    const deadline = this._start();
    if (super._pending() > 0) return this._takeBuffered(dst, 0, n);
    if (n === 0) return 0;
    return SSLSocket.#result(this.#drive(OP_READ, dst, n, deadline, true));
  }

  /**
   * Encrypts and sends up to 256 KiB of `data` (`SSL_write_ex`, partial
   * writes enabled); returns how many bytes were taken, as CPython's
   * `SSLSocket.send`.
   *
   * Blocks until sent (blocking), up to the timeout, or raises
   * `SSLWantWriteError` (non-blocking, the socket is full).
   *
   * @param data bytes or a string (UTF-8)
   * @param flags must be 0
   * @throws {SSLWantWriteError | SSLWantReadError | SSLError | OSError}
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.send); // "function"
   * ```
   */
  send(data: Data, flags = 0): number {
    if (arguments.length > 2) surplus(arguments.length, 2, "SSLSocket.send(data, flags)");
    const bytes = bytesOf(data, "data");
    noFlags(flags);
    const deadline = this._start();
    if (bytes.byteLength === 0) return 0;
    const n = bytes.byteLength < MAX_WRITE ? bytes.byteLength : MAX_WRITE;
    return SSLSocket.#result(this.#drive(OP_WRITE, bytes, n, deadline, true));
  }

  /**
   * Sends all of `data`, as CPython's `SSLSocket.sendall`: `SSL_write_ex`
   * and `send(2)` in a loop under one deadline.
   *
   * @param data bytes or a string (UTF-8)
   * @param flags must be 0
   * @throws {SSLWantWriteError} non-blocking, and not everything fit
   * @throws {SSLError | OSError} ETIMEDOUT, ECONNRESET, EPIPE, …
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.sendall); // "function"
   * ```
   */
  sendall(data: Data, flags = 0): void {
    if (arguments.length > 2) surplus(arguments.length, 2, "SSLSocket.sendall(data, flags)");
    const bytes = bytesOf(data, "data");
    noFlags(flags);
    if (this._sendAll(bytes, 0) < bytes.byteLength) throw new SSLWantWriteError();
  }

  /**
   * Decrypted bytes ready to read without the socket (`SSL_pending`, plus
   * `readline()`'s buffer), as CPython's `SSLSocket.pending`. No syscall.
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.pending); // "function"
   * ```
   */
  pending(): number {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.pending()");
    if (this.#ssl === null) return 0;
    return super._pending() + this.#lib.SSL_pending(this.#ssl);
  }

  // ---- the connection's facts ----

  /**
   * The peer's certificate as DER bytes (`SSL_get1_peer_certificate`,
   * `i2d_X509_bio`), or `null` when it sent none. No syscall.
   *
   * Differs from CPython: only the binary form is offered (as MicroPython,
   * which raises for a false argument); decode DER with a library of your choice.
   *
   * @param binary_form must be true
   * @throws {TypeError} `binary_form` is not true
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.getpeercert); // "function"
   * ```
   */
  getpeercert(binary_form: boolean): Uint8Array | null {
    if (arguments.length > 1) surplus(arguments.length, 1, "SSLSocket.getpeercert(binary_form)");
    if (binary_form !== true) {
      throw new TypeError(
        `getpeercert() gives only the binary form: call getpeercert(true) for DER bytes, got ${typeName(binary_form)}`,
      );
    }
    this.#live();
    const x = this.#lib.SSL_get1_peer_certificate(this.#ssl);
    if (x === null) return null;
    try {
      return derOf(this.#lib, x);
    } finally {
      this.#lib.X509_free(x);
    }
  }

  /**
   * The negotiated cipher suite and protocol, as MicroPython's `cipher()`:
   * `[suite, version]` (`SSL_get_current_cipher`, `SSL_CIPHER_get_name`,
   * `SSL_get_version`), or `null` before the handshake. No syscall.
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.cipher); // "function"
   * ```
   */
  cipher(): [string, string] | null {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.cipher()");
    this.#live();
    const c = this.#lib.SSL_get_current_cipher(this.#ssl);
    if (c === null) return null;
    return [backend.cstring(this.#lib.SSL_CIPHER_get_name(c)) ?? "", this.version() ?? ""];
  }

  /**
   * The negotiated protocol (`"TLSv1.3"`, `"TLSv1.2"`; `SSL_get_version`),
   * or `null` before the handshake, as CPython. No syscall.
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.version); // "function"
   * ```
   */
  version(): string | null {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.version()");
    this.#live();
    if (this.#lib.SSL_is_init_finished(this.#ssl) !== 1) return null;
    return backend.cstring(this.#lib.SSL_get_version(this.#ssl));
  }

  /**
   * The protocol the server chose in ALPN (`SSL_get0_alpn_selected`), or
   * `null` when none was, as CPython. No syscall.
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.selected_alpn_protocol); // "function"
   * ```
   */
  selected_alpn_protocol(): string | null {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.selected_alpn_protocol()");
    this.#live();
    const data = new BigUint64Array(1), len = new Uint32Array(1);
    this.#lib.SSL_get0_alpn_selected(this.#ssl, new Uint8Array(data.buffer), new Uint8Array(len.buffer));
    if (data[0] === 0n || len[0] === 0) return null;
    return new TextDecoder().decode(backend.peek(data[0], len[0]));
  }

  /** True for the server end of the connection (CPython's `server_side`). */
  get server_side(): boolean {
    return this.#serverSide;
  }

  // ---- the socket underneath ----

  /**
   * Sets the wrapped socket's timeout (`Socket.settimeout`), as MicroPython
   * forwards it: `null` blocking, 0 non-blocking, seconds.
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.settimeout); // "function"
   * ```
   */
  settimeout(value: number | null): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "SSLSocket.settimeout(value)");
    this.#live();
    this.#sock!.settimeout(value);
  }

  /**
   * The wrapped socket's timeout (`Socket.gettimeout`).
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.gettimeout); // "function"
   * ```
   */
  gettimeout(): number | null {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.gettimeout()");
    this.#live();
    return this.#sock!.gettimeout();
  }

  /**
   * Sets the wrapped socket blocking or not (`Socket.setblocking`).
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.setblocking); // "function"
   * ```
   */
  setblocking(flag: boolean): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "SSLSocket.setblocking(flag)");
    this.#live();
    this.#sock!.setblocking(flag);
  }

  /**
   * The wrapped socket's descriptor, or -1 once closed. No syscall.
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.fileno); // "function"
   * ```
   */
  fileno(): number {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.fileno()");
    return this.#ssl === null || this.#sock === null ? -1 : this.#sock.fileno();
  }

  /**
   * The peer's address (`getpeername(2)` on the wrapped socket).
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.getpeername); // "function"
   * ```
   */
  getpeername(): Address {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.getpeername()");
    this.#live();
    return this.#sock!.getpeername();
  }

  /**
   * The socket's own address (`getsockname(2)` on the wrapped socket).
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.getsockname); // "function"
   * ```
   */
  getsockname(): Address {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.getsockname()");
    this.#live();
    return this.#sock!.getsockname();
  }

  // ---- ending ----

  /**
   * Ends TLS and gives back the plain socket, as CPython's `unwrap()`:
   * sends close_notify and waits for the peer's (`SSL_shutdown`), then frees
   * the TLS state. The socket stays open and is the caller's.
   *
   * Blocks like a read: up to the timeout, or raises `SSLWantReadError`
   * (non-blocking; call it again). A peer that closes the connection
   * instead of answering ends the wait too.
   *
   * @returns the wrapped socket
   * @throws {SSLWantReadError | SSLWantWriteError | SSLError | OSError}
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.unwrap); // "function"
   * ```
   */
  unwrap(): Socket {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.unwrap()");
    const deadline = this._start();
    try {
      SSLSocket.#result(this.#drive(OP_SHUTDOWN, EMPTY, 0, deadline, true));
    } catch (e) {
      // the peer hung up instead of answering: TLS is over all the same
      if (!(e instanceof SSLError && e.errno === E.ECONNRESET)) throw e;
    }
    const sock = this.#sock!;
    this.#release(false);
    return sock;
  }

  /**
   * Closes the TLS socket and the socket underneath (`close(2)`; the plain
   * socket's own `close()` later is a no-op). Sends close_notify first when
   * the connection is healthy, without waiting (MSG_DONTWAIT; CPython and
   * MicroPython send none). Idempotent; afterwards every method raises
   * `OSError(EBADF)` and `fileno()` is -1.
   *
   * @example See {@linkcode SSLContext}
   * ```ts
   * import { ssl } from "../../mod.ts";
   * console.log(typeof ssl.SSLSocket.prototype.close); // "function"
   * ```
   */
  close(): void {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLSocket.close()");
    if (this.#ssl === null) return;
    const sock = this.#sock!;
    const fd = sock.fileno();
    if (fd >= 0 && this.#error === null && this.#lib.SSL_is_init_finished(this.#ssl) === 1) {
      this.#lib.ERR_clear_error();
      this.#lib.SSL_shutdown(this.#ssl);
      try {
        this.#flush(fd, 0, -1, false, MSG_DONTWAIT); // one try, never waiting
        // Read what already arrived (TLS 1.3 session tickets a client never
        // read, say): close(2) with unread bytes sends an RST, which would
        // destroy the close_notify and what the peer has not read yet.
        for (let i = 0; i < 64 && sockCall(fd, 0, OP_RECV, inBuf, inBuf.length, MSG_DONTWAIT, -1, false, 0) > 0; i++);
      } catch { /* the peer may be gone already */ }
    }
    this.#release(true);
  }

  /** Frees the TLS state; closes the socket when `closeSocket`. Pollers are told. */
  #release(closeSocket: boolean): void {
    const sock = this.#sock;
    finalizer.unregister(this);
    this.#lib.ERR_clear_error();
    if (this.#datagrams !== null) forgetDtls(this.#ssl, this.#wbio);
    this.#lib.SSL_free(this.#ssl); // frees both BIOs
    this.#ssl = null;
    this.#sock = null;
    this._dropBuffered();
    pendingChanged(false);
    const hooks = this.#closeHooks;
    this.#closeHooks = null;
    if (hooks !== null) { for (const h of hooks) h(this); }
    if (closeSocket) sock?.close();
  }

  /** Same as {@linkcode SSLSocket.close}: `using` closes at scope end. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal Registers a function called once when this socket closes (used by pollers). */
  _onClose(hook: (s: SSLSocket) => void): void {
    (this.#closeHooks ??= new Set()).add(hook);
  }

  /** @internal Removes a close hook. */
  _offClose(hook: (s: SSLSocket) => void): void {
    this.#closeHooks?.delete(hook);
  }

  /** `<SSLSocket fd=5 server>`; `[closed]` once closed. */
  override toString(): string {
    return `<SSLSocket fd=${this.fileno()} ${this.#serverSide ? "server" : "client"}${
      this.#ssl === null ? " [closed]" : ""
    }>`;
  }
}

/** CPython: "non-zero flags not allowed in calls to recv()/send() on SSLSocket". */
function noFlags(flags: unknown): void {
  if (flags === 0) return;
  int(flags, "flags");
  throw new RangeError("flags must be 0 on an SSLSocket (as CPython)");
}
