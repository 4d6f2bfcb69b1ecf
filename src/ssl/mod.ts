/**
 * MicroPython's `ssl` module (`tls` underneath) over OpenSSL 3, through
 * FFI: {@linkcode SSLContext}, {@linkcode wrap_socket} and the TLS socket,
 * {@linkcode SSLSocket}, with the plain socket's blocking, timeout and
 * stream semantics. libssl is loaded when the first context is made, so
 * importing this module needs no OpenSSL.
 *
 * @example A TLS client over a socket pair (a real one connects to a server)
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { ssl } = usocket;
 * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
 * console.log(ctx.verify_mode === ssl.CERT_REQUIRED); // true
 * ```
 *
 * @module
 */
export type { Material } from "./certs.ts";
export {
  CERT_NONE,
  CERT_OPTIONAL,
  CERT_REQUIRED,
  create_default_context,
  type MicroPythonWrapOptions,
  openssl_version,
  PROTOCOL_DTLS_CLIENT,
  PROTOCOL_DTLS_SERVER,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  TLSVersion,
  type VerifyLocations,
  wrap_socket,
  type WrapOptions,
} from "./context.ts";
export { SSLCertVerificationError, SSLError, SSLWantReadError, SSLWantWriteError } from "./errors.ts";
export { SSLSocket } from "./ssl_socket.ts";
