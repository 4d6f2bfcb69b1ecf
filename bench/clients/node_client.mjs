// Node's own sockets (`net`, `dgram`, `tls`) as a benchmark client:
//
//   node bench/clients/node_client.mjs <workload> <port> <n> <warm> <size>
//
// Same command line and result line as bench/clients/args.ts (duplicated here:
// Node 20 does not load .ts files). `bulk_readinto` uses net.connect's
// `onread` option (one reused buffer, no allocation per chunk); `bulk_recv`
// takes the Buffers of 'data' events. `concurrent_echo` opens <size> sockets,
// each sending its next 64-byte request from its 'data' handler once the reply
// is in, until warm + n requests are done in all.
//
// The TLS workloads (`tls_pingpong`, `tls_bulk_send`, `tls_bulk_readinto`,
// `tls_handshake`) are the same loops over `tls.connect` (`tls_bulk_readinto`
// with tls.connect's `onread`), verifying the peer against the PEM file
// `BENCH_TLS_CA` names as its only CA, for the host 127.0.0.1 (Node checks it
// against the certificate's IP SAN).
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import net from "node:net";
import process from "node:process";
import tls from "node:tls";

const HOST = "127.0.0.1";
const now = () => performance.now();
const report = (ops, bytes, seconds) => JSON.stringify({ ops, bytes, seconds });
/** As nextStart in args.ts: the clock restarts every 256 MiB of the warm-up, at its end, then never. */
const STEP = 1 << 28;
const nextStart = (at, warm) => (at + STEP < warm ? at + STEP : at < warm ? warm : Infinity);

function parseArgs(argv) {
  if (argv.length < 5) throw new Error("usage: <workload> <port> <n> <warm> <size> [opt]");
  const num = (i) => {
    const v = Number(argv[i]);
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`argument ${i + 1} must be an integer, got ${argv[i]}`);
    return v;
  };
  return { workload: argv[0], port: num(1), n: num(2), warm: num(3), size: num(4), opt: argv[5] ?? "" };
}

function connect(port, options = {}) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: HOST, port, ...options }, () => resolve(s));
    s.once("error", reject);
  });
}

/**
 * A client context whose only CA is the TLS peer's certificate (PEM), from the
 * file BENCH_TLS_CA names; made once per process, as the C client's SSL_CTX
 * (a `ca` option instead makes a new context, parsing the PEM, per connection).
 */
function tlsContext() {
  const path = process.env.BENCH_TLS_CA;
  if (!path) throw new Error("BENCH_TLS_CA (the TLS peer's CA certificate, PEM) is not set");
  return tls.createSecureContext({ ca: readFileSync(path) });
}

/**
 * As connect, over TLS with a tlsContext(), the peer verified for the host
 * 127.0.0.1 (args.ts's TLS_NAME): resolves at 'secureConnect', the handshake done.
 */
function connectTls(port, secureContext, options = {}) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: HOST, port, secureContext, rejectUnauthorized: true, ...options }, () => {
      if (s.authorized) resolve(s);
      else reject(new Error(`TLS peer not authorized: ${s.authorizationError}`));
    });
    s.once("error", reject);
  });
}

async function tcpPingpong(a) {
  return await pingpong(a, await connect(a.port, { noDelay: true }));
}

async function tlsPingpong(a) {
  return await pingpong(a, await connectTls(a.port, tlsContext(), { noDelay: true }));
}

/** warm + n round trips of size bytes on s (the peer echoes), the last n timed. */
async function pingpong(a, s) {
  s.setNoDelay(true);
  const msg = Buffer.alloc(a.size);
  const total = a.warm + a.n;
  let i = 0, got = 0, t0 = 0;
  const t1 = await new Promise((resolve, reject) => {
    s.on("data", (data) => {
      got += data.length;
      if (got < a.size) return;
      got -= a.size;
      if (++i === total) return resolve(now());
      if (i === a.warm) t0 = now();
      s.write(msg);
    });
    s.on("error", reject);
    s.on("close", () => reject(new Error("closed early")));
    if (a.warm === 0) t0 = now();
    s.write(msg);
  });
  s.destroy();
  return report(a.n, a.n * a.size * 2, (t1 - t0) / 1000);
}

async function udpPingpong(a) {
  const s = dgram.createSocket("udp4");
  await new Promise((resolve) => s.bind(0, HOST, resolve));
  const msg = Buffer.alloc(a.size);
  const total = a.warm + a.n;
  let i = 0, t0 = 0;
  const t1 = await new Promise((resolve, reject) => {
    s.on("message", (data) => {
      if (data.length !== a.size) return reject(new Error("short datagram"));
      if (++i === total) return resolve(now());
      if (i === a.warm) t0 = now();
      s.send(msg, a.port, HOST);
    });
    s.on("error", reject);
    if (a.warm === 0) t0 = now();
    s.send(msg, a.port, HOST);
  });
  s.close();
  return report(a.n, a.n * a.size * 2, (t1 - t0) / 1000);
}

/**
 * Writes warm + n bytes in size-byte writes on s, waiting for 'drain' when it
 * buffers; the clock restarts as nextStart says. Returns the last start.
 */
async function sendAll(a, s) {
  const chunk = Buffer.alloc(a.size, 120);
  const total = a.warm + a.n;
  let sent = 0, t0 = 0, next = 0;
  while (sent < total) {
    if (sent >= next) {
      t0 = now();
      next = nextStart(next, a.warm);
    }
    const k = Math.min(a.size, total - sent);
    sent += k;
    if (!s.write(k === a.size ? chunk : chunk.subarray(0, k))) await new Promise((r) => s.once("drain", r));
  }
  return t0;
}

