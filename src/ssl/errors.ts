/**
 * The ssl module's errors, and the one function that turns a failing
 * OpenSSL call into one of them (CPython's `_ssl.c` `PySSL_SetError`): read
 * `SSL_get_error` right after the call, then OpenSSL's error queue.
 *
 * @module
 */
import { backend } from "../../ffi/backend.ts";
import type { LibSsl } from "../../ffi/libssl.ts";
import { OSError } from "../os_error.ts";
import { E } from "../platform/mod.ts";

/** `SSL_get_error` results (ssl.h). */
export const SSL_ERROR_NONE = 0,
  SSL_ERROR_SSL = 1,
  SSL_ERROR_WANT_READ = 2,
  SSL_ERROR_WANT_WRITE = 3,
  SSL_ERROR_SYSCALL = 5,
  SSL_ERROR_ZERO_RETURN = 6;

/** OpenSSL's reason code for an EOF without close_notify (`SSL_R_UNEXPECTED_EOF_WHILE_READING`). */
const UNEXPECTED_EOF = 294;
/** OpenSSL's reason code for a failed certificate verification (`SSL_R_CERTIFICATE_VERIFY_FAILED`). */
const CERTIFICATE_VERIFY_FAILED = 134;

/**
 * A TLS error, as CPython's `ssl.SSLError`: an {@linkcode OSError} (so
 * MicroPython-style `except OSError` code catches it) whose message holds
 * OpenSSL's library and reason. No syscall.
 *
 * `errno` is EIO for errors OpenSSL reports, ECONNRESET for an EOF without
 * close_notify, and EAGAIN for {@linkcode SSLWantReadError} /
 * {@linkcode SSLWantWriteError}.
 *
 * @example
 * ```ts
 * import { ssl } from "../../mod.ts";
 * const e = new ssl.SSLError(5, "unexpected eof while reading", "SSL routines");
 * console.log(e instanceof Error, e.reason); // true "unexpected eof while reading"
 * ```
 */
export class SSLError extends OSError {
  /** OpenSSL's reason, as text (CPython: a mnemonic such as `CERTIFICATE_VERIFY_FAILED`), or `null`. */
  readonly reason: string | null;
  /** OpenSSL's library name (`"SSL routines"`), or `null`. */
  readonly library: string | null;

  /**
   * @param errno the errno number carried (EIO for OpenSSL's own errors)
   * @param reason OpenSSL's reason text
   * @param library OpenSSL's library name
   */
  constructor(errno: number, reason: string | null, library: string | null = null) {
    super(errno, library ? `[${library}] ${reason ?? "unknown error"}` : reason ?? "unknown TLS error");
    this.name = "SSLError";
    this.reason = reason;
    this.library = library;
  }
}

/**
 * The peer's certificate failed verification, as CPython's
 * `ssl.SSLCertVerificationError`. No syscall.
 *
 * @example
 * ```ts
 * import { ssl } from "../../mod.ts";
 * const e = new ssl.SSLCertVerificationError(10, "certificate has expired");
 * console.log(e instanceof ssl.SSLError, e.verify_code); // true 10
 * ```
 */
export class SSLCertVerificationError extends SSLError {
  /** OpenSSL's X509 verify code (`X509_V_ERR_*`; 10: expired, 18/19/20: untrusted, 62: hostname mismatch). */
  readonly verify_code: number;
  /** OpenSSL's text for `verify_code`. */
  readonly verify_message: string;

  /**
   * @param verifyCode the X509_V_ERR_* code
   * @param verifyMessage its text
   */
  constructor(verifyCode: number, verifyMessage: string) {
    super(E.EIO, `certificate verify failed: ${verifyMessage}`, "SSL routines");
    this.name = "SSLCertVerificationError";
    this.verify_code = verifyCode;
    this.verify_message = verifyMessage;
  }
}

/**
 * A non-blocking TLS call needs the socket readable first (`errno` EAGAIN),
 * as CPython's `ssl.SSLWantReadError`. No syscall.
 *
 * @example
 * ```ts
 * import { errno, ssl } from "../../mod.ts";
 * console.log(new ssl.SSLWantReadError().errno === errno.EAGAIN); // true
 * ```
 */
export class SSLWantReadError extends SSLError {
  /** Creates the error. */
  constructor() {
    super(E.EAGAIN, "the read operation needs the socket readable");
    this.name = "SSLWantReadError";
  }
}

/**
 * A non-blocking TLS call needs the socket writable first (`errno` EAGAIN),
 * as CPython's `ssl.SSLWantWriteError`. No syscall.
 *
 * @example
 * ```ts
 * import { errno, ssl } from "../../mod.ts";
 * console.log(new ssl.SSLWantWriteError().errno === errno.EAGAIN); // true
 * ```
 */
export class SSLWantWriteError extends SSLError {
  /** Creates the error. */
  constructor() {
    super(E.EAGAIN, "the write operation needs the socket writable");
    this.name = "SSLWantWriteError";
  }
}

/** Empties OpenSSL's error queue (this thread's), returning its first code (0n if none). */
export function takeError(lib: LibSsl): bigint {
  let first = 0n, e: bigint;
  while ((e = lib.ERR_get_error()) !== 0n) if (first === 0n) first = e;
  return first;
}

/** The SSLError for the queue's first error (`what` says what failed), emptying the queue. */
export function queueError(lib: LibSsl, what: string): SSLError {
  const e = takeError(lib);
  const reason = e === 0n ? null : backend.cstring(lib.ERR_reason_error_string(e));
  const library = e === 0n ? null : backend.cstring(lib.ERR_lib_error_string(e));
  return new SSLError(E.EIO, `${what}${reason ? `: ${reason}` : ""}`, library);
}

/**
 * The error for OpenSSL's error queue after a failed call (`code` is
 * `SSL_get_error`'s, read right after the call), consuming the queue;
 * `verifyResult` gives the certificate's verify code when verification
 * failed. Never returns a want-read/want-write error: callers handle those.
 */
export function sslErrorFrom(
  lib: LibSsl,
  code: number,
  verifyResult: () => number,
): SSLError {
  const first = takeError(lib);
  if (first === 0n) {
    if (code === SSL_ERROR_SYSCALL) return new SSLError(E.ECONNRESET, "EOF occurred in violation of protocol");
    return new SSLError(E.EIO, `TLS error (SSL_get_error ${code})`);
  }
  const reasonCode = Number(first & 0x7fffffn);
  if (reasonCode === CERTIFICATE_VERIFY_FAILED) {
    const v = verifyResult();
    const msg = backend.cstring(lib.X509_verify_cert_error_string(BigInt(v))) ?? `verify error ${v}`;
    return new SSLCertVerificationError(v, msg);
  }
  const reason = backend.cstring(lib.ERR_reason_error_string(first));
  const library = backend.cstring(lib.ERR_lib_error_string(first));
  if (reasonCode === UNEXPECTED_EOF) {
    return new SSLError(E.ECONNRESET, reason ?? "unexpected eof while reading", library);
  }
  return new SSLError(E.EIO, reason, library);
}
