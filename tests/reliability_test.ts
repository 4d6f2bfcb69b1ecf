// Issue 5: descriptors, bytes, faults and load — each guarantee tested on real
// loopback sockets, bounded in count and time.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { test } from "node:test";
import { libc } from "../ffi/libc.ts";
import * as usocket from "../mod.ts";
import {
  closeAll,
  execPath,
  gc,
  isBun,
  listener,
  nextMessage,
  settledFdCount,
  startWorker,
  tcpPair,
  text,
  udpPair,
} from "./helpers.ts";
import { fnv1a, pattern } from "./peers/rel_pattern.ts";

const { errno, OSError } = usocket;
const peer = (name: string) => new URL(`./peers/${name}`, import.meta.url).pathname;
const denoRun = ["run", "--allow-ffi", "--allow-read", "--allow-env"];
const MiB = 1 << 20;

function errnoOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof OSError) return e.errno;
    throw e;
  }
  return 0;
}

// ---- 1. descriptors ----

test("descriptors: 10 000 socket/close cycles, 1 000 refused connects, 1 000 getaddrinfo failures", async () => {
  const before = await settledFdCount();
  for (let i = 0; i < 10000; i++) usocket.socket(i & 1 ? usocket.AF_INET6 : usocket.AF_INET).close();
  const [l] = listener();
  const closedPort = (l.getsockname() as [string, number])[1];
  l.close();
  for (let i = 0; i < 1000; i++) {
    const s = usocket.socket();
    assert.equal(errnoOf(() => s.connect(["127.0.0.1", closedPort])), errno.ECONNREFUSED);
    s.close();
  }
  for (let i = 0; i < 1000; i++) {
    assert.ok(errnoOf(() => usocket.getaddrinfo(`no-such-host-${i}`, 80, 0, 0, 0, usocket.AI_NUMERICHOST)) < 0);
  }
  assert.equal(await settledFdCount(), before);
});

test("descriptors: 1 000 accept/close cycles", async () => {
  const before = await settledFdCount();
  const [srv, port] = listener(usocket.AF_INET, 64);
  for (let i = 0; i < 1000; i++) {
    const c = usocket.socket();
    c.connect(["127.0.0.1", port]);
    const [conn] = srv.accept();
    conn.close();
    c.close();
  }
  srv.close();
  assert.equal(await settledFdCount(), before);
});

test("descriptors: every error path of every method leaves the count unchanged", async () => {
  const before = await settledFdCount();
  const [cli, conn] = tcpPair();
  const fresh = usocket.socket();
  const udp = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const [busy, busyPort] = listener();
  const cases: [string, () => unknown, number][] = [
    ["bind twice", () => conn.bind(["127.0.0.1", 0]), errno.EINVAL],
    ["bind in use", () => fresh.bind(["127.0.0.1", busyPort]), errno.EADDRINUSE],
    ["bind foreign address", () => fresh.bind(["192.0.2.1", 0]), errno.EADDRNOTAVAIL],
    ["listen on UDP", () => udp.listen(), errno.EOPNOTSUPP],
    ["accept not listening", () => fresh.accept(), errno.EINVAL],
    ["connect connected", () => cli.connect(["127.0.0.1", busyPort]), errno.EISCONN],
    ["recv unconnected", () => fresh.recv(1), errno.ENOTCONN],
    ["send unconnected", () => fresh.send("x"), errno.EPIPE],
    ["sendall unconnected", () => fresh.sendall("x"), errno.EPIPE],
    ["write unconnected", () => fresh.write("x"), errno.EPIPE],
    ["read unconnected", () => fresh.read(1), errno.ENOTCONN],
    ["readinto unconnected", () => fresh.readinto(new Uint8Array(1)), errno.ENOTCONN],
    ["readline unconnected", () => fresh.readline(), errno.ENOTCONN],
    ["recvfrom unconnected", () => fresh.recvfrom(1), errno.ENOTCONN],
    ["getpeername unconnected", () => fresh.getpeername(), errno.ENOTCONN],
    ["shutdown unconnected", () => fresh.shutdown(usocket.SHUT_RDWR), errno.ENOTCONN],
    ["setsockopt unknown", () => fresh.setsockopt(usocket.SOL_SOCKET, 12345, 1), errno.ENOPROTOOPT],
    ["getsockopt unknown", () => fresh.getsockopt(usocket.SOL_SOCKET, 12345), errno.ENOPROTOOPT],
    ["sendto port 0", () => udp.sendto("x", ["127.0.0.1", 0]), errno.EINVAL],
    ["fromfd not open", () => usocket.fromfd(4000, usocket.AF_INET, usocket.SOCK_STREAM), errno.EBADF],
    ["socket bad family", () => usocket.socket(12345), errno.EAFNOSUPPORT],
  ];
  for (const [name, fn, code] of cases) assert.equal(errnoOf(fn), code, name);
  // the sockets are still usable
  cli.sendall("still");
  assert.equal(text(conn.recv(5)), "still");
  fresh.bind(["127.0.0.1", 0]);
  closeAll(cli, conn, fresh, udp, busy);
  assert.equal(await settledFdCount(), before);
});

