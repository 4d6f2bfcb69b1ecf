#!/usr/bin/env node
// The usocket benchmark: workload × implementation, one table, median of runs.
//
//   node bench/run.mjs [--quick | --full] [--runs=N] [--only=w1,w2] [--impl=i1,i2] [--no-strace] [--out=file.md] [--raw=file.json]
//   (npm run bench; BENCH_MODE=quick|full works too)
//
// For every workload it starts ONE peer process (bench/c/peer.c, built here
// with `cc -O2` into bench/build/; a Node fallback if there is no compiler)
// and runs every client against it, each run a new client process, runs
// interleaved across implementations. Loopback only (127.0.0.1). Every client
// has a wall-clock limit and is killed past it; peers exit on their own when
// their stdin closes (they are also killed if they linger). Prints the table,
// the targets and the syscall counts on stdout (progress on stderr) and
// writes the same as markdown to bench/RESULTS.md.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, "..");
const BUILD = join(BENCH, "build");
const bin = (name) => join(ROOT, "node_modules", ".bin", name);
const log = (...a) => console.error(...a);

// ---------- options ----------

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const value = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (flag("help") || flag("h")) {
  console.log(
    "usage: node bench/run.mjs [--quick|--full] [--runs=N] [--only=w1,w2] [--impl=i1,i2] [--no-strace] [--out=file.md] [--raw=file.json]",
  );
  process.exit(0);
}
const mode = flag("quick") ? "quick" : flag("full") ? "full" : (process.env.BENCH_MODE ?? "default");
const MiB = 1 << 20;
// [timed, warm-up] counts. Warm-ups are long because the JITs need them: with
// 2 000 warm-up round trips usocket's TCP ping-pong ran 8-10% slower than at
// steady state. Bun (JavaScriptCore) compiles a call chain to its top tier
// (FTL) only after it ran ~8 000-12 000 times (BUN_JSC_reportCompileTimes=1:
// the readinto chain's last FTL compile came between the 8 192nd and the
// 12 288th 64 KiB receive, churn's (connect, the Socket constructor) near the
// 12 000th connection), and the compiles run on the client's one CPU. So every
// default warm-up is at least 15 000 operations; bulk's is 1.5 GiB = 24 576
// receives (with 512 MiB, Bun's readinto rows measured the compiles: ~3 µs more
// CPU per 64 KiB than raw FFI, equal to it after 2 GiB). Quick mode's are
// shorter: its Bun rows include JIT time. The asyncio rows use the counts of
// the blocking rows they compare with. conc: requests of the 1 000-connection
// echo (the warm-up counts requests in all: 30 per connection, but the hot
// code runs 30 000 times); idleMs: the idle rows' window.
const SCALE = {
  quick: {
    runs: 3,
    pp1: [5_000, 30_000],
    pp2: [2_000, 5_000],
    bulk: [128 * MiB, 256 * MiB],
    churn1: [1_000, 2_000],
    churn2: [1_000, 1_000],
    handshake: [300, 200],
    conc: [20_000, 15_000],
    idleMs: 2000,
    udp: { one: [65_536, 32_768], mmsg: [131_072, 262_144], gso: [1_048_576, 1_048_576] },
  },
  default: {
    runs: 3,
    pp1: [20_000, 30_000],
    pp2: [10_000, 15_000],
    bulk: [512 * MiB, 1536 * MiB],
    churn1: [5_000, 15_000],
    churn2: [3_000, 15_000],
    handshake: [1_000, 500],
    conc: [100_000, 30_000],
    idleMs: 2000,
    udp: { one: [131_072, 65_536], mmsg: [262_144, 1_048_576], gso: [4_194_304, 4_194_304] },
  },
  full: {
    runs: 5,
    pp1: [50_000, 50_000],
    pp2: [20_000, 20_000],
    bulk: [1024 * MiB, 1536 * MiB],
    churn1: [10_000, 15_000],
    churn2: [10_000, 15_000],
    handshake: [2_000, 1_000],
    conc: [200_000, 30_000],
    idleMs: 2000,
    udp: { one: [262_144, 131_072], mmsg: [524_288, 1_048_576], gso: [8_388_608, 4_194_304] },
  },
}[mode];
if (!SCALE) throw new Error(`unknown mode ${mode}: quick, default or full`);
const RUNS = Number(value("runs") ?? SCALE.runs);
// Loopback bulk runs are bimodal here (most near 3.7 GB/s, some near 2.3 GB/s,
// per connection, whatever the client, C included): more runs keep the median robust.
const BULK_RUNS = RUNS + 4;
const ONLY = value("only")?.split(",");
const IMPL_ONLY = value("impl")?.split(",");
const CLIENT_LIMIT_MS = 120_000;

// ---------- environment ----------

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000, ...opts });
  return r.error ? null : r;
}
const which = (name) => {
  const r = sh("sh", ["-c", `command -v ${name}`]);
  return r && r.status === 0 ? r.stdout.trim() : null;
};
const firstLine = (s) => (s ?? "").split("\n").find((l) => l.trim()) ?? "";

const notes = [];
const cpuModel = (() => {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1].trim();
  } catch { /* not Linux */ }
  return os.cpus()[0]?.model ?? "unknown CPU";
})();
const cores = os.availableParallelism?.() ?? os.cpus().length;
const nofile = Number(sh("sh", ["-c", "ulimit -n"])?.stdout.trim()) || null;

const DENO = existsSync(bin("deno")) ? bin("deno") : which("deno");
const BUN = existsSync(bin("bun")) ? bin("bun") : which("bun");
const CC = which("cc") ?? which("gcc") ?? which("clang");
const TASKSET = which("taskset");
const OPENSSL = which("openssl");
const PYTHON = which("python3");

/** The CPUs this process may run on (from taskset), or null. */
function allowedCpus() {
  if (!TASKSET) return null;
  const m = /list:\s*([\d,\-]+)/.exec(sh(TASKSET, ["-cp", String(process.pid)])?.stdout ?? "");
  if (!m) return null;
  const cpus = [];
  for (const part of m[1].split(",")) {
    const [a, b] = part.split("-").map(Number);
    for (let c = a; c <= (b ?? a); c++) cpus.push(c);
  }
  return cpus;
}
const CPUS = allowedCpus();
// Client on one CPU, peer on another ("2 CPUs"), or both on the client's ("1 CPU").
const CLIENT_CPU = CPUS?.[0] ?? null;
const PEER_CPU = CPUS && CPUS.length >= 2 ? CPUS[1] : null;
const STRACE = flag("no-strace") ? null : which("strace");

const versions = {
  machine: `${cpuModel}, ${cores} cores (as seen by this process), ${
    Math.round(os.totalmem() / 2 ** 30)
  } GiB, ${os.type()} ${os.release()} ${os.arch()}`,
  deno: DENO ? firstLine(sh(DENO, ["--version"])?.stdout) : "absent",
  bun: BUN ? `bun ${firstLine(sh(BUN, ["--version"])?.stdout)}` : "absent",
  node: `node ${process.version}`,
  cc: CC ? firstLine(sh(CC, ["--version"])?.stdout) : "absent",
  strace: STRACE ? firstLine(sh(STRACE, ["-V"])?.stdout) : flag("no-strace") ? "not used (--no-strace)" : "absent",
};

