/**
 * The usocket benchmark client, one file for both runtimes:
 *
 * ```sh
 * deno run --allow-ffi bench/clients/usocket_client.ts <workload> <port> <n> <warm> <size> [timeout]
 * bun bench/clients/usocket_client.ts <workload> <port> <n> <warm> <size> [timeout]
 * ```
 *
 * Written as MicroPython code would be: `sendall` + `readinto` for TCP
 * ping-pong, `sendto` + `recvfrom` for UDP, `sendall` for bulk sends,
 * `readinto` of one reused buffer or `recv(65536)` for bulk receives,
 * `socket` + `connect` + `recv` + `close` per connection; the UDP throughput
 * rows (`udp_send`/`udp_recv`, opt `one`, `mmsg` or `gso`) as
 * `send`/`recv_into`, `sendmmsg`/`recvmmsg` of a `DatagramBatch`, or a
 * `UDP_SEGMENT` send and GRO receive. With `timeout`
 * the socket has `settimeout(5)` (the ping-pong rows "+ settimeout(5)").
 *
 * The TLS workloads wrap the connected socket with an `SSLContext`
 * (`PROTOCOL_TLS_CLIENT`, the CA file `$BENCH_TLS_CA`, hostname checked) and
 * run the same loops over the TLS socket; `tls_handshake` connects, wraps
 * (the handshake), reads the peer's close_notify and closes, per connection.
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../../mod.ts";
import {
  type BenchArgs,
  bulkReport,
  inSteps,
  now,
  parseArgs,
  readCount,
  receiveBulk,
  report,
  TLS_NAME,
} from "./args.ts";

type Socket = usocket.Socket;
type Stream = usocket.Socket | usocket.ssl.SSLSocket;
const HOST = "127.0.0.1";

/** The TLS workloads' client context: verifies the peer against `$BENCH_TLS_CA`. */
function tlsContext(): usocket.ssl.SSLContext {
  const ca = process.env.BENCH_TLS_CA;
  if (!ca) throw new Error("BENCH_TLS_CA is not set");
  const ctx = new usocket.ssl.SSLContext(usocket.ssl.PROTOCOL_TLS_CLIENT);
  ctx.load_verify_locations({ cafile: ca });
  return ctx;
}

/** The connected socket, wrapped by `ctx` when given (the handshake is done here). */
function wrap(s: Socket, ctx: usocket.ssl.SSLContext | null): Stream {
  return ctx ? ctx.wrap_socket(s, { server_hostname: TLS_NAME }) : s;
}

function tcpPingpong(a: BenchArgs, timeout: number | null, ctx: usocket.ssl.SSLContext | null = null): string {
  const plain = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
  plain.setsockopt(usocket.IPPROTO_TCP, usocket.TCP_NODELAY, 1);
  plain.settimeout(10);
  plain.connect([HOST, a.port]);
  const s = wrap(plain, ctx);
  s.settimeout(timeout);
  const msg = new Uint8Array(a.size), buf = new Uint8Array(a.size);
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    s.sendall(msg);
    if (s.readinto(buf) !== a.size) throw new Error("short read");
  }
  const t = now() - t0;
  s.close();
  return report(a.n, a.n * a.size * 2, t / 1000);
}

function udpPingpong(a: BenchArgs, timeout: number | null): string {
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  s.bind([HOST, 0]);
  s.settimeout(timeout);
  const msg = new Uint8Array(a.size);
  const peer: usocket.Address = [HOST, a.port];
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    s.sendto(msg, peer);
    const [data] = s.recvfrom(a.size);
    if (data.length !== a.size) throw new Error("short datagram");
  }
  const t = now() - t0;
  s.close();
  return report(a.n, a.n * a.size * 2, t / 1000);
}

function connect(port: number): Socket {
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
  s.connect([HOST, port]);
  return s;
}

