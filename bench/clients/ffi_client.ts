/**
 * Reference client: the raw libc functions of `ffi/libc.ts` (one FFI call
 * each, no `Socket` method around them) in the same loops as the C client.
 * It is the floor for any FFI socket library on this runtime: "usocket"
 * minus this row is the cost of the `Socket` layer, this row minus "C" the
 * cost of the runtime and its FFI.
 *
 * ```sh
 * deno run --allow-ffi bench/clients/ffi_client.ts <workload> <port> <n> <warm> <size> [timeout]
 * bun bench/clients/ffi_client.ts <workload> <port> <n> <warm> <size> [timeout]
 * ```
 *
 * Sockets are created and connected with usocket; the timed loops call
 * `libc.send`/`libc.recv`/`libc.sendto`/`libc.recvfrom` (with `timeout`:
 * `libc.poll` before each receive, as usocket does).
 *
 * @module
 */
import process from "node:process";
import { libc } from "../../ffi/libc.ts";
import * as usocket from "../../mod.ts";
import { C } from "../../src/platform/mod.ts";
import { type BenchArgs, bulkReport, inSteps, now, parseArgs, receiveBulk, report } from "./args.ts";

const HOST = "127.0.0.1";
const NOSIGNAL = C.MSG_NOSIGNAL;
const pollfd = new Int32Array(2);
const pollfdBytes = new Uint8Array(pollfd.buffer);
const pollEvents = new Int16Array(pollfd.buffer);

function waitIn(fd: number): void {
  pollfd[0] = fd;
  pollEvents[2] = usocket.select.POLLIN;
  pollEvents[3] = 0;
  if (libc.poll(pollfdBytes, 1, 5000) !== 1) throw new Error("poll: timeout or error");
}

function tcpPingpong(a: BenchArgs, timeout: boolean): string {
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
  s.setsockopt(usocket.IPPROTO_TCP, usocket.TCP_NODELAY, 1);
  s.connect([HOST, a.port]);
  if (timeout) s.settimeout(5);
  const fd = s.fileno();
  const msg = new Uint8Array(a.size), buf = new Uint8Array(a.size);
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    if (libc.send(fd, msg, a.size, NOSIGNAL) !== a.size) throw new Error("short send");
    for (let got = 0; got < a.size;) {
      if (timeout) waitIn(fd);
      const r = libc.recv(fd, got === 0 ? buf : buf.subarray(got), a.size - got, 0);
      if (r <= 0) throw new Error(`recv: ${r < 0 ? libc.errno() : "EOF"}`);
      got += r;
    }
  }
  const t = now() - t0;
  s.close();
  return report(a.n, a.n * a.size * 2, t / 1000);
}

function udpPingpong(a: BenchArgs, timeout: boolean): string {
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  s.bind([HOST, 0]);
  if (timeout) s.settimeout(5);
  const fd = s.fileno();
  // The peer's sockaddr_in, built once.
  const to = new Uint8Array(16);
  new DataView(to.buffer).setUint16(0, usocket.AF_INET, true);
  new DataView(to.buffer).setUint16(2, a.port, false);
  to.set([127, 0, 0, 1], 4);
  const from = new Uint8Array(128), fromLen = new Uint32Array(1), fromLenBytes = new Uint8Array(fromLen.buffer);
  const msg = new Uint8Array(a.size), buf = new Uint8Array(a.size);
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    if (libc.sendto(fd, msg, a.size, NOSIGNAL, to, 16) !== a.size) throw new Error("sendto");
    if (timeout) waitIn(fd);
    fromLen[0] = 128;
    if (libc.recvfrom(fd, buf, a.size, 0, from, fromLenBytes) !== a.size) throw new Error("recvfrom");
  }
  const t = now() - t0;
  s.close();
  return report(a.n, a.n * a.size * 2, t / 1000);
}

/**
 * readinto: `recv(MSG_WAITALL)` into one reused buffer. recv(65536):
 * `recv(2)` into a new 64 KiB array each call, as a receive that returns its
 * bytes must do at the least (usocket's arena does better).
 */
