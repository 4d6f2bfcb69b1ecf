// Socket methods on real loopback sockets: creation, addresses, send/recv and
// their flags, blocking modes and timeouts. The stream methods are
// stream_test.ts's contract; options are options_test.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import usocketDefault from "../mod.ts";
import {
  assertOSError,
  closeAll,
  execPath,
  fdCount,
  isBun,
  listener,
  nextMessage,
  portOf,
  settledFdCount,
  startWorker,
  tcpPair,
  text,
  udpPair,
  utf8,
} from "./helpers.ts";

const { errno, OSError } = usocket;
const peer = (name: string) => new URL(`./peers/${name}`, import.meta.url).pathname;
const denoRun = ["run", "--allow-ffi", "--allow-read", "--allow-env"];

test("module: namespace and default export read like the seeds", () => {
  assert.equal(usocketDefault.socket, usocket.socket);
  assert.equal(usocketDefault.AF_INET, usocket.AF_INET);
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
  assert.ok(s instanceof usocket.Socket);
  assert.match(String(s), new RegExp(`^<socket fd=${s.fileno()} AF_INET SOCK_STREAM>$`));
  s.close();
  assert.match(String(s), /fd=-1 .*\[closed\]/);
});

test("socket(): defaults are AF_INET, SOCK_STREAM, proto 0; properties reflect them", () => {
  const s = usocket.socket();
  assert.equal(s.family, usocket.AF_INET);
  assert.equal(s.type, usocket.SOCK_STREAM);
  assert.equal(s.proto, 0);
  assert.equal(s.getsockopt(usocket.SOL_SOCKET, usocket.SO_TYPE), usocket.SOCK_STREAM);
  s.close();
  const u = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM);
  assert.equal(String(u), `<socket fd=${u.fileno()} AF_INET6 SOCK_DGRAM>`);
  u.close();
});

test("close(): idempotent; afterwards every method raises EBADF and fileno() is -1", () => {
  const s = usocket.socket();
  s.close();
  s.close();
  assert.equal(s.fileno(), -1);
  const calls: [string, () => unknown][] = [
    ["bind", () => s.bind(["127.0.0.1", 0])],
    ["listen", () => s.listen()],
    ["accept", () => s.accept()],
    ["connect", () => s.connect(["127.0.0.1", 1])],
    ["send", () => s.send("x")],
    ["sendall", () => s.sendall("x")],
    ["sendto", () => s.sendto("x", ["127.0.0.1", 1])],
    ["recv", () => s.recv(1)],
    ["recvfrom", () => s.recvfrom(1)],
    ["recv_into", () => s.recv_into(new Uint8Array(1))],
    ["read", () => s.read(1)],
    ["readinto", () => s.readinto(new Uint8Array(1))],
    ["readline", () => s.readline()],
    ["write", () => s.write("x")],
    ["setsockopt", () => s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1)],
    ["getsockopt", () => s.getsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR)],
    ["settimeout", () => s.settimeout(1)],
    ["setblocking", () => s.setblocking(false)],
    ["makefile", () => s.makefile()],
    ["getsockname", () => s.getsockname()],
    ["getpeername", () => s.getpeername()],
    ["shutdown", () => s.shutdown(usocket.SHUT_RDWR)],
  ];
  for (const [name, fn] of calls) assertOSError(fn, errno.EBADF, name);
});

test("using: a socket declared with `using` is closed at scope end", () => {
  let fd = -1;
  let ref: usocket.Socket;
  {
    using s = usocket.socket();
    fd = s.fileno();
    ref = s;
    assert.ok(fd >= 0);
  }
  assert.equal(ref.fileno(), -1);
});

test("close(): a closed socket never closes a new socket that reused its fd number", () => {
  const a = usocket.socket();
  const fd = a.fileno();
  a.close();
  const b = usocket.socket();
  assert.equal(b.fileno(), fd, "the kernel reuses the lowest free number");
  a.close();
  assert.equal(b.getsockopt(usocket.SOL_SOCKET, usocket.SO_TYPE), usocket.SOCK_STREAM, "b is still open");
  b.close();
});

