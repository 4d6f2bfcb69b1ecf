/**
 * Awaitable calls on any usocket {@linkcode Socket}, for what streams do not
 * cover (UDP, AF_UNIX datagrams, raw sockets, accept loops), as CPython's
 * `loop.sock_*`. Each tries the call at once and waits in the reactor only
 * on EAGAIN, so a ready socket costs one syscall; the data calls go through
 * `Socket._step`, which returns `-EAGAIN` rather than throwing (an
 * exception per wait cost ~5 µs on Deno, more than the syscall).
 *
 * The socket's own mode is left as it is: receives and sends use
 * `MSG_DONTWAIT`, and `sock_accept`/`sock_connect` (which take no flags)
 * switch the socket to non-blocking only for their one synchronous call.
 * So one socket may be used blocking in one place and awaited in another.
 *
 * @module
 */
import { MAX_IO } from "../../ffi/symbols.ts";
import { type Address, decodeAddress, encodeAddress, SOCKADDR_MAX } from "../address/mod.ts";
import { bufferOf, bytesOf, int } from "../args.ts";
import { addrBuf, addrLen, OP_RECV, OP_RECVFROM, OP_SEND, OP_SENDTO } from "../call.ts";
import { OSError } from "../os_error.ts";
import { C, E } from "../platform/mod.ts";
import type { Pollable } from "../pollable.ts";
import { isPollable } from "../pollable.ts";
import { Socket } from "../socket.ts";
import type { Data } from "../stream.ts";
import { operation, signalOf, type SignalOptions } from "./core.ts";
import { READABLE, type Scope, waitReady, WRITABLE } from "./reactor.ts";

const { EAGAIN, EINPROGRESS } = E;
/** Receives of up to this many bytes land here first, then are copied out at their length. */
const SCRATCH = 65536;
const scratch = new Uint8Array(SCRATCH);

function isAgain(e: unknown): boolean {
  return e instanceof OSError && e.errno === EAGAIN;
}

function checkSocket(sock: unknown, where: string): Socket {
  if (!(sock instanceof Socket)) throw new TypeError(`${where}: sock must be a usocket Socket`);
  return sock;
}

/** Retries `attempt` (which throws EAGAIN when not ready) after each wait for `events`. */
async function retry<T>(obj: Pollable, events: number, scope: Scope, attempt: () => T): Promise<T> {
  for (;;) {
    try {
      return attempt();
    } catch (e) {
      if (!isAgain(e)) throw e;
    }
    await waitReady(obj, events, scope);
  }
}

/**
 * Receives up to `bufsize` bytes (`recv(2)` with `MSG_DONTWAIT`), waiting
 * until some arrive; empty at EOF.
 *
 * @throws {OSError} ECONNRESET, EBADF (also when the socket is closed while waiting), …
 * @example
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { asyncio } = usocket;
 * const [a, b] = usocket.socketpair();
 * setTimeout(() => a.send("hi"), 1);
 * console.log((await asyncio.sock_recv(b, 10)).length); // 2
 * a.close();
 * b.close();
 * ```
 */
export function sock_recv(sock: Socket, bufsize: number, options?: SignalOptions): Promise<Uint8Array> {
  const s = checkSocket(sock, "sock_recv");
  int(bufsize, "bufsize", 0, MAX_IO);
  const signal = signalOf(options, "sock_recv");
  return operation(async (scope) => {
    const dst = bufsize <= SCRATCH ? scratch : new Uint8Array(bufsize);
    for (;;) {
      const r = s._step(OP_RECV, dst, bufsize, 0, 0);
      if (r >= 0) return dst === scratch || r < bufsize ? dst.slice(0, r) : dst;
      await waitReady(s, READABLE, scope);
    }
  }, signal);
}

/**
 * Receives into `buf` (`recv(2)` with `MSG_DONTWAIT`), waiting until some
 * bytes arrive; resolves with the count (0 at EOF).
 *
 * @example
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { asyncio } = usocket;
 * const [a, b] = usocket.socketpair();
 * a.send("abc");
 * console.log(await asyncio.sock_recv_into(b, new Uint8Array(8))); // 3
 * a.close();
 * b.close();
 * ```
 */
