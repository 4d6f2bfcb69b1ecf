/**
 * The usocket asyncio benchmark client, one file for both runtimes:
 *
 * ```sh
 * deno run --allow-ffi bench/clients/asyncio_client.ts <workload> <port> <n> <warm> <size>
 * bun bench/clients/asyncio_client.ts <workload> <port> <n> <warm> <size>
 * ```
 *
 * Written as a MicroPython asyncio program would be: TCP ping-pong over the
 * streams of `asyncio.open_connection` (`writer.write(msg)`,
 * `await writer.drain()`, `await reader.readexactly(64)`); UDP ping-pong with
 * `await asyncio.sock_sendto` + `await asyncio.sock_recvfrom` on a usocket
 * UDP socket; bulk send with `writer.write(chunk)` + `await writer.drain()`
 * per 64 KiB; bulk receive with `await asyncio.sock_recv_into` of one reused
 * 64 KiB buffer on a (blocking) usocket socket (the call uses MSG_DONTWAIT).
 *
 * `concurrent_echo`: `size` connections (`open_connection`, all at once),
 * each a task doing 64-byte round trips (write, drain, readexactly) until
 * `warm` + `n` requests are done in all; the last `n` timed, from the
 * `warm`-th completed request to the last.
 *
 * `idle`: `n` connected sockets, each awaited with `asyncio.sock_recv` (the
 * peer never sends), for `size` ms; reports the process's CPU time and
 * context switches (`process.resourceUsage()`: getrusage, every thread)
 * over that window, and the
 * same over a bare `asyncio.sleep` of the same length first (the runtime's
 * own floor). Extra fields on the result line: `cpuMs`, `switches`,
 * `baseCpuMs`, `baseSwitches`.
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../../mod.ts";
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

const { asyncio } = usocket;
type Stream = usocket.asyncio.Stream;
const HOST = "127.0.0.1";
/** Every wait of setting up and tearing down is bounded (the runner kills the client at 120 s anyway). */
const SETUP_S = 10;

/** A stream connection with TCP_NODELAY (as every client: Bun's default). */
async function connect(port: number): Promise<Stream> {
  const [, w] = await asyncio.wait_for(asyncio.open_connection(HOST, port), SETUP_S);
  (w.get_extra_info("socket") as usocket.Socket).setsockopt(usocket.IPPROTO_TCP, usocket.TCP_NODELAY, 1);
  return w;
}

async function tcpPingpong(a: BenchArgs): Promise<string> {
  const s = await connect(a.port);
  const msg = new Uint8Array(a.size);
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    s.write(msg);
    await s.drain();
    if ((await s.readexactly(a.size)).length !== a.size) throw new Error("short read");
  }
  const t = now() - t0;
  await s.close();
  return report(a.n, a.n * a.size * 2, t / 1000);
}

async function udpPingpong(a: BenchArgs): Promise<string> {
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  s.bind([HOST, 0]);
  const msg = new Uint8Array(a.size);
  const peer: usocket.Address = [HOST, a.port];
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    await asyncio.sock_sendto(s, msg, peer);
    const [data] = await asyncio.sock_recvfrom(s, a.size);
    if (data.length !== a.size) throw new Error("short datagram");
  }
  const t = now() - t0;
  s.close();
  return report(a.n, a.n * a.size * 2, t / 1000);
}

async function bulkSend(a: BenchArgs): Promise<string> {
  const s = await connect(a.port);
  const chunk = new Uint8Array(a.size).fill(120);
  // one loop, in steps, for the warm-up and the timed part (args.ts, "bulk loops")
  const pump = async (bytes: number) => {
    let sent = 0;
    while (sent < bytes) {
      const k = Math.min(a.size, bytes - sent);
      s.write(k === a.size ? chunk : chunk.subarray(0, k));
      await s.drain();
      sent += k;
    }
    return sent;
  };
  await inStepsAsync(a.warm, pump);
  const t0 = now();
  await inStepsAsync(a.n, pump);
  (s.get_extra_info("socket") as usocket.Socket).shutdown(usocket.SHUT_WR);
  const ack = await asyncio.wait_for(s.readexactly(8), SETUP_S);
  const t = now() - t0;
  await s.close();
  if (readCount(ack) !== a.warm + a.n) throw new Error(`sink counted ${readCount(ack)} bytes, sent ${a.warm + a.n}`);
  return report(a.n / a.size, a.n, t / 1000);
}