// ---------- build ----------

/**
 * Builds bench/c/peer.c and client.c; with OpenSSL's runtime libraries (no
 * headers needed: bench/c/tls.h) also their TLS workloads. Returns
 * {c, tls}: whether the C programs, and their TLS half, were built.
 */
function build() {
  if (!CC) {
    notes.push("No C compiler (cc/gcc/clang): C rows skipped, ratios to C unavailable, Node fallback peer used.");
    return { c: false, tls: false };
  }
  mkdirSync(BUILD, { recursive: true });
  const stamp = join(BUILD, "tls-built");
  let tls = true;
  for (const name of ["peer", "client"]) {
    const src = join(BENCH, "c", `${name}.c`), out = join(BUILD, name);
    const newest = Math.max(statSync(src).mtimeMs, statSync(join(BENCH, "c", "tls.h")).mtimeMs);
    if (existsSync(out) && statSync(out).mtimeMs > newest && existsSync(stamp)) continue;
    let r = sh(CC, ["-O2", "-Wall", "-DWITH_TLS", "-o", out, src, "-l:libssl.so.3", "-l:libcrypto.so.3"]);
    if (!r || r.status !== 0) {
      log(r?.stderr ?? "");
      tls = false;
      r = sh(CC, ["-O2", "-Wall", "-o", out, src]);
    }
    if (!r || r.status !== 0) {
      notes.push(`${CC} -O2 ${relative(ROOT, src)} failed: C rows skipped, Node fallback peer used.`);
      log(r?.stderr ?? "");
      return { c: false, tls: false };
    }
  }
  if (tls) writeFileSync(stamp, "");
  else {
    rmSync(stamp, { force: true });
    notes.push(`${CC} -DWITH_TLS (libssl.so.3, libcrypto.so.3) failed: TLS rows skipped.`);
  }
  return { c: true, tls };
}
const built = build();
const haveC = built.c;

/**
 * The TLS peer's certificate and key (ECDSA P-256, self-signed for IP
 * 127.0.0.1, not a CA; clients trust it as their anchor), made with the openssl command in
 * a temporary folder removed at exit. Null when TLS rows cannot run.
 */
