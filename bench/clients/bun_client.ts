/**
 * Bun's own sockets as a benchmark client (`Bun.connect`, `Bun.udpSocket`,
 * `Bun.connect` with `tls`), callback style as Bun documents them:
 *
 * ```sh
 * bun bench/clients/bun_client.ts <workload> <port> <n> <warm> <size>
 * ```
 *
 * Bun hands every received chunk to `data()` as a new buffer and has no
 * read-into-my-buffer call, so `bulk_readinto` and `bulk_recv` are the same
 * code here (and `tls_bulk_readinto` that code over TLS). `concurrent_echo`
 * opens `size` sockets, and each one's `data()` sends the next 64-byte
 * request once the 64-byte reply is in, until `warm` + `n` are done in all.
 *
 * The TLS workloads (`tls_pingpong`, `tls_bulk_send`, `tls_bulk_readinto`,
 * `tls_handshake`) pass `tls: { ca, rejectUnauthorized: true }`, `ca` the PEM
 * file `BENCH_TLS_CA` names; Bun verifies the chain and the name (the
 * `hostname`, `127.0.0.1`), and each workload waits for the `handshake()`
 * callback, failing unless it reports success with no authorization error.
 *
 * `Bun` is reached through a typed view of `globalThis` (the subset used is
 * declared below) so that `deno check` accepts this file.
 *
 * @module
 */
import { type BenchArgs, nextStart, now, parseArgs, readCount, report, TLS_NAME } from "./args.ts";

const HOST = "127.0.0.1";

/** The part of a `Bun.connect` socket used here. */
interface TcpSocket {
  write(data: Uint8Array): number;
  end(): void;
  shutdown(halfClose?: boolean): void;
  setNoDelay(noDelay?: boolean): boolean;
}

interface TcpHandlers {
  open?(s: TcpSocket): void;
  data?(s: TcpSocket, data: Uint8Array): void;
  drain?(s: TcpSocket): void;
  end?(s: TcpSocket): void;
  close?(s: TcpSocket, error?: Error): void;
  error?(s: TcpSocket, error: Error): void;
  connectError?(s: TcpSocket, error: Error): void;
  /** TLS only: the handshake is over; `success` unless the certificate failed verification. */
  handshake?(s: TcpSocket, success: boolean, authorizationError: Error | null): void;
  binaryType?: "uint8array" | "buffer";
}

/** The part of `Bun.connect`'s `tls` option used here. */
interface TlsOptions {
  ca: string;
  rejectUnauthorized: boolean;
}

interface UdpSocket {
  send(data: Uint8Array, port: number, address: string): boolean;
  close(): void;
}

interface BunNet {
  connect(o: {
    hostname: string;
    port: number;
    allowHalfOpen?: boolean;
    tls?: TlsOptions;
    socket: TcpHandlers;
  }): Promise<TcpSocket>;
  udpSocket(o: {
    hostname: string;
    port: number;
    binaryType?: "uint8array" | "buffer";
    socket: { data(s: UdpSocket, data: Uint8Array, port: number, address: string): void };
  }): Promise<UdpSocket>;
  file(path: string): { text(): Promise<string> };
}

const Bun = (globalThis as unknown as { Bun: BunNet }).Bun;
const process = (globalThis as unknown as { process: { argv: string[]; env: Record<string, string | undefined> } })
  .process;

/** A promise with its resolve/reject functions. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Connects a socket with these handlers: plain `Bun.connect`, or {@linkcode connectTls}. */
type Connect = (socket: TcpHandlers) => Promise<TcpSocket>;

/** `Bun.connect` to the peer's port, plain TCP. */
const connectTcp = (port: number, allowHalfOpen = false): Connect => (socket) =>
  Bun.connect({ hostname: HOST, port, allowHalfOpen, socket });

/** The `tls` option: the TLS peer's certificate (PEM), from the file `BENCH_TLS_CA` names, as the only CA. */
async function tlsOptions(): Promise<TlsOptions> {
  const path = process.env.BENCH_TLS_CA;
  if (!path) throw new Error("BENCH_TLS_CA (the TLS peer's CA certificate, PEM) is not set");
  return { ca: await Bun.file(path).text(), rejectUnauthorized: true };
}

/**
 * `Bun.connect` over TLS, verified as {@linkcode TLS_NAME}; resolves once the
 * `handshake()` callback has reported success, rejects if it did not or if the
 * socket failed or closed before it. Until then `handlers`' `close` and
 * `error` are not called; after it, they are.
 */