async function bulkReadinto(a: BenchArgs): Promise<string> {
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
  s.settimeout(SETUP_S); // the connect only: sock_recv_into does not block
  s.connect([HOST, a.port]);
  const buf = new Uint8Array(a.size);
  const r = await receiveBulkAsync(a.warm, () => asyncio.sock_recv_into(s, buf));
  s.close();
  return bulkReport(a, r);
}

/** Opens `count` stream connections at once (at most `batch` connecting at a time). */
async function connectMany(port: number, count: number, batch = 250): Promise<Stream[]> {
  const out: Stream[] = [];
  while (out.length < count) {
    const k = Math.min(batch, count - out.length);
    out.push(...await Promise.all(Array.from({ length: k }, () => connect(port))));
  }
  return out;
}

async function concurrentEcho(a: BenchArgs): Promise<string> {
  const conns = await connectMany(a.port, a.size);
  const total = a.warm + a.n;
  let issued = 0, done = 0, t0 = 0, t1 = 0;
  const msg = new Uint8Array(64);
  async function client(s: Stream): Promise<void> {
    while (issued < total) {
      issued++;
      s.write(msg);
      await s.drain();
      if ((await s.readexactly(64)).length !== 64) throw new Error("short read");
      if (++done === a.warm) t0 = now();
      if (done === total) t1 = now();
    }
  }
  if (a.warm === 0) t0 = now();
  await asyncio.wait_for(asyncio.gather(...conns.map(client)), 100);
  await Promise.all(conns.map((s) => s.close()));
  return report(a.n, a.n * 64 * 2, (t1 - t0) / 1000);
}

/** `process.resourceUsage()` (Node's; Deno and Bun have it): getrusage(RUSAGE_SELF), every thread. */
interface ResourceUsage {
  userCPUTime: number;
  systemCPUTime: number;
  voluntaryContextSwitches: number;
  involuntaryContextSwitches: number;
}

/** CPU ms and context switches (each a sleep or a preemption) of the whole process so far. */
function usage(): { cpuMs: number; switches: number } {
  const u = (process as unknown as { resourceUsage(): ResourceUsage }).resourceUsage();
  return {
    cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000,
    switches: u.voluntaryContextSwitches + u.involuntaryContextSwitches,
  };
}

async function idle(a: BenchArgs): Promise<string> {
  const socks: usocket.Socket[] = [];
  for (let i = 0; i < a.n; i++) {
    const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
    s.settimeout(SETUP_S);
    s.connect([HOST, a.port]);
    socks.push(s);
  }
  // the reactor (Deno's pool thread, Bun's Worker) starts on first use: start it before the baseline
  await asyncio.sleep_ms(0);
  const [x, y] = usocket.socketpair();
  x.send("w");
  await asyncio.sock_recv(y, 1);
  x.close();
  y.close();
  await asyncio.sleep_ms(100); // let start-up work (JIT, GC) settle
  const b0 = usage();
  await asyncio.sleep_ms(a.size);
  const b1 = usage();
  const ctrl = new AbortController();
  const waits = socks.map((s) =>
    asyncio.sock_recv(s, 64, { signal: ctrl.signal }).then(
      (d) => {
        throw new Error(`the idle peer sent ${d.length} bytes`);
      },
      (e) => {
        if (e !== ctrl.signal.reason) throw e;
      },
    )
  );
  await asyncio.sleep_ms(0); // every receive tried once and waiting
  const u0 = usage(), t0 = now();
  await asyncio.sleep_ms(a.size);
  const u1 = usage(), t = now() - t0;
  ctrl.abort();
  await Promise.all(waits);
  for (const s of socks) s.close();
  return JSON.stringify({
    ops: a.n,
    bytes: 0,
    seconds: t / 1000,
    cpuMs: u1.cpuMs - u0.cpuMs,
    switches: u1.switches - u0.switches,
    baseCpuMs: b1.cpuMs - b0.cpuMs,
    baseSwitches: b1.switches - b0.switches,
  });
}

const a = parseArgs(process.argv.slice(2));
const run: Partial<Record<string, (a: BenchArgs) => Promise<string>>> = {
  tcp_pingpong: tcpPingpong,
  udp_pingpong: udpPingpong,
  bulk_send: bulkSend,
  bulk_readinto: bulkReadinto,
  concurrent_echo: concurrentEcho,
  idle,
};
const fn = run[a.workload];
if (fn === undefined) throw new Error(`workload ${a.workload} has no asyncio form`);
console.log(await fn(a));