test("TCP over IPv4 and IPv6: connect, accept (tuple), send/recv, getpeername", () => {
  for (const [af, host] of [[usocket.AF_INET, "127.0.0.1"], [usocket.AF_INET6, "::1"]] as const) {
    const [srv, port] = listener(af);
    const cli = usocket.socket(af, usocket.SOCK_STREAM);
    cli.connect([host, port]);
    const [conn, addr] = srv.accept();
    assert.ok(Array.isArray(addr));
    assert.equal((addr as [string, number])[0], host);
    assert.equal((addr as [string, number])[1], portOf(cli));
    if (af === usocket.AF_INET6) assert.equal((addr as unknown[]).length, 4);
    assert.deepEqual(cli.getpeername().slice(0, 2), [host, port]);
    assert.equal(cli.send("ping"), 4);
    assert.equal(text(conn.recv(100)), "ping");
    assert.equal(conn.send(new Uint16Array([0x6f70, 0x676e])), 4, "any ArrayBufferView");
    assert.equal(text(cli.recv(100)), "pong");
    closeAll(cli, conn, srv);
  }
});

test("getaddrinfo result feeds connect as is", () => {
  const [srv, port] = listener();
  const cli = usocket.socket();
  cli.connect(usocket.getaddrinfo("127.0.0.1", port)[0][4]);
  const [conn] = srv.accept();
  closeAll(cli, conn, srv);
});

test("accepted sockets start blocking with no timeout, whatever the listener's mode", () => {
  const [srv, port] = listener();
  srv.settimeout(2);
  const cli = usocket.socket();
  cli.connect(["127.0.0.1", port]);
  const [conn] = srv.accept();
  assert.equal(conn.gettimeout(), null);
  srv.setblocking(false);
  const cli2 = usocket.socket();
  cli2.connect(["127.0.0.1", port]);
  let conn2: usocket.Socket | undefined;
  for (let i = 0; i < 100 && !conn2; i++) {
    try {
      conn2 = srv.accept()[0];
    } catch (e) {
      if ((e as usocket.OSError).errno !== errno.EAGAIN) throw e;
    }
  }
  assert.ok(conn2);
  assert.equal(conn2.gettimeout(), null);
  closeAll(cli, cli2, conn, conn2, srv);
});

test("bind: '' means any address; port 0 picks a port", () => {
  const s = usocket.socket();
  s.bind(["", 0]);
  const [host, port] = s.getsockname() as [string, number];
  assert.equal(host, "0.0.0.0");
  assert.ok(port > 0);
  s.close();
  const s6 = usocket.socket(usocket.AF_INET6);
  s6.bind(["", 0]);
  assert.equal((s6.getsockname() as [string, number])[0], "::");
  s6.close();
});

test("bind: EADDRINUSE is an OSError", () => {
  const [srv, port] = listener();
  const s = usocket.socket();
  assertOSError(() => s.bind(["127.0.0.1", port]), errno.EADDRINUSE);
  closeAll(s, srv);
});

test("connect: refused → OSError(ECONNREFUSED) with MicroPython's message", () => {
  const s = usocket.socket();
  s.bind(["127.0.0.1", 0]);
  const port = portOf(s);
  s.close();
  const c = usocket.socket();
  try {
    c.connect(["127.0.0.1", port]);
    assert.fail("connected to a closed port");
  } catch (e) {
    assert.ok(e instanceof OSError);
    assert.equal(e.errno, errno.ECONNREFUSED);
    assert.equal(e.message, `[Errno ${errno.ECONNREFUSED}] ECONNREFUSED`);
  }
  c.close();
});

test("UDP: sendto/recvfrom return counts and [bytes, address] tuples, IPv4 and IPv6", () => {
  const [a, b] = udpPair();
  assert.equal(a.sendto("hello", b.getsockname()), 5);
  const [data, from] = b.recvfrom(100);
  assert.equal(text(data), "hello");
  assert.deepEqual(from, ["127.0.0.1", portOf(a)]);
  closeAll(a, b);
  const x = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM);
  x.bind(["::1", 0]);
  x.sendto(utf8("six"), ["::1", portOf(x)]);
  const [d6, f6] = x.recvfrom(10);
  assert.equal(text(d6), "six");
  assert.deepEqual(f6, ["::1", portOf(x), 0, 0]);
  x.close();
});

test("UDP: repeated sendto to one tuple and to a changed tuple go to the right place", () => {
  const [a, b] = udpPair();
  const c = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  c.bind(["127.0.0.1", 0]);
  const to = ["127.0.0.1", portOf(b)] as [string, number];
  for (let i = 0; i < 3; i++) a.sendto(`m${i}`, to);
  to[1] = portOf(c); // mutate the same tuple: the cached encoding must not be reused
  a.sendto("to-c", to);
  for (let i = 0; i < 3; i++) assert.equal(text(b.recv(10)), `m${i}`);
  assert.equal(text(c.recv(10)), "to-c");
  // the encoding is remembered by family and value: an IPv6 tuple that just
  // worked on an AF_INET6 socket is still refused by an AF_INET one
  const x = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM);
  x.bind(["::1", 0]);
  const to6: usocket.Address = ["::1", portOf(x)];
  x.sendto("six", to6);
  assert.throws(() => a.sendto("no", to6), TypeError);
  x.sendto("six", ["::1", portOf(x), 0, 0]); // same sockaddr, written as 4 fields
  assert.throws(() => x.sendto("no", ["::1", portOf(x), 1 << 20, 0]), RangeError); // flowinfo > 20 bits
  x.settimeout(2);
  assert.equal(text(x.recv(10)), "six");
  assert.equal(text(x.recv(10)), "six");
  closeAll(a, b, c, x);
});