async function connectTls(port: number, tls: TlsOptions, handlers: TcpHandlers): Promise<TcpSocket> {
  const ready = deferred<TcpSocket>();
  let up = false;
  await Bun.connect({
    hostname: TLS_NAME,
    port,
    tls,
    socket: {
      ...handlers,
      handshake(s, success, authorizationError) {
        if (!success || authorizationError) {
          return ready.reject(authorizationError ?? new Error("TLS handshake failed"));
        }
        up = true;
        ready.resolve(s);
      },
      close(s, e) {
        if (up) handlers.close?.(s, e);
        else ready.reject(e ?? new Error("closed before the TLS handshake completed"));
      },
      error(s, e) {
        if (up) handlers.error?.(s, e);
        else ready.reject(e);
      },
    },
  });
  return await ready.promise;
}

/** A {@linkcode Connect} over TLS to the peer's port. */
async function tlsConnect(port: number): Promise<Connect> {
  const tls = await tlsOptions();
  return (socket) => connectTls(port, tls, socket);
}

/** `warm` + `n` round trips of `size` bytes (the peer echoes), the last `n` timed. */
async function pingpong(a: BenchArgs, connect: Connect): Promise<string> {
  const done = deferred<number>();
  const msg = new Uint8Array(a.size);
  const total = a.warm + a.n;
  let i = 0, got = 0, t0 = 0;
  const sock = await connect({
    binaryType: "uint8array",
    data(s, data) {
      got += data.length;
      if (got < a.size) return;
      got -= a.size;
      if (++i === total) return done.resolve(now());
      if (i === a.warm) t0 = now();
      if (s.write(msg) !== a.size) done.reject(new Error("short write"));
    },
    close: () => done.reject(new Error("closed early")),
    error: (_s, e) => done.reject(e),
  });
  sock.setNoDelay(true);
  if (a.warm === 0) t0 = now();
  sock.write(msg);
  const t1 = await done.promise;
  sock.end();
  return report(a.n, a.n * a.size * 2, (t1 - t0) / 1000);
}

async function udpPingpong(a: BenchArgs): Promise<string> {
  const done = deferred<number>();
  const msg = new Uint8Array(a.size);
  const total = a.warm + a.n;
  let i = 0, t0 = 0;
  const sock = await Bun.udpSocket({
    hostname: HOST,
    port: 0,
    binaryType: "uint8array",
    socket: {
      data(s, data) {
        if (data.length !== a.size) return done.reject(new Error("short datagram"));
        if (++i === total) return done.resolve(now());
        if (i === a.warm) t0 = now();
        s.send(msg, a.port, HOST);
      },
    },
  });
  if (a.warm === 0) t0 = now();
  sock.send(msg, a.port, HOST);
  const t1 = await done.promise;
  sock.close();
  return report(a.n, a.n * a.size * 2, (t1 - t0) / 1000);
}

/**
 * Sends `warm` + `n` bytes in `size`-byte writes, the last `n` timed, then
 * `finish(s)` (a half-close, or nothing), and waits for the sink's 8-byte
 * count; the clock stops at the count.
 */
async function sendBulk(a: BenchArgs, connect: Connect, finish: (s: TcpSocket) => void): Promise<string> {
  const done = deferred<number>();
  const chunk = new Uint8Array(a.size).fill(120);
  const total = a.warm + a.n;
  const ack = new Uint8Array(8);
  let sent = 0, acked = 0, t0 = 0, next = 0;
  // Writes <size>-byte chunks until the socket takes less than offered
  // (its buffer is full); drain() calls this again to go on.
  const pump = (s: TcpSocket) => {
    while (sent < total) {
      if (sent >= next) {
        t0 = now();
        next = nextStart(next, a.warm);
      }
      const off = sent % a.size;
      const k = Math.min(a.size - off, total - sent);
      const w = s.write(off === 0 && k === a.size ? chunk : chunk.subarray(off, off + k));
      if (w < 0) return done.reject(new Error("write failed"));
      sent += w;
      if (w < k) return;
    }
    finish(s);
  };
  const sock = await connect({
    binaryType: "uint8array",
    drain: pump,
    data(_s, data) {
      ack.set(data.subarray(0, 8 - acked), acked);
      acked += data.length;
      if (acked >= 8) done.resolve(now());
    },
    close: () => done.reject(new Error("closed before the ack")),
    error: (_s, e) => done.reject(e),
  });
  pump(sock);
  const t1 = await done.promise;
  sock.end();
  if (readCount(ack) !== total) throw new Error(`sink counted ${readCount(ack)} bytes, sent ${total}`);
  return report(a.n / a.size, a.n, (t1 - t0) / 1000);
}

