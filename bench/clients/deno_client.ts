/**
 * Deno's own sockets as a benchmark client (`Deno.connect`,
 * `Deno.listenDatagram`, `Deno.connectTls`/`Deno.startTls`), written the
 * idiomatic async way:
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --unstable-net --allow-env=BENCH_TLS_CA --allow-read \
 *   bench/clients/deno_client.ts <workload> <port> <n> <warm> <size>
 * ```
 *
 * `bulk_readinto` reads with `conn.read(buf)` into one reused buffer;
 * `bulk_recv` takes the chunks `conn.readable` allocates.
 * `concurrent_echo` opens `size` connections, then runs one async loop per
 * connection (write 64 bytes, read 64 back) until `warm` + `n` requests are
 * done in all.
 *
 * The TLS workloads (`tls_pingpong`, `tls_bulk_send`, `tls_bulk_readinto`,
 * `tls_handshake`) verify the peer against the PEM file `BENCH_TLS_CA` names
 * (hence `--allow-env`, `--allow-read`), with the name `127.0.0.1`. A
 * `Deno.TlsConn` has no `setNoDelay`, and `Deno.connectTls` leaves Nagle on:
 * the ping-pong, bulk-send and handshake ones connect with `Deno.connect`,
 * set TCP_NODELAY, then `Deno.startTls`; `tls_bulk_readinto` uses
 * `Deno.connectTls`.
 *
 * @module
 */
import {
  type BenchArgs,
  bulkReport,
  inStepsAsync,
  now,
  parseArgs,
  readCount,
  receiveBulkAsync,
  report,
  TLS_NAME,
} from "./args.ts";

const HOST = "127.0.0.1";

/** `Deno.listenDatagram` (unstable: needs `--unstable-net`), typed here so `deno check` needs no unstable lib. */
interface DatagramConn {
  send(data: Uint8Array, addr: Deno.NetAddr): Promise<number>;
  receive(buf?: Uint8Array): Promise<[Uint8Array, Deno.Addr]>;
  close(): void;
}
const listenDatagram = (Deno as unknown as {
  listenDatagram(o: { transport: "udp"; hostname: string; port: number }): DatagramConn;
}).listenDatagram;

/** The TLS peer's certificate (PEM), from the file `BENCH_TLS_CA` names. */
function tlsCa(): string[] {
  const path = Deno.env.get("BENCH_TLS_CA");
  if (!path) throw new Error("BENCH_TLS_CA (the TLS peer's CA certificate, PEM) is not set");
  return [Deno.readTextFileSync(path)];
}

/** A TLS connection with TCP_NODELAY set before the handshake, which is done when this returns. */
async function connectTlsNoDelay(port: number, caCerts: string[]): Promise<Deno.TlsConn> {
  const tcp = await Deno.connect({ hostname: HOST, port });
  tcp.setNoDelay(true);
  const conn = await Deno.startTls(tcp, { hostname: TLS_NAME, caCerts });
  await conn.handshake();
  return conn;
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(off === 0 ? data : data.subarray(off));
}

async function readExact(conn: Deno.Conn, buf: Uint8Array): Promise<void> {
  let got = 0;
  while (got < buf.length) {
    const r = await conn.read(got === 0 ? buf : buf.subarray(got));
    if (r === null) throw new Error("early EOF");
    got += r;
  }
}

async function tcpPingpong(a: BenchArgs): Promise<string> {
  const conn = await Deno.connect({ hostname: HOST, port: a.port });
  conn.setNoDelay(true);
  return await pingpong(a, conn);
}

/** `warm` + `n` round trips of `size` bytes on `conn` (the peer echoes), the last `n` timed; closes it. */
async function pingpong(a: BenchArgs, conn: Deno.Conn): Promise<string> {
  const msg = new Uint8Array(a.size), buf = new Uint8Array(a.size);
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    await writeAll(conn, msg);
    await readExact(conn, buf);
  }
  const t = now() - t0;
  conn.close();
  return report(a.n, a.n * a.size * 2, t / 1000);
}

async function udpPingpong(a: BenchArgs): Promise<string> {
  const sock = listenDatagram({ transport: "udp", hostname: HOST, port: 0 });
  const peer: Deno.NetAddr = { transport: "udp", hostname: HOST, port: a.port };
  const msg = new Uint8Array(a.size), buf = new Uint8Array(a.size);
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    await sock.send(msg, peer);
    const [data] = await sock.receive(buf);
    if (data.length !== a.size) throw new Error("short datagram");
  }
  const t = now() - t0;
  sock.close();
  return report(a.n, a.n * a.size * 2, t / 1000);
}

async function bulkSend(a: BenchArgs): Promise<string> {
  const conn = await Deno.connect({ hostname: HOST, port: a.port });
  conn.setNoDelay(true); // as every client (Bun's default)
  return await sendBulk(a, conn, () => conn.closeWrite());
}

/**
 * Sends `warm` + `n` bytes in `size`-byte writes on `conn`, the last `n`
 * timed, calls `finish` (a half-close, or nothing), reads the sink's 8-byte
 * count and checks it; the clock stops at the count. Closes `conn`.
 */