function makeTlsFiles() {
  if (!built.tls) return null;
  if (!OPENSSL) {
    notes.push("openssl command not found: TLS rows skipped (it makes their certificate).");
    return null;
  }
  const dir = mkdtempSync(join(os.tmpdir(), "usocket-bench-tls-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, "cert.pem"), key = join(dir, "key.pem");
  const r = sh(OPENSSL, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "2",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    // an end-entity certificate: rustls (Deno) refuses a CA certificate as the server's own (CaUsedAsEndEntity)
    "-addext",
    "basicConstraints=critical,CA:FALSE",
  ]);
  if (!r || r.status !== 0) {
    notes.push(`openssl req failed: TLS rows skipped. ${(r?.stderr ?? "").trim().split("\n").at(-1)}`);
    return null;
  }
  return { cert, key };
}
const TLS_FILES = makeTlsFiles();
const PEER = haveC ? [join(BUILD, "peer")] : [process.execPath, join(BENCH, "peers", "node_peer.mjs")];

// ---------- implementations and workloads ----------

const PINGPONG = new Set(["tcp_pingpong", "udp_pingpong"]);
const TLS = new Set(["tls_pingpong", "tls_bulk_send", "tls_bulk_readinto", "tls_handshake"]);
const usocketDeno = DENO
  && [DENO, "run", "--allow-ffi", "--allow-env=BENCH_TLS_CA", join(BENCH, "clients", "usocket_client.ts")];
const usocketBun = BUN && [BUN, join(BENCH, "clients", "usocket_client.ts")];
const ffiDeno = DENO && [DENO, "run", "--allow-ffi", join(BENCH, "clients", "ffi_client.ts")];
const ffiBun = BUN && [BUN, join(BENCH, "clients", "ffi_client.ts")];
// usocket.asyncio (bench/clients/asyncio_client.ts): the workloads it has a form for
const ASYNCIO = new Set(["tcp_pingpong", "udp_pingpong", "bulk_send", "bulk_readinto", "concurrent_echo", "idle"]);
const asyncioDeno = DENO && [DENO, "run", "--allow-ffi", join(BENCH, "clients", "asyncio_client.ts")];
const asyncioBun = BUN && [BUN, join(BENCH, "clients", "asyncio_client.ts")];
const IMPLS = [
  {
    id: "c",
    label: "C (cc -O2, blocking)",
    tlsLabel: "C on OpenSSL 3 (cc -O2, blocking)",
    cmd: haveC && [join(BUILD, "client")],
  },
  { id: "ffi-deno", label: "raw libc FFI on Deno (reference)", cmd: ffiDeno, ref: true },
  { id: "ffi-bun", label: "raw libc FFI on Bun (reference)", cmd: ffiBun, ref: true },
  { id: "usocket-deno", label: "usocket on Deno", cmd: usocketDeno },
  { id: "usocket-deno-t", label: "usocket on Deno, settimeout(5)", cmd: usocketDeno, opt: "timeout", only: PINGPONG },
  { id: "usocket-bun", label: "usocket on Bun", cmd: usocketBun },
  { id: "usocket-bun-t", label: "usocket on Bun, settimeout(5)", cmd: usocketBun, opt: "timeout", only: PINGPONG },
  { id: "asyncio-deno", label: "usocket asyncio on Deno", cmd: asyncioDeno, only: ASYNCIO, asyncio: "deno" },
  { id: "asyncio-bun", label: "usocket asyncio on Bun", cmd: asyncioBun, only: ASYNCIO, asyncio: "bun" },
  {
    id: "deno",
    label: "Deno.connect / listenDatagram",
    tlsLabel: "Deno.connect + Deno.startTls",
    native: true,
    cmd: DENO && [
      DENO,
      "run",
      "--allow-net=127.0.0.1",
      "--unstable-net",
      "--allow-env=BENCH_TLS_CA",
      "--allow-read",
      join(BENCH, "clients", "deno_client.ts"),
    ],
  },
  {
    id: "bun",
    label: "Bun.connect / udpSocket",
    tlsLabel: "Bun.connect({ tls })",
    cmd: BUN && [BUN, join(BENCH, "clients", "bun_client.ts")],
    native: true,
  },
  {
    id: "node",
    label: "Node net / dgram",
    tlsLabel: "Node tls.connect",
    cmd: [process.execPath, join(BENCH, "clients", "node_client.mjs")],
    native: true,
  },
  {
    id: "python",
    label: "CPython ssl",
    cmd: PYTHON && [PYTHON, join(BENCH, "clients", "python_client.py")],
    only: TLS,
  },
].filter((i) => !IMPL_ONLY || IMPL_ONLY.includes(i.id));
for (const i of IMPLS) if (!i.cmd) notes.push(`${i.label}: skipped (runtime or compiler missing).`);

const [bulk, WARM_BULK] = SCALE.bulk;
/** The C peer's bulk segment (bench/c/peer.c). */
const SEG_BYTES = 64 * MiB;
// place: "2" = client and peer on two CPUs, "1" = both on one CPU (no cross-CPU wake-up).
// refs: whether the raw-FFI reference rows run too.
// The C peer times segments of SEG_PP round trips (or 64 MiB of bulk) after the warm-up: see summarize.
const SEG_PP = 1000;
const pingpong = (proto, place) => {
  const [n, warm] = SCALE[`pp${place}`];
  return {
    id: `${proto}_pingpong_${place}cpu`,
    label: `${proto.toUpperCase()} ping-pong 64 B, ${place} CPU${place === "2" ? "s" : ""}`,
    client: `${proto}_pingpong`,
    peer: proto === "tcp"
      ? ["echo", String(warm * 64), String(SEG_PP * 64)]
      : ["udp-echo", String(warm * 64), String(SEG_PP * 64), String((warm + n) * 64)],
    n,
    warm,
    size: 64,
    unit: "round trip",
    place,
    refs: place === "1",
    segOps: SEG_PP,
  };
};
const bulkload = (client, label, peer) => ({
  id: client,
  label: `${label} ${bulk / MiB} MiB`,
  client,
  peer,
  n: bulk,
  warm: WARM_BULK,
  size: 65536,
  unit: "64 KiB",
  place: "2",
  refs: true,
  runs: BULK_RUNS,
  segOps: SEG_BYTES / 65536, // the C peer times each 64 MiB (see summarize)
});
const churnload = (place) => ({
  id: `churn_${place}cpu`,
  label: `connection churn, ${place} CPU${place === "2" ? "s" : ""}`,
  client: "churn",
  peer: ["accept-close"],
  n: SCALE[`churn${place}`][0],
  warm: SCALE[`churn${place}`][1],
  size: 0,
  unit: "connection",
  place,
  refs: true, // on 2 CPUs too: tells whether a gap is the Socket layer or the runtime
});
// TLS rows: the same peer over TLS (`peer --tls cert key <mode>`, bench/c/tls.h), no raw-FFI rows.
const tlsPingpong = (place) => ({
  ...pingpong("tcp", place),
  id: `tls_pingpong_${place}cpu`,
  label: `TLS ping-pong 64 B, ${place} CPU${place === "2" ? "s" : ""}`,
  client: "tls_pingpong",
  tls: true,
  refs: false,
});
const tlsBulk = (client, label, peer) => ({ ...bulkload(client, label, peer), tls: true, refs: false });
const tlsHandshake = {
  id: "tls_handshake",
  label: "TLS handshake (TCP connect, TLS 1.3, ECDSA P-256, X25519), 2 CPUs",
  client: "tls_handshake",
  peer: ["accept-close"],
  n: SCALE.handshake[0],
  warm: SCALE.handshake[1],
  size: 0,
  unit: "handshake",
  place: "2",
  tls: true,
  refs: false,
};
// 1 000 connections at once: 64-byte round trips on each, requests per second in all (client-timed)
const CONNS = 1000;
const concurrentEcho = {
  id: "concurrent_echo",
  label: `${CONNS.toLocaleString("en-US")} concurrent echo connections, 64 B requests, 2 CPUs`,
  client: "concurrent_echo",
  peer: ["concurrent-echo"],
  n: SCALE.conc[0],
  warm: SCALE.conc[1],
  size: CONNS, // the client's <size>: how many connections
  unit: "request",
  place: "2",
  impls: ["c", "asyncio-deno", "asyncio-bun", "deno", "bun", "node"],
  nofile: CONNS + 256,
};
// A process awaiting 1 000 idle connections: its CPU and wake-ups over the window (own table, not ops/s)
const idleload = {
  id: "idle",
  label: `${CONNS.toLocaleString("en-US")} idle sockets awaited, ${SCALE.idleMs / 1000} s`,
  client: "idle",
  peer: ["concurrent-echo"], // holds connections that never send
  n: CONNS,
  warm: 0,
  size: SCALE.idleMs, // the client's <size>: the window in ms
  unit: "idle window",
  place: "2",
  impls: ["asyncio-deno", "asyncio-bun"],
  nofile: CONNS + 256,
  idle: true,
};
// UDP throughput, each side timed alone (no peer process: bench/c/client.c's udp_throughput and
// its usocket twin): a connected pair on loopback, pinned to one CPU; rounds of datagrams that fit
// the receiver's queue (SO_RCVBUFFORCE 256 MiB); the side measured is timed, the other side
// (sendmmsg/recvmmsg batches; GSO/GRO for the gso rows) runs untimed before or after it.
// opt: one = send/recv_into one datagram per call, mmsg = sendmmsg/recvmmsg 64 per call,
// gso = send of a UDP_SEGMENT buffer (64 datagrams of 64 B, 54 of 1 200 B) to a UDP_GRO
// receiver / recvmmsg of 8 GRO-coalesced buffers. Counts per mode (SCALE.udp): the warm-ups give
// every mode at least ~16 000 calls of its hot loop (Bun's top tier), the timed parts ~0.1-1 s.
const UDP_MODES = {
  one: "one datagram per call",
  mmsg: "sendmmsg/recvmmsg, 64 per call",
  gso: "GSO send / GRO receive",
};
const udpload = (dir, size, mode) => ({
  id: `udp_${dir}_${size}_${mode}`,
  label: `UDP ${dir === "send" ? "send" : "receive"} ${size} B, ${UDP_MODES[mode]}`,
  client: `udp_${dir}`,
  peer: null,
  n: SCALE.udp[mode][0],
  warm: SCALE.udp[mode][1],
  runs: RUNS + 2,
  size,
  opt: mode,
  unit: "datagram",
  place: "1",
  impls: ["c", "usocket-deno", "usocket-bun"],
  refs: false,
  udp: { dir, mode },
  // the clients time each round (a segment): bench/c/client.c's udp_round
  segOps: Math.min(64, Math.floor(65507 / size)) * 64 * 8,
});
const WORKLOADS = [
  pingpong("tcp", "2"),
  pingpong("tcp", "1"),
  pingpong("udp", "2"),
  pingpong("udp", "1"),
  bulkload("bulk_send", "bulk send, 64 KiB sendall,", ["sink", String(WARM_BULK)]),
  bulkload("bulk_readinto", "bulk receive, readinto 64 KiB,", ["source", String(bulk + WARM_BULK), String(WARM_BULK)]),
  bulkload("bulk_recv", "bulk receive, recv(65536),", ["source", String(bulk + WARM_BULK), String(WARM_BULK)]),
  churnload("2"),
  churnload("1"),
  concurrentEcho,
  idleload,
  tlsPingpong("2"),
  tlsPingpong("1"),
  tlsBulk("tls_bulk_send", "TLS bulk send, 64 KiB sendall,", ["sink", String(WARM_BULK), String(bulk + WARM_BULK)]),
  tlsBulk("tls_bulk_readinto", "TLS bulk receive, readinto 64 KiB,", [
    "source",
    String(bulk + WARM_BULK),
    String(WARM_BULK),
  ]),
  tlsHandshake,
  ...[10, 1000, 10000].map((n) => ({
    id: `poll_${n}`,
    label: `poll(0), ${n} sockets registered`,
    client: "poll",
    peer: null,
    n,
    warm: 0,
    size: 0,
    unit: "poll(0)",
    place: "1",
    impls: ["c", "ffi-deno", "ffi-bun", "usocket-deno", "usocket-bun"],
    refs: true,
  })),
  ...["send", "recv"].flatMap((dir) =>
    [64, 1200].flatMap((size) => Object.keys(UDP_MODES).map((mode) => udpload(dir, size, mode)))
  ),
].filter((w) => !ONLY || ONLY.includes(w.id) || ONLY.includes(w.client));

const hasSelect = existsSync(join(ROOT, "src", "select.ts"));
for (const w of WORKLOADS) {
  if (w.tls && !TLS_FILES) w.skip = "no TLS peer (see the notes)";
  else if (w.client === "poll" && !hasSelect) w.skip = "src/select.ts does not exist";
  else if (w.client === "poll" && nofile !== null && nofile < w.n + 256) {
    w.skip = `RLIMIT_NOFILE (ulimit -n) is ${nofile}, needs ${w.n + 256}`;
  } else if (w.nofile && nofile !== null && nofile < w.nofile) {
    w.skip = `RLIMIT_NOFILE (ulimit -n) is ${nofile}, needs ${w.nofile}`;
  } else if (w.place === "1" && CLIENT_CPU === null && w.client !== "poll") {
    w.skip = "taskset not found: cannot pin to one CPU";
  }
  if (w.skip) notes.push(`${w.label}: skipped (${w.skip}).`);
}

function implsFor(w) {
  return IMPLS.filter((i) =>
    i.cmd && (!i.only || i.only.has(w.client)) && (!w.impls || w.impls.includes(i.id)) && (!i.ref || w.refs)
  );
}

// ---------- processes ----------

/** Starts the peer; resolves with its port. The peer exits when its stdin closes. */
function startPeer(w) {
  const args = [...PEER, ...(w.tls ? ["--tls", TLS_FILES.cert, TLS_FILES.key] : []), ...w.peer];
  const cpu = w.place === "1" ? CLIENT_CPU : PEER_CPU;
  const cmd = cpu !== null && !w.unpinned ? [TASKSET, "-c", String(cpu), ...args] : args;
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // "SEGS <s> <s> …" lines (one per ping-pong or bulk run the C peer served), oldest first
  const segs = { lines: [], wake: null };
  const port = new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("peer did not print its port within 10 s")), 10_000);
    child.stdout.on("data", (d) => {
      out += d;
      for (let nl; (nl = out.indexOf("\n")) >= 0; out = out.slice(nl + 1)) {
        const line = out.slice(0, nl);
        const m = /^PORT (\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        } else if (line.startsWith("SEGS")) {
          segs.lines.push(line.split(" ").slice(1).map(Number));
          segs.wake?.();
        }
      }
    });
    child.once("exit", (code) => reject(new Error(`peer exited (${code}) before printing its port`)));
  });
  return { child, exited, port, segs };
}