test("descriptors: an old object never touches a new socket that reused its fd number", async () => {
  let old: usocket.Socket | null = usocket.socket();
  const fd = old.fileno();
  old.close();
  const fresh = usocket.socket();
  assert.equal(fresh.fileno(), fd);
  // methods of the old object: EBADF, and no syscall on the number
  assert.equal(errnoOf(() => old!.close()), 0);
  assert.equal(errnoOf(() => old!.send("x")), errno.EBADF);
  assert.equal(errnoOf(() => old!.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1)), errno.EBADF);
  // its finalizer: drop it, collect, and the new socket is still open
  old = null;
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(libc.fcntl(fd, 1, /* F_GETFD */ 0) >= 0, "the reused fd is still open");
  assert.equal(fresh.getsockopt(usocket.SOL_SOCKET, usocket.SO_TYPE), usocket.SOCK_STREAM);
  // a poller it was registered with
  const a = usocket.socket();
  const p = usocket.select.poll();
  p.register(a, usocket.select.POLLIN);
  const afd = a.fileno();
  a.close();
  const b = usocket.socket(); // reuses afd, unconnected: the kernel would report POLLOUT|POLLHUP
  assert.equal(b.fileno(), afd);
  assert.deepEqual(p.poll(0), [[a, usocket.select.POLLNVAL]]);
  closeAll(fresh, b);
});

// ---- 2. bytes ----

test("bytes: 256 MiB sendall → readinto, both directions, checksums match", async () => {
  const size = 256 * MiB;
  // this side sends, the worker reads into a reused buffer
  const [sink, { port: sinkPort }] = await startWorker<{ port: number }>("./peers/rel_bulk_worker.ts", {
    mode: "sink",
  });
  const s = usocket.socket();
  s.settimeout(60);
  s.connect(["127.0.0.1", sinkPort]);
  const chunk = new Uint8Array(MiB);
  let sum = 0x811c9dc5;
  for (let off = 0; off < size; off += MiB) {
    pattern(chunk, off);
    sum = fnv1a(sum, chunk);
    s.sendall(chunk);
  }
  s.close();
  assert.deepEqual(await nextMessage(sink, 120000), { bytes: size, sum });
  sink.terminate();
  // the worker sends, this side reads into a reused 64 KiB buffer
  const [source, { port: srcPort }] = await startWorker<{ port: number }>("./peers/rel_bulk_worker.ts", {
    mode: "source",
    bytes: size,
  });
  const r = usocket.socket();
  r.settimeout(60);
  r.connect(["127.0.0.1", srcPort]);
  const buf = new Uint8Array(65536);
  let got = 0, rsum = 0x811c9dc5;
  for (;;) {
    const n = r.readinto(buf)!;
    if (n === 0) break;
    rsum = fnv1a(rsum, n === buf.length ? buf : buf.subarray(0, n));
    got += n;
  }
  r.close();
  const sent = await nextMessage<{ bytes: number; sum: number }>(source, 120000);
  assert.deepEqual({ bytes: got, sum: rsum }, sent);
  assert.equal(got, size);
  source.terminate();
});

