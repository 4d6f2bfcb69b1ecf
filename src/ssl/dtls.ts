/**
 * What DTLS needs beyond TLS, behind the TLS socket: a write BIO that keeps
 * datagram boundaries, the server's cookie exchange (HelloVerifyRequest) and
 * the retransmission timer. The records still travel through the socket's
 * own calls (`sockCall`): OpenSSL makes no syscall.
 *
 * - Outgoing: OpenSSL writes each datagram of a flight with one `BIO_write`;
 *   a memory BIO would run them together, so the write BIO is a BIO method of
 *   this module (`BIO_meth_new`) whose write callback queues each datagram
 *   as it comes. `SSLSocket` sends them one `send(2)` each.
 * - Incoming: a memory BIO, filled with one datagram at a time, only when
 *   OpenSSL has read everything before it (it reads a whole datagram per
 *   `BIO_read`).
 * - Cookies: a server context has a random secret; a connection's cookie is
 *   HMAC-SHA256(secret, client id), checked when the ClientHello comes back.
 *
 * @module
 */
import { backend } from "../../ffi/backend.ts";
import {
  bioCtrlCallback,
  bioWriteCallback,
  cookieGenerateCallback,
  cookieVerifyCallback,
  CTRL,
  type LibSsl,
} from "../../ffi/libssl.ts";
import type { Callback, Pointer } from "../../ffi/types.ts";
import { C } from "../platform/mod.ts";
import { queueError } from "./errors.ts";

/** The link MTU a DTLS connection starts with (its records fit a 1500-byte Ethernet frame). */
export const LINK_MTU = 1500;
/** `SSL_OP_NO_QUERY_MTU | SSL_OP_COOKIE_EXCHANGE` (ssl.h). */
const SSL_OP_NO_QUERY_MTU = 1n << 12n, SSL_OP_COOKIE_EXCHANGE = 1n << 13n;
const BIO_TYPE_SOURCE_SINK = 0x0400;
const BIO_CTRL_FLUSH = 11, BIO_CTRL_DGRAM_GET_MTU_OVERHEAD = 49;

// ---- the write BIO ----

/** The datagram queue of each DTLS write BIO, by its address; the SSLSocket drains it. */
const queues = new Map<bigint, { datagrams: Uint8Array[]; overhead: bigint }>();
let method: Pointer = null;
/** Held so the trampolines are never collected while OpenSSL may call them. */
let _keepAlive: Callback[] = [];

function bioWrite(bio: Pointer, data: Pointer, len: number): number {
  const q = queues.get(backend.address(bio));
  if (q === undefined || len < 0) return -1;
  q.datagrams.push(backend.peek(backend.address(data), len));
  return len;
}

function bioCtrl(bio: Pointer, cmd: number, _num: bigint, _ptr: Pointer): bigint {
  if (cmd === BIO_CTRL_FLUSH) return 1n;
  // IPv4/IPv6 + UDP headers: DTLS_set_link_mtu subtracts it
  if (cmd === BIO_CTRL_DGRAM_GET_MTU_OVERHEAD) return queues.get(backend.address(bio))?.overhead ?? 28n;
  return 0n; // no MTU query (SSL_OP_NO_QUERY_MTU), nothing pending: the queue is ours
}

/**
 * A new write BIO whose datagrams land in the returned queue, in order, one
 * array per datagram; `family` sets the header overhead (AF_INET6: 48
 * bytes, else 28).
 */
export function datagramBio(lib: LibSsl, family: number): { bio: Pointer; datagrams: Uint8Array[] } {
  if (method === null) {
    const m = lib.BIO_meth_new(
      lib.BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
      new TextEncoder().encode("usocket datagram\0"),
    );
    if (m === null) throw queueError(lib, "BIO_meth_new");
    const w = backend.callback(bioWriteCallback, bioWrite), c = backend.callback(bioCtrlCallback, bioCtrl);
    lib.BIO_meth_set_write(m, w.pointer);
    lib.BIO_meth_set_ctrl(m, c.pointer);
    // the method and its callbacks live as long as the thread: BIOs of it may outlive any one socket
    method = m;
    _keepAlive = [w, c];
  }
  const bio = lib.BIO_new(method);
  if (bio === null) throw queueError(lib, "BIO_new");
  lib.BIO_set_init(bio, 1);
  const datagrams: Uint8Array[] = [];
  queues.set(backend.address(bio), { datagrams, overhead: family === C.AF_INET6 ? 48n : 28n });
  return { bio, datagrams };
}

