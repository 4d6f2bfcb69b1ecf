/**
 * `OSError`, and the one helper that turns a failing syscall (`-1` plus
 * `errno`) into it.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { errorcode } from "./errno.ts";
import { type EaiName, platform } from "./platform/mod.ts";

/** getaddrinfo codes of this platform, as the NEGATIVE numbers `OSError.errno` holds, → their names. */
const EAI_NAMES: Readonly<Record<number, EaiName>> = Object.fromEntries(
  (Object.entries(platform.eai) as [EaiName, number][]).map(([name, code]) => [-Math.abs(code), name]),
);

/**
 * The text of an `OSError` without one: the errno's name (`"ECONNREFUSED"`,
 * as MicroPython prints it); for an errno this module has no name for, libc's
 * `strerror(3)`; for a negative getaddrinfo code, `gai_strerror(3)`; for any
 * other number, a sentence that says what it is not.
 */
function describe(errno: number): string {
  const name = errorcode[errno];
  if (name !== undefined) return name;
  if (errno > 0) return libc.strerror(errno);
  if (errno === 0) return "no error (errno 0)";
  if (EAI_NAMES[errno] !== undefined) {
    const code = platform.eai[EAI_NAMES[errno]];
    return `${EAI_NAMES[errno]}: ${libc.gai_strerror(code)}`;
  }
  return `unknown error ${errno} (neither an errno nor a getaddrinfo code of this system)`;
}

/**
 * The error every failing socket call raises, as in MicroPython: `errno` is
 * the host's errno number (`args[0]` too), or a NEGATIVE getaddrinfo error
 * code for `getaddrinfo()` failures. No syscall: constructing one reads no
 * errno (the module reads it right after each failing call).
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
   * @param text the description; by default the errno's name (`ECONNREFUSED`), else libc's
   *   `strerror` text for an errno this module has no name for, `EAI_…: gai_strerror text`
   *   for a negative getaddrinfo code, or a sentence saying the number is neither
   */
  constructor(errno: number, text?: string) {
    const s = text ?? describe(errno);
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