test("bytes: 256 MiB through non-blocking sockets driven by poll, with partial writes", () => {
  const size = 256 * MiB;
  const [a, b] = tcpPair();
  a.setblocking(false);
  b.setblocking(false);
  const { select } = usocket;
  const p = select.poll();
  p.register(a, select.POLLOUT);
  p.register(b, select.POLLIN);
  const out = new Uint8Array(4 * MiB);
  const inb = new Uint8Array(65536);
  let sent = 0, got = 0, partial = 0, sumOut = 0x811c9dc5, sumIn = 0x811c9dc5;
  let chunkOff = -1;
  const deadline = performance.now() + 60000;
  while (got < size) {
    assert.ok(performance.now() < deadline, `stalled at ${got} of ${size}`);
    for (const [obj, ev] of p.poll(5000)) {
      if (obj === a && ev & select.POLLOUT && sent < size) {
        const base = sent - (sent % out.length);
        if (chunkOff !== base) {
          pattern(out, base);
          sumOut = fnv1a(sumOut, out.subarray(0, Math.min(out.length, size - base)));
          chunkOff = base;
        }
        const from = sent - base;
        const want = Math.min(out.length, size - base) - from;
        const n = a.write(out.subarray(from, from + want));
        if (n !== null) {
          if (n < want) partial++;
          sent += n;
        }
        if (sent >= size) p.unregister(a);
      } else if (obj === b && ev & select.POLLIN) {
        const n = b.recv_into(inb);
        sumIn = fnv1a(sumIn, inb.subarray(0, n));
        got += n;
      }
    }
  }
  assert.equal(got, size);
  assert.equal(sumIn, sumOut);
  assert.ok(partial > 0, "some writes were partial");
  closeAll(a, b);
});

test("bytes: UDP datagram boundaries kept for sizes 0, 1, 1472 and 65507", () => {
  const [a, b] = udpPair();
  b.setsockopt(usocket.SOL_SOCKET, usocket.SO_RCVBUF, 1 << 20);
  b.settimeout(5);
  const sizes = [0, 1, 1472, 65507];
  for (const n of sizes) {
    const d = new Uint8Array(n);
    for (let i = 0; i < n; i++) d[i] = (i * 13 + n) & 255;
    assert.equal(a.sendto(d, b.getsockname()), n);
  }
  for (const n of sizes) {
    const [d] = b.recvfrom(70000);
    assert.equal(d.length, n);
    for (let i = 0; i < n; i++) if (d[i] !== ((i * 13 + n) & 255)) assert.fail(`byte ${i} of ${n}`);
  }
  assert.equal(errnoOf(() => a.sendto(new Uint8Array(65508), b.getsockname())), errno.EMSGSIZE);
  closeAll(a, b);
});

test("bytes: MSG_PEEK then recv give the same bytes", () => {
  const [cli, conn] = tcpPair();
  conn.settimeout(5);
  for (let i = 1; i < 2000; i += 97) {
    const d = new Uint8Array(i).map((_, k) => (k * i) & 255);
    cli.sendall(d);
    const peeked = conn.recv(i, usocket.MSG_PEEK | usocket.MSG_WAITALL);
    const taken = conn.recv(i, usocket.MSG_WAITALL);
    assert.deepEqual(peeked, taken);
    assert.deepEqual(taken, d);
  }
  closeAll(cli, conn);
});

test("bytes: readline over random lines split at every segment boundary", () => {
  let seed = 12345;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const lines = Array.from({ length: 12 }, () => "x".repeat(rand(40)) + "\n");
  const input = lines.join("") + "tail-without-newline";
  for (let cut = 0; cut <= input.length; cut++) {
    const [cli, conn] = tcpPair();
    conn.settimeout(5);
    cli.sendall(input.slice(0, cut));
    const got: string[] = [];
    // read what is complete before the rest is sent, then the rest
    const complete = input.slice(0, cut).split("\n").length - 1;
    for (let i = 0; i < complete; i++) got.push(text(conn.readline())!);
    cli.sendall(input.slice(cut));
    cli.close();
    for (let i = 0; i < 20; i++) {
      const l = text(conn.readline())!;
      if (l === "") break;
      got.push(l);
    }
    assert.deepEqual(got, [...lines, "tail-without-newline"], `cut ${cut}`);
    conn.close();
  }
});

// ---- 3. faults ----

test("faults: a peer that resets mid-transfer gives ECONNRESET/EPIPE, never a hang", async () => {
  // this side writes; the peer reads 1 MiB, then resets
  const [w1, { port: p1 }] = await startWorker<{ port: number }>("./peers/rel_bulk_worker.ts", {
    mode: "reset",
    after: MiB,
  });
  const s = usocket.socket();
  s.settimeout(20);
  s.connect(["127.0.0.1", p1]);
  const code = errnoOf(() => {
    for (let i = 0; i < 1024; i++) s.sendall(new Uint8Array(MiB));
  });
  assert.ok(code === errno.ECONNRESET || code === errno.EPIPE, `writer got ${errno.errorcode[code] ?? code}`);
  s.close();
  await nextMessage(w1);
  w1.terminate();
  // the peer writes 1 MiB, then resets while this side has not read it
  const [w2, { port: p2 }] = await startWorker<{ port: number }>("./peers/rel_bulk_worker.ts", {
    mode: "reset-writer",
    after: MiB,
  });
  const r = usocket.socket();
  r.settimeout(20);
  r.connect(["127.0.0.1", p2]);
  await nextMessage(w2); // the reset has happened
  assert.equal(errnoOf(() => r.read()), errno.ECONNRESET);
  r.close();
  w2.terminate();
});

