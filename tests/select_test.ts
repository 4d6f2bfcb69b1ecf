// select.poll(), ipoll() and select(): readiness on real loopback sockets,
// closed sockets, one-shot, argument checks, and a 200-client load test of
// examples/poll_echo_server.ts with the clients in a child process.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type EchoServerStats, serveEcho } from "../examples/poll_echo_server.ts";
import { libc } from "../ffi/libc.ts";
import * as usocket from "../mod.ts";
import { C, L } from "../src/platform/mod.ts";
import { _pendingObjects } from "../src/pollable.ts";
import { assertOSError, closeAll, execPath, isBun, listener, tcpPair, text } from "./helpers.ts";

const { errno, select } = usocket;
const { POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL } = select;
type Socket = usocket.Socket;

/** poll() results as [fileno-or-int, revents] pairs, for readable failures. */
function fmt(res: [usocket.select.PollTarget, number][]): string {
  return JSON.stringify(res.map(([o, e]) => [typeof o === "number" ? o : String(o), e]));
}

test("constants: host values, distinct bits", () => {
  const bits = [POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL];
  for (const b of bits) assert.ok(Number.isInteger(b) && b > 0 && (b & (b - 1)) === 0, `${b} is one bit`);
  assert.equal(new Set(bits).size, 5);
  assert.equal(usocket.default.select.POLLIN, POLLIN);
});

test("a fresh, unconnected TCP socket polls as POLLOUT|POLLHUP", () => {
  const s = usocket.socket();
  const p = select.poll();
  p.register(s);
  assert.deepEqual(p.poll(0), [[s, POLLOUT | POLLHUP]]);
  p.register(s, POLLIN);
  assert.deepEqual(p.poll(0), [[s, POLLHUP]], "POLLHUP is reported whatever the mask");
  p.register(s, 0);
  assert.deepEqual(p.poll(0), [[s, POLLHUP]], "even with an empty mask");
  p.unregister(s);
  s.close();
});

test("non-blocking connect: POLLOUT once connected, and SO_ERROR is 0", () => {
  const [srv, port] = listener();
  const s = usocket.socket();
  s.setblocking(false);
  const r = s.connect_ex(["127.0.0.1", port]);
  assert.ok(r === 0 || r === errno.EINPROGRESS, `connect_ex gave ${r}`);
  const p = select.poll();
  p.register(s, POLLOUT);
  const res = p.poll(5000);
  assert.equal(res.length, 1, fmt(res));
  assert.equal(res[0][0], s);
  assert.equal(res[0][1], POLLOUT, fmt(res));
  assert.equal(s.getsockopt(usocket.SOL_SOCKET, usocket.SO_ERROR), 0);
  p.unregister(s);
  const [conn] = srv.accept();
  closeAll(s, conn, srv);
});

test("non-blocking connect refused: POLLERR (and POLLHUP), SO_ERROR is ECONNREFUSED", () => {
  const t = usocket.socket();
  t.bind(["127.0.0.1", 0]);
  const port = (t.getsockname() as [string, number])[1];
  t.close(); // nobody listens there now
  const s = usocket.socket();
  s.setblocking(false);
  const r = s.connect_ex(["127.0.0.1", port]);
  const p = select.poll();
  p.register(s, POLLOUT);
  if (r === errno.EINPROGRESS) {
    const res = p.poll(5000);
    assert.equal(res.length, 1, fmt(res));
    assert.ok(res[0][1] & POLLERR, fmt(res));
    assert.equal(s.getsockopt(usocket.SOL_SOCKET, usocket.SO_ERROR), errno.ECONNREFUSED);
  } else {
    assert.equal(r, errno.ECONNREFUSED);
  }
  p.unregister(s);
  s.close();
});

test("a listener with a pending connection polls POLLIN", () => {
  const [srv, port] = listener();
  const p = select.poll();
  p.register(srv, POLLIN);
  assert.deepEqual(p.poll(0), [], "nobody connected yet");
  const cli = usocket.socket();
  cli.connect(["127.0.0.1", port]);
  assert.deepEqual(p.poll(5000), [[srv, POLLIN]]);
  const [conn] = srv.accept();
  assert.deepEqual(p.poll(0), [], "accepted: nothing pending");
  p.unregister(srv);
  closeAll(cli, conn, srv);
});