export function sock_recv_into(
  sock: Socket,
  buf: ArrayBufferView | ArrayBuffer,
  options?: SignalOptions,
): Promise<number> {
  const s = checkSocket(sock, "sock_recv_into");
  const dst = bufferOf(buf, "buf");
  const signal = signalOf(options, "sock_recv_into");
  const n = dst.byteLength < MAX_IO ? dst.byteLength : MAX_IO;
  return operation(async (scope) => {
    for (;;) {
      const r = s._step(OP_RECV, dst, n, 0, 0);
      if (r >= 0) return r;
      await waitReady(s, READABLE, scope);
    }
  }, signal);
}

/**
 * Receives one datagram of up to `bufsize` bytes and its sender
 * (`recvfrom(2)` with `MSG_DONTWAIT`), waiting until one arrives.
 *
 * @example
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { asyncio } = usocket;
 * const rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * rx.bind(["127.0.0.1", 0]);
 * const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * tx.sendto("ping", rx.getsockname());
 * const [data] = await asyncio.sock_recvfrom(rx, 100);
 * console.log(data.length); // 4
 * rx.close();
 * tx.close();
 * ```
 */
export function sock_recvfrom(
  sock: Socket,
  bufsize: number,
  options?: SignalOptions,
): Promise<[Uint8Array, Address | null]> {
  const s = checkSocket(sock, "sock_recvfrom");
  int(bufsize, "bufsize", 0, MAX_IO);
  const signal = signalOf(options, "sock_recvfrom");
  return operation(async (scope) => {
    const dst = bufsize <= SCRATCH ? scratch : new Uint8Array(bufsize);
    for (;;) {
      const r = s._step(OP_RECVFROM, dst, bufsize, 0, 0);
      if (r >= 0) {
        const alen = Math.min(addrLen[0], SOCKADDR_MAX); // read at once: the next call reuses addrBuf
        const from = alen === 0 ? null : decodeAddress(addrBuf, alen);
        return [dst === scratch || r < bufsize ? dst.slice(0, r) : dst, from] as [Uint8Array, Address | null];
      }
      await waitReady(s, READABLE, scope);
    }
  }, signal);
}

/**
 * Sends all of `data` (`send(2)` with `MSG_DONTWAIT | MSG_NOSIGNAL` in a
 * loop), waiting whenever the socket buffer is full.
 *
 * Cancelled (abort, `wait_for`) part-way, the bytes already sent stay sent
 * and the rest is not sent; as in CPython, the count is not reported (a
 * stream's `write` + `drain` keeps the unsent rest buffered instead).
 *
 * @example
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { asyncio } = usocket;
 * const [a, b] = usocket.socketpair();
 * await asyncio.sock_sendall(a, "hello");
 * console.log(b.recv(10).length); // 5
 * a.close();
 * b.close();
 * ```
 */
export function sock_sendall(sock: Socket, data: Data, options?: SignalOptions): Promise<void> {
  const s = checkSocket(sock, "sock_sendall");
  const bytes = bytesOf(data, "data");
  const signal = signalOf(options, "sock_sendall");
  return operation(async (scope) => {
    let off = 0;
    while (off < bytes.length) {
      const left = bytes.length - off;
      const r = s._step(OP_SEND, off === 0 ? bytes : bytes.subarray(off), left < MAX_IO ? left : MAX_IO, 0, 0);
      if (r >= 0) off += r;
      else await waitReady(s, WRITABLE, scope);
    }
  }, signal);
}

/**
 * Sends one datagram to `address` (`sendto(2)` with `MSG_DONTWAIT`),
 * waiting while the socket buffer is full; resolves with the count.
 *
 * @example
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { asyncio } = usocket;
 * const rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * rx.bind(["127.0.0.1", 0]);
 * const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * console.log(await asyncio.sock_sendto(tx, "ping", rx.getsockname())); // 4
 * rx.close();
 * tx.close();
 * ```
 */
export function sock_sendto(sock: Socket, data: Data, address: Address, options?: SignalOptions): Promise<number> {
  const s = checkSocket(sock, "sock_sendto");
  const bytes = bytesOf(data, "data");
  const family = s.family;
  encodeAddress(family, address, addrBuf); // checks the address before anything is awaited
  const signal = signalOf(options, "sock_sendto");
  const n = bytes.byteLength < MAX_IO ? bytes.byteLength : MAX_IO;
  return operation(async (scope) => {
    for (;;) {
      // encoded again for each try: other calls reuse addrBuf while this one waits
      const r = s._step(OP_SENDTO, bytes, n, 0, encodeAddress(family, address, addrBuf));
      if (r >= 0) return r;
      await waitReady(s, WRITABLE, scope);
    }
  }, signal);
}