/** The peer's segment times (seconds) for the connection just served, or null if none came within `ms`. */
async function nextSegs(p, ms) {
  const deadline = Date.now() + ms;
  while (p.segs.lines.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
      p.segs.wake = () => (clearTimeout(t), resolve());
    });
  }
  p.segs.wake = null;
  return p.segs.lines.shift() ?? null;
}

async function stopPeer(p) {
  p.child.stdin.end();
  const ok = await Promise.race([p.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
  if (!ok) {
    notes.push(`peer pid ${p.child.pid} did not exit 5 s after its stdin closed: killed`);
    p.child.kill("SIGKILL");
    await p.exited;
  }
}

/** One client run; returns {ops, bytes, seconds} or {error}. */
function runClient(impl, w, port, extra = {}) {
  const args = [w.client, String(port), String(extra.n ?? w.n), String(extra.warm ?? w.warm), String(w.size)];
  const opt = w.opt ?? impl.opt;
  if (opt) args.push(opt);
  let cmd = [...impl.cmd, ...args];
  if (CLIENT_CPU !== null && !w.unpinned) cmd = [TASKSET, "-c", String(CLIENT_CPU), ...cmd];
  if (extra.wrap) cmd = [...extra.wrap, ...cmd];
  const r = spawnSync(cmd[0], cmd.slice(1), {
    cwd: ROOT,
    encoding: "utf8",
    timeout: CLIENT_LIMIT_MS,
    killSignal: "SIGKILL",
    env: { ...process.env, NO_COLOR: "1", ...(TLS_FILES ? { BENCH_TLS_CA: TLS_FILES.cert } : {}) },
  });
  if (r.error || r.status !== 0) {
    const why = r.error?.code === "ETIMEDOUT"
      ? `killed after ${CLIENT_LIMIT_MS / 1000} s`
      : `exit ${r.status ?? r.signal}`;
    return { error: `${why}: ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}` };
  }
  const line = r.stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  try {
    return JSON.parse(line);
  } catch {
    return { error: `no result line in: ${r.stdout.slice(0, 200)}` };
  }
}

// ---------- measuring ----------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = []; // {w, impl, runs: [{ops, bytes, seconds}], errors: []}

async function measureWorkload(w) {
  const impls = implsFor(w);
  const rows = impls.map((impl) => ({ w, impl, runs: [], errors: [] }));
  results.push(...rows);
  if (w.skip) return;
  const peer = w.peer ? startPeer(w) : null;
  try {
    const port = peer ? await peer.port : 0;
    const runs = w.runs ?? RUNS;
    for (let r = 0; r < runs; r++) {
      // Rotate the order each run so no implementation always follows the same one.
      for (let k = 0; k < rows.length; k++) {
        const row = rows[(k + r) % rows.length];
        if (row.errors.length >= 2) continue; // give up on a client that keeps failing
        const res = runClient(row.impl, w, port);
        // the peer prints one line per run: at the end of its connection (UDP: at its last datagram)
        const segs = w.segOps && peer && haveC && !res.error ? await nextSegs(peer, 3000) : null; // the Node peer times nothing
        if (res.error && peer) {
          // what a failed run made the peer print is not the next run's
          await new Promise((resolve) => setTimeout(resolve, 100));
          peer.segs.lines.length = 0;
        }
        if (res.error) row.errors.push(res.error);
        // peer-less workloads with segments time them in the client (the UDP throughput rows)
        else row.runs.push({ ...res, segs: segs ?? res.segs ?? null });
        const shown = res.error ?? (w.idle ? `${res.cpuMs.toFixed(1)} ms CPU, ${res.switches} switches` : fmtRate(res));
        log(`  ${w.id.padEnd(18)} run ${r + 1}/${runs}  ${row.impl.id.padEnd(15)} ${shown}`);
      }
    }
  } finally {
    if (peer) await stopPeer(peer);
  }
}

const fmtRate = (res) => `${fmtNum(res.ops / res.seconds)} ops/s`;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b), i = (s.length - 1) * q, lo = Math.floor(i);
  return lo + 1 < s.length ? s[lo] + (s[lo + 1] - s[lo]) * (i - lo) : s[lo];
};