// ---- cookies (server) ----

const SECRET_BYTES = 32;
/** Each server SSL's expected cookie, by the SSL's address, while its handshake may need it. */
const cookies = new Map<bigint, Uint8Array>();
let cookieCallbacks: Callback[] | null = null;
const md = new Uint8Array(64), mdLen = new Uint32Array(1), mdLenBytes = new Uint8Array(mdLen.buffer);

function generateCookie(ssl: Pointer, cookie: Pointer, cookieLen: Pointer): number {
  try {
    const c = cookies.get(backend.address(ssl));
    if (c === undefined) return 0;
    backend.poke(backend.address(cookie), c); // the buffer holds DTLS1_COOKIE_LENGTH (255): c is 32
    mdLen[0] = c.length;
    backend.poke(backend.address(cookieLen), mdLenBytes.subarray(0, 4));
    return 1;
  } catch {
    return 0; // never throw into OpenSSL
  }
}

function verifyCookie(ssl: Pointer, cookie: Pointer, len: number): number {
  try {
    const c = cookies.get(backend.address(ssl));
    if (c === undefined || len !== c.length) return 0;
    const got = backend.peek(backend.address(cookie), len);
    let diff = 0;
    for (let i = 0; i < len; i++) diff |= got[i] ^ c[i];
    return diff === 0 ? 1 : 0;
  } catch {
    return 0;
  }
}

/** A server context's cookie secret (random), with OpenSSL told to ask us for cookies. */
export function cookieSecret(lib: LibSsl, ctx: Pointer): Uint8Array {
  if (cookieCallbacks === null) {
    cookieCallbacks = [
      backend.callback(cookieGenerateCallback, generateCookie),
      backend.callback(cookieVerifyCallback, verifyCookie),
    ];
  }
  lib.SSL_CTX_set_cookie_generate_cb(ctx, cookieCallbacks[0].pointer);
  lib.SSL_CTX_set_cookie_verify_cb(ctx, cookieCallbacks[1].pointer);
  return crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
}

/**
 * Sets up a new DTLS connection: no MTU query (the BIOs are ours), the link
 * MTU, and on a server the cookie exchange with the cookie for `clientId`
 * (HMAC-SHA256 under `secret`).
 */
export function prepareDtls(lib: LibSsl, ssl: Pointer, server: { secret: Uint8Array; clientId: Uint8Array } | null) {
  lib.SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU | (server ? SSL_OP_COOKIE_EXCHANGE : 0n));
  lib.SSL_ctrl(ssl, CTRL.DTLS_SET_LINK_MTU, BigInt(LINK_MTU), null);
  if (server === null) return;
  const { secret, clientId } = server;
  if (lib.HMAC(lib.EVP_sha256(), secret, secret.length, clientId, BigInt(clientId.length), md, mdLenBytes) === null) {
    throw queueError(lib, "HMAC");
  }
  cookies.set(backend.address(ssl), md.slice(0, mdLen[0]));
}

/** Forgets a DTLS connection's queue and cookie (its SSL is being freed). */
export function forgetDtls(ssl: Pointer, wbio: Pointer): void {
  cookies.delete(backend.address(ssl));
  queues.delete(backend.address(wbio));
}

// ---- the retransmission timer ----

const timeval = new BigInt64Array(2), timevalBytes = new Uint8Array(timeval.buffer);

/** Milliseconds until the retransmission timer fires (0: due now), or -1 when it is not running. */
export function timerLeft(lib: LibSsl, ssl: Pointer): number {
  if (lib.SSL_ctrl(ssl, CTRL.DTLS_GET_TIMEOUT, 0n, timevalBytes) !== 1n) return -1;
  // tv_usec: the low half (macOS has a 32-bit suseconds_t, then padding)
  return Number(timeval[0]) * 1000 + Number(timeval[1] & 0xffffffffn) / 1000;
}