/** Runs `fn` with `s` non-blocking, then puts its mode back. */
function nonblocking<T>(s: Socket, fn: () => T): T {
  const t = s.gettimeout();
  if (t === 0) return fn();
  s.setblocking(false);
  try {
    return fn();
  } finally {
    if (s.fileno() >= 0) s.settimeout(t);
  }
}

/**
 * Accepts a connection (`accept4(2)`, the listening socket non-blocking for
 * that one call), waiting until one comes; resolves with
 * `[socket, address]`. The new socket is blocking, as `accept()`'s.
 *
 * @example
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { asyncio } = usocket;
 * const srv = usocket.socket();
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen();
 * const c = usocket.socket();
 * const connecting = asyncio.sock_connect(c, srv.getsockname());
 * const [conn] = await asyncio.sock_accept(srv);
 * await connecting;
 * conn.close();
 * c.close();
 * srv.close();
 * ```
 */
export function sock_accept(sock: Socket, options?: SignalOptions): Promise<[Socket, Address]> {
  const s = checkSocket(sock, "sock_accept");
  const signal = signalOf(options, "sock_accept");
  return operation(async (scope) => {
    const [conn, addr] = await retry(s, READABLE, scope, () => nonblocking(s, () => s.accept()));
    conn.setblocking(true);
    return [conn, addr] as [Socket, Address];
  }, signal);
}

/**
 * Connects to `address` (`connect(2)` with the socket non-blocking for that
 * call, then a wait until writable and `getsockopt(SO_ERROR)`). The address
 * must be numeric (or a path): names are not resolved here, as resolving
 * would block; use `getaddrinfo` first.
 *
 * Cancelled while connecting, the socket is left half-connected: close it.
 *
 * @throws {OSError} ECONNREFUSED, ETIMEDOUT (the kernel's), ENETUNREACH, …
 * @example See {@linkcode sock_accept}
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * console.log(typeof asyncio.sock_connect); // "function"
 * ```
 */
export function sock_connect(sock: Socket, address: Address, options?: SignalOptions): Promise<void> {
  const s = checkSocket(sock, "sock_connect");
  const signal = signalOf(options, "sock_connect");
  return operation(async (scope) => {
    const err = nonblocking(s, () => s.connect_ex(address));
    if (err === 0) return;
    if (err !== EINPROGRESS && err !== EAGAIN) throw new OSError(err);
    await waitReady(s, WRITABLE, scope);
    const so = s.getsockopt(C.SOL_SOCKET, C.SO_ERROR) as number;
    if (so !== 0) throw new OSError(so);
  }, signal);
}

function checkPollable(obj: unknown, where: string): Pollable {
  if (!isPollable(obj)) throw new TypeError(`${where}: expected a usocket socket (Socket or SSLSocket)`);
  return obj;
}

/**
 * Resolves when `sock` is readable (`epoll`; resolves at once if it holds
 * buffered bytes: a readline buffer, decrypted TLS bytes). Resolves with
 * the poll events seen (POLLIN, POLLHUP, POLLERR, …).
 *
 * @example
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { asyncio } = usocket;
 * const [a, b] = usocket.socketpair();
 * a.send("x");
 * console.log(await asyncio.wait_readable(b) & usocket.select.POLLIN); // 1
 * a.close();
 * b.close();
 * ```
 */
export function wait_readable(sock: Pollable, options?: SignalOptions): Promise<number> {
  const s = checkPollable(sock, "wait_readable");
  const signal = signalOf(options, "wait_readable");
  if (s._pending() > 0) return Promise.resolve(C.POLLIN);
  return operation((scope) => waitReady(s, READABLE, scope), signal);
}

/**
 * Resolves when `sock` is writable (`epoll`), with the poll events seen.
 *
 * @example
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { asyncio } = usocket;
 * const [a, b] = usocket.socketpair();
 * console.log(await asyncio.wait_writable(a) & usocket.select.POLLOUT); // 4
 * a.close();
 * b.close();
 * ```
 */
export function wait_writable(sock: Pollable, options?: SignalOptions): Promise<number> {
  const s = checkPollable(sock, "wait_writable");
  const signal = signalOf(options, "wait_writable");
  return operation((scope) => waitReady(s, WRITABLE, scope), signal);
}