function summarize(row) {
  if (row.runs.length === 0) return null;
  if (row.w.segOps && row.runs.every((x) => x.segs?.length)) {
    // Ping-pong and bulk: the rate of every segment (1 000 round trips, 64 MiB)
    // of every run, as the peer timed it. This host switches between a fast and
    // a slow mode within a run (peer.c), so one figure per run mixes modes by
    // chance; the median segment does not, while the slow mode holds under half
    // the time.
    const rates = row.runs.flatMap((x) => x.segs.map((sec) => row.w.segOps / sec));
    const med = median(rates);
    return {
      ops: med,
      best: quantile(rates, 0.9),
      mib: (med * (row.w.client.endsWith("pingpong") ? 2 : 1) * row.w.size) / MiB,
      perOp: 1 / med,
      spread: (quantile(rates, 0.75) - quantile(rates, 0.25)) / med,
      n: rates.length,
      segs: true,
    };
  }
  const rates = row.runs.map((x) => x.ops / x.seconds);
  const mibs = row.runs.map((x) => x.bytes / MiB / x.seconds);
  const med = median(rates);
  return {
    ops: med,
    best: Math.max(...rates),
    mib: median(mibs),
    perOp: 1 / med,
    spread: (Math.max(...rates) - Math.min(...rates)) / med,
    n: row.runs.length,
  };
}

// ---------- syscalls per round trip ----------

const SC_SHORT = 500, SC_LONG = 3000;
/** Syscalls that move data or wait for a socket; the rest (futex, madvise, mmap…) is the runtime's housekeeping. */
const IO_SYSCALLS = new Set([
  "sendto",
  "recvfrom",
  "sendmsg",
  "recvmsg",
  "sendmmsg",
  "recvmmsg",
  "read",
  "write",
  "readv",
  "writev",
  "poll",
  "ppoll",
  "select",
  "pselect6",
  "epoll_wait",
  "epoll_pwait",
  "epoll_pwait2",
  "epoll_ctl",
  "io_uring_enter",
]);

/** Parses `strace -c` output into {syscall: calls}. */
function parseStraceCounts(text) {
  const out = {};
  for (const line of text.split("\n")) {
    const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?([a-z_0-9]+)\s*$/.exec(line);
    if (m && m[2] !== "total") out[m[2]] = Number(m[1]);
  }
  return out;
}

