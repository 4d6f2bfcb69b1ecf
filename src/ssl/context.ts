/**
 * `SSLContext` (OpenSSL's `SSL_CTX`) and the MicroPython-style
 * `wrap_socket` function.
 *
 * @module
 */
import { backend } from "../../ffi/backend.ts";
import { alpnSelectCallback, CTRL, type LibSsl, libssl } from "../../ffi/libssl.ts";
import type { Callback, Pointer } from "../../ffi/types.ts";
import { parseIPv4, parseIPv6 } from "../address/ip_text.ts";
import { cstr } from "../address/mod.ts";
import { bytesOf, options, surplus, typeName } from "../args.ts";
import { OSError } from "../os_error.ts";
import { E } from "../platform/mod.ts";
import { Socket } from "../socket.ts";
import { type Material, materialBytes, parseCerts, parseKey } from "./certs.ts";
import { cookieSecret, datagramBio, forgetDtls, prepareDtls } from "./dtls.ts";
import { queueError } from "./errors.ts";
import { _internal, SSLSocket } from "./ssl_socket.ts";

/** A client context (MicroPython's value; CPython's is 16). */
export const PROTOCOL_TLS_CLIENT = 0;
/** A server context (MicroPython's value; CPython's is 17). */
export const PROTOCOL_TLS_SERVER = 1;
/** A DTLS client context, over a connected UDP socket (MicroPython's value; CPython has no DTLS). */
export const PROTOCOL_DTLS_CLIENT = 2;
/** A DTLS server context, over a connected UDP socket, with the cookie exchange (MicroPython's value). */
export const PROTOCOL_DTLS_SERVER = 3;
/** DTLS 1.2 (prov_ssl.h), the lowest a DTLS context allows. */
const DTLS1_2_VERSION = 0xfefd;
/** Do not verify the peer's certificate. */
export const CERT_NONE = 0;
/** Verify the peer's certificate if it sends one (a server asks for one). */
export const CERT_OPTIONAL = 1;
/** Require and verify the peer's certificate. */
export const CERT_REQUIRED = 2;

/**
 * Protocol versions for `minimum_version` / `maximum_version`, as CPython's
 * `ssl.TLSVersion` (the values are the wire versions, as OpenSSL's).
 */
export const TLSVersion: {
  readonly MINIMUM_SUPPORTED: -2;
  readonly MAXIMUM_SUPPORTED: -1;
  readonly TLSv1: 769;
  readonly TLSv1_1: 770;
  readonly TLSv1_2: 771;
  readonly TLSv1_3: 772;
} = { MINIMUM_SUPPORTED: -2, MAXIMUM_SUPPORTED: -1, TLSv1: 769, TLSv1_1: 770, TLSv1_2: 771, TLSv1_3: 772 };

// SSL_CTX_set_verify modes (ssl.h)
const SSL_VERIFY_PEER = 1, SSL_VERIFY_FAIL_IF_NO_PEER_CERT = 2;
// SSL_CTX_set_mode: partial writes (MicroPython's write contract) and moving buffers (JS memory moves)
const SSL_MODE_ENABLE_PARTIAL_WRITE = 1n, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = 2n;
/** `X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS`: `*.example.com`, never `w*.example.com`. */
const NO_PARTIAL_WILDCARDS = 4;

const ctxFinalizer = new FinalizationRegistry<{ lib: LibSsl; ctx: Pointer }>(({ lib, ctx }) => {
  alpnWire.delete(backend.address(ctx));
  lib.SSL_CTX_free(ctx);
});

// ---- ALPN on a server: OpenSSL asks which of the client's protocols to take ----

const SSL_TLSEXT_ERR_OK = 0, SSL_TLSEXT_ERR_NOACK = 3;
/** Each server context's protocols (ALPN wire format), by the SSL_CTX's address (the callback's `arg`). */
const alpnWire = new Map<bigint, Uint8Array>();
/** The one selection callback of this thread, made when a context first sets protocols; never freed. */
let alpnCallback: Callback | null = null;
const outPointer = new BigUint64Array(1),
  outPointerBytes = new Uint8Array(outPointer.buffer),
  outLen = new Uint8Array(1);

/**
 * OpenSSL's ALPN selection (`SSL_CTX_set_alpn_select_cb`), called inside
 * the handshake on this thread: the first of the server's protocols, in its
 * order, that the client offers (as CPython, through
 * `SSL_select_next_proto`). `*out` is set to point into the client's list
 * (`in`, OpenSSL's memory for the handshake's length). No overlap, or
 * anything unexpected: no ALPN (`SSL_TLSEXT_ERR_NOACK`), as CPython.
 */