/** The sink's 8-byte little-endian count, checked against warm + n; then the result line. */
function sendReport(a, acks, t0, t1) {
  const ack = Buffer.concat(acks);
  if (ack.length < 8) throw new Error(`the sink's count has ${ack.length} bytes, expected 8`);
  const counted = Number(ack.readBigUInt64LE(0));
  if (counted !== a.warm + a.n) throw new Error(`sink counted ${counted} bytes, sent ${a.warm + a.n}`);
  return report(a.n / a.size, a.n, (t1 - t0) / 1000);
}

async function bulkSend(a) {
  const s = await connect(a.port, { allowHalfOpen: true, noDelay: true }); // as every client (Bun's default)
  const acks = [];
  const acked = new Promise((resolve, reject) => {
    s.on("data", (d) => acks.push(d));
    s.on("end", () => resolve(now()));
    s.on("error", reject);
  });
  const t0 = await sendAll(a, s);
  s.end();
  const t1 = await acked;
  s.destroy();
  return sendReport(a, acks, t0, t1);
}

/** No half-close: the TLS sink replies once it has warm + n bytes; the clock stops at the count's 8th byte. */
async function tlsBulkSend(a) {
  const s = await connectTls(a.port, tlsContext(), { noDelay: true });
  s.setNoDelay(true);
  const acks = [];
  let acked8 = 0;
  const acked = new Promise((resolve, reject) => {
    s.on("data", (d) => {
      acks.push(d);
      acked8 += d.length;
      if (acked8 >= 8) resolve(now());
    });
    s.on("error", reject);
    s.on("close", () => reject(new Error("closed before the ack")));
  });
  const t0 = await sendAll(a, s);
  const t1 = await acked;
  s.destroy();
  return sendReport(a, acks, t0, t1);
}

/** Receives to EOF ('end'), into one reused size-byte buffer (onread) or the 'data' Buffers; the first warm bytes untimed. */
async function bulkRecv(a, reuse, secure = false) {
  let total = 0, mark = 0, t0 = 0, next = 0;
  const count = (n) => {
    total += n;
    if (total >= next) {
      t0 = now();
      mark = total;
      next = nextStart(next, a.warm);
    }
  };
  const options = reuse ? { onread: { buffer: Buffer.alloc(a.size), callback: (n) => void count(n) } } : {};
  const s = await (secure ? connectTls(a.port, tlsContext(), options) : connect(a.port, options));
  const t1 = await new Promise((resolve, reject) => {
    if (!reuse) s.on("data", (d) => count(d.length));
    s.on("end", () => resolve(now()));
    s.on("error", reject);
  });
  s.destroy();
  if (total !== a.warm + a.n) throw new Error(`received ${total} bytes, expected ${a.warm + a.n}`);
  return report((total - mark) / a.size, total - mark, (t1 - t0) / 1000);
}

async function churn(a) {
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    const s = await connect(a.port);
    await new Promise((resolve, reject) => {
      s.on("data", () => reject(new Error("expected EOF")));
      s.on("close", resolve);
      s.on("error", reject);
      s.resume();
    });
  }
  return report(a.n, 0, (now() - t0) / 1000);
}

/** <size> connections at once, 64-byte round trips until warm + n in all; timed from the warm-th reply to the last. */
async function concurrentEcho(a) {
  const socks = [];
  while (socks.length < a.size) {
    const k = Math.min(250, a.size - socks.length);
    socks.push(...await Promise.all(Array.from({ length: k }, () => connect(a.port, { noDelay: true }))));
  }
  const total = a.warm + a.n, msg = Buffer.alloc(64);
  let issued = 0, replies = 0, t0 = 0;
  const t1 = await new Promise((resolve, reject) => {
    for (const s of socks) {
      let got = 0;
      s.on("data", (data) => {
        got += data.length;
        if (got < 64) return;
        got -= 64;
        if (++replies === a.warm) t0 = now();
        if (replies === total) return resolve(now());
        if (issued < total) (issued++, s.write(msg));
      });
      s.on("error", reject);
      s.on("close", () => reject(new Error("closed early")));
    }
    if (a.warm === 0) t0 = now();
    for (const s of socks) if (issued < total) (issued++, s.write(msg));
  });
  for (const s of socks) s.destroy();
  return report(a.n, a.n * 64 * 2, (t1 - t0) / 1000);
}

/** Per op: TCP connect, verified TLS handshake ('secureConnect'), EOF (the peer's close_notify), 'close'. */
async function tlsHandshake(a) {
  const context = tlsContext();
  let t0 = 0;
  for (let i = 0, total = a.warm + a.n; i < total; i++) {
    if (i === a.warm) t0 = now();
    const s = await connectTls(a.port, context);
    await new Promise((resolve, reject) => {
      s.on("data", () => reject(new Error("expected EOF")));
      s.on("close", resolve);
      s.on("error", reject);
      s.resume();
    });
  }
  return report(a.n, 0, (now() - t0) / 1000);
}

const a = parseArgs(process.argv.slice(2));
const run = {
  tcp_pingpong: tcpPingpong,
  udp_pingpong: udpPingpong,
  bulk_send: bulkSend,
  bulk_readinto: (a) => bulkRecv(a, true),
  bulk_recv: (a) => bulkRecv(a, false),
  churn,
  concurrent_echo: concurrentEcho,
  tls_pingpong: tlsPingpong,
  tls_bulk_send: tlsBulkSend,
  tls_bulk_readinto: (a) => bulkRecv(a, true, true),
  tls_handshake: tlsHandshake,
}[a.workload];
if (!run) throw new Error(`workload ${a.workload} has no Node form`);
console.log(await run(a));
process.exit(0);