async function countSyscalls() {
  const rows = [];
  if (!STRACE) {
    notes.push(
      flag("no-strace")
        ? "syscalls per round trip not counted (--no-strace)."
        : "strace not found: syscalls per round trip not counted (apt-get install strace to get them).",
    );
    return rows;
  }
  const tmp = mkdtempSync(join(os.tmpdir(), "usocket-bench-"));
  try {
    for (const client of ["tcp_pingpong", "udp_pingpong"]) {
      // Not pinned: strace and the client must not share one CPU.
      const w = { client, peer: [client === "tcp_pingpong" ? "echo" : "udp-echo"], size: 64, unpinned: true };
      const peer = startPeer(w);
      try {
        const port = await peer.port;
        for (const impl of IMPLS.filter((i) => i.cmd && !i.ref && (!i.only || i.only.has(client)))) {
          // The difference between a short and a long run is the per-round-trip
          // count, free of start-up and exit syscalls.
          const counts = [];
          for (const n of [SC_SHORT, SC_LONG]) {
            const file = join(tmp, `${impl.id}-${client}-${n}.txt`);
            const res = runClient(impl, w, port, {
              n,
              warm: 200,
              wrap: [STRACE, "-f", "-c", "-o", file],
            });
            if (res.error) {
              counts.push(null);
              log(`  strace ${impl.id} ${client}: ${res.error}`);
              break;
            }
            counts.push(parseStraceCounts(readFileSync(file, "utf8")));
          }
          if (counts.includes(null)) continue;
          const per = {};
          for (const name of new Set([...Object.keys(counts[0]), ...Object.keys(counts[1])])) {
            const d = ((counts[1][name] ?? 0) - (counts[0][name] ?? 0)) / (SC_LONG - SC_SHORT);
            if (Math.abs(d) >= 0.05) per[name] = d;
          }
          const total = Object.values(per).reduce((a, b) => a + b, 0);
          const io = Object.entries(per).filter(([k]) => IO_SYSCALLS.has(k)).reduce((a, [, v]) => a + v, 0);
          rows.push({ client, impl, per, total, io });
          log(`  strace ${client.padEnd(13)} ${impl.id.padEnd(15)} ${io.toFixed(2)} I/O, ${total.toFixed(2)} in all`);
        }
      } finally {
        await stopPeer(peer);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}

// ---------- formatting ----------

function fmtNum(x) {
  if (!Number.isFinite(x)) return "—";
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)} k`;
  if (x >= 100) return x.toFixed(0);
  return x.toFixed(2);
}

function fmtTime(s) {
  if (s >= 1e-3) return `${(s * 1e3).toFixed(2)} ms`;
  if (s >= 1e-6) return `${(s * 1e6).toFixed(2)} µs`;
  return `${(s * 1e9).toFixed(0)} ns`;
}

function tableRows() {
  const out = [];
  for (const w of WORKLOADS.filter((x) => !x.idle)) {
    const rows = results.filter((r) => r.w === w);
    const cRow = rows.find((r) => r.impl.id === "c");
    const c = cRow && summarize(cRow);
    for (const row of rows) {
      const s = summarize(row);
      const ratio = s && c ? s.ops / c.ops : null;
      const bestRatio = s && c ? s.best / c.best : null;
      out.push([
        w.label,
        (w.tls && row.impl.tlsLabel) || row.impl.label,
        s ? fmtNum(s.ops) : w.skip ? "skipped" : "failed",
        s ? `${fmtTime(s.perOp)}/${w.unit}` : "",
        s && s.mib > 0 ? fmtNum(s.mib) : "—",
        ratio === null ? "—" : `${ratio.toFixed(2)}×`,
        bestRatio === null ? "—" : `${bestRatio.toFixed(2)}×`,
        s
          ? `±${((s.spread / 2) * 100).toFixed(0)}% (${s.n}${s.segs ? " seg" : ""})`
          : row.errors[0]?.slice(0, 60) ?? "",
      ]);
      row.summary = s;
      row.ratio = ratio;
    }
  }
  return out;
}

const HEAD = ["workload", "implementation", "ops/s", "time per op", "MiB/s", "× C", "best/best", "spread (runs)"];
const RIGHT = [false, false, true, true, true, true, true, true];

function textTable(rows) {
  const all = [HEAD, ...rows];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => [...r[i]].length)));
  const pad = (s, i) => (RIGHT[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]));
  const lines = [all[0].map(pad).join("  "), widths.map((n) => "-".repeat(n)).join("  ")];
  let last = null;
  for (const r of rows) {
    if (last !== null && r[0] !== last) lines.push("");
    lines.push(r.map((s, i) => pad(r[0] === last && i === 0 ? "" : s, i)).join("  "));
    last = r[0];
  }
  return lines.join("\n");
}

function mdTable(head, rows, right) {
  const esc = (s) => String(s).replaceAll("|", "\\|");
  return [
    `| ${head.map(esc).join(" | ")} |`,
    `| ${head.map((_, i) => (right[i] ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

const CLIENT_CODE = {
  tcp_pingpong: "`sendall(msg)`, `readinto(buf)`; asyncio: `write(msg)`, `await drain()`, `await readexactly(64)`",
  udp_pingpong:
    "`sendto(msg, addr)`, `recvfrom(64)`; asyncio: `await sock_sendto(s, msg, addr)`, `await sock_recvfrom(s, 64)`",
  bulk_send:
    "`sendall(chunk)`; `shutdown(SHUT_WR)`, read the sink's count; asyncio: `write(chunk)`, `await drain()` (a stream)",
  bulk_readinto: "`readinto(buf)` until 0; asyncio: `await sock_recv_into(s, buf)` until 0",
  bulk_recv: "`recv(65536)` until empty",
  churn: "`socket()`, `connect(addr)`, `recv(16)` (EOF), `close()`",
  poll: "`select.poll()`, register all for POLLIN, `poll(0)`",
  concurrent_echo:
    "asyncio: a task per connection (`open_connection`), `write(msg)`, `await drain()`, `await readexactly(64)`",
  idle: "asyncio: `await sock_recv(s, 64)` on every socket (the peer never sends); CPU and context switches meanwhile",
  udp_send:
    "connected pair, one CPU; one: `send(buf)`; mmsg: `sendmmsg(batch)` (64 slots); gso: `send(buf)` with UDP_SEGMENT set, to a UDP_GRO socket; the receive side (batched) untimed",
  udp_recv:
    "queue filled first (sendmmsg; gso: GSO sends), then timed: one: `recv_into(buf)`; mmsg: `recvmmsg(batch)` (64 slots); gso: UDP_GRO, `recvmmsg(batch)` of 8 × 64 KiB with `segments`",
  tls_pingpong: "`ssl.wrap_socket(s, {cert_reqs, cadata, server_hostname})`, then `write(msg)`, `readinto(buf)`",
  tls_bulk_send: "`sendall(chunk)`, then read the sink's count (no half-close)",
  tls_bulk_readinto: "`readinto(buf)` until 0 (close_notify)",
  tls_handshake: "`socket()`, `connect(addr)`, `ctx.wrap_socket(s, {server_hostname})`, `read(16)` (EOF), `close()`",
};

function fmtCount(n, w) {
  if (w.unit === "64 KiB") return `${n / MiB} MiB`;
  if (w.idle) return `${w.size / 1000} s, ${n.toLocaleString("en-US")} sockets`;
  return `${n.toLocaleString("en-US")} ${w.unit}s`;
}

// ---------- targets ----------

function targets(syscalls) {
  const t = [];
  const ratioOf = (wid, iid) => results.find((r) => r.w.id === wid && r.impl.id === iid)?.ratio ?? null;
  const opsOf = (wid, iid) => results.find((r) => r.w.id === wid && r.impl.id === iid)?.summary?.ops ?? null;
  const add = (what, measured, pass) => t.push({ what, measured, pass });
  const ratioTarget = (wid, iid, min) => {
    const r = ratioOf(wid, iid);
    const w = WORKLOADS.find((x) => x.id === wid);
    const impl = IMPLS.find((x) => x.id === iid);
    if (!w || !impl || w.skip) return;
    // the floor any FFI socket layer on this runtime has: the raw libc FFI row
    const floor = ratioOf(wid, iid.startsWith("usocket-deno") ? "ffi-deno" : "ffi-bun");
    add(
      `${w.label}: ${impl.label} ≥ ${min.toFixed(2)} × C`,
      r === null ? "n/a" : `${r.toFixed(3)} × C${floor === null ? "" : ` (raw FFI: ${floor.toFixed(3)})`}`,
      r === null ? null : r >= min,
    );
  };
  const usockets = ["usocket-deno", "usocket-deno-t", "usocket-bun", "usocket-bun-t"];
  for (const wid of ["tcp_pingpong_2cpu", "tcp_pingpong_1cpu", "udp_pingpong_2cpu", "udp_pingpong_1cpu"]) {
    for (const iid of usockets) ratioTarget(wid, iid, 0.95);
  }
  for (const wid of ["bulk_send", "bulk_readinto"]) {
    for (const iid of usockets.filter((i) => !i.endsWith("-t"))) ratioTarget(wid, iid, 0.9);
  }
  for (const iid of ["usocket-deno", "usocket-bun"]) ratioTarget("bulk_recv", iid, 0.8);
  for (const wid of ["tls_pingpong_2cpu", "tls_pingpong_1cpu", "tls_bulk_send", "tls_bulk_readinto"]) {
    for (const iid of ["usocket-deno", "usocket-bun"]) ratioTarget(wid, iid, 0.9);
  }
  for (const w of WORKLOADS) {
    if (w.skip) continue;
    const natives = IMPLS.filter((i) => i.native).map((i) => [i.id, opsOf(w.id, i.id)]).filter(([, o]) => o !== null);
    if (natives.length === 0) continue;
    for (const iid of usockets) {
      const mine = opsOf(w.id, iid);
      if (mine === null) continue;
      const [bestId, best] = natives.reduce((a, b) => (b[1] > a[1] ? b : a));
      const impl = IMPLS.find((i) => i.id === bestId);
      add(
        `${w.label}: ${IMPLS.find((i) => i.id === iid).label} ahead of Deno's, Bun's and Node's own`,
        `${(mine / best).toFixed(3)} × the best of them (${(w.tls && impl.tlsLabel) || impl.label})`,
        mine > best,
      );
    }
  }
  // batched UDP: usocket's batches against C's one-per-call loop on the same side and size
  for (const w of WORKLOADS.filter((x) => x.udp && x.udp.mode !== "one" && !x.skip)) {
    const base = opsOf(`udp_${w.udp.dir}_${w.size}_one`, "c");
    const min = w.udp.mode === "gso" ? 3 : 1.5;
    for (const iid of ["usocket-deno", "usocket-bun"]) {
      const mine = opsOf(w.id, iid);
      if (mine === null) continue;
      add(
        `${w.label}: ${IMPLS.find((i) => i.id === iid).label} ≥ ${min} × C's one-datagram-per-call loop`,
        base === null
          ? "n/a"
          : `${(mine / base).toFixed(2)} × (C's own ${w.udp.mode}: ${
            opsOf(w.id, "c") === null ? "n/a" : (opsOf(w.id, "c") / base).toFixed(2)
          } ×)`,
        base === null ? null : mine / base >= min,
      );
    }
  }
  for (const r of idleRows()) {
    if (r.w.skip || r.cpuMs === null) continue;
    const s = r.seconds, maxCpu = IDLE_CPU_SHARE * s * 1000, maxSw = IDLE_SWITCHES_PER_S * s;
    add(
      `${r.w.label}: ${r.row.impl.label}, CPU ≤ ${maxCpu.toFixed(0)} ms and ≤ ${
        maxSw.toFixed(0)
      } context switches (target 0)`,
      `${r.cpuMs.toFixed(1)} ms, ${r.switches} switches (bare sleep: ${r.baseCpuMs.toFixed(1)} ms, ${r.baseSwitches})`,
      r.cpuMs <= maxCpu && r.switches <= maxSw,
    );
  }
  for (const row of syscalls.filter((s) => s.client === "tcp_pingpong" || s.client === "udp_pingpong")) {
    if (!row.impl.id.startsWith("usocket")) continue;
    const max = row.impl.opt === "timeout" ? 3 : 2;
    add(
      `${row.client === "tcp_pingpong" ? "TCP" : "UDP"} ping-pong I/O syscalls per round trip: ${row.impl.label} ${
        max === 2 ? "= 2" : "≤ 3"
      }`,
      `${row.io.toFixed(2)}${
        row.total - row.io >= 0.05 ? ` (+ ${(row.total - row.io).toFixed(2)} runtime housekeeping)` : ""
      }`,
      max === 2 ? Math.abs(row.io - 2) < 0.05 : row.io <= 3.05,
    );
  }
  return t;
}

// ---------- asyncio: idle, and the cost of an await ----------

// An idle await must cost nothing: no polling, no timers. A process's own floor
// is not 0 (GC and JIT threads, the window's timer); the rows show a bare
// asyncio.sleep of the same length too. Polling every 10 ms would be 200
// wake-ups in 2 s.
const IDLE_CPU_SHARE = 0.005; // ≤ 0.5% of the window in CPU time (10 ms in 2 s)
const IDLE_SWITCHES_PER_S = 25;

/** The idle rows: medians over runs of the window's CPU ms and context switches, and the bare-sleep baseline's. */
function idleRows() {
  const out = [];
  for (const w of WORKLOADS.filter((x) => x.idle)) {
    for (const row of results.filter((r) => r.w === w)) {
      const m = (k) => (row.runs.length ? median(row.runs.map((x) => x[k])) : null);
      const range = (k, digits) =>
        row.runs.length > 1
          ? ` (${Math.min(...row.runs.map((x) => x[k])).toFixed(digits)}–${
            Math.max(...row.runs.map((x) => x[k])).toFixed(digits)
          })`
          : "";
      out.push({
        w,
        row,
        cpuMs: m("cpuMs"),
        switches: m("switches"),
        baseCpuMs: m("baseCpuMs"),
        baseSwitches: m("baseSwitches"),
        cpuRange: range("cpuMs", 1),
        swRange: range("switches", 0),
        seconds: m("seconds"),
      });
    }
  }
  return out;
}

/**
 * Per runtime, asyncio against blocking usocket (the extra time per operation:
 * on ping-pong, one awaited receive per round trip) and against the runtime's own sockets.
 */
function asyncioRows() {
  const out = [];
  const sumOf = (wid, iid) => results.find((r) => r.w.id === wid && r.impl.id === iid)?.summary ?? null;
  for (const w of WORKLOADS.filter((x) => !x.idle && !x.skip)) {
    for (const impl of IMPLS.filter((i) => i.asyncio)) {
      const mine = sumOf(w.id, impl.id);
      if (!mine) continue;
      const blocking = sumOf(w.id, `usocket-${impl.asyncio}`);
      const own = sumOf(w.id, impl.asyncio);
      out.push([
        w.label,
        impl.label,
        `${fmtTime(mine.perOp)}/${w.unit}`,
        blocking ? fmtTime(blocking.perOp) : "—",
        blocking ? `${mine.perOp >= blocking.perOp ? "+" : "−"}${fmtTime(Math.abs(mine.perOp - blocking.perOp))}` : "—",
        own ? fmtTime(own.perOp) : "—",
        own ? `${(mine.ops / own.ops).toFixed(2)}×` : "—",
      ]);
    }
  }
  return out;
}
const ASYNCIO_HEAD = [
  "workload",
  "implementation",
  "asyncio",
  "blocking usocket",
  "asyncio − blocking",
  "runtime's own",
  "asyncio ÷ own (ops/s)",
];

// ---------- main ----------

const started = new Date();
const t0 = performance.now();
log(`usocket bench, ${mode} mode: ${RUNS} runs per cell; ${versions.machine}`);
for (const w of WORKLOADS) {
  log(`${w.label}${w.skip ? ` — skipped: ${w.skip}` : ""}`);
  await measureWorkload(w);
}
log("syscalls per round trip (strace -f -c)");
const syscalls = await countSyscalls();
const elapsed = (performance.now() - t0) / 1000;

const rows = tableRows();
const tgts = targets(syscalls);
const idles = idleRows();
const IDLE_HEAD = [
  "workload",
  "implementation",
  "CPU ms in the window",
  "context switches",
  "bare sleep: CPU ms",
  "bare sleep: switches",
];
const idleTable = idles.map((r) => [
  r.w.label,
  r.row.impl.label,
  r.cpuMs === null ? (r.w.skip ? "skipped" : "failed") : `${r.cpuMs.toFixed(1)}${r.cpuRange}`,
  r.switches === null ? "" : `${r.switches}${r.swRange}`,
  r.baseCpuMs === null ? "" : r.baseCpuMs.toFixed(1),
  r.baseSwitches === null ? "" : String(r.baseSwitches),
]);
const asyncioTable = asyncioRows();
const plainTable = (head, body) => {
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((r) => [...r[i]].length)));
  return all.map((r) => "  " + r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
};
const mark = (p) => (p === null ? "n/a" : p ? "pass" : "MISS");
const scRows = syscalls.map((s) => [
  s.client === "tcp_pingpong" ? "TCP ping-pong" : "UDP ping-pong",
  s.impl.label,
  s.io.toFixed(2),
  s.total.toFixed(2),
  Object.entries(s.per).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", "),
]);
const failures = results.filter((r) => r.errors.length).map((r) => `${r.w.label} / ${r.impl.label}: ${r.errors[0]}`);

const header = [
  `machine:  ${versions.machine}`,
  `runtimes: ${versions.deno}; ${versions.bun}; ${versions.node}`,
  `compiler: ${versions.cc}; strace: ${versions.strace}; RLIMIT_NOFILE ${nofile ?? "unknown"}`,
  `mode:     ${mode}, ${RUNS} runs per cell (bulk ${BULK_RUNS}; each run a new client process; ping-pong and bulk: median of peer-timed segments), ${
    elapsed.toFixed(0)
  } s in all; peer: ${haveC ? "bench/c/peer.c" : "bench/peers/node_peer.mjs"}`,
];
const text = [
  "",
  ...header,
  "",
  textTable(rows),
  "",
  ...(idleTable.length
    ? [
      "idle (process CPU and context switches, all threads, over the window; medians, range of runs):",
      ...plainTable(IDLE_HEAD, idleTable),
      "",
    ]
    : []),
  ...(asyncioTable.length
    ? [
      "asyncio against blocking usocket and the runtime's own sockets (time per op):",
      ...plainTable(ASYNCIO_HEAD, asyncioTable),
      "",
    ]
    : []),
  "targets:",
  ...tgts.map((t) => `  ${mark(t.pass).padEnd(4)}  ${t.what}: ${t.measured}`),
  "",
  `syscalls per round trip (strace -f -c: (count of a ${SC_LONG} - count of a ${SC_SHORT} round-trip run) / ${
    SC_LONG - SC_SHORT
  }):`,
  ...(scRows.length
    ? [
      `  ${"".padEnd(13)}  ${"".padEnd(32)} ${"I/O".padStart(6)} ${"all".padStart(6)}`,
      ...scRows.map((r) => `  ${r[0]}  ${r[1].padEnd(32)} ${r[2].padStart(6)} ${r[3].padStart(6)}  (${r[4]})`),
    ]
    : ["  not counted"]),
  ...(notes.length || failures.length ? ["", "notes:", ...[...notes, ...failures].map((n) => `  - ${n}`)] : []),
].join("\n");
console.log(text);

const md = `# usocket benchmark results

Measured ${started.toISOString().slice(0, 10)} (${started.toISOString()}) by \`node bench/run.mjs${
  argv.length ? " " + argv.join(" ") : ""
}\` — ${mode} mode, ${elapsed.toFixed(0)} s.

- machine: ${versions.machine}
- runtimes: ${versions.deno}; ${versions.bun}; ${versions.node}
- compiler: ${versions.cc}; strace: ${versions.strace}; RLIMIT_NOFILE: ${nofile ?? "unknown"}
- peer: ${
  haveC ? "`bench/c/peer.c`" : "`bench/peers/node_peer.mjs` (no C compiler)"
}, one process per workload, the same for every client; loopback 127.0.0.1 only

Ping-pong and bulk cells ("seg" in the spread column) are timed by the peer: it times every segment
of each run's timed part (1 000 round trips; 64 MiB of bulk), and a cell is the median of the
segments of all its runs (${RUNS}; bulk ${BULK_RUNS}). This host's speed switches between modes every
few tens of ms to seconds, within one run, for every client, C included (bulk: ~3.6 and ~1.6 GB/s;
1 000 TCP round trips on one CPU: 13.9 ms, for a while 16–18 ms); one figure per run mixes the modes
by chance, the median segment does not. Churn and poll cells are the median of ${RUNS} runs. Every
run is a new client process that does an untimed warm-up, then the timed part (counts below). Runs
are interleaved across implementations. "× C" is the median ops/s relative to the C client's on the
same workload; "best/best" compares the best runs instead (segments: the 90th percentiles);
"spread" is (max − min) / 2 / median of the runs' ops/s (segments: half the interquartile range over
the median). Ping-pong MiB/s counts the payload both ways. Every TCP client sets TCP_NODELAY for ping-pong and bulk send (Bun sets it by default; a
64 KiB write is more than the loopback MSS, and Nagle would hold back each write's tail).

Placement (\`taskset\`): the client runs on CPU ${CLIENT_CPU ?? "any"}; in "2 CPUs" rows and the bulk rows
the peer runs on CPU ${PEER_CPU ?? "any"}, in "1 CPU" rows on the client's CPU. Across CPUs a loopback
round trip is dominated by the cross-CPU wake-up, which hides the cost of the calls themselves; on one
CPU that cost shows. "raw libc FFI" rows are a reference, not a product: the same loops calling
\`libc.send\`/\`libc.recv\`/… of \`ffi/libc.ts\` directly (\`bench/clients/ffi_client.ts\`), the floor
for any FFI socket layer; usocket minus that row is the cost of the \`Socket\` class. In the
recv(65536) rows that loop receives into a new 64 KiB array per call, as a receive that returns
its bytes must; the readinto rows reuse one buffer.

## Results

${mdTable(HEAD, rows, RIGHT)}

## Workloads

${
  mdTable(
    ["workload", "timed", "warm-up", "peer", "client code (usocket)"],
    WORKLOADS.map((w) => [
      w.label,
      w.client === "poll" ? "300 ms" : `${fmtCount(w.n, w)}`,
      w.client === "poll" ? "100 ms" : w.idle ? `a ${w.size / 1000} s bare sleep` : `${fmtCount(w.warm, w)}`,
      w.peer ? `\`peer ${w.tls ? "--tls cert.pem key.pem " : ""}${w.peer.join(" ")}\`` : "none",
      CLIENT_CODE[w.client],
    ]),
    [false, true, true, false, false],
  )
}