function selectAlpn(_ssl: Pointer, out: Pointer, outlen: Pointer, inp: Pointer, inlen: number, arg: Pointer): number {
  try {
    const mine = alpnWire.get(backend.address(arg));
    if (mine === undefined || inlen === 0) return SSL_TLSEXT_ERR_NOACK;
    const at = backend.address(inp);
    const theirs = backend.peek(at, inlen);
    for (let i = 0; i < mine.length; i += 1 + mine[i]) {
      const n = mine[i];
      for (let j = 0; j + n < theirs.length; j += 1 + theirs[j]) {
        if (theirs[j] !== n) continue;
        let same = true;
        for (let k = 1; k <= n && same; k++) same = mine[i + k] === theirs[j + k];
        if (!same) continue;
        outPointer[0] = at + BigInt(j + 1);
        backend.poke(backend.address(out), outPointerBytes);
        outLen[0] = n;
        backend.poke(backend.address(outlen), outLen);
        return SSL_TLSEXT_ERR_OK;
      }
    }
  } catch { /* never throw into OpenSSL */ }
  return SSL_TLSEXT_ERR_NOACK;
}
const ipScratch = new Uint8Array(16);

/** True when `host` is an IPv4 or IPv6 literal (checked as an IP address, sent without SNI). */
function isIpLiteral(host: string): boolean {
  return parseIPv4(host, ipScratch, 0) || parseIPv6(host, ipScratch, 0);
}

/** Options of {@linkcode SSLContext.wrap_socket}. */
export interface WrapOptions {
  /** Be the server end (default false). */
  server_side?: boolean;
  /** Run the handshake now (default true); otherwise the first read or write runs it. */
  do_handshake_on_connect?: boolean;
  /** The server's name: sent as SNI (names only) and checked against its certificate when `check_hostname`. */
  server_hostname?: string | null;
  /**
   * DTLS server: the client's transport identity, whose HMAC is its cookie
   * (MicroPython's `client_id`, e.g. `repr(addr)` bytes); default: the
   * socket's peer address.
   */
  client_id?: Uint8Array | string | null;
}

/** Options of MicroPython's {@linkcode wrap_socket}. */
export interface MicroPythonWrapOptions {
  /** Be the server end (default false). */
  server_side?: boolean;
  /** The private key: PEM or DER bytes (MicroPython), or a path. */
  key?: Material | null;
  /** The certificate (chain): PEM or DER bytes, or a path. */
  cert?: Material | null;
  /** `CERT_NONE` (default, as MicroPython), `CERT_OPTIONAL` or `CERT_REQUIRED`. */
  cert_reqs?: number;
  /** Trusted CA certificates: PEM (one or more) or DER (one) bytes. */
  cadata?: Material | null;
  /** The server's name (SNI, and the name checked under `CERT_REQUIRED`). */
  server_hostname?: string | null;
  /** Run the handshake now (default true). */
  do_handshake?: boolean;
}

/** Options of {@linkcode SSLContext.load_verify_locations}. */
export interface VerifyLocations {
  /** A PEM file of trusted CA certificates. */
  cafile?: string | null;
  /** Trusted CA certificates: one or more PEM certificates, or one DER certificate. */
  cadata?: Material | null;
}

/**
 * TLS settings shared by connections, as MicroPython's `tls.SSLContext` and
 * CPython's `ssl.SSLContext` (OpenSSL's `SSL_CTX`). Making one loads
 * libssl on first use (`OPENSSL_init_ssl`; an error names every path tried
 * when it is missing) and maps to `SSL_CTX_new`. Nothing here blocks.
 *
 * A client context starts at `CERT_REQUIRED` with `check_hostname`, as
 * MicroPython's `tls` module and CPython; differs from MicroPython's
 * `ssl.SSLContext` wrapper (micropython-lib), which starts at `CERT_NONE`.
 * A server context starts at `CERT_NONE`. Both allow TLS 1.2 and 1.3
 * (`minimum_version` TLSv1_2, as CPython).
 *
 * @example A TLS client (needs a server; see the README)
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { ssl } = usocket;
 * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
 * ctx.load_default_certs();
 * console.log(ctx.verify_mode === ssl.CERT_REQUIRED, ctx.check_hostname); // true true
 * ```
 */