async function sendBulk(a: BenchArgs, conn: Deno.Conn, finish: () => Promise<void>): Promise<string> {
  const chunk = new Uint8Array(a.size).fill(120);
  // one loop, in steps, for the warm-up and the timed part (args.ts, "bulk loops")
  const pump = async (bytes: number) => {
    let sent = 0;
    while (sent < bytes) {
      const k = Math.min(a.size, bytes - sent);
      await writeAll(conn, k === a.size ? chunk : chunk.subarray(0, k));
      sent += k;
    }
    return sent;
  };
  await inStepsAsync(a.warm, pump);
  const t0 = now();
  await inStepsAsync(a.n, pump);
  await finish();
  const ack = new Uint8Array(8);
  await readExact(conn, ack);
  const t = now() - t0;
  conn.close();
  if (readCount(ack) !== a.warm + a.n) throw new Error(`sink counted ${readCount(ack)} bytes, sent ${a.warm + a.n}`);
  return report(a.n / a.size, a.n, t / 1000);
}

async function bulkReadinto(a: BenchArgs): Promise<string> {
  return await readinto(a, await Deno.connect({ hostname: HOST, port: a.port }));
}

/** Reads `conn` to EOF into one reused `size`-byte buffer, the first `warm` bytes untimed; closes it. */
async function readinto(a: BenchArgs, conn: Deno.Conn): Promise<string> {
  const buf = new Uint8Array(a.size);
  const r = await receiveBulkAsync(a.warm, async () => (await conn.read(buf)) ?? 0);
  conn.close();
  return bulkReport(a, r);
}

async function bulkRecv(a: BenchArgs): Promise<string> {
  const conn = await Deno.connect({ hostname: HOST, port: a.port });
  const reader = conn.readable.getReader(); // what `for await (… of conn.readable)` uses
  const r = await receiveBulkAsync(a.warm, async () => {
    const { value, done } = await reader.read();
    return done ? 0 : value.length;
  });
  return bulkReport(a, r);
}

async function churn(a: BenchArgs): Promise<string> {
  const buf = new Uint8Array(16);
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    const conn = await Deno.connect({ hostname: HOST, port: a.port });
    if ((await conn.read(buf)) !== null) throw new Error("expected EOF");
    conn.close();
  }
  return report(a.n, 0, (now() - t0) / 1000);
}

/**
 * `size` connections at once, each a loop of 64-byte round trips, until
 * `warm` + `n` requests are done in all; timed from the `warm`-th reply to
 * the last.
 */
async function concurrentEcho(a: BenchArgs): Promise<string> {
  const conns: Deno.TcpConn[] = [];
  while (conns.length < a.size) {
    const k = Math.min(250, a.size - conns.length);
    conns.push(...await Promise.all(Array.from({ length: k }, () => Deno.connect({ hostname: HOST, port: a.port }))));
  }
  for (const c of conns) c.setNoDelay(true);
  const total = a.warm + a.n, msg = new Uint8Array(64);
  let issued = 0, done = 0, t0 = 0, t1 = 0;
  const loop = async (conn: Deno.Conn) => {
    const buf = new Uint8Array(64);
    while (issued < total) {
      issued++;
      await writeAll(conn, msg);
      await readExact(conn, buf);
      if (++done === a.warm) t0 = now();
      if (done === total) t1 = now();
    }
  };
  if (a.warm === 0) t0 = now();
  await Promise.all(conns.map(loop));
  for (const c of conns) c.close();
  return report(a.n, a.n * 64 * 2, (t1 - t0) / 1000);
}

async function tlsPingpong(a: BenchArgs): Promise<string> {
  return await pingpong(a, await connectTlsNoDelay(a.port, tlsCa()));
}

/** No half-close: the TLS sink replies once it has `warm` + `n` bytes. */
async function tlsBulkSend(a: BenchArgs): Promise<string> {
  return await sendBulk(a, await connectTlsNoDelay(a.port, tlsCa()), () => Promise.resolve());
}

async function tlsBulkReadinto(a: BenchArgs): Promise<string> {
  const conn = await Deno.connectTls({ hostname: TLS_NAME, port: a.port, caCerts: tlsCa() });
  await conn.handshake();
  return await readinto(a, conn);
}

/**
 * Per op: TCP connect, verified TLS handshake, read to EOF (the peer's
 * close_notify), close. With TCP_NODELAY: rustls writes its ChangeCipherSpec
 * and Finished as two segments, and with Nagle on the second waited for the
 * peer's delayed ACK, ~40 ms per handshake.
 */
async function tlsHandshake(a: BenchArgs): Promise<string> {
  const caCerts = tlsCa();
  const buf = new Uint8Array(16);
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    const conn = await connectTlsNoDelay(a.port, caCerts);
    if ((await conn.read(buf)) !== null) throw new Error("expected EOF");
    conn.close();
  }
  return report(a.n, 0, (now() - t0) / 1000);
}

const a = parseArgs(Deno.args);
const out = a.workload === "tcp_pingpong"
  ? await tcpPingpong(a)
  : a.workload === "udp_pingpong"
  ? await udpPingpong(a)
  : a.workload === "bulk_send"
  ? await bulkSend(a)
  : a.workload === "bulk_readinto"
  ? await bulkReadinto(a)
  : a.workload === "bulk_recv"
  ? await bulkRecv(a)
  : a.workload === "churn"
  ? await churn(a)
  : a.workload === "concurrent_echo"
  ? await concurrentEcho(a)
  : a.workload === "tls_pingpong"
  ? await tlsPingpong(a)
  : a.workload === "tls_bulk_send"
  ? await tlsBulkSend(a)
  : a.workload === "tls_bulk_readinto"
  ? await tlsBulkReadinto(a)
  : a.workload === "tls_handshake"
  ? await tlsHandshake(a)
  : null;
if (out === null) throw new Error(`workload ${a.workload} has no Deno-native form`);
console.log(out);
