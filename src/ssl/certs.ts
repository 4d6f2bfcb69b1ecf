/**
 * Certificates and keys for the ssl module: PEM or DER bytes (or a file's
 * bytes, read by OpenSSL, so Deno needs no `--allow-read` for them) to
 * OpenSSL's `X509` and `EVP_PKEY`, through memory BIOs.
 *
 * @module
 */
import type { LibSsl } from "../../ffi/libssl.ts";
import type { Pointer } from "../../ffi/types.ts";
import { cstr } from "../address/mod.ts";
import { bytesOf, typeName } from "../args.ts";
import { OSError } from "../os_error.ts";
import { queueError, takeError } from "./errors.ts";

const PEM_BEGIN = new TextEncoder().encode("-----BEGIN");
const RB = cstr("rb", "mode");
/** An empty password, never NULL: OpenSSL then never prompts on the TTY. */
const NO_PASSWORD = cstr("", "password");
/** Bit 31 of an OpenSSL error code: the low bits are a system errno (`ERR_SYSTEM_FLAG`). */
const ERR_SYSTEM_FLAG = 0x80000000n;

/** True when `bytes` hold PEM text (a `-----BEGIN` line anywhere). */
function isPem(bytes: Uint8Array): boolean {
  outer: for (let i = 0; i + PEM_BEGIN.length <= bytes.length; i++) {
    for (let j = 0; j < PEM_BEGIN.length; j++) if (bytes[i + j] !== PEM_BEGIN[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * The bytes of the file at `path`, read by OpenSSL (`BIO_new_file`,
 * `BIO_read_ex`). Raises OSError with the system's errno (ENOENT, EACCES, …).
 */
export function readFile(lib: LibSsl, path: string, what: string): Uint8Array {
  const bio = lib.BIO_new_file(cstr(path, what), RB);
  if (bio === null) {
    const e = takeError(lib);
    if (e & ERR_SYSTEM_FLAG) throw new OSError(Number(e & 0x7fffffffn), `${what}: cannot open ${JSON.stringify(path)}`);
    throw new OSError(2, `${what}: cannot open ${JSON.stringify(path)}`);
  }
  try {
    const chunks: Uint8Array[] = [];
    const got = new Uint32Array(2);
    const gotBytes = new Uint8Array(got.buffer);
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(65536);
      if (lib.BIO_read_ex(bio, chunk, chunk.length, gotBytes) !== 1 || got[0] === 0) break;
      chunks.push(chunk.subarray(0, got[0]));
      total += got[0];
    }
    takeError(lib); // the end of the file leaves a note in the queue
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) (out.set(c, off), off += c.length);
    return out;
  } finally {
    lib.BIO_free(bio);
  }
}

/** Certificate or key material as given: bytes (PEM or DER) or, for a string, a file's path. */
export type Material = string | ArrayBufferView | ArrayBuffer;

/** The bytes of `m`: a path's file content, or the bytes themselves. */
export function materialBytes(lib: LibSsl, m: unknown, what: string): Uint8Array {
  if (typeof m === "string") return readFile(lib, m, what);
  if (m instanceof ArrayBuffer || ArrayBuffer.isView(m)) return bytesOf(m as ArrayBufferView, what);
  throw new TypeError(`${what} must be a path (string) or PEM/DER bytes, got ${typeName(m)}`);
}

/** Runs `f` over a read-only memory BIO of a copy of `bytes` (kept alive until the BIO is freed). */
function withBio<T>(lib: LibSsl, bytes: Uint8Array, f: (bio: Pointer) => T): T {
  const copy = bytes.slice();
  const bio = lib.BIO_new_mem_buf(copy, copy.length);
  if (bio === null) throw queueError(lib, "BIO_new_mem_buf");
  try {
    return f(bio);
  } finally {
    lib.BIO_free(bio);
    void copy; // referenced until here: OpenSSL reads it in place
  }
}

/**
 * The certificates in `bytes`: every PEM certificate, or one DER
 * certificate. The caller owns them (`X509_free`). Raises SSLError when
 * there is none ("invalid cert", as MicroPython).
 */
export function parseCerts(lib: LibSsl, bytes: Uint8Array, what: string): Pointer[] {
  const certs = withBio(lib, bytes, (bio) => {
    const out: Pointer[] = [];
    if (isPem(bytes)) {
      for (;;) {
        const x = lib.PEM_read_bio_X509(bio, null, null, null);
        if (x === null) break;
        out.push(x);
      }
      takeError(lib); // PEM_R_NO_START_LINE after the last one
    } else {
      const x = lib.d2i_X509_bio(bio, null);
      if (x !== null) out.push(x);
    }
    return out;
  });
  if (certs.length === 0) throw queueError(lib, `${what}: invalid cert (no PEM or DER certificate)`);
  return certs;
}

/** The private key in `bytes` (PEM, never prompting for a password, or DER); the caller frees it. */
export function parseKey(lib: LibSsl, bytes: Uint8Array, what: string): Pointer {
  const key = withBio(
    lib,
    bytes,
    (bio) =>
      isPem(bytes) ? lib.PEM_read_bio_PrivateKey(bio, null, null, NO_PASSWORD) : lib.d2i_PrivateKey_bio(bio, null),
  );
  if (key === null) throw queueError(lib, `${what}: invalid key`);
  return key;
}

/** The DER bytes of certificate `x` (`i2d_X509_bio` into a memory BIO). */
export function derOf(lib: LibSsl, x: Pointer): Uint8Array {
  const bio = lib.BIO_new(lib.BIO_s_mem());
  if (bio === null) throw queueError(lib, "BIO_new");
  try {
    if (lib.i2d_X509_bio(bio, x) !== 1) throw queueError(lib, "i2d_X509_bio");
    const n = lib.BIO_ctrl_pending(bio);
    const out = new Uint8Array(n);
    const got = new Uint8Array(8);
    if (n > 0 && lib.BIO_read_ex(bio, out, n, got) !== 1) throw queueError(lib, "BIO_read_ex");
    return out;
  } finally {
    lib.BIO_free(bio);
  }
}