test("recv: EOF gives an empty Uint8Array, recv_into 0, recvfrom empty bytes", () => {
  const [cli, conn] = tcpPair();
  cli.close();
  assert.equal(conn.recv(10).length, 0);
  assert.equal(conn.recv_into(new Uint8Array(4)), 0);
  assert.equal(conn.recvfrom(10)[0].length, 0);
  conn.close();
});

test("recv flags: MSG_PEEK leaves the data; recv(0) returns empty", () => {
  const [cli, conn] = tcpPair();
  cli.sendall("peekaboo");
  conn.settimeout(2);
  assert.equal(text(conn.recv(4, usocket.MSG_PEEK)), "peek");
  assert.equal(text(conn.recv(8)), "peekaboo");
  assert.equal(conn.recv(0).length, 0);
  closeAll(cli, conn);
});

test("settimeout(0) is setblocking(false) and settimeout(null) is setblocking(true), both ways", () => {
  const s = usocket.socket();
  assert.equal(s.gettimeout(), null);
  s.settimeout(0);
  assert.equal(s.gettimeout(), 0);
  s.setblocking(true);
  assert.equal(s.gettimeout(), null);
  s.setblocking(false);
  assert.equal(s.gettimeout(), 0);
  s.settimeout(null);
  assert.equal(s.gettimeout(), null);
  s.settimeout(2.5);
  assert.equal(s.gettimeout(), 2.5);
  s.close();
});

test("non-blocking with nothing ready: recv/recvfrom/send/accept raise EAGAIN, connect EINPROGRESS", () => {
  const [cli, conn] = tcpPair();
  conn.setblocking(false);
  assertOSError(() => conn.recv(10), errno.EAGAIN, "recv");
  assertOSError(() => conn.recvfrom(10), errno.EAGAIN, "recvfrom");
  assertOSError(() => conn.recv_into(new Uint8Array(4)), errno.EAGAIN, "recv_into");
  // fill the send buffer: send eventually raises EAGAIN
  cli.setblocking(false);
  const big = new Uint8Array(1 << 20);
  let sent = 0, raised = false;
  for (let i = 0; i < 1000 && !raised; i++) {
    try {
      sent += cli.send(big);
    } catch (e) {
      assert.equal((e as usocket.OSError).errno, errno.EAGAIN);
      raised = true;
    }
  }
  assert.ok(raised, `send never raised EAGAIN after ${sent} bytes`);
  const [srv] = listener();
  srv.setblocking(false);
  assertOSError(() => srv.accept(), errno.EAGAIN, "accept");
  const u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  u.setblocking(false);
  assertOSError(() => u.recvfrom(10), errno.EAGAIN, "udp recvfrom");
  const c = usocket.socket();
  c.setblocking(false);
  const port = portOf(srv);
  try {
    c.connect(["127.0.0.1", port]);
  } catch (e) {
    assert.equal((e as usocket.OSError).errno, errno.EINPROGRESS);
  }
  closeAll(cli, conn, srv, u, c);
});

test("non-blocking sendall that cannot send everything raises EAGAIN", () => {
  const [cli, conn] = tcpPair();
  cli.setblocking(false);
  assertOSError(() => cli.sendall(new Uint8Array(64 << 20)), errno.EAGAIN);
  closeAll(cli, conn);
});

test("buffered bytes from readline are served first by recv, recvfrom, read, readinto, recv_into", () => {
  const [cli, conn] = tcpPair();
  cli.sendall("line1\nABCDEFGHIJ");
  conn.settimeout(2);
  assert.equal(text(conn.readline()), "line1\n");
  // the rest arrived in the same recv, so it's buffered now
  assert.equal(text(conn.recv(2)), "AB");
  assert.equal(text(conn.recvfrom(2)[0]), "CD");
  assert.equal(text(conn.read(2)), "EF");
  const b = new Uint8Array(2);
  assert.equal(conn.readinto(b), 2);
  assert.equal(text(b), "GH");
  assert.equal(conn.recv_into(b), 2);
  assert.equal(text(b), "IJ");
  cli.sendall("tail");
  assert.equal(text(conn.recv(10)), "tail");
  closeAll(cli, conn);
});

