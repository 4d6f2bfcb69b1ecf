/**
 * `OSError`, and the one helper that turns a failing syscall (`-1` plus
 * `errno`) into it.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { errorcode } from "./errno.ts";

/**
 * The error every failing socket call raises, as in MicroPython: `errno` is
 * the host's errno number (`args[0]` too), or a NEGATIVE getaddrinfo error
 * code for `getaddrinfo()` failures.
 *
 * Differs from CPython: there is no `socket.timeout` or `socket.gaierror`
 * subclass; a timeout is `OSError(ETIMEDOUT)` and a resolver error is an
 * `OSError` with a negative errno.
 *
 * @example Tell a refused connection from other errors
 * ```ts
 * import * as usocket from "../mod.ts";
 * const s = usocket.socket();
 * try {
 *   s.connect(["127.0.0.1", 1]);
 * } catch (e) {
 *   if (!(e instanceof usocket.OSError)) throw e;
 *   console.log(e.errno === usocket.errno.ECONNREFUSED, e.message); // true "[Errno 111] ECONNREFUSED"
 * } finally {
 *   s.close();
 * }
 * ```
 */
export class OSError extends Error {
  /** The errno number (positive), or a negative getaddrinfo code. */
  readonly errno: number;
  /** `[errno, text]`, as Python's `e.args`. */
  readonly args: readonly [number, string];
  /** The text: the errno's name (`"ECONNREFUSED"`) or gai_strerror's text. */
  readonly strerror: string;

  /**
   * Creates the error for `errno`; the message is `[Errno N] TEXT`.
   *
   * @param errno the errno number (or negative getaddrinfo code)
   * @param text the description; defaults to the errno's name
   */
  constructor(errno: number, text?: string) {
    const s = text ?? errorcode[errno] ?? `errno ${errno}`;
    super(`[Errno ${errno}] ${s}`);
    this.name = "OSError";
    this.errno = errno;
    this.strerror = s;
    this.args = [errno, s];
  }
}

/** Throws `OSError` for the calling thread's current errno. Call it right after the failing call. */
export function raiseErrno(): never {
  throw new OSError(libc.errno());
}

/** Returns `r`, or throws `OSError(errno)` when `r` is -1. For calls that need no retry. */
export function check(r: number): number {
  if (r < 0) raiseErrno();
  return r;
}