test("data available → POLLIN; peer closed → POLLIN, then recv gives empty bytes", () => {
  const [cli, conn] = tcpPair();
  const p = select.poll();
  p.register(conn, POLLIN);
  assert.deepEqual(p.poll(0), []);
  cli.send("hello");
  assert.deepEqual(p.poll(5000), [[conn, POLLIN]]);
  assert.equal(text(conn.recv(100)), "hello");
  assert.deepEqual(p.poll(0), [], "drained");
  cli.close();
  const res = p.poll(5000);
  assert.equal(res.length, 1, fmt(res));
  assert.ok(res[0][1] & POLLIN, fmt(res));
  assert.equal(conn.recv(100).length, 0, "EOF");
  p.unregister(conn);
  conn.close();
});

test("bytes buffered by readline() count as POLLIN (poll and select), without waiting", () => {
  const [cli, conn] = tcpPair();
  const p = select.poll();
  p.register(conn, POLLIN);
  cli.sendall("one\ntwo\n");
  assert.deepEqual(p.poll(5000), [[conn, POLLIN]]);
  conn.settimeout(5);
  assert.equal(text(conn.readline()), "one\n");
  assert.ok(conn._pending() > 0, "the second line came in the same recv");
  const t0 = performance.now();
  assert.deepEqual(p.poll(5000), [[conn, POLLIN]], "kernel has nothing, the buffer has a line");
  assert.deepEqual(select.select([conn], [], [], 5), [[conn], [], []]);
  assert.ok(performance.now() - t0 < 1000, "did not wait for the timeout");
  p.register(conn, POLLOUT);
  assert.deepEqual(p.poll(0), [[conn, POLLOUT]], "not registered for POLLIN: buffer not reported");
  p.register(conn, POLLIN);
  assert.equal(text(conn.readline()), "two\n");
  assert.deepEqual(p.poll(0), []);
  p.unregister(conn);
  closeAll(cli, conn);
});

test("pollers skip readline buffers only while none holds bytes: the count stays exact over random reads", () => {
  // Poll.poll() and select() look at readline buffers only when _pendingObjects() > 0;
  // a count that fell to 0 too early would make a poll wait on buffered data.
  let seed = 12345;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
  const base = _pendingObjects();
  const pairs: Socket[][] = [];
  const p = select.poll<Socket>();
  const fresh = () => {
    const [a, b] = usocket.socketpair();
    b.settimeout(2);
    p.register(b, POLLIN);
    return [a, b];
  };
  for (let i = 0; i < 4; i++) pairs.push(fresh());
  const buf = new Uint8Array(64);
  let held = 0;
  for (let step = 0; step < 5000; step++) {
    const k = rand(4);
    const [a, b] = pairs[k];
    const op = rand(rand(50) === 0 ? 10 : 9); // close/detach (op 9) now and then
    if (op < 2) { // a few lines: readline keeps what follows the first
      let lines = "";
      for (let n = 1 + rand(4); n > 0; n--) lines += "x".repeat(rand(20)) + "\n";
      a.send(lines);
    } else if (b._pending() === 0 && select.select([b], [], [], 0)[0].length === 0) continue; // nothing to read
    else if (op < 5) b.readline();
    else if (op === 5) b.recv(1 + rand(8), rand(2) ? usocket.MSG_PEEK : 0);
    else if (op === 6) b.read(1 + rand(b._pending() + 1));
    else if (op === 7) b.recv_into(buf, 1 + rand(8));
    else if (op === 8) b.readinto(buf, Math.min(1 + rand(8), b._pending() || 1));
    else {
      if (rand(2)) b.close();
      else usocket.fromfd(b.detach(), usocket.AF_UNIX, usocket.SOCK_STREAM).close();
      a.close();
      pairs[k] = fresh();
    }
    const holding = pairs.filter(([, s]) => s._pending() > 0);
    if (holding.length > 0) held++;
    assert.equal(_pendingObjects() - base, holding.length, `after step ${step} (op ${op})`);
    // and a socket holding bytes is reported at once
    const ready = p.poll(0).filter(([, ev]) => ev & POLLIN).map(([s]) => s);
    for (const [, s] of holding) assert.ok(ready.includes(s), `step ${step}: buffered bytes not reported`);
  }
  for (const pair of pairs) closeAll(...pair);
  assert.ok(held > 500, `only ${held} steps had a socket holding bytes`);
  assert.equal(_pendingObjects(), base);
});