test("makefile: rb/wb/rwb return the socket itself; closing the file closes the socket", () => {
  const [cli, conn] = tcpPair();
  const f = conn.makefile("rwb");
  assert.equal(f, conn);
  assert.equal(conn.makefile(), conn);
  assert.equal(conn.makefile("wb", 0), conn);
  for (const bad of ["r", "w", "rt", "", "rb+"]) {
    assert.throws(() => conn.makefile(bad), (e: unknown) => e instanceof TypeError && /mode/.test(e.message));
  }
  cli.sendall("via file\n");
  assert.equal(text(f.readline()), "via file\n");
  f.close();
  assert.equal(conn.fileno(), -1);
  cli.close();
});

test("timeouts: recv, recvfrom, accept, readline, read, readinto, connect-less ops raise ETIMEDOUT", () => {
  const [cli, conn] = tcpPair();
  conn.settimeout(0.05);
  for (
    const [name, fn] of [
      ["recv", () => conn.recv(10)],
      ["recvfrom", () => conn.recvfrom(10)],
      ["recv_into", () => conn.recv_into(new Uint8Array(4))],
      ["read", () => conn.read(10)],
      ["read()", () => conn.read()],
      ["readinto", () => conn.readinto(new Uint8Array(4))],
      ["readline", () => conn.readline()],
    ] as [string, () => unknown][]
  ) {
    const t0 = performance.now();
    assertOSError(fn, errno.ETIMEDOUT, name);
    assert.ok(performance.now() - t0 >= 45, `${name} waited for its timeout`);
  }
  const [srv] = listener();
  srv.settimeout(0.05);
  assertOSError(() => srv.accept(), errno.ETIMEDOUT, "accept");
  const u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  u.settimeout(0.05);
  assertOSError(() => u.recvfrom(10), errno.ETIMEDOUT, "udp recvfrom");
  closeAll(cli, conn, srv, u);
});

test("timeouts: send, sendall and write raise ETIMEDOUT when the peer never reads", () => {
  const [cli, conn] = tcpPair();
  cli.settimeout(0.1);
  const big = new Uint8Array(1 << 20);
  assertOSError(
    () => {
      for (let i = 0; i < 1000; i++) cli.send(big);
    },
    errno.ETIMEDOUT,
    "send",
  );
  const [cli2, conn2] = tcpPair();
  cli2.settimeout(0.1);
  assertOSError(() => cli2.sendall(new Uint8Array(64 << 20)), errno.ETIMEDOUT, "sendall");
  const [cli3, conn3] = tcpPair();
  cli3.settimeout(0.1);
  assertOSError(() => cli3.write(new Uint8Array(64 << 20)), errno.ETIMEDOUT, "write");
  closeAll(cli, conn, cli2, conn2, cli3, conn3);
});

test("timeouts: one deadline covers the whole call (a trickle does not extend it)", async () => {
  // The peer (a worker) sends one byte every 30 ms; read(100) with a 0.3 s timeout
  // must fail after ~0.3 s, not wait 100 × 30 ms.
  const [w, { port }] = await startWorker<{ port: number }>("./peers/trickle_worker.ts", { count: 100, everyMs: 30 });
  const s = usocket.socket();
  s.settimeout(5);
  s.connect(["127.0.0.1", port]);
  s.settimeout(0.3);
  const t0 = performance.now();
  assertOSError(() => s.read(100), errno.ETIMEDOUT, "read");
  const took = performance.now() - t0;
  assert.ok(took < 2000, `read took ${took} ms`);
  // Nothing is lost: the bytes the timed-out read received come back next.
  s.settimeout(10);
  const rest = s.read()!;
  assert.equal(rest.length, 100);
  assert.deepEqual([...rest], Array.from({ length: 100 }, (_, i) => i));
  s.close();
  await nextMessage(w);
  w.terminate();
});

