/**
 * MicroPython's stream methods, once: `read`, `readinto`, `readline` and
 * `write` with their rules (no short reads or writes when blocking; `null`
 * when non-blocking and nothing is ready; a timeout keeps every byte
 * received), and the readline buffer they share with every receive of the
 * object. As MicroPython's `py/stream.c`, they run over two primitives a
 * subclass provides — receive into a buffer, send from one — so the plain
 * socket and the TLS socket (`SSLSocket`) share one implementation.
 *
 * @module
 */
import { MAX_IO } from "../ffi/symbols.ts";
import { copyOut, SMALL_MAX } from "./arena.ts";
import { bufferOf, bytesOf, int, surplus } from "./args.ts";
import { OSError } from "./os_error.ts";
import { E } from "./platform/mod.ts";
import { pendingChanged } from "./pollable.ts";

/** Data a send-like method takes: bytes in any ArrayBufferView, or a string (sent as UTF-8). */
export type Data = ArrayBufferView | ArrayBuffer | string;

const { EAGAIN, ETIMEDOUT } = E;
const EMPTY = new Uint8Array(0);
/** How much `readline` asks for at a time. */
const LINE_CHUNK = 16384;

// Scratch memory for read(): every call is synchronous and none re-enters
// another, so one per thread is enough.
const SCRATCH = 65536;
const scratch = new Uint8Array(SCRATCH);

/**
 * An object with MicroPython's stream methods over a byte stream that a
 * subclass provides: {@linkcode Socket} and the TLS socket (`SSLSocket`). Not made
 * directly.
 *
 * The readline buffer: `readline()` (and a `read()` cut short by its
 * deadline) may receive more than it returns; those bytes are served first by
 * every later receive of the object, its subclass's `recv`-style methods
 * included, and make pollers report it readable.
 */
export abstract class Stream {
  // Bytes received by readline/read beyond what they returned. Live bytes
  // are #rbuf[#rpos, #rend).
  #rbuf: Uint8Array = EMPTY;
  #rpos = 0;
  #rend = 0;

  // ---- the primitives a subclass provides ----

  /**
   * Receives up to `len` bytes into `buf[0, len)`: one step of an operation
   * whose deadline is `deadline` (-1: none), `first` when it is the
   * operation's first step. With `all`, the caller wants all `len` bytes (a
   * blocking socket may ask the kernel for them at once). Returns the count
   * (0 at EOF), `-EAGAIN` when non-blocking and nothing is ready, or
   * `-ETIMEDOUT`; raises OSError for anything else.
   */
  protected abstract _recvInto(buf: Uint8Array, len: number, all: boolean, deadline: number, first: boolean): number;
  /**
   * Sends up to `len` bytes of `buf` (with the caller's `MSG_*` `flags`),
   * one step of an operation, as {@linkcode Stream._recvInto}. Returns the
   * count, `-EAGAIN` or `-ETIMEDOUT`; raises OSError for anything else.
   */
  protected abstract _sendFrom(buf: Uint8Array, len: number, flags: number, deadline: number, first: boolean): number;
  /** Starts an operation: raises OSError(EBADF) when closed; returns its deadline (-1: none). */
  protected abstract _start(): number;
  /** True when non-blocking: calls return what is ready. */
  protected abstract _nonblocking(): boolean;
  /** True for a datagram transport: a read makes one receive (one datagram), never a loop. */
  protected abstract _datagram(): boolean;

  // ---- the readline buffer ----

  /** Bytes received but not yet returned (readline's buffer), served first by every receive. */
  _pending(): number {
    return this.#rend - this.#rpos;
  }

