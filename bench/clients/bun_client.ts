/**
 * Bun's own sockets as a benchmark client (`Bun.connect`, `Bun.udpSocket`),
 * callback style as Bun documents them:
 *
 * ```sh
 * bun bench/clients/bun_client.ts <workload> <port> <n> <warm> <size>
 * ```
 *
 * Bun hands every received chunk to `data()` as a new buffer and has no
 * read-into-my-buffer call, so `bulk_readinto` and `bulk_recv` are the same
 * code here.
 *
 * `Bun` is reached through a typed view of `globalThis` (the subset used is
 * declared below) so that `deno check` accepts this file.
 *
 * @module
 */
import { type BenchArgs, nextStart, now, parseArgs, readCount, report } from "./args.ts";

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
  binaryType?: "uint8array" | "buffer";
}

interface UdpSocket {
  send(data: Uint8Array, port: number, address: string): boolean;
  close(): void;
}

interface BunNet {
  connect(o: { hostname: string; port: number; allowHalfOpen?: boolean; socket: TcpHandlers }): Promise<TcpSocket>;
  udpSocket(o: {
    hostname: string;
    port: number;
    binaryType?: "uint8array" | "buffer";
    socket: { data(s: UdpSocket, data: Uint8Array, port: number, address: string): void };
  }): Promise<UdpSocket>;
}

const Bun = (globalThis as unknown as { Bun: BunNet }).Bun;

/** A promise with its resolve/reject functions. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function tcpPingpong(a: BenchArgs): Promise<string> {
  const done = deferred<number>();
  const msg = new Uint8Array(a.size);
  const total = a.warm + a.n;
  let i = 0, got = 0, t0 = 0;
  const sock = await Bun.connect({
    hostname: HOST,
    port: a.port,
    socket: {
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
    },
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

async function bulkSend(a: BenchArgs): Promise<string> {
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
    s.shutdown(); // FIN: the write side only
  };
  const sock = await Bun.connect({
    hostname: HOST,
    port: a.port,
    allowHalfOpen: true,
    socket: {
      binaryType: "uint8array",
      drain: pump,
      data(_s, data) {
        ack.set(data.subarray(0, 8 - acked), acked);
        acked += data.length;
        if (acked >= 8) done.resolve(now());
      },
      close: () => done.reject(new Error("closed before the ack")),
      error: (_s, e) => done.reject(e),
    },
  });
  pump(sock);
  const t1 = await done.promise;
  sock.end();
  if (readCount(ack) !== total) throw new Error(`sink counted ${readCount(ack)} bytes, sent ${total}`);
  return report(a.n / a.size, a.n, (t1 - t0) / 1000);
}

async function bulkRecv(a: BenchArgs): Promise<string> {
  const done = deferred<number>();
  let total = 0, mark = 0, t0 = 0, next = 0;
  await Bun.connect({
    hostname: HOST,
    port: a.port,
    socket: {
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
    },
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

const a = parseArgs((globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2));
const out = a.workload === "tcp_pingpong"
  ? await tcpPingpong(a)
  : a.workload === "udp_pingpong"
  ? await udpPingpong(a)
  : a.workload === "bulk_send"
  ? await bulkSend(a)
  : a.workload === "bulk_readinto" || a.workload === "bulk_recv"
  ? await bulkRecv(a)
  : a.workload === "churn"
  ? await churn(a)
  : null;
if (out === null) throw new Error(`workload ${a.workload} has no Bun-native form`);
console.log(out);