test("timeouts: a timed-out readinto keeps its bytes for the next read", async () => {
  const [w, { port }] = await startWorker<{ port: number }>("./peers/trickle_worker.ts", { count: 10, everyMs: 40 });
  const s = usocket.socket();
  s.settimeout(5);
  s.connect(["127.0.0.1", port]);
  s.settimeout(0.15);
  const buf = new Uint8Array(10);
  assertOSError(() => s.readinto(buf), errno.ETIMEDOUT, "readinto");
  s.settimeout(10);
  const all = new Uint8Array(10);
  assert.equal(s.readinto(all), 10);
  assert.deepEqual([...all], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  s.close();
  await nextMessage(w);
  w.terminate();
});

test("connect with a timeout succeeds and reports refusal as ECONNREFUSED", () => {
  const [srv, port] = listener();
  const c = usocket.socket();
  c.settimeout(2);
  c.connect(["127.0.0.1", port]);
  assert.deepEqual(c.getpeername(), ["127.0.0.1", port]);
  srv.close();
  const d = usocket.socket();
  d.settimeout(2);
  assertOSError(() => d.connect(["127.0.0.1", port]), errno.ECONNREFUSED);
  closeAll(c, d);
});

test("non-blocking connect: EINPROGRESS, then SO_ERROR tells the outcome", () => {
  const [srv, port] = listener();
  const c = usocket.socket();
  c.setblocking(false);
  try {
    c.connect(["127.0.0.1", port]);
  } catch (e) {
    assert.equal((e as usocket.OSError).errno, errno.EINPROGRESS);
  }
  // wait for completion through a blocking accept on the listener, then check SO_ERROR
  const [conn] = srv.accept();
  assert.equal(c.getsockopt(usocket.SOL_SOCKET, usocket.SO_ERROR), 0);
  closeAll(c, conn, srv);
});

test("blocking streams make no short reads or writes: 8 MiB through a worker echo", async () => {
  const [w, { port }] = await startWorker<{ port: number }>("./peers/echo_worker.ts", { clients: 1 });
  const s = usocket.socket();
  s.settimeout(20);
  s.connect(["127.0.0.1", port]);
  const size = 8 << 20;
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 9)) & 255;
  // send in 1 MiB steps interleaved with reads so neither side's buffers deadlock
  const back = new Uint8Array(size);
  let got = 0;
  for (let off = 0; off < size; off += 1 << 20) {
    assert.equal(s.write(data.subarray(off, off + (1 << 20))), 1 << 20);
    const n = s.readinto(back.subarray(got), 1 << 20);
    assert.equal(n, 1 << 20, "readinto returned the full count");
    got += n!;
  }
  assert.equal(got, size);
  assert.ok(back.every((b, i) => b === data[i]), "echoed bytes match");
  s.close();
  const summary = await nextMessage<{ served: number; bytes: number }>(w);
  assert.deepEqual(summary, { served: 1, bytes: size });
  w.terminate();
});

test("EPIPE: writing to a closed peer raises OSError(ECONNRESET or EPIPE), then EPIPE", () => {
  // That the process survives SIGPIPE is the child-process test in
  // faults_test.ts: the runtimes start with SIGPIPE ignored.
  const [cli, conn] = tcpPair();
  conn.close();
  let code = 0;
  try {
    for (let i = 0; i < 100; i++) cli.sendall(new Uint8Array(65536));
  } catch (e) {
    code = (e as usocket.OSError).errno;
  }
  assert.ok(code === errno.EPIPE || code === errno.ECONNRESET, `errno ${code}`);
  assertOSError(() => cli.send("more"), errno.EPIPE, "send after the reset");
  cli.close();
});

test("descriptors: no fd leaks over socket/close cycles and failed connects", async () => {
  const before = await settledFdCount();
  for (let i = 0; i < 2000; i++) usocket.socket().close();
  for (let i = 0; i < 200; i++) {
    const s = usocket.socket();
    try {
      s.connect(["127.0.0.1", 1]);
    } catch { /* refused */ }
    s.close();
  }
  assert.equal(fdCount(), before);
});