test("faults: signals with a handler installed do not surface from blocking recv, accept or poll", async () => {
  const [srv, port] = listener();
  srv.setblocking(false);
  const args = isBun
    ? [peer("rel_signal_child.ts"), String(port)]
    : [...denoRun, peer("rel_signal_child.ts"), String(port)];
  const child = spawn(execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
  let out = "", err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let conn: usocket.Socket | undefined;
  const deadline = performance.now() + 30000;
  let sent = 0;
  try {
    // signal every 20 ms: through the timed calls, then while the child blocks with no timeout
    while (performance.now() < deadline && !out.includes("got ")) {
      if (out.includes("ready")) {
        try {
          process.kill(child.pid!, "SIGUSR1");
          sent++;
        } catch { /* exited */ }
      }
      if (!conn && out.includes("waiting-for-data")) {
        try {
          conn = srv.accept()[0];
          const until = performance.now() + 300;
          while (performance.now() < until) {
            process.kill(child.pid!, "SIGUSR1");
            sent++;
            await sleep(20);
          }
          conn.sendall("data after signals");
        } catch (e) {
          if ((e as usocket.OSError).errno !== errno.EAGAIN) throw e;
        }
      }
      await sleep(20);
    }
  } finally {
    if (performance.now() >= deadline) child.kill("SIGKILL");
  }
  assert.equal(await exited, 0, `${out}\n${err}`);
  assert.match(out, /recv-timeout ok ETIMEDOUT/);
  assert.match(out, /accept-timeout ok ETIMEDOUT/);
  assert.match(out, /poll-timeout ok empty/);
  assert.match(out, /got data after signals/);
  assert.ok(sent > 50, `${sent} signals sent`);
  closeAll(conn, srv);
});

test("faults: out of descriptors → OSError(EMFILE); closing some makes socket() work again", () => {
  const run = isBun
    ? `exec '${execPath}' '${peer("rel_emfile_child.ts")}'`
    : `exec '${execPath}' ${denoRun.join(" ")} '${peer("rel_emfile_child.ts")}'`;
  const r = spawnSync("sh", ["-c", `ulimit -n 256 && ${run}`], { encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /then errno EMFILE/);
  assert.match(r.stdout, /after closing 5: socket\(\) works/);
});

// ---- 5. load ----

test("load: 1 000 short TCP connections in a row against a server in a Worker", async () => {
  const [w, { port }] = await startWorker<{ port: number }>("./peers/echo_worker.ts", { clients: 1000 });
  let bytes = 0;
  for (let i = 0; i < 1000; i++) {
    const s = usocket.socket();
    s.settimeout(10);
    s.connect(["127.0.0.1", port]);
    const msg = `connection ${i}\n`;
    s.sendall(msg);
    assert.equal(text(s.readline()), msg);
    bytes += msg.length;
    s.close();
  }
  assert.deepEqual(await nextMessage(w, 60000), { served: 1000, bytes });
  w.terminate();
});

test("load: resident memory does not grow over 1 000 000 send/recv round trips", () => {
  const [a, b] = usocket.socketpair();
  const msg = new Uint8Array(64).fill(7);
  const buf = new Uint8Array(64);
  const trip = (n: number) => {
    for (let i = 0; i < n; i++) {
      a.send(msg);
      b.recv_into(buf);
      b.send(buf);
      a.recv(64);
    }
  };
  trip(100000); // warm-up
  gc();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  trip(900000);
  const ms = performance.now() - t0;
  gc();
  const after = process.memoryUsage().rss;
  const growth = (after - before) / MiB;
  console.log(
    `rss: ${(before / MiB).toFixed(1)} MiB after 100 000 warm-up round trips, ${(after / MiB).toFixed(1)} MiB after `
      + `1 000 000 (growth ${growth.toFixed(1)} MiB; ${(ms * 1000 / 900000).toFixed(2)} µs per round trip)`,
  );
  assert.ok(growth < 32, `RSS grew by ${growth.toFixed(1)} MiB`);
  closeAll(a, b);
});
