/**
 * Where received bytes go, so that a result mostly needs no copy: shared
 * arenas whose views are handed out back to back, as Node's Buffer pool. A
 * view keeps its whole arena alive. Used by every receive that returns its
 * bytes (the socket's `recv`/`recvfrom`, the stream methods' `read` and
 * `readline`).
 *
 * Measured, per result size:
 * - up to the backend's `freshArrayMax` (256 B on Bun, 0 on Deno): a new
 *   array (JavaScriptCore: 8 ns for 64 B, 20 ns for 256, against 40 ns for a
 *   view);
 * - up to 4 KiB: a view of the small arena (an ArrayBuffer costs ~200 ns on
 *   Deno, a view ~20 ns);
 * - up to 256 KiB: the bulk arena. A result of more than 4 KiB is a view of
 *   it (a new 64 KiB array per receive held recv(65536) to ~2.0 GiB/s on Bun
 *   and ~2.3 on Deno where a 1 MiB arena reached ~2.5 and ~2.8); a shorter
 *   one is copied into the small arena, so that a small result kept does not
 *   keep 1 MiB alive and the bulk arena is not used up by short reads;
 * - beyond: an array of its own.
 *
 * @module
 */
import { backend } from "../ffi/backend.ts";

/** A shared arena of `size` bytes, allocated at first use and again whenever it is used up. */
class Arena {
  #size: number;
  #buf = new ArrayBuffer(0);
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

const FRESH_MAX = backend.freshArrayMax;
/** Results up to this size come from the small arena. */
export const SMALL_MAX = 4096;
const BULK_MAX = 262144;
const small = new Arena(65536), bulk = new Arena(1 << 20);

/** A copy of `src[start, end)`: a view of the small arena up to 4 KiB, else its own array. */
export function copyOut(src: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  if (n > SMALL_MAX) return src.slice(start, end);
  const out = small.space(n);
  out.set(start === 0 && end === src.length ? src : src.subarray(start, end));
  return small.take(out, n);
}

/** Where a receive of up to `bufsize` bytes lands (see above); {@linkcode received} makes the result. */
export function recvTarget(bufsize: number): Uint8Array {
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
export function received(buf: Uint8Array, bufsize: number, r: number): Uint8Array {
  const n = r < bufsize ? r : bufsize;
  if (bufsize <= FRESH_MAX) return n === bufsize ? buf : buf.slice(0, n);
  if (bufsize <= SMALL_MAX) return small.take(buf, n);
  if (bufsize <= BULK_MAX) return n > SMALL_MAX ? bulk.take(buf, n) : copyOut(buf, 0, n);
  return n === bufsize ? buf : buf.slice(0, n);
}