test("modify(): an unregistered object raises OSError(ENOENT); a registered one changes its mask", () => {
  const [cli, conn] = tcpPair();
  const p = select.poll();
  assertOSError(() => p.modify(conn, POLLIN), errno.ENOENT, "socket");
  assertOSError(() => p.modify(7, POLLIN), errno.ENOENT, "int fd");
  p.register(conn, POLLIN);
  assert.deepEqual(p.poll(0), []);
  p.modify(conn, POLLOUT);
  assert.deepEqual(p.poll(0), [[conn, POLLOUT]]);
  p.unregister(conn);
  assertOSError(() => p.modify(conn, POLLIN), errno.ENOENT, "after unregister");
  closeAll(cli, conn);
});

test("a socket closed while registered reports POLLNVAL; a new socket on its fd number is not reported", () => {
  const p = select.poll<Socket>();
  const [cli, conn] = tcpPair();
  p.register(conn, POLLIN);
  const s = usocket.socket();
  const fd = s.fileno();
  p.register(s);
  s.close();
  const t = usocket.socket(); // the kernel reuses the lowest free number
  assert.equal(t.fileno(), fd);
  const t0 = performance.now();
  assert.deepEqual(p.poll(10000), [[s, POLLNVAL]], "t (POLLOUT|POLLHUP) is not reported through s's entry");
  assert.ok(performance.now() - t0 < 1000, "a POLLNVAL entry does not wait");
  assert.deepEqual(p.poll(0), [[s, POLLNVAL]], "reported until unregistered");
  cli.send("x");
  const res = p.poll(5000);
  assert.equal(res.length, 2, fmt(res));
  assert.ok(res.some(([o, e]) => o === s && e === POLLNVAL), fmt(res));
  assert.ok(res.some(([o, e]) => o === conn && e === POLLIN), fmt(res));
  assertOSError(() => p.register(s), errno.EBADF, "re-register a closed socket");
  p.modify(s, POLLIN); // allowed: only the mask changes
  assert.equal(p.poll(0).length, 2);
  p.unregister(s);
  assert.deepEqual(p.poll(0), [[conn, POLLIN]]);
  assertOSError(() => p.register(s), errno.EBADF, "register a closed socket");
  p.register(t, POLLIN);
  assert.deepEqual(p.poll(0).map(([o]) => o).sort(), [conn, t].sort(), "t polled through its own entry");
  p.unregister(t);
  p.unregister(conn);
  closeAll(cli, conn, t);
});

test("detach() while registered counts as closed: POLLNVAL", () => {
  const p = select.poll();
  const s = usocket.socket();
  p.register(s);
  const fd = s.detach();
  assert.deepEqual(p.poll(0), [[s, POLLNVAL]]);
  p.unregister(s);
  new usocket.Socket(usocket.AF_INET, usocket.SOCK_STREAM, 0, fd).close();
});

test("ipoll(flags=1): one-shot — reported once, then not again (not even POLLHUP) until modify()", () => {
  const [cli, conn] = tcpPair();
  const p = select.poll<Socket>();
  p.register(conn, POLLIN);
  cli.send("x");
  const first = [...p.ipoll(5000, 1)];
  assert.deepEqual(first, [[conn, POLLIN]]);
  assert.deepEqual([...p.ipoll(0, 1)], [], "disabled although still readable");
  assert.deepEqual(p.poll(0), [], "disabled for poll() too");
  p.modify(conn, POLLIN);
  assert.deepEqual([...p.ipoll(0)], [[conn, POLLIN]], "re-enabled by modify");
  assert.deepEqual([...p.ipoll(0)], [[conn, POLLIN]], "flags 0: not one-shot");

  const fresh = usocket.socket(); // POLLHUP whatever the mask
  p.register(fresh, POLLIN);
  assert.deepEqual([...p.ipoll(0, 1)].map(([o]) => o).sort(), [conn, fresh].sort());
  assert.deepEqual([...p.ipoll(0, 1)], [], "POLLHUP not reported again");
  p.register(fresh, POLLIN); // register again also re-enables
  fresh.close();
  assert.deepEqual([...p.ipoll(0, 1)], [[fresh, POLLNVAL]]);
  assert.deepEqual([...p.ipoll(0, 1)], [], "POLLNVAL reported once");
  const t0 = performance.now();
  assert.deepEqual([...p.ipoll(50, 1)], [], "a disabled closed entry does not cut the wait short");
  assert.ok(performance.now() - t0 >= 40);
  p.unregister(fresh);

  // Objects not yet yielded when iteration stops stay enabled.
  const [cli2, conn2] = tcpPair();
  p.modify(conn, POLLIN);
  p.register(conn2, POLLIN);
  cli2.send("y");
  const it = p.ipoll(5000, 1);
  const one = it.next();
  assert.equal(one.done, false);
  assert.equal([...p.ipoll(0)].length, 1, "the other one is still enabled");
  p.unregister(conn);
  p.unregister(conn2);
  closeAll(cli, conn, cli2, conn2);
});

