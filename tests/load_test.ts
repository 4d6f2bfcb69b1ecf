// Reliability, load: resident memory over 1 000 000 TCP round trips
// (sendall/readinto/write/recv) and 300 000 UDP round trips
// (sendto/recvfrom/recvfrom_into) after warm-up, each measured in a fresh
// child runtime; 200 connections held open at once against the poll echo
// server (examples/poll_echo_server.ts) in a Worker, every byte accounted
// for; 1 000 short IPv6 connections made with create_connection.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { closeAll, execPath, isBun, nextMessage, startWorker, text } from "./helpers.ts";

const { select } = usocket;
type Socket = usocket.Socket;
const MiB = 1 << 20;

interface RssReport {
  before: number;
  after: number;
  heapBefore: number;
  heapAfter: number;
  usPerTrip: number;
  bad: number;
  source: string;
}

/** Runs tests/peers/rel_rss_child.ts in a fresh runtime (so nothing else moves the figures). */
function measure(kind: "tcp" | "udp", warm: number, total: number): RssReport {
  const script = new URL("./peers/rel_rss_child.ts", import.meta.url).pathname;
  const args = [script, kind, String(warm), String(total)];
  const argv = isBun ? args : ["run", "--allow-ffi", "--allow-read", "--v8-flags=--expose-gc", ...args];
  const r = spawnSync(execPath, argv, { encoding: "utf8", timeout: 55000 });
  assert.equal(r.status, 0, `${r.signal ?? ""} ${r.stdout}${r.stderr}`);
  const rep = JSON.parse(r.stdout.trim().split("\n").pop()!) as RssReport;
  const f = (n: number) => (n / MiB).toFixed(1);
  console.log(
    `${kind.toUpperCase()}: RSS (${rep.source}) ${f(rep.before)} MiB after ${warm} warm-up round trips, `
      + `${f(rep.after)} MiB after ${total} (growth ${((rep.after - rep.before) / MiB).toFixed(2)} MiB; `
      + `JS heap ${f(rep.heapBefore)} → ${f(rep.heapAfter)} MiB); ${rep.usPerTrip.toFixed(2)} µs per round trip`,
  );
  return rep;
}

test("load: resident memory flat over 1 000 000 TCP round trips (sendall/readinto/write/recv) after warm-up", () => {
  const rep = measure("tcp", 100000, 1000000);
  assert.equal(rep.bad, 0, "every echo came back whole and in order");
  assert.ok(rep.after - rep.before < 32 * MiB, `RSS grew by ${((rep.after - rep.before) / MiB).toFixed(1)} MiB`);
});

test("load: resident memory flat over 300 000 UDP round trips (sendto/recvfrom/recvfrom_into) after warm-up", () => {
  const rep = measure("udp", 50000, 300000);
  assert.equal(rep.bad, 0, "every datagram came back whole and in order");
  assert.ok(rep.after - rep.before < 32 * MiB, `RSS grew by ${((rep.after - rep.before) / MiB).toFixed(1)} MiB`);
});

interface Stats {
  accepted: number;
  closed: number;
  dropped: number;
  bytes: number;
  maxConcurrent: number;
  reason: string;
  error?: string;
}

test("load: 200 connections held open at once on the poll echo server in a Worker, every byte back", async () => {
  const N = 200, ROUNDS = 8;
  const [w, { port }] = await startWorker<{ port: number }>("./peers/rel_poll_echo_worker.ts", {
    port: 0,
    backlog: 512,
    maxClients: N,
    clientIdleMs: 20000,
    serverIdleMs: 20000,
    maxRunMs: 50000,
  });
  const t0 = performance.now();
  const clients: Socket[] = [];
  try {
    for (let i = 0; i < N; i++) {
      const s = usocket.socket();
      s.settimeout(20);
      s.connect(["127.0.0.1", port]);
      clients.push(s);
    }
    // every round: each client sends a message of its own size and content,
    // then each reads its echo back; all 200 stay open throughout
    let bytes = 0;
    const msg = (i: number, r: number) => {
      const n = 1 + ((i * 7919 + r * 104729) % 6000);
      const m = new Uint8Array(n);
      for (let k = 0; k < n; k++) m[k] = (i * 31 + r * 17 + k) & 255;
      return m;
    };
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < N; i++) clients[i].sendall(msg(i, r));
      for (let i = 0; i < N; i++) {
        const want = msg(i, r);
        const got = clients[i].read(want.length)!;
        assert.equal(got.length, want.length, `client ${i} round ${r}`);
        assert.ok(got.every((x, k) => x === want[k]), `client ${i} round ${r}: echo differs`);
        bytes += want.length;
      }
    }
    // all still open at once: one poll sees every client writable, none readable
    const p = select.poll<Socket>();
    for (const s of clients) p.register(s, select.POLLIN | select.POLLOUT);
    const ready = p.poll(1000);
    assert.equal(ready.length, N);
    assert.ok(ready.every(([, ev]) => ev === select.POLLOUT), "no client has unexpected data or a hang-up");
    for (const s of clients) p.unregister(s);
    for (const s of clients) s.close();
    const stats = await nextMessage<Stats>(w, 30000);
    const ms = performance.now() - t0;
    console.log(`200 concurrent: ${bytes} bytes echoed in ${ms.toFixed(0)} ms; server ${JSON.stringify(stats)}`);
    assert.equal(stats.error, undefined);
    assert.equal(stats.reason, "maxClients");
    assert.equal(stats.accepted, N);
    assert.equal(stats.closed, N);
    assert.equal(stats.dropped, 0);
    assert.equal(stats.maxConcurrent, N, "all 200 were connected at the same time");
    assert.equal(stats.bytes, bytes, "the server echoed exactly what was sent");
  } finally {
    closeAll(...clients);
    w.terminate();
  }
});

test("load: 1 000 short IPv6 connections in a row with create_connection against a Worker", async () => {
  const [w, { port }] = await startWorker<{ port: number }>("./peers/echo_worker.ts", {
    clients: 1000,
    af: usocket.AF_INET6,
  });
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) {
    const s = usocket.create_connection(["::1", port], 10);
    const line = `message ${i} ${"x".repeat(i % 200)}\n`;
    s.sendall(line);
    assert.equal(text(s.readline()), line);
    bytes += line.length;
    s.close();
  }
  const ms = performance.now() - t0;
  assert.deepEqual(await nextMessage(w, 30000), { served: 1000, bytes });
  w.terminate();
  console.log(`1 000 IPv6 connections: ${ms.toFixed(0)} ms (${(ms / 1000).toFixed(2)} ms each)`);
});