/** Receives to EOF (the socket's close), the chunks `data()` allocates; the first `warm` bytes untimed. */
async function receiveAll(a: BenchArgs, connect: Connect): Promise<string> {
  const done = deferred<number>();
  let total = 0, mark = 0, t0 = 0, next = 0;
  await connect({
    binaryType: "uint8array",
    data(_s, data) {
      total += data.length;
      if (total >= next) {
        t0 = now();
        mark = total;
        next = nextStart(next, a.warm);
      }
    },
    close: () => done.resolve(now()),
    error: (_s, e) => done.reject(e),
  });
  const t1 = await done.promise;
  if (total !== a.warm + a.n) throw new Error(`received ${total} bytes, expected ${a.warm + a.n}`);
  return report((total - mark) / a.size, total - mark, (t1 - t0) / 1000);
}

async function churn(a: BenchArgs): Promise<string> {
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    const closed = deferred<void>();
    await Bun.connect({
      hostname: HOST,
      port: a.port,
      socket: {
        data: () => closed.reject(new Error("expected EOF")),
        close: () => closed.resolve(),
        error: (_s, e) => closed.reject(e),
      },
    });
    await closed.promise;
  }
  return report(a.n, 0, (now() - t0) / 1000);
}

/**
 * `size` connections at once, each sending its next 64-byte request from
 * `data()` once the reply is complete, until `warm` + `n` requests are done
 * in all; timed from the `warm`-th reply to the last.
 */
async function concurrentEcho(a: BenchArgs): Promise<string> {
  const done = deferred<number>();
  const total = a.warm + a.n, msg = new Uint8Array(64);
  let issued = 0, replies = 0, t0 = 0;
  const connectOne = () => {
    let got = 0;
    return Bun.connect({
      hostname: HOST,
      port: a.port,
      socket: {
        binaryType: "uint8array",
        data(s, data) {
          got += data.length;
          if (got < 64) return;
          got -= 64;
          if (++replies === a.warm) t0 = now();
          if (replies === total) return done.resolve(now());
          if (issued < total) {
            issued++;
            if (s.write(msg) !== 64) done.reject(new Error("short write"));
          }
        },
        close: () => done.reject(new Error("closed early")),
        error: (_s, e) => done.reject(e),
      },
    });
  };
  const socks: TcpSocket[] = [];
  while (socks.length < a.size) {
    const k = Math.min(250, a.size - socks.length);
    socks.push(...await Promise.all(Array.from({ length: k }, connectOne)));
  }
  if (a.warm === 0) t0 = now();
  for (const s of socks) {
    s.setNoDelay(true);
    if (issued < total) (issued++, s.write(msg));
  }
  const t1 = await done.promise;
  for (const s of socks) s.end();
  return report(a.n, a.n * 64 * 2, (t1 - t0) / 1000);
}

/**
 * Per op: TCP connect, verified TLS handshake, EOF (the peer's close_notify,
 * then its close), next connection.
 */
async function tlsHandshake(a: BenchArgs): Promise<string> {
  const tls = await tlsOptions();
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    const closed = deferred<void>();
    await connectTls(a.port, tls, {
      data: () => closed.reject(new Error("expected EOF")),
      close: () => closed.resolve(),
      error: (_s, e) => closed.reject(e),
    });
    await closed.promise;
  }
  return report(a.n, 0, (now() - t0) / 1000);
}

const a = parseArgs(process.argv.slice(2));
const out = a.workload === "tcp_pingpong"
  ? await pingpong(a, connectTcp(a.port))
  : a.workload === "udp_pingpong"
  ? await udpPingpong(a)
  : a.workload === "bulk_send"
  ? await sendBulk(a, connectTcp(a.port, true), (s) => s.shutdown()) // FIN: the write side only
  : a.workload === "bulk_readinto" || a.workload === "bulk_recv"
  ? await receiveAll(a, connectTcp(a.port))
  : a.workload === "churn"
  ? await churn(a)
  : a.workload === "concurrent_echo"
  ? await concurrentEcho(a)
  : a.workload === "tls_pingpong"
  ? await pingpong(a, await tlsConnect(a.port))
  : a.workload === "tls_bulk_send"
  ? await sendBulk(a, await tlsConnect(a.port), () => {}) // no half-close: the sink knows the total
  : a.workload === "tls_bulk_readinto"
  ? await receiveAll(a, await tlsConnect(a.port))
  : a.workload === "tls_handshake"
  ? await tlsHandshake(a)
  : null;
if (out === null) throw new Error(`workload ${a.workload} has no Bun-native form`);
console.log(out);