test("an int fd can be registered; it is reported as the same number", () => {
  const [cli, conn] = tcpPair();
  const fd = conn.fileno();
  const p = select.poll();
  p.register(fd, POLLIN);
  assert.deepEqual(p.poll(0), []);
  cli.send("x");
  assert.deepEqual(p.poll(5000), [[fd, POLLIN]]);
  p.register(conn, POLLIN); // the socket and its number are different objects
  assert.equal(p.poll(0).length, 2);
  p.unregister(fd);
  assert.deepEqual(p.poll(0), [[conn, POLLIN]]);
  // A number that is not an open descriptor: POLLNVAL from the kernel.
  p.unregister(conn);
  const u = usocket.socket();
  const freeFd = u.fileno();
  u.close();
  p.register(freeFd, POLLIN);
  assert.deepEqual(p.poll(0), [[freeFd, POLLNVAL]]);
  p.unregister(freeFd);
  closeAll(cli, conn);
});

test("unregister() of an unknown object is ignored", () => {
  const p = select.poll();
  const s = usocket.socket();
  p.unregister(s);
  p.unregister(12345);
  p.register(s, POLLIN);
  p.unregister(s);
  p.unregister(s);
  assert.deepEqual(p.poll(0), []);
  s.close();
});

test("poll(0) returns [] at once when nothing is ready; a timeout waits about that long", () => {
  const [cli, conn] = tcpPair();
  const p = select.poll();
  p.register(conn, POLLIN);
  let t0 = performance.now();
  for (let i = 0; i < 100; i++) assert.deepEqual(p.poll(0), []);
  assert.ok(performance.now() - t0 < 500, "poll(0) does not wait");
  t0 = performance.now();
  assert.deepEqual(p.poll(60), []);
  const dt = performance.now() - t0;
  assert.ok(dt >= 50 && dt < 2000, `poll(60) took ${dt} ms`);
  assert.deepEqual(p.poll(-0), [], "-0 is 0 (Deno's FFI would reject -0)");
  assert.deepEqual(select.select([conn], [], [], -0), [[], [], []]);
  assert.deepEqual(select.poll().poll(0), [], "an empty poller");
  assert.deepEqual(select.poll().poll(20), [], "an empty poller sleeps");
  p.unregister(conn);
  closeAll(cli, conn);
});