function bulkSend(a: BenchArgs, ctx: usocket.ssl.SSLContext | null = null): string {
  const plain = connect(a.port);
  // As every client (Bun sets it by default): a 64 KiB write is more than the
  // loopback MSS, and Nagle would hold back the tail of each one.
  plain.setsockopt(usocket.IPPROTO_TCP, usocket.TCP_NODELAY, 1);
  const s = wrap(plain, ctx);
  const chunk = new Uint8Array(a.size).fill(120);
  // one loop, in steps, for the warm-up and the timed part (args.ts, "bulk loops")
  const pump = (bytes: number) => {
    let sent = 0;
    while (sent < bytes) {
      const k = Math.min(a.size, bytes - sent);
      s.sendall(k === a.size ? chunk : chunk.subarray(0, k));
      sent += k;
    }
    return sent;
  };
  inSteps(a.warm, pump);
  const t0 = now();
  inSteps(a.n, pump);
  // TLS has no half-close here: the TLS sink replies once it has every byte
  if (!ctx) plain.shutdown(usocket.SHUT_WR);
  const ack = new Uint8Array(8);
  if (s.readinto(ack) !== 8) throw new Error("no ack from the sink");
  const t = now() - t0;
  s.close();
  if (readCount(ack) !== a.warm + a.n) throw new Error(`sink counted ${readCount(ack)} bytes, sent ${a.warm + a.n}`);
  return report(a.n / a.size, a.n, t / 1000);
}

function bulkReceive(
  a: BenchArgs,
  receive: (s: Stream, buf: Uint8Array) => number,
  ctx: usocket.ssl.SSLContext | null = null,
): string {
  const s = wrap(connect(a.port), ctx);
  const buf = new Uint8Array(a.size);
  const r = receiveBulk(a.warm, () => receive(s, buf));
  s.close();
  return bulkReport(a, r);
}

const bulkReadinto = (a: BenchArgs) => bulkReceive(a, (s, buf) => s.readinto(buf)!);
const bulkRecv = (a: BenchArgs) => bulkReceive(a, (s) => s.recv(a.size).length);

function churn(a: BenchArgs): string {
  const addr: usocket.Address = [HOST, a.port];
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
    s.connect(addr);
    if (s.recv(16).length !== 0) throw new Error("expected EOF");
    s.close();
  }
  return report(a.n, 0, (now() - t0) / 1000);
}

function tlsHandshake(a: BenchArgs, ctx: usocket.ssl.SSLContext): string {
  const addr: usocket.Address = [HOST, a.port];
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
    s.settimeout(10);
    s.connect(addr);
    const t = ctx.wrap_socket(s, { server_hostname: TLS_NAME });
    if (t.read(16)!.length !== 0) throw new Error("expected close_notify");
    t.close();
  }
  return report(a.n, 0, (now() - t0) / 1000);
}

function pollCost(a: BenchArgs): string {
  const socks: Socket[] = [];
  while (socks.length < a.n) socks.push(...usocket.socketpair());
  while (socks.length > a.n) socks.pop()!.close();
  const p = usocket.select.poll<Socket>();
  for (const s of socks) p.register(s, usocket.select.POLLIN);
  // 100 ms untimed (the JIT), then batches of doubling size for 300 ms.
  for (const w0 = now(); now() - w0 < 100;) p.poll(0);
  let calls = 0, batch = 1;
  const t0 = now();
  let t = t0;
  while (t - t0 < 300) {
    for (let i = 0; i < batch; i++) {
      if (p.poll(0).length !== 0) throw new Error("something ready");
    }
    calls += batch;
    t = now();
    if (batch < 65536) batch *= 2;
  }
  for (const s of socks) s.close();
  return report(calls, 0, (t - t0) / 1000);
}

/** Datagrams per GSO send: at most 64 (every kernel's UDP_MAX_SEGMENTS allows that), within 65 507 bytes. */
const gsoSegs = (size: number) => Math.min(64, Math.floor(65507 / size));
const UDP_BATCH = 64, GRO_SLOTS = 8, GRO_SLOT = 65536;
const SO_RCVBUFFORCE = 33; // Linux (<asm-generic/socket.h>): SO_RCVBUF past rmem_max, with CAP_NET_ADMIN

/**
 * UDP send or receive throughput, as bench/c/client.c's udp_throughput: a
 * connected pair on loopback, rounds of datagrams that fit the receiver's
 * queue; the side measured is timed alone, the other (the batched calls,
 * untimed) runs before or after it. `a.opt`: `one` (`send`/`recv_into`, one
 * datagram per call), `mmsg` (`sendmmsg`/`recvmmsg` of a 64-slot
 * `DatagramBatch`) or `gso` (`send` of a UDP_SEGMENT buffer / `recvmmsg` of
 * GRO-coalesced buffers).
 */