function bulkRecv(a: BenchArgs, flags: number, fresh: boolean): string {
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
  s.connect([HOST, a.port]);
  const fd = s.fileno();
  let buf = new Uint8Array(a.size);
  const r = receiveBulk(a.warm, () => {
    if (fresh) buf = new Uint8Array(a.size);
    const n = libc.recv(fd, buf, a.size, flags);
    if (n < 0) throw new Error(`recv: errno ${libc.errno()}`);
    return n;
  });
  s.close();
  return bulkReport(a, r);
}

function bulkSend(a: BenchArgs): string {
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
  s.connect([HOST, a.port]);
  s.setsockopt(usocket.IPPROTO_TCP, usocket.TCP_NODELAY, 1); // as every client
  const fd = s.fileno();
  const chunk = new Uint8Array(a.size).fill(120);
  // one loop, in steps, for the warm-up and the timed part (args.ts, "bulk loops")
  const pump = (bytes: number) => {
    let sent = 0;
    while (sent < bytes) {
      const off = sent % a.size;
      const k = Math.min(a.size - off, bytes - sent);
      const r = libc.send(fd, off === 0 ? chunk : chunk.subarray(off), k, NOSIGNAL);
      if (r < 0) throw new Error(`send: errno ${libc.errno()}`);
      sent += r;
    }
    return sent;
  };
  inSteps(a.warm, pump);
  const t0 = now();
  inSteps(a.n, pump);
  s.shutdown(usocket.SHUT_WR);
  const ack = new Uint8Array(8);
  if (s.readinto(ack) !== 8) throw new Error("no ack");
  const t = now() - t0;
  s.close();
  return report(a.n / a.size, a.n, t / 1000);
}

function churn(a: BenchArgs): string {
  // sockaddr_in of the peer, and the raw calls socket/connect/recv/close.
  const to = new Uint8Array(16);
  new DataView(to.buffer).setUint16(0, usocket.AF_INET, true);
  new DataView(to.buffer).setUint16(2, a.port, false);
  to.set([127, 0, 0, 1], 4);
  const buf = new Uint8Array(16);
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    const fd = libc.socket(usocket.AF_INET, usocket.SOCK_STREAM | C.SOCK_CLOEXEC, 0);
    if (fd < 0 || libc.connect(fd, to, 16) !== 0) throw new Error(`connect: errno ${libc.errno()}`);
    if (libc.recv(fd, buf, 16, 0) !== 0) throw new Error("expected EOF");
    libc.close(fd);
  }
  return report(a.n, 0, (now() - t0) / 1000);
}

function pollCost(a: BenchArgs): string {
  const socks: usocket.Socket[] = [];
  while (socks.length < a.n) socks.push(...usocket.socketpair());
  while (socks.length > a.n) socks.pop()!.close();
  const raw = new Uint8Array(a.n * 8);
  const fds = new Int32Array(raw.buffer), evs = new Int16Array(raw.buffer);
  socks.forEach((s, i) => {
    fds[i * 2] = s.fileno();
    evs[i * 4 + 2] = usocket.select.POLLIN;
  });
  // 100 ms untimed (the JIT), then batches of doubling size for 300 ms.
  for (const w0 = now(); now() - w0 < 100;) libc.poll(raw, a.n, 0);
  let calls = 0, batch = 1;
  const t0 = now();
  let t = t0;
  while (t - t0 < 300) {
    for (let i = 0; i < batch; i++) if (libc.poll(raw, a.n, 0) !== 0) throw new Error("something ready");
    calls += batch;
    t = now();
    if (batch < 65536) batch *= 2;
  }
  for (const s of socks) s.close();
  return report(calls, 0, (t - t0) / 1000);
}

const a = parseArgs(process.argv.slice(2));
const timeout = a.opt === "timeout";
const out = a.workload === "tcp_pingpong"
  ? tcpPingpong(a, timeout)
  : a.workload === "udp_pingpong"
  ? udpPingpong(a, timeout)
  : a.workload === "bulk_send"
  ? bulkSend(a)
  : a.workload === "bulk_readinto"
  ? bulkRecv(a, C.MSG_WAITALL, false)
  : a.workload === "bulk_recv"
  ? bulkRecv(a, 0, true)
  : a.workload === "churn"
  ? churn(a)
  : a.workload === "poll"
  ? pollCost(a)
  : null;
if (out === null) throw new Error(`unknown workload ${a.workload}`);
console.log(out);