test("bad arguments raise TypeError/RangeError naming them, and leave the poller usable", () => {
  const [cli, conn] = tcpPair();
  const p = select.poll();
  p.register(conn, POLLIN);
  const bad: [string, () => unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    ["negative fd", () => p.register(-1), RangeError, /obj/],
    ["non-integer fd", () => p.register(1.5), RangeError, /obj/],
    ["huge fd", () => p.register(2 ** 31), RangeError, /obj/],
    ["string obj", () => p.register("3" as unknown as number), TypeError, /obj/],
    ["plain object", () => p.register({ fileno: () => 3 } as unknown as number), TypeError, /obj/],
    ["null obj", () => p.register(null as unknown as number), TypeError, /obj/],
    ["negative mask", () => p.register(conn, -1), RangeError, /eventmask/],
    ["mask > 16 bits", () => p.register(conn, 0x10000), RangeError, /eventmask/],
    ["fractional mask", () => p.register(conn, 1.5), RangeError, /eventmask/],
    ["string mask", () => p.register(conn, "1" as unknown as number), TypeError, /eventmask/],
    ["modify mask", () => p.modify(conn, NaN), RangeError, /eventmask/],
    ["modify obj", () => p.modify({} as unknown as number, POLLIN), TypeError, /obj/],
    ["NaN timeout", () => p.poll(NaN), RangeError, /timeout/],
    ["string timeout", () => p.poll("10" as unknown as number), TypeError, /timeout/],
    ["fractional timeout", () => p.poll(1.5), RangeError, /timeout/],
    ["ipoll timeout", () => p.ipoll(NaN), RangeError, /timeout/],
    ["ipoll flags", () => p.ipoll(0, 2), RangeError, /flags/],
    ["ipoll flags type", () => p.ipoll(0, "1" as unknown as number), TypeError, /flags/],
    ["select rlist", () => select.select(5 as unknown as number[], [], []), TypeError, /rlist/],
    ["select item", () => select.select([], [-2], []), RangeError, /wlist\[0\]/],
    ["select timeout", () => select.select([], [], [], -1), RangeError, /timeout/],
    ["select NaN", () => select.select([], [], [], NaN), RangeError, /timeout/],
    ["select string", () => select.select([], [], [], "1" as unknown as number), TypeError, /timeout/],
  ];
  for (const [label, fn, type, name] of bad) {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof type, `${label}: expected ${type.name}, got ${e}`);
      assert.match((e as Error).message, name, label);
      return true;
    });
  }
  // Still usable, with exactly the one registration.
  assert.deepEqual(p.poll(0), []);
  cli.send("x");
  assert.deepEqual(p.poll(5000), [[conn, POLLIN]]);
  assert.deepEqual(p.poll(-1), [[conn, POLLIN]], "negative: wait forever (returns, as ready)");
  assert.deepEqual(p.poll(null), [[conn, POLLIN]]);
  assert.deepEqual(p.poll(2 ** 40), [[conn, POLLIN]], "huge timeouts are accepted");
  assert.deepEqual(p.poll(Infinity), [[conn, POLLIN]]);
  p.unregister(conn);
  closeAll(cli, conn);
});

test("many registrations: growth, swap-remove and results stay consistent", () => {
  const pairs: [Socket, Socket][] = [];
  for (let i = 0; i < 60; i++) pairs.push(usocket.socketpair());
  const p = select.poll<Socket>();
  for (const [, b] of pairs) p.register(b, POLLIN);
  for (let i = 0; i < pairs.length; i += 3) pairs[i][0].send("x");
  const expect = (label: string): void => {
    const want = pairs.map(([, b], i) => i % 3 === 0 && registered.has(b) ? b : null).filter((b) => b !== null);
    const got = p.poll(1000).map(([o, e]) => {
      assert.equal(e, POLLIN);
      return o;
    });
    assert.equal(got.length, want.length, label);
    assert.deepEqual(new Set(got), new Set(want), label);
  };
  const registered = new Set(pairs.map(([, b]) => b));
  expect("all registered");
  for (let i = 0; i < pairs.length; i += 2) {
    p.unregister(pairs[i][1]);
    registered.delete(pairs[i][1]);
  }
  expect("every other unregistered");
  p.unregister(pairs[59][1]);
  registered.delete(pairs[59][1]);
  p.register(pairs[0][1], POLLIN);
  registered.add(pairs[0][1]);
  expect("re-registered one");
  for (const b of registered) p.unregister(b);
  assert.deepEqual(p.poll(0), []);
  for (const [a, b] of pairs) closeAll(a, b);
});

test("select(): readable and writable lists, int fds, xlist, timeouts, closed sockets", () => {
  const [cli, conn] = tcpPair();
  assert.deepEqual(select.select([conn], [cli], [conn], 0), [[], [cli], []]);
  cli.send("x");
  assert.deepEqual(select.select([conn, cli], [], [], 5), [[conn], [], []]);
  assert.deepEqual(
    select.select([conn.fileno()], [conn.fileno(), cli], [], null),
    [[conn.fileno()], [conn.fileno(), cli], []],
    "int fds, the same fd in two lists",
  );
  assert.deepEqual(select.select(new Set([conn]), [], []), [[conn], [], []], "any iterable");
  conn.recv(10);
  let t0 = performance.now();
  assert.deepEqual(select.select([conn], [], [], 0.06), [[], [], []]);
  const dt = performance.now() - t0;
  assert.ok(dt >= 50 && dt < 2000, `select(0.06) took ${dt} ms`);
  t0 = performance.now();
  assert.deepEqual(select.select([], [], [], 0.02), [[], [], []], "empty lists: sleep");
  assert.ok(performance.now() - t0 >= 15);
  cli.close();
  assert.deepEqual(select.select([conn], [], [], 5), [[conn], [], []], "EOF is readable");
  assertOSError(() => select.select([cli], [], [], 0), errno.EBADF, "closed socket");
  const u = usocket.socket();
  const freeFd = u.fileno();
  u.close();
  assertOSError(() => select.select([], [freeFd], [], 0), errno.EBADF, "fd not open");
  conn.close();
});