${
  idleTable.length
    ? `## Idle awaits

A process holding ${
      CONNS.toLocaleString("en-US")
    } connected TCP sockets, each awaited with \`asyncio.sock_recv\` (the peer
never sends), for ${SCALE.idleMs / 1000} s: the CPU time and context switches of the whole process (every thread,
\`process.resourceUsage()\`, i.e. getrusage) over that window; medians of ${RUNS} runs, range in brackets. "bare sleep"
is the same process over a bare \`asyncio.sleep\` of the same length just before (the runtime's own floor). Target 0:
polling every 10 ms would be ${(SCALE.idleMs / 10).toFixed(0)} wake-ups.

${mdTable(IDLE_HEAD, idleTable, [false, false, true, true, true, true])}

`
    : ""
}${
  asyncioTable.length
    ? `## asyncio: the cost of an await

Per runtime, each asyncio cell (median time per op, as in the table above) against blocking usocket on the same runtime
and workload, and against the runtime's own sockets (Deno.connect, Bun.connect). On ping-pong each round trip awaits one
receive that is not ready yet (the write is sent at once and its \`drain\` does not wait), so "asyncio − blocking" is the
extra cost of one await: a \`recv\` that finds nothing, arming epoll, the wake-up from the reactor's thread (Deno's pool
thread, Bun's Worker) and the Promise chain back.

${mdTable(ASYNCIO_HEAD, asyncioTable, [false, false, true, true, true, true, true])}

`
    : ""
}## Targets