export class SSLContext {
  readonly #lib: LibSsl;
  readonly #ctx: Pointer;
  /** `PROTOCOL_TLS_CLIENT`, `PROTOCOL_TLS_SERVER`, `PROTOCOL_DTLS_CLIENT` or `PROTOCOL_DTLS_SERVER`. */
  readonly protocol: number;
  /** A client context (TLS or DTLS). */
  readonly #client: boolean;
  /** DTLS: a server's cookie secret; a client's empty array. Null for TLS. */
  readonly #dtls: Uint8Array | null;
  #verifyMode: number = CERT_NONE;
  #checkHostname = false;

  /**
   * @param protocol `PROTOCOL_TLS_CLIENT`, `PROTOCOL_TLS_SERVER`, `PROTOCOL_DTLS_CLIENT` or `PROTOCOL_DTLS_SERVER`
   * @throws {RangeError} another protocol
   * @throws {Error} libssl cannot be loaded (names every path tried)
   */
  constructor(protocol: number) {
    if (arguments.length > 1) surplus(arguments.length, 1, "new SSLContext(protocol)");
    if (protocol !== 0 && protocol !== 1 && protocol !== 2 && protocol !== 3) {
      throw new RangeError(
        `protocol must be PROTOCOL_TLS_CLIENT (0), PROTOCOL_TLS_SERVER (1), PROTOCOL_DTLS_CLIENT (2) or PROTOCOL_DTLS_SERVER (3), got ${
          typeof protocol === "number" ? protocol : typeName(protocol)
        }`,
      );
    }
    const lib = libssl();
    const client = protocol === PROTOCOL_TLS_CLIENT || protocol === PROTOCOL_DTLS_CLIENT;
    const dtls = protocol >= PROTOCOL_DTLS_CLIENT;
    const ctx = lib.SSL_CTX_new(
      dtls
        ? (client ? lib.DTLS_client_method() : lib.DTLS_server_method())
        : (client ? lib.TLS_client_method() : lib.TLS_server_method()),
    );
    if (ctx === null) throw queueError(lib, "SSL_CTX_new");
    this.#lib = lib;
    this.#ctx = ctx;
    this.protocol = protocol;
    this.#client = client;
    ctxFinalizer.register(this, { lib, ctx }, this);
    this.#dtls = !dtls ? null : client ? new Uint8Array(0) : cookieSecret(lib, ctx);
    lib.SSL_CTX_ctrl(ctx, CTRL.SET_MODE, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, null);
    // TLS 1.2 at least, as CPython (3.10+); DTLS 1.2 likewise
    lib.SSL_CTX_ctrl(ctx, CTRL.SET_MIN_PROTO_VERSION, BigInt(dtls ? DTLS1_2_VERSION : TLSVersion.TLSv1_2), null);
    if (client) {
      this.#checkHostname = true;
      this.verify_mode = CERT_REQUIRED;
    } else {
      this.verify_mode = CERT_NONE;
    }
  }

  /**
   * How the peer's certificate is checked (`SSL_CTX_set_verify`):
   * `CERT_NONE`, `CERT_OPTIONAL` or `CERT_REQUIRED`. Setting `CERT_NONE`
   * while `check_hostname` is on raises, as CPython.
   */
  get verify_mode(): number {
    return this.#verifyMode;
  }
  set verify_mode(mode: number) {
    if (mode !== CERT_NONE && mode !== CERT_OPTIONAL && mode !== CERT_REQUIRED) {
      throw new RangeError(`verify_mode must be CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED, got ${String(mode)}`);
    }
    if (mode === CERT_NONE && this.#checkHostname) {
      throw new RangeError("Cannot set verify_mode to CERT_NONE when check_hostname is enabled (as CPython)");
    }
    const flags = mode === CERT_NONE
      ? 0
      : mode === CERT_OPTIONAL
      ? SSL_VERIFY_PEER
      : SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    this.#lib.SSL_CTX_set_verify(this.#ctx, flags, null);
    this.#verifyMode = mode;
  }