// ---- load: examples/poll_echo_server.ts and 200 clients in a child process ----

interface ChildResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/**
 * Descriptors of this process (0-4095) whose local address is an IPv4 socket
 * on `port`: a listener on it, or connections it accepted. (Counting all
 * descriptors is unreliable here: runtimes close child-process pipes lazily.)
 */
function ownFdsOnPort(port: number): number[] {
  const addr = new Uint8Array(128), len = new Uint32Array(1), lenBytes = new Uint8Array(len.buffer);
  const view = new DataView(addr.buffer);
  const { sa_family, familySize } = L.sockaddr;
  const found: number[] = [];
  for (let fd = 0; fd < 4096; fd++) {
    if (libc.fcntl(fd, C.F_GETFD, 0) < 0) continue;
    len[0] = addr.length;
    if (libc.getsockname(fd, addr, lenBytes) < 0) continue; // not a socket
    const family = familySize === 1 ? view.getUint8(sa_family) : view.getUint16(sa_family, true);
    if (family === C.AF_INET && view.getUint16(L.sockaddr_in.sin_port) === port) found.push(fd);
  }
  return found;
}

/** Resolves when `child` has exited and its pipes closed; kills it after `ms`. */
function childDone(child: ChildProcess, ms: number): Promise<ChildResult> {
  let stdout = "", stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (d: string) => stdout += d);
  child.stderr!.on("data", (d: string) => stderr += d);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("close", (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.on("error", (e: Error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: stderr + String(e) });
    });
  });
}

test("load: the poll echo server serves 200 concurrent clients (child process), every byte intact", async () => {
  const CLIENTS = 200;
  const script = fileURLToPath(new URL("./peers/poll_clients.ts", import.meta.url));
  let done: Promise<ChildResult> | undefined;
  let stats: EchoServerStats;
  const t0 = performance.now();
  try {
    stats = serveEcho({
      port: 0,
      backlog: 512,
      maxClients: CLIENTS,
      clientIdleMs: 20000,
      serverIdleMs: 20000,
      maxRunMs: 45000,
      onListen: (port) => {
        assert.equal(ownFdsOnPort(port).length, 1, "the detector sees the listener");
        const args = [script, String(port), String(CLIENTS), "40000"];
        const argv = isBun ? args : ["run", "--allow-ffi", "--allow-read", "--allow-env", ...args];
        done = childDone(spawn(execPath, argv, { stdio: ["ignore", "pipe", "pipe"] }), 50000);
      },
    });
    assert.deepEqual(ownFdsOnPort(stats.port), [], "the server closed its listener and every connection");
  } finally {
    // Whatever happened, wait for (or kill) the child before leaving.
    if (done) await done;
  }
  const child = await done!;
  const elapsed = performance.now() - t0;
  assert.equal(child.code, 0, `clients failed: ${child.stdout} ${child.stderr}`);
  const report = JSON.parse(child.stdout.trim().split("\n").pop()!);
  assert.equal(report.ok, true, child.stdout);
  assert.equal(report.connected, CLIENTS, "all connected at once before sending");
  assert.equal(report.bytes, report.expected);
  assert.equal(stats.reason, "maxClients", JSON.stringify(stats));
  assert.equal(stats.accepted, CLIENTS);
  assert.equal(stats.closed, CLIENTS);
  assert.equal(stats.dropped, 0);
  assert.equal(stats.bytes, report.expected, "the server echoed exactly what was sent");
  assert.ok(stats.maxConcurrent >= CLIENTS / 2, `max concurrent clients ${stats.maxConcurrent}`);
  assert.ok(elapsed < 60000, `took ${elapsed} ms`);
});