test("bad arguments raise TypeError/RangeError naming the argument, before any syscall", () => {
  const s = usocket.socket();
  const u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const cases: [string, () => unknown, RegExp][] = [
    ["recv NaN", () => s.recv(NaN), /bufsize/],
    ["recv -1", () => s.recv(-1), /bufsize/],
    ["recv 2**31", () => s.recv(2 ** 31), /bufsize/],
    ["recv string", () => s.recv("10" as unknown as number), /bufsize/],
    ["recv 1.5", () => s.recv(1.5), /bufsize/],
    ["readinto nbytes", () => s.readinto(new Uint8Array(4), 1.5), /nbytes/],
    ["readinto buf", () => s.readinto("abc" as unknown as Uint8Array), /buf/],
    ["send number", () => s.send(5 as unknown as string), /data/],
    ["send undefined", () => s.send(undefined as unknown as string), /data/],
    ["connect port 65536", () => s.connect(["127.0.0.1", 65536]), /port/],
    ["connect port -1", () => s.connect(["127.0.0.1", -1]), /port/],
    ["connect port string", () => s.connect(["127.0.0.1", "80" as unknown as number]), /port/],
    ["connect host name", () => s.connect(["localhost", 80]), /getaddrinfo/],
    ["connect bad ipv4", () => s.connect(["1.2.3.256", 80]), /IPv4/],
    ["connect NUL host", () => s.connect(["127.0.0.1\0", 80]), /NUL/],
    ["connect not a tuple", () => s.connect("127.0.0.1:80" as unknown as [string, number]), /address/],
    ["connect short raw", () => s.connect(new Uint8Array(4)), /raw sockaddr/],
    ["settimeout -1", () => s.settimeout(-1), /timeout/],
    ["settimeout NaN", () => s.settimeout(NaN), /timeout/],
    ["settimeout Infinity", () => s.settimeout(Infinity), /timeout/],
    ["settimeout string", () => s.settimeout("1" as unknown as number), /timeout/],
    ["listen NaN", () => s.listen(NaN), /backlog/],
    [
      "setsockopt value",
      () => s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, "1" as unknown as number),
      /value/,
    ],
    ["getsockopt buflen", () => s.getsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, 0), /buflen/],
    ["sendto host name", () => u.sendto("x", ["example.com", 53]), /getaddrinfo/],
    ["socket af", () => usocket.socket("AF_INET" as unknown as number), /af/],
  ];
  for (const [label, fn, re] of cases) {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof TypeError || e instanceof RangeError, `${label}: ${e}`);
      assert.match((e as Error).message, re, label);
      return true;
    }, label);
  }
  // the sockets are still usable afterwards
  s.bind(["127.0.0.1", 0]);
  s.listen();
  closeAll(s, u);
});

test("pooled small results stay intact across many receives, and a transferred pool is replaced", () => {
  const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  const kept: Uint8Array[] = [];
  for (let i = 0; i < 3000; i++) {
    a.send(new Uint8Array(1 + (i % 300)).fill(i & 255));
    kept.push(b.recv(4096));
  }
  kept.forEach((r, i) => {
    assert.equal(r.length, 1 + (i % 300));
    assert.ok(r.every((x) => x === (i & 255)), `result ${i} intact`);
  });
  // detach the pool by transferring a result's buffer: later receives still work
  structuredClone(kept[kept.length - 1].buffer, { transfer: [kept[kept.length - 1].buffer] });
  a.send("after");
  assert.equal(text(b.recv(100)), "after");
  closeAll(a, b);
});

test("shutdown(SHUT_WR): the peer reads EOF while the other direction still works", () => {
  const [cli, conn] = tcpPair();
  cli.sendall("last words");
  cli.shutdown(usocket.SHUT_WR);
  conn.settimeout(2);
  assert.equal(text(conn.read()), "last words");
  conn.sendall("reply");
  cli.settimeout(2);
  assert.equal(text(cli.recv(10)), "reply");
  assert.throws(() => cli.shutdown(7), RangeError);
  closeAll(cli, conn);
});

test("family, type and proto are read-only properties", () => {
  const s = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP);
  assert.deepEqual([s.family, s.type, s.proto], [usocket.AF_INET6, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP]);
  assert.throws(() => ((s as unknown as { family: number }).family = 1), TypeError);
  s.close();
});

test("AF_UNIX datagram sockets with paths and abstract names; addresses come back as strings", () => {
  const tag = Math.random().toString(36).slice(2);
  const pa = `/tmp/usocket_${tag}_a.sock`, pb = `\0usocket_${tag}_b`;
  const a = usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  const b = usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  a.bind(pa);
  b.bind(pb);
  assert.equal(a.sendto("to b", pb), 4);
  const [d1, from1] = b.recvfrom(100);
  assert.equal(text(d1), "to b");
  assert.equal(from1, pa);
  b.sendto("to a", pa);
  const [d2, from2] = a.recvfrom(100);
  assert.equal(text(d2), "to a");
  assert.equal(from2, pb);
  closeAll(a, b);
  rmSync(pa, { force: true });
});

test("socketpair: stream and datagram, both directions", () => {
  const [a, b] = usocket.socketpair();
  a.sendall("ab");
  b.sendall("ba");
  assert.equal(text(b.recv(10)), "ab");
  assert.equal(text(a.recv(10)), "ba");
  closeAll(a, b);
  const [x, y] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  x.send("one");
  x.send("two");
  assert.equal(text(y.recv(100)), "one", "datagram boundaries kept");
  assert.equal(text(y.recv(100)), "two");
  closeAll(x, y);
});