function udpThroughput(a: BenchArgs, sending: boolean): string {
  const mode = a.opt || "one";
  if (mode !== "one" && mode !== "mmsg" && mode !== "gso") {
    throw new Error(`udp mode must be one, mmsg or gso, got ${mode}`);
  }
  const size = a.size, segs = gsoSegs(size), round = segs * UDP_BATCH * 8;
  const gso = mode === "gso";
  const rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  rx.settimeout(10);
  tx.settimeout(10);
  rx.setsockopt(usocket.SOL_SOCKET, SO_RCVBUFFORCE, 256 << 20);
  if (gso) {
    rx.setsockopt(usocket.SOL_UDP, usocket.UDP_GRO, 1);
    tx.setsockopt(usocket.SOL_UDP, usocket.UDP_SEGMENT, size);
  }
  rx.bind([HOST, 0]);
  tx.connect(rx.getsockname());
  rx.connect(tx.getsockname());
  const one = new Uint8Array(size).fill(120);
  const gsoBuf = new Uint8Array(segs * size).fill(120);
  const out = new usocket.DatagramBatch(UDP_BATCH, size, { addresses: false });
  out.data.fill(120);
  out.lengths.fill(size);
  const inb = new usocket.DatagramBatch(UDP_BATCH, size, { addresses: false });
  const gro = new usocket.DatagramBatch(GRO_SLOTS, GRO_SLOT, { addresses: false, segments: true });
  const fill = (m: string, count: number) => {
    if (m === "one") {
      for (let i = 0; i < count; i++) if (tx.send(one) !== size) throw new Error("short send");
    } else if (m === "mmsg") {
      for (let i = 0; i < count; i += UDP_BATCH) {
        for (let done = 0; done < UDP_BATCH;) done += tx.sendmmsg(out, UDP_BATCH - done);
      }
    } else {
      for (let i = 0; i < count; i += segs) if (tx.send(gsoBuf) !== gsoBuf.length) throw new Error("short GSO send");
    }
  };
  const drain = (m: string, count: number) => {
    if (m === "one") {
      for (let i = 0; i < count; i++) if (rx.recv_into(one) !== size) throw new Error("wrong datagram size");
    } else if (m === "mmsg") {
      const lengths = inb.lengths;
      for (let got = 0; got < count;) {
        const r = rx.recvmmsg(inb);
        for (let k = 0; k < r; k++) if (lengths[k] !== size) throw new Error("wrong datagram size");
        got += r;
      }
    } else {
      const lengths = gro.lengths, seg = gro.segments!;
      for (let got = 0; got < count;) {
        const r = rx.recvmmsg(gro);
        for (let k = 0; k < r; k++) {
          const s = seg[k] || lengths[k];
          if (s !== size) throw new Error(`GRO segment size ${s}, expected ${size}`);
          got += Math.ceil(lengths[k] / s);
        }
      }
    }
  };
  const other = gso ? "gso" : "mmsg";
  let t = 0, timed = 0;
  const rounds: number[] = [];
  for (let done = 0; done < a.warm + a.n; done += round) {
    const t0 = now();
    fill(sending ? mode : other, round);
    const t1 = now();
    drain(sending ? other : mode, round);
    const t2 = now();
    if (done >= a.warm) {
      rounds.push((sending ? t1 - t0 : t2 - t1) / 1000);
      t += sending ? t1 - t0 : t2 - t1;
      timed += round;
    }
  }
  rx.close();
  tx.close();
  // each timed round's seconds too: the runner's segment statistics
  return JSON.stringify({ ops: timed, bytes: timed * size, seconds: t / 1000, segs: rounds });
}

const a = parseArgs(process.argv.slice(2));
const timeout = a.opt === "timeout" ? 5 : null;
const out = a.workload === "tcp_pingpong"
  ? tcpPingpong(a, timeout)
  : a.workload === "udp_pingpong"
  ? udpPingpong(a, timeout)
  : a.workload === "bulk_send"
  ? bulkSend(a)
  : a.workload === "bulk_readinto"
  ? bulkReadinto(a)
  : a.workload === "bulk_recv"
  ? bulkRecv(a)
  : a.workload === "churn"
  ? churn(a)
  : a.workload === "poll"
  ? pollCost(a)
  : a.workload === "udp_send" || a.workload === "udp_recv"
  ? udpThroughput(a, a.workload === "udp_send")
  : a.workload === "tls_pingpong"
  ? tcpPingpong(a, timeout, tlsContext())
  : a.workload === "tls_bulk_send"
  ? bulkSend(a, tlsContext())
  : a.workload === "tls_bulk_readinto"
  ? bulkReceive(a, (s, buf) => s.readinto(buf)!, tlsContext())
  : a.workload === "tls_handshake"
  ? tlsHandshake(a, tlsContext())
  : null;
if (out === null) throw new Error(`unknown workload ${a.workload}`);
console.log(out);