${mdTable(["target", "measured", "result"], tgts.map((t) => [t.what, t.measured, mark(t.pass)]), [false, true, false])}

Why a target misses, with the measurements behind it: \`bench/README.md\`, "Findings" and "Targets: what
holds, what flips, what cannot hold here" (over several runs; a single run's bulk and 2-CPU verdicts
flip with this host's noise).

## Syscalls per ping-pong round trip

${
  scRows.length
    ? `Counted with \`strace -f -c\` on the client (all its threads), not pinned: the difference between a
${SC_LONG} and a ${SC_SHORT} round-trip run, divided by ${
      SC_LONG - SC_SHORT
    }, so start-up and exit do not count. Syscalls with fewer than 0.05 per round
trip are left out. "I/O" counts the calls that move data or wait for a socket (send/recv
families, read/write, poll/epoll); the rest is the runtime's own housekeeping (futex, madvise, …).
(strace slows every syscall down, which changes how often the async runtimes find
data already there, so their counts are indicative.)

${
      mdTable(
        ["workload", "implementation", "I/O syscalls / round trip", "all syscalls / round trip", "by syscall"],
        scRows,
        [
          false,
          false,
          true,
          true,
          false,
        ],
      )
    }`
    : "Not counted: strace was not found (`apt-get install strace`), or `--no-strace` was given."
}
${notes.length || failures.length ? `\n## Notes\n\n${[...notes, ...failures].map((n) => `- ${n}`).join("\n")}\n` : ""}`;
const resultsPath = value("out") ? resolve(process.cwd(), value("out")) : join(BENCH, "RESULTS.md");
writeFileSync(resultsPath, md);
if (value("raw")) {
  // every run of every cell, segments included, for a closer look
  const raw = results.map((r) => ({ workload: r.w.id, impl: r.impl.id, runs: r.runs, errors: r.errors }));
  writeFileSync(resolve(process.cwd(), value("raw")), JSON.stringify(raw, null, 1));
}
// Align the tables as the project's formatter does, so `dprint check` (part of npm test) passes.
if (existsSync(bin("dprint"))) {
  const r = sh(bin("dprint"), ["fmt", resultsPath], { cwd: ROOT });
  if (!r || r.status !== 0) log(`dprint fmt ${relative(ROOT, resultsPath)} failed: ${r?.stderr ?? ""}`);
}
log(`\nwrote ${relative(ROOT, resultsPath)}`);