test("flags: MSG_PEEK, MSG_DONTWAIT and MSG_WAITALL on recv and recvfrom", () => {
  const [cli, conn] = tcpPair();
  assert.throws(
    () => conn.recv(10, usocket.MSG_DONTWAIT),
    (e: unknown) => (e as usocket.OSError).errno === errno.EAGAIN,
  );
  assert.equal(conn.gettimeout(), null, "MSG_DONTWAIT does not change the socket's mode");
  cli.sendall("0123456789");
  conn.settimeout(2);
  assert.equal(text(conn.recv(3, usocket.MSG_PEEK)), "012");
  assert.equal(text(conn.recv(10, usocket.MSG_WAITALL)), "0123456789");
  const [u1, u2] = udpPair();
  u1.sendto("dgram", u2.getsockname());
  u2.settimeout(2);
  const [peek, from] = u2.recvfrom(10, usocket.MSG_PEEK);
  assert.equal(text(peek), "dgram");
  assert.deepEqual(from, u1.getsockname());
  assert.equal(text(u2.recvfrom(10)[0]), "dgram");
  assert.throws(
    () => u2.recvfrom(10, usocket.MSG_DONTWAIT),
    (e: unknown) => (e as usocket.OSError).errno === errno.EAGAIN,
  );
  closeAll(cli, conn, u1, u2);
});

test("MSG_TRUNC: recv/recvfrom return only the bytes received; recv_into/recvfrom_into report the datagram's length", () => {
  const [u1, u2] = udpPair();
  u2.settimeout(2);
  const to = u2.getsockname();
  // bufsizes up to 256, 4 KiB, 64 KiB and beyond: each place recv() receives into (new array, pool, scratch, own array)
  for (const size of [3, 1000, 10000, 60000]) {
    const dgram = new Uint8Array(size + 7).map((_, i) => (i * 7 + size) & 0xff);
    for (const bufsize of [size, Math.max(1, size >> 1), 100000]) {
      const want = Math.min(bufsize, dgram.length);
      u1.sendto(dgram, to);
      const data = u2.recv(bufsize, usocket.MSG_TRUNC);
      assert.equal(data.length, want, `recv(${bufsize}, MSG_TRUNC) of a ${dgram.length}-byte datagram`);
      assert.deepEqual(data, dgram.subarray(0, want));
      u1.sendto(dgram, to);
      const [d2, from] = u2.recvfrom(bufsize, usocket.MSG_TRUNC);
      assert.deepEqual(d2, dgram.subarray(0, want));
      assert.deepEqual(from, u1.getsockname());
      // the earlier result is untouched by the later receive into shared memory
      assert.deepEqual(data, dgram.subarray(0, want));
    }
    u1.sendto(dgram, to);
    const buf = new Uint8Array(size + 16).fill(0xee);
    assert.equal(u2.recv_into(buf, 2, usocket.MSG_TRUNC), dgram.length, "recv_into reports the full length");
    assert.deepEqual([...buf.subarray(0, 3)], [dgram[0], dgram[1], 0xee], "and writes only nbytes");
    u1.sendto(dgram, to);
    assert.equal(u2.recvfrom_into(buf, 2, usocket.MSG_TRUNC)[0], dgram.length);
  }
  closeAll(u1, u2);
});

test("small recv() results stay intact while many later receives reuse shared memory", () => {
  const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  b.settimeout(2);
  const kept: [Uint8Array, number][] = [];
  for (let i = 0; i < 3000; i++) { // ~2 MiB in all: the 64 KiB pool is replaced many times
    const n = [1, 64, 255, 256, 257, 1000, 4096][i % 7];
    a.send(new Uint8Array(n).fill(i & 0xff));
    const got = b.recv(i % 2 ? n : 4096);
    assert.equal(got.length, n);
    kept.push([got, i & 0xff]);
  }
  for (const [got, v] of kept) assert.ok(got.every((x) => x === v), "a kept result changed");
  closeAll(a, b);
});