  /**
   * Copies up to `max` buffered bytes into `dst` at `off`; consumes them
   * unless `peek`. Returns the count (0 when nothing is buffered).
   */
  protected _takeBuffered(dst: Uint8Array, off: number, max: number, peek = false): number {
    const n = Math.min(max, this.#rend - this.#rpos);
    if (n <= 0) return 0;
    dst.set(this.#rbuf.subarray(this.#rpos, this.#rpos + n), off);
    if (!peek) this.#consume(n);
    return n;
  }

  /** Forgets the buffered bytes (the object closed). */
  protected _dropBuffered(): void {
    this.#rbuf = EMPTY;
    this.#window(0, 0);
  }

  #consume(n: number): void {
    const p = this.#rpos + n;
    if (p >= this.#rend) this.#window(0, 0);
    else this.#window(p, this.#rend);
  }

  /** Sets the live part of the buffer, #rbuf[rpos, rend), keeping pollers' count exact. */
  #window(rpos: number, rend: number): void {
    const was = this.#rend > this.#rpos, is = rend > rpos;
    if (was !== is) pendingChanged(is);
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

  // ---- the loops ----

  /**
   * Fills `dst[0, want)`: buffered bytes first, then receives until `want`
   * bytes, EOF, or (non-blocking) nothing more is ready. A datagram
   * transport makes one receive. `first`: this is the operation's first
   * receive. Returns the count, or -1 when non-blocking and nothing at all
   * was ready. On the deadline, bytes already received are put back in the
   * buffer and ETIMEDOUT raised.
   */
  #fill(dst: Uint8Array, want: number, deadline: number, first: boolean): number {
    let got = this._takeBuffered(dst, 0, want);
    const datagram = this._datagram();
    while (got < want) {
      const view = got === 0 ? dst : dst.subarray(got);
      const left = want - got;
      const r = this._recvInto(view, left < MAX_IO ? left : MAX_IO, true, deadline, first);
      first = false;
      if (r === 0) break;
      if (r < 0) {
        if (r === -EAGAIN) return got > 0 ? got : -1;
        this.#unread(dst.slice(0, got));
        throw new OSError(ETIMEDOUT);
      }
      got += r;
      if (datagram) break;
    }
    return got;
  }

  /**
   * Sends all of `bytes` with `flags`, under one deadline. Returns the count
   * sent: all of it, or fewer when non-blocking and the buffer filled
   * (EAGAIN). Raises `OSError(ETIMEDOUT)` when the deadline passes first
   * (how much was sent is then lost, as in CPython's `sendall`).
   */
  protected _sendAll(bytes: Uint8Array, flags: number): number {
    const deadline = this._start();
    const total = bytes.byteLength;
    let off = 0;
    while (off < total) {
      const view = off === 0 ? bytes : bytes.subarray(off);
      const left = total - off;
      const r = this._sendFrom(view, left < MAX_IO ? left : MAX_IO, flags, deadline, off === 0);
      if (r < 0) {
        if (r === -EAGAIN) break;
        throw new OSError(-r);
      }
      off += r;
    }
    return off;
  }

  // ---- MicroPython's stream methods ----

  /**
   * Reads up to `nbytes` (default: `buf`'s length) into `buf`, with the "no
   * short reads" policy: a blocking stream waits until that many bytes or
   * EOF. On a socket: one `recv(2)` with `MSG_WAITALL` when blocking (looping
   * only if a signal cuts it short), else `recv(2)` in a loop; allocates
   * nothing per call.
   *
   * Blocks until done or EOF (blocking), up to the timeout for the whole call
   * (`OSError(ETIMEDOUT)`: bytes already received are kept for the next
   * read), or not at all (non-blocking: what is ready).
   *
   * Arguments as MicroPython's stream `readinto(buf[, nbytes])`
   * (`py/stream.c`): an `nbytes` past the buffer's end, or negative, is the
   * buffer's length. (CPython's sockets have no `readinto`; their
   * `recv_into`, which refuses such an `nbytes`, is `Socket.recv_into`.)
   *
   * @param buf the destination (any ArrayBufferView or ArrayBuffer; written in place)
   * @param nbytes the most bytes to read; absent, `null`, negative or too large: `buf`'s length
   * @returns bytes read (0 at EOF), or `null` when non-blocking with nothing ready
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
  readinto(buf: ArrayBufferView | ArrayBuffer, nbytes?: number | null): number | null {
    if (arguments.length > 2) surplus(arguments.length, 2, `${this.constructor.name}.readinto(buf, nbytes)`);
    const dst = bufferOf(buf, "buf");
    let want = dst.byteLength;
    if (nbytes !== undefined && nbytes !== null) {
      const n = int(nbytes, "nbytes", -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      if (n >= 0 && n < want) want = n; // MicroPython: a larger (or, as size_t, negative) count is the buffer's
    }
    const deadline = this._start();
    if (want === 0) return 0;
    const got = this.#fill(dst, want, deadline, true);
    return got < 0 ? null : got;
  }

  /**
   * Reads `size` bytes (fewer only at EOF), or everything until EOF when
   * `size` is absent or negative. On a socket: `recv(2)` in a loop.
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
   * @returns the bytes (empty at EOF), or `null` when non-blocking with nothing ready
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
    if (arguments.length > 1) surplus(arguments.length, 1, `${this.constructor.name}.read(size)`);
    const all = size === undefined || size === null || (typeof size === "number" && size < 0);
    if (!all) int(size, "size", 0, MAX_IO);
    const deadline = this._start();
    if (!all) {
      if (size === 0) return new Uint8Array(0);
      const n = size!;
      if (n <= SMALL_MAX) {
        const got = this.#fill(scratch, n, deadline, true);
        return got < 0 ? null : copyOut(scratch, 0, got);
      }
      if (n <= 1 << 20) {
        const out = new Uint8Array(n);
        const got = this.#fill(out, n, deadline, true);
        return got < 0 ? null : got === n ? out : out.slice(0, got);
      }
    }
    const limit = all ? Infinity : size!;
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      while (total < limit) {
        const want = Math.min(SCRATCH, limit - total);
        const got = this.#fill(scratch, want, deadline, total === 0);
        if (got <= 0) {
          if (got < 0 && total === 0) return null;
          break;
        }
        chunks.push(copyOut(scratch, 0, got));
        total += got;
        if (got < want && this._nonblocking()) break;
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
    if (arguments.length > 1) surplus(arguments.length, 1, `${this.constructor.name}.readline(size)`);
    let max = Infinity;
    if (size !== undefined && size !== null) {
      const n = int(size, "size", -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      if (n >= 0) max = n;
    }
    const deadline = this._start();
    if (max === 0) return new Uint8Array(0);
    let scanned = 0; // bytes after #rpos known to hold no "\n"
    for (let first = true;; first = false) {
      const live = this.#rend - this.#rpos;
      const limit = live < max ? this.#rend : this.#rpos + max;
      const nl = this.#rbuf.indexOf(10, this.#rpos + scanned);
      if (nl >= 0 && nl < limit) return this.#takeLine(nl + 1);
      if (live >= max) return this.#takeLine(limit);
      scanned = live;
      this.#reserve(LINE_CHUNK);
      const room = this.#rbuf.subarray(this.#rend);
      const r = this._recvInto(room, room.length, false, deadline, first);
      if (r > 0) {
        this.#window(this.#rpos, this.#rend + r);
        continue;
      }
      if (r === 0) return this.#takeLine(this.#rend); // EOF: the rest, maybe empty
      if (r === -EAGAIN) return null;
      throw new OSError(ETIMEDOUT);
    }
  }

  #takeLine(end: number): Uint8Array {
    const line = copyOut(this.#rbuf, this.#rpos, end);
    this.#consume(end - this.#rpos);
    return line;
  }

  /**
   * Writes `buf` with the "no short writes" policy: a blocking stream sends
   * everything; a non-blocking one sends what fits and returns that count
   * (`null` if nothing fit). On a socket: `send(2)` (with `MSG_NOSIGNAL`) in
   * a loop; nothing is sent, and no syscall made, for an empty range.
   *
   * Blocks like `Socket.sendall`; with a timeout, raises `OSError(ETIMEDOUT)`
   * if the whole buffer is not sent in time.
   *
   * Arguments as MicroPython's stream `write(buf[, max_len])` and
   * `write(buf, off, max_len)` (`py/stream.c`): see the other overloads.
   *
   * @param buf bytes (any ArrayBufferView, not copied) or a string (UTF-8)
   * @returns bytes written, or `null` when non-blocking and nothing fit
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
   * otherwise as `write(buf)`.
   *
   * @param buf bytes, or a string (its UTF-8 bytes are counted)
   * @param max_len the most bytes to write; negative: no limit (MicroPython)
   * @returns bytes written, or `null` when non-blocking and nothing fit
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
   * Otherwise as `write(buf)`.
   *
   * Differs from MicroPython: a negative `off` raises RangeError (MicroPython
   * reads it as a huge unsigned number, past the end, and writes nothing).
   *
   * @param buf bytes, or a string (offsets count its UTF-8 bytes)
   * @param off the first byte to write (an integer ≥ 0)
   * @param max_len the most bytes to write; negative: no limit
   * @returns bytes written, or `null` when non-blocking and nothing fit
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
      if (n > 3) surplus(n, 3, `${this.constructor.name}.write(buf, off, max_len)`);
      bytes = writeRange(bytes, n === 3 ? a : undefined, n === 3 ? b : a);
    }
    const sent = this._sendAll(bytes, 0);
    return sent === bytes.byteLength || sent > 0 ? sent : null;
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
