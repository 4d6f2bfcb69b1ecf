/**
 * Deno's own sockets as a benchmark client (`Deno.connect`,
 * `Deno.listenDatagram`), written the idiomatic async way:
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --unstable-net bench/clients/deno_client.ts <workload> <port> <n> <warm> <size>
 * ```
 *
 * `bulk_readinto` reads with `conn.read(buf)` into one reused buffer;
 * `bulk_recv` takes the chunks `conn.readable` allocates.
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
  await conn.closeWrite();
  const ack = new Uint8Array(8);
  await readExact(conn, ack);
  const t = now() - t0;
  conn.close();
  if (readCount(ack) !== a.warm + a.n) throw new Error(`sink counted ${readCount(ack)} bytes, sent ${a.warm + a.n}`);
  return report(a.n / a.size, a.n, t / 1000);
}

async function bulkReadinto(a: BenchArgs): Promise<string> {
  const conn = await Deno.connect({ hostname: HOST, port: a.port });
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
  : null;
if (out === null) throw new Error(`workload ${a.workload} has no Deno-native form`);
console.log(out);