test("bulk recv(): kept results stay intact across arenas, short reads included, and the stream is whole", () => {
  const [a, b] = usocket.socketpair();
  a.setblocking(false);
  b.settimeout(5);
  const data = new Uint8Array(3 << 20).map((_, i) => (i * 31 + (i >> 16)) & 0xff);
  const kept: Uint8Array[] = [];
  let sent = 0, got = 0;
  for (let turns = 0; got < data.length && turns < 100000; turns++) {
    if (sent < data.length) {
      try {
        sent += a.send(data.subarray(sent, Math.min(data.length, sent + (turns % 3 ? 65536 : 1000))));
      } catch (e) {
        if ((e as usocket.OSError).errno !== errno.EAGAIN) throw e;
      }
    }
    // full 64 KiB reads (bulk), reads bigger than what is there (short), and 100 KiB ones
    const chunk = b.recv(turns % 5 === 4 ? 100000 : 65536);
    kept.push(chunk);
    got += chunk.length;
  }
  assert.equal(got, data.length);
  assert.ok(kept.some((c) => c.length === 65536 && c.buffer.byteLength > 65536), "no result came from a shared arena");
  const short = kept.filter((c) => c.length <= 4096);
  assert.ok(short.length > 0, "no short read happened");
  assert.ok(short.every((c) => c.buffer.byteLength <= 65536), "a short result keeps the 1 MiB arena alive");
  let off = 0;
  for (const c of kept) {
    assert.deepEqual(c, data.subarray(off, off + c.length), `chunk at ${off} changed`);
    off += c.length;
  }
  closeAll(a, b);
});

test("recv_into and recvfrom_into fill the caller's buffer (offset views too)", () => {
  const [u1, u2] = udpPair();
  u1.sendto("abcdef", u2.getsockname());
  const buf = new Uint8Array(16);
  const [n, from] = u2.recvfrom_into(buf.subarray(4), 3);
  assert.equal(n, 3, "truncated to nbytes");
  assert.equal(text(buf.subarray(4, 7)), "abc");
  assert.deepEqual([...buf.subarray(0, 4)], [0, 0, 0, 0], "nothing written before the view");
  assert.equal(buf[7], 0, "nothing written past nbytes");
  assert.deepEqual(from, u1.getsockname());
  const [cli, conn] = tcpPair();
  cli.sendall("xyz");
  assert.equal(conn.recv_into(buf, 2), 2);
  assert.equal(text(buf.subarray(0, 2)), "xy");
  assert.throws(() => conn.recv_into(buf, 17), RangeError);
  closeAll(u1, u2, cli, conn);
});

test("detach() gives up ownership; fromfd() adopts a duplicate", () => {
  const [cli, conn] = tcpPair();
  const fd = cli.detach();
  assert.equal(cli.fileno(), -1);
  assert.equal(cli.detach(), -1);
  const adopted = new usocket.Socket(usocket.AF_INET, usocket.SOCK_STREAM, 0, fd);
  adopted.sendall("adopted");
  assert.equal(text(conn.recv(20)), "adopted");
  const dup = usocket.fromfd(adopted.fileno(), usocket.AF_INET, usocket.SOCK_STREAM);
  assert.notEqual(dup.fileno(), adopted.fileno());
  adopted.close();
  dup.sendall("dup lives");
  assert.equal(text(conn.recv(20)), "dup lives");
  assert.throws(() => usocket.fromfd(-1, usocket.AF_INET, usocket.SOCK_STREAM), RangeError);
  closeAll(dup, conn);
});

test("fromfd() in a child process adopts a descriptor inherited from the parent", () => {
  const [cli, conn] = tcpPair();
  const args = isBun ? [peer("fromfd_child.ts"), "3"] : [...denoRun, peer("fromfd_child.ts"), "3"];
  const r = spawnSync(execPath, args, {
    stdio: ["ignore", "pipe", "pipe", cli.fileno()],
    timeout: 30000,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  cli.close();
  conn.settimeout(5);
  assert.equal(text(conn.read()), "hello from the child\n");
  conn.close();
});

test("create_connection resolves localhost and tries each address; create_server binds and listens", () => {
  const [srv4, port] = listener();
  const c = usocket.create_connection(["localhost", port], 2);
  assert.equal(c.gettimeout(), 2);
  const [conn] = srv4.accept();
  c.sendall("cc");
  assert.equal(text(conn.recv(2)), "cc");
  closeAll(c, conn);
  srv4.close();
  assert.throws(
    () => usocket.create_connection(["127.0.0.1", port], 1),
    (e: unknown) => e instanceof usocket.OSError && e.errno === errno.ECONNREFUSED,
  );
  const srv = usocket.create_server(["127.0.0.1", 0], { backlog: 4 });
  assert.equal(srv.getsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR), 1);
  assert.equal(srv.getsockopt(usocket.SOL_SOCKET, usocket.SO_ACCEPTCONN), 1);
  const src = usocket.create_connection(["127.0.0.1", portOf(srv)], null, ["127.0.0.1", 0]);
  assert.equal((src.getsockname() as [string, number])[0], "127.0.0.1");
  closeAll(src, srv);
});