  /**
   * Whether a client checks the server's certificate against
   * `server_hostname` (names and IP literals; `SSL_set1_host`,
   * `X509_VERIFY_PARAM_set1_ip_asc`), as CPython. Turning it on raises
   * `verify_mode` to `CERT_REQUIRED` when it was `CERT_NONE`.
   */
  get check_hostname(): boolean {
    return this.#checkHostname;
  }
  set check_hostname(on: boolean) {
    if (typeof on !== "boolean") throw new TypeError(`check_hostname must be a boolean, got ${typeName(on)}`);
    this.#checkHostname = on;
    if (on && this.#verifyMode === CERT_NONE) this.verify_mode = CERT_REQUIRED;
  }

  /**
   * Loads this end's certificate chain and private key
   * (`SSL_CTX_use_certificate`, `SSL_CTX_add_extra_chain_cert`,
   * `SSL_CTX_use_PrivateKey`, `SSL_CTX_check_private_key`). Each is a path
   * (read by OpenSSL) or PEM/DER bytes; without `keyfile` the key is read
   * from `certfile`. Keys with a password are refused (never a TTY prompt).
   *
   * @param certfile the certificate, then any intermediates
   * @param keyfile the private key
   * @throws {SSLError} invalid cert, invalid key, or a key that does not match
   * @throws {OSError} a path that cannot be read (ENOENT, EACCES)
   * @example
   * ```ts
   * import { ssl } from "../../mod.ts";
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
   * try {
   *   ctx.load_cert_chain(new Uint8Array(4));
   * } catch (e) {
   *   console.log(e instanceof ssl.SSLError); // true: not a certificate
   * }
   * ```
   */
  load_cert_chain(certfile: Material, keyfile?: Material | null): void {
    if (arguments.length > 2) surplus(arguments.length, 2, "SSLContext.load_cert_chain(certfile, keyfile)");
    const lib = this.#lib, ctx = this.#ctx;
    const certBytes = materialBytes(lib, certfile, "certfile");
    const keyBytes = keyfile === undefined || keyfile === null ? certBytes : materialBytes(lib, keyfile, "keyfile");
    const certs = parseCerts(lib, certBytes, "certfile");
    let key: Pointer = null;
    try {
      key = parseKey(lib, keyBytes, keyfile ? "keyfile" : "certfile");
      lib.ERR_clear_error();
      if (lib.SSL_CTX_use_certificate(ctx, certs[0]) !== 1) throw queueError(lib, "certfile");
      for (let i = 1; i < certs.length; i++) {
        if (lib.SSL_CTX_ctrl(ctx, CTRL.EXTRA_CHAIN_CERT, 0n, certs[i]) !== 1n) throw queueError(lib, "certfile chain");
        certs[i] = null; // the context owns it now
      }
      if (lib.SSL_CTX_use_PrivateKey(ctx, key) !== 1) throw queueError(lib, "keyfile");
      if (lib.SSL_CTX_check_private_key(ctx) !== 1) throw queueError(lib, "the key does not match the certificate");
    } finally {
      for (const x of certs) if (x !== null) lib.X509_free(x);
      if (key !== null) lib.EVP_PKEY_free(key);
    }
  }

  /**
   * Adds trusted CA certificates: a PEM file (`SSL_CTX_load_verify_locations`)
   * and/or in-memory certificates (`X509_STORE_add_cert`), as MicroPython's
   * `load_verify_locations(cafile=None, cadata=None)`.
   *
   * @param locations `{ cafile, cadata }`, or a path (the cafile)
   * @throws {SSLError} no certificate found
   * @throws {OSError} a path that cannot be read
   * @example
   * ```ts
   * import { ssl } from "../../mod.ts";
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
   * try {
   *   ctx.load_verify_locations({ cadata: "not a certificate" });
   * } catch (e) {
   *   console.log(e instanceof ssl.SSLError); // true
   * }
   * ```
   */
  load_verify_locations(locations: VerifyLocations | string): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "SSLContext.load_verify_locations({ cafile, cadata })");
    const lib = this.#lib, ctx = this.#ctx;
    const o = typeof locations === "string"
      ? { cafile: locations }
      : options(locations, "locations", ["cafile", "cadata"]) as VerifyLocations;
    if (o.cafile == null && o.cadata == null) throw new TypeError("load_verify_locations needs cafile or cadata");
    if (o.cafile != null) {
      if (typeof o.cafile !== "string") throw new TypeError(`cafile must be a path, got ${typeName(o.cafile)}`);
      // read through our own loader: PEM with any number of certificates, or one DER
      this.#addCas(materialBytes(lib, o.cafile, "cafile"), "cafile");
    }
    if (o.cadata != null) {
      const data = typeof o.cadata === "string"
        ? new TextEncoder().encode(o.cadata)
        : materialBytes(lib, o.cadata, "cadata");
      this.#addCas(data, "cadata");
    }
    void ctx;
  }

  #addCas(bytes: Uint8Array, what: string): void {
    const lib = this.#lib;
    const store = lib.SSL_CTX_get_cert_store(this.#ctx);
    const certs = parseCerts(lib, bytes, what);
    for (const x of certs) {
      lib.X509_STORE_add_cert(store, x); // a duplicate is not an error
      lib.X509_free(x);
    }
    lib.ERR_clear_error();
  }

  /**
   * Trusts the system's CA store (`SSL_CTX_set_default_verify_paths`), as
   * CPython's `load_default_certs()`.
   *
   * @example
   * ```ts
   * import { ssl } from "../../mod.ts";
   * new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_default_certs();
   * ```
   */
  load_default_certs(): void {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLContext.load_default_certs()");
    if (this.#lib.SSL_CTX_set_default_verify_paths(this.#ctx) !== 1) throw queueError(this.#lib, "load_default_certs");
  }

  /** The lowest protocol version allowed: `SSL_CTX_set_min_proto_version`; `TLSVersion.MINIMUM_SUPPORTED` for OpenSSL's lowest. */
  get minimum_version(): number {
    const v = Number(this.#lib.SSL_CTX_ctrl(this.#ctx, CTRL.GET_MIN_PROTO_VERSION, 0n, null));
    return v === 0 ? TLSVersion.MINIMUM_SUPPORTED : v;
  }
  set minimum_version(v: number) {
    this.#setVersion(CTRL.SET_MIN_PROTO_VERSION, v, "minimum_version");
  }

  /** The highest protocol version allowed: `SSL_CTX_set_max_proto_version`; `TLSVersion.MAXIMUM_SUPPORTED` for OpenSSL's highest. */
  get maximum_version(): number {
    const v = Number(this.#lib.SSL_CTX_ctrl(this.#ctx, CTRL.GET_MAX_PROTO_VERSION, 0n, null));
    return v === 0 ? TLSVersion.MAXIMUM_SUPPORTED : v;
  }
  set maximum_version(v: number) {
    this.#setVersion(CTRL.SET_MAX_PROTO_VERSION, v, "maximum_version");
  }

  #setVersion(cmd: number, v: number, name: string): void {
    if (this.#dtls !== null) {
      throw new TypeError(`${name} can be set on a TLS context only (a DTLS one allows DTLS 1.2)`);
    }
    const known = [-2, -1, 769, 770, 771, 772];
    if (typeof v !== "number" || !known.includes(v)) {
      throw new RangeError(`${name} must be a TLSVersion (TLSv1_2: 771, TLSv1_3: 772, …), got ${String(v)}`);
    }
    const wire = v < 0 ? 0n : BigInt(v); // 0: OpenSSL's lowest / highest
    if (this.#lib.SSL_CTX_ctrl(this.#ctx, cmd, wire, null) !== 1n) throw queueError(this.#lib, name);
  }

  /**
   * The protocols of ALPN, most preferred first, as CPython's
   * `set_alpn_protocols`: a client offers them (`SSL_CTX_set_alpn_protos`);
   * a server takes the first of its own, in its order, that the client
   * offers (a selection callback, `SSL_CTX_set_alpn_select_cb`, run inside
   * the handshake), and none when nothing matches (the handshake goes on
   * without ALPN, as CPython). Read the result on either end with
   * `SSLSocket.selected_alpn_protocol()`. No syscall.
   *
   * @param protocols names of 1 to 255 bytes, e.g. `["h2", "http/1.1"]`
   * @throws {TypeError | RangeError} a name that is not a string of 1-255 bytes
   * @example
   * ```ts
   * import { ssl } from "../../mod.ts";
   * new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).set_alpn_protocols(["h2", "http/1.1"]);
   * ```
   */
  set_alpn_protocols(protocols: readonly string[]): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "SSLContext.set_alpn_protocols(protocols)");
    if (!Array.isArray(protocols)) {
      throw new TypeError(`protocols must be an array of strings, got ${typeName(protocols)}`);
    }
    const parts: Uint8Array[] = [];
    for (const [i, p] of protocols.entries()) {
      if (typeof p !== "string") throw new TypeError(`protocols[${i}] must be a string, got ${typeName(p)}`);
      const b = new TextEncoder().encode(p);
      if (b.length < 1 || b.length > 255) throw new RangeError(`protocols[${i}] must be 1-255 bytes, got ${b.length}`);
      parts.push(Uint8Array.of(b.length), b);
    }
    const wire = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
    let off = 0;
    for (const b of parts) (wire.set(b, off), off += b.length);
    if (this.#lib.SSL_CTX_set_alpn_protos(this.#ctx, wire, wire.length) !== 0) throw queueError(this.#lib, "ALPN");
    if (!this.#client) {
      const first = !alpnWire.has(backend.address(this.#ctx));
      alpnWire.set(backend.address(this.#ctx), wire);
      if (first) {
        alpnCallback ??= backend.callback(alpnSelectCallback, selectAlpn);
        this.#lib.SSL_CTX_set_alpn_select_cb(this.#ctx, alpnCallback.pointer, this.#ctx);
      }
    }
  }

  /**
   * The cipher suites this context may use, by their standard (IANA) names
   * (`SSL_CTX_get_ciphers`, `SSL_CIPHER_standard_name`), as MicroPython's
   * `get_ciphers()` returns names. No syscall.
   *
   * @example
   * ```ts
   * import { ssl } from "../../mod.ts";
   * const names = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ciphers();
   * console.log(names.includes("TLS_AES_128_GCM_SHA256")); // true
   * ```
   */
  get_ciphers(): string[] {
    if (arguments.length > 0) surplus(arguments.length, 0, "SSLContext.get_ciphers()");
    const lib = this.#lib;
    const stack = lib.SSL_CTX_get_ciphers(this.#ctx);
    const out: string[] = [];
    const n = stack === null ? 0 : lib.OPENSSL_sk_num(stack);
    for (let i = 0; i < n; i++) {
      const c = lib.OPENSSL_sk_value(stack, i);
      const name = backend.cstring(lib.SSL_CIPHER_standard_name(c)) ?? backend.cstring(lib.SSL_CIPHER_get_name(c));
      if (name) out.push(name);
    }
    return out;
  }

  /**
   * Sets the TLS 1.2 cipher list in OpenSSL's syntax
   * (`SSL_CTX_set_cipher_list`), as CPython's `set_ciphers`. TLS 1.3 suites
   * are OpenSSL's defaults.
   *
   * @throws {SSLError} no cipher matches
   * @example
   * ```ts
   * import { ssl } from "../../mod.ts";
   * new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).set_ciphers("ECDHE+AESGCM");
   * ```
   */
  set_ciphers(ciphers: string): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "SSLContext.set_ciphers(ciphers)");
    if (typeof ciphers !== "string") throw new TypeError(`ciphers must be a string, got ${typeName(ciphers)}`);
    if (this.#lib.SSL_CTX_set_cipher_list(this.#ctx, cstr(ciphers, "ciphers")) !== 1) {
      throw queueError(this.#lib, "No cipher can be selected");
    }
  }

  /**
   * Wraps a connected (or, for a server, accepted) socket in TLS
   * (`SSL_new`, two memory BIOs, `SSL_set_bio`, SNI and the host check
   * for a client), then runs the handshake unless told not to. The TLS
   * socket owns `sock` from then on: closing it closes `sock` (whose own
   * `close()` is then a no-op).
   *
   * Blocks for the handshake like a read on `sock` (blocking, up to its
   * timeout). A non-blocking socket defers the handshake to the first read
   * or write (MicroPython blocks here instead).
   *
   * If the handshake fails, the TLS state is freed and `sock` closed once;
   * the error is raised.
   *
   * @param sock a connected stream `Socket`
   * @param opts `server_side`, `do_handshake_on_connect`, `server_hostname`
   * @throws {TypeError} a client that checks host names without `server_hostname`
   * @throws {OSError} EBADF: `sock` is closed
   * @throws {SSLCertVerificationError | SSLError | OSError} from the handshake
   * @example
   * ```ts
   * import * as usocket from "../../mod.ts";
   * const { ssl } = usocket;
   * const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
   * ctx.check_hostname = false;
   * ctx.verify_mode = ssl.CERT_NONE;
   * const [a, b] = usocket.socketpair();
   * const tls = ctx.wrap_socket(a, { do_handshake_on_connect: false });
   * console.log(tls.version()); // null: no handshake yet
   * tls.close();
   * b.close();
   * ```
   */
  wrap_socket(sock: Socket, opts: WrapOptions = {}): SSLSocket {
    if (arguments.length > 2) surplus(arguments.length, 2, "SSLContext.wrap_socket(sock, options)");
    if (!(sock instanceof Socket)) throw new TypeError(`sock must be a Socket, got ${typeName(sock)}`);
    const o = options(opts, "options", [
      "server_side",
      "do_handshake_on_connect",
      "server_hostname",
      "client_id",
    ]) as WrapOptions;
    const serverSide = o.server_side ?? !this.#client;
    if (typeof serverSide !== "boolean") {
      throw new TypeError(`server_side must be a boolean, got ${typeName(serverSide)}`);
    }
    const host = o.server_hostname ?? null;
    if (host !== null && typeof host !== "string") {
      throw new TypeError(`server_hostname must be a string or null, got ${typeName(host)}`);
    }
    if (serverSide && this.#client) {
      throw new TypeError(
        "Cannot create a server socket with a client (PROTOCOL_TLS_CLIENT/PROTOCOL_DTLS_CLIENT) context",
      );
    }
    if (!serverSide && !this.#client) {
      throw new TypeError(
        "Cannot create a client socket with a server (PROTOCOL_TLS_SERVER/PROTOCOL_DTLS_SERVER) context",
      );
    }
    const clientId = o.client_id ?? null;
    if (clientId !== null && (this.#dtls === null || !serverSide)) {
      throw new TypeError("client_id is for a DTLS server (PROTOCOL_DTLS_SERVER) only");
    }
    const id = clientId === null ? null : typeof clientId === "string"
      ? new TextEncoder().encode(clientId)
      : bytesOf(clientId as ArrayBufferView, "client_id");
    if (!serverSide && this.#checkHostname && host === null) {
      throw new TypeError("check_hostname requires server_hostname (as CPython); or set check_hostname = false");
    }
    if (host !== null && (host.length === 0 || host.includes("\0"))) {
      throw new TypeError("server_hostname must be a non-empty name without NUL characters");
    }
    if (sock.fileno() < 0) throw new OSError(E.EBADF); // a closed socket
    const lib = this.#lib;
    lib.ERR_clear_error();
    const ssl = lib.SSL_new(this.#ctx);
    if (ssl === null) throw queueError(lib, "SSL_new");
    // DTLS: datagrams out through a BIO of ours that keeps their boundaries (dtls.ts)
    let dgram: { bio: Pointer; datagrams: Uint8Array[] } | null = null;
    if (this.#dtls !== null) {
      try {
        dgram = datagramBio(lib, sock.family);
      } catch (e) {
        lib.SSL_free(ssl);
        throw e;
      }
    }
    const rbio = lib.BIO_new(lib.BIO_s_mem()), wbio = dgram ? dgram.bio : lib.BIO_new(lib.BIO_s_mem());
    if (rbio === null || wbio === null) {
      if (rbio !== null) lib.BIO_free(rbio);
      if (wbio !== null) lib.BIO_free(wbio);
      if (dgram) forgetDtls(ssl, dgram.bio);
      lib.SSL_free(ssl);
      throw queueError(lib, "BIO_new");
    }
    // an empty read BIO means "wait for more", not EOF, until the socket says EOF
    lib.BIO_ctrl(rbio, CTRL.BIO_C_SET_BUF_MEM_EOF_RETURN, -1n, null);
    lib.SSL_set_bio(ssl, rbio, wbio); // the SSL owns both BIOs now
    /** Frees what was made so far when the set-up fails. */
    const abandon = (what: string) => {
      const err = queueError(lib, what);
      if (dgram) forgetDtls(ssl, dgram.bio);
      lib.SSL_free(ssl);
      return err;
    };
    if (this.#dtls !== null) {
      let cid = id;
      if (serverSide && cid === null) {
        try {
          cid = new TextEncoder().encode(String(sock.getpeername()));
        } catch {
          cid = new Uint8Array(0); // not connected: sends will fail with the socket's own error
        }
      }
      try {
        prepareDtls(lib, ssl, serverSide ? { secret: this.#dtls, clientId: cid! } : null);
      } catch (e) {
        forgetDtls(ssl, dgram!.bio);
        lib.SSL_free(ssl);
        throw e;
      }
    }
    if (serverSide) {
      lib.SSL_set_accept_state(ssl);
    } else {
      lib.SSL_set_connect_state(ssl);
      if (host !== null) {
        const ip = isIpLiteral(host);
        const name = cstr(host, "server_hostname");
        if (!ip && lib.SSL_ctrl(ssl, CTRL.SET_TLSEXT_HOSTNAME, 0n, name) !== 1n) {
          throw abandon("server_hostname (SNI)");
        }
        if (this.#checkHostname) {
          const ok = ip
            ? lib.X509_VERIFY_PARAM_set1_ip_asc(lib.SSL_get0_param(ssl), name)
            : (lib.SSL_set_hostflags(ssl, NO_PARTIAL_WILDCARDS), lib.SSL_set1_host(ssl, name));
          if (ok !== 1) throw abandon("server_hostname");
        }
      }
    }
    const tls = new SSLSocket(_internal, this, lib, ssl, rbio, wbio, sock, serverSide, dgram?.datagrams ?? null);
    if ((o.do_handshake_on_connect ?? true) && sock.gettimeout() !== 0) {
      try {
        tls.do_handshake();
      } catch (e) {
        tls.close(); // frees the TLS state and closes sock, once
        throw e;
      }
    }
    return tls;
  }
}

/**
 * The version of the OpenSSL in use (`OpenSSL_version(OPENSSL_VERSION)`),
 * e.g. `"OpenSSL 3.0.19 27 Jan 2026"`: CPython's `ssl.OPENSSL_VERSION`.
 * Loads libssl on first use (an error names every path tried when it is
 * missing). No syscall after that.
 *
 * Differs from CPython: a function, not a module constant. An ES module's
 * constant is computed when the module is imported, and that would load
 * libssl and libcrypto for every program that imports usocket, TLS or not
 * (measured: 5–6 ms on Deno and on Bun); CPython loads `_ssl` only when
 * `ssl` is imported.
 *
 * @example
 * ```ts
 * import { ssl } from "../../mod.ts";
 * console.log(ssl.openssl_version().startsWith("OpenSSL ")); // true
 * ```
 */
export function openssl_version(): string {
  if (arguments.length > 0) surplus(arguments.length, 0, "openssl_version()");
  const lib = libssl();
  return backend.cstring(lib.OpenSSL_version(0)) ?? "";
}

/**
 * A client context as CPython's `ssl.create_default_context()`:
 * `CERT_REQUIRED`, `check_hostname`, the system's CA store.
 *
 * @example
 * ```ts
 * import { ssl } from "../../mod.ts";
 * const ctx = ssl.create_default_context();
 * console.log(ctx.check_hostname); // true
 * ```
 */
export function create_default_context(): SSLContext {
  if (arguments.length > 0) surplus(arguments.length, 0, "ssl.create_default_context()");
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.load_default_certs();
  return ctx;
}

/**
 * Wraps `sock` in TLS, as MicroPython's `ssl.wrap_socket(sock,
 * server_side=False, key=None, cert=None, cert_reqs=CERT_NONE,
 * cadata=None, server_hostname=None, do_handshake=True)`: makes an
 * {@linkcode SSLContext} for the side, loads `cert`/`key` and `cadata`,
 * sets `verify_mode = cert_reqs` (the host name is checked only under
 * `CERT_REQUIRED` with a `server_hostname`), and calls its `wrap_socket`.
 *
 * @param sock a connected (or accepted) stream `Socket`
 * @param opts MicroPython's keyword arguments
 * @throws {SSLCertVerificationError | SSLError | OSError} as `SSLContext.wrap_socket`
 * @example
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const [a, b] = usocket.socketpair();
 * const tls = usocket.ssl.wrap_socket(a, { do_handshake: false }); // CERT_NONE, as MicroPython
 * tls.close();
 * b.close();
 * ```
 */
export function wrap_socket(sock: Socket, opts: MicroPythonWrapOptions = {}): SSLSocket {
  if (arguments.length > 2) surplus(arguments.length, 2, "ssl.wrap_socket(sock, options)");
  const o = options(opts, "options", [
    "server_side",
    "key",
    "cert",
    "cert_reqs",
    "cadata",
    "server_hostname",
    "do_handshake",
  ]) as MicroPythonWrapOptions;
  const serverSide = o.server_side ?? false;
  const ctx = new SSLContext(serverSide ? PROTOCOL_TLS_SERVER : PROTOCOL_TLS_CLIENT);
  const reqs = o.cert_reqs ?? CERT_NONE;
  ctx.check_hostname = false;
  ctx.verify_mode = reqs;
  if (!serverSide && reqs === CERT_REQUIRED && o.server_hostname != null) ctx.check_hostname = true;
  if (o.cert != null) ctx.load_cert_chain(o.cert, o.key ?? null);
  else if (o.key != null) throw new TypeError("key needs cert: wrap_socket(sock, { key, cert })");
  if (o.cadata != null) ctx.load_verify_locations({ cadata: o.cadata });
  return ctx.wrap_socket(sock, {
    server_side: serverSide,
    server_hostname: o.server_hostname ?? null,
    do_handshake_on_connect: o.do_handshake ?? true,
  });
}
