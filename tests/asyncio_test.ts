// asyncio over loopback on Deno and Bun, against peers no one here wrote:
// CPython's asyncio (tests/peers/asyncio_peer.py), CPython's ssl through it,
// and this runtime's own TCP server in the same process (which only answers
// while our awaits leave the event loop running). Every child is bounded and
// killed at the end; every await is bounded by wait_for or a child timeout.
import assert from "node:assert/strict";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { reactor } from "../src/asyncio/reactor.ts";
import { closeAll, execPath, fdCount, isBun, runScript, settledFdCount, slow, tcpPair, text, utf8 } from "./helpers.ts";
import { Child, testPki } from "./tls_helpers.ts";

const { asyncio, errno, ssl } = usocket;
const python = process.env.PYTHON ?? "python3";
const peerPy = new URL("./peers/asyncio_peer.py", import.meta.url).pathname;
const idleChild = new URL("./peers/asyncio_idle_child.ts", import.meta.url).pathname;
const exitChild = new URL("./peers/asyncio_exit_child.ts", import.meta.url).pathname;

/** Bounds a test's await: 10 s, then TimeoutError. */
const bounded = <T>(p: Promise<T>, s = 10) => asyncio.wait_for(p, s);

async function pythonServer(count: number, tls: string[] = []): Promise<[Child, number]> {
  const c = new Child(python, [peerPy, "server", String(count), ...tls]);
  const m = await c.line(/PORT (\d+)/);
  return [c, Number(m[1])];
}

async function echoLines(reader: usocket.asyncio.Stream, writer: usocket.asyncio.Stream, n: number) {
  for (let i = 0; i < n; i++) {
    writer.write(`line ${i}\n`);
    await writer.drain();
    assert.equal(text(await reader.readline()), `line ${i}\n`);
  }
}

test("open_connection: a CPython asyncio echo server; readline, readexactly, read, for await", async () => {
  const [py, port] = await pythonServer(1);
  const [reader, writer] = await bounded(asyncio.open_connection("127.0.0.1", port));
  assert.equal(reader, writer); // one Stream, as MicroPython
  await bounded(echoLines(reader, writer, 100));
  writer.write("abc\ndef\n");
  await writer.drain();
  assert.equal(text(await bounded(reader.readexactly(6))), "abc\nde");
  assert.equal(text(await bounded(reader.readline())), "f\n");
  writer.write("x\ny\n");
  await writer.drain();
  const lines: string[] = [];
  let n = 0;
  for await (const line of reader) {
    lines.push(text(line)!);
    if (++n === 2) break;
  }
  assert.deepEqual(lines, ["x\n", "y\n"]);
  const peer = writer.get_extra_info("peername") as [string, number];
  assert.deepEqual(peer, ["127.0.0.1", port]);
  assert.ok(writer.get_extra_info("socket") instanceof usocket.Socket);
  assert.equal(writer.get_extra_info("ssl_object"), undefined);
  await bounded(writer.close());
  assert.match(await py.done(), /DONE 104/);
});

test("start_server: 50 concurrent CPython asyncio clients, 20 lines each, while timers keep running", async () => {
  let served = 0;
  const server = await asyncio.start_server(
    async (r, w) => {
      for await (const line of r) {
        w.write(line);
        await w.drain();
      }
      await w.close();
      served++;
    },
    "127.0.0.1",
    0,
    { backlog: 64 },
  ); // MicroPython's 5 would drop most of 50 simultaneous SYNs (1 s retries)
  const [, port] = server.sockets[0].getsockname() as [string, number];
  let ticks = 0;
  const iv = setInterval(() => ticks++, 5);
  const t0 = Date.now();
  const py = new Child(python, [peerPy, "clients", "50", "20", String(port)]);
  try {
    assert.match(await py.done(), /OK 1000/);
  } finally {
    clearInterval(iv);
  }
  // a frozen event loop would not tick; a live one ticks about every 5 ms
  assert.ok(ticks >= (Date.now() - t0) / 50, `only ${ticks} ticks in ${Date.now() - t0} ms`);
  for (let i = 0; i < 100 && served < 50; i++) await asyncio.sleep_ms(10);
  assert.equal(served, 50);
  server.close();
  await bounded(server.wait_closed());
  assert.equal(server.sockets[0].fileno(), -1);
});

test("the runtime's own TCP server in this process answers our awaited client (the loop is not frozen)", async () => {
  let port: number;
  let stop: () => void;
  if (isBun) {
    const B = (globalThis as unknown as {
      Bun: {
        listen(o: unknown): { port: number; stop(force?: boolean): void };
      };
    }).Bun;
    const srv = B.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(s: { write(d: Uint8Array): number }, d: Uint8Array) {
          s.write(d);
        },
      },
    });
    port = srv.port;
    stop = () => srv.stop(true);
  } else {
    const D = (globalThis as unknown as {
      Deno: {
        listen(o: unknown): AsyncIterable<{ readable: ReadableStream; writable: WritableStream }> & {
          addr: { port: number };
          close(): void;
        };
      };
    }).Deno;
    const l = D.listen({ hostname: "127.0.0.1", port: 0 });
    port = l.addr.port;
    (async () => {
      try {
        for await (const c of l) c.readable.pipeTo(c.writable).catch(() => {});
      } catch { /* closed */ }
    })();
    stop = () => l.close();
  }
  try {
    const [reader, writer] = await bounded(asyncio.open_connection("127.0.0.1", port));
    await bounded(echoLines(reader, writer, 200));
    await writer.close();
  } finally {
    stop();
  }
});

test("TLS: open_connection to CPython's asyncio TLS server; start_server({ssl}) for CPython's verified clients", async () => {
  const pki = testPki();
  const [py, port] = await pythonServer(1, [pki.certFile, pki.keyFile]);
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.load_verify_locations({ cafile: pki.caFile });
  const [reader, writer] = await bounded(
    asyncio.open_connection("127.0.0.1", port, { ssl: ctx, server_hostname: "localhost" }),
  );
  const tls = writer.get_extra_info("ssl_object") as usocket.ssl.SSLSocket;
  assert.equal(tls.version(), "TLSv1.3");
  await bounded(echoLines(reader, writer, 50));
  await bounded(writer.close());
  assert.match(await py.done(), /DONE 50/);

  // the wrong name fails verification and leaks nothing
  const [py2, port2] = await pythonServer(1, [pki.certFile, pki.keyFile]);
  const before = fdCount();
  await assert.rejects(
    bounded(asyncio.open_connection("127.0.0.1", port2, { ssl: ctx, server_hostname: "wrong.example" })),
    ssl.SSLCertVerificationError,
  );
  assert.equal(fdCount(), before);
  py2.kill();
  await py2.done();

  const sctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  sctx.load_cert_chain(pki.certFile, pki.keyFile);
  const server = await asyncio.start_server(
    async (r, w) => {
      for await (const line of r) {
        w.write(line);
        await w.drain();
      }
      await w.close();
    },
    "127.0.0.1",
    0,
    { ssl: sctx },
  );
  const [, sport] = server.sockets[0].getsockname() as [string, number];
  const clients = new Child(python, [peerPy, "clients", "20", "10", String(sport), pki.caFile]);
  assert.match(await clients.done(), /OK 200/);
  server.close();
  await bounded(server.wait_closed());
});

test("readexactly: EOF first rejects with EOFError carrying every byte read", async () => {
  const [a, b] = tcpPair();
  const server = await asyncio.start_server(
    async (_r, w) => {
      w.write("12345");
      await w.close();
    },
    "127.0.0.1",
    0,
  );
  const [, port] = server.sockets[0].getsockname() as [string, number];
  const [reader] = await bounded(asyncio.open_connection("127.0.0.1", port));
  const err = await bounded(reader.readexactly(8)).catch((e) => e);
  assert.ok(err instanceof asyncio.EOFError);
  assert.equal(text(err.partial), "12345");
  assert.equal(err.expected, 8);
  assert.equal((await bounded(reader.read())).length, 0); // EOF stays EOF
  await reader.close();
  server.close();
  await server.wait_closed();
  closeAll(a, b);
});

test("wait_for cancels a waiting read without losing bytes; an AbortSignal too", async () => {
  const [a, b] = tcpPair();
  // sock_recv with a signal
  const ctrl = new AbortController();
  const p = asyncio.sock_recv(b, 100, { signal: ctrl.signal });
  setTimeout(() => ctrl.abort(new Error("stop")), 20);
  await assert.rejects(bounded(p), /stop/);
  a.sendall("kept");
  assert.equal(text(await bounded(asyncio.sock_recv(b, 100))), "kept");
  // an already-aborted signal rejects at once, with its reason, and reads nothing
  a.sendall("still");
  const done = new AbortController();
  done.abort("reason");
  await assert.rejects(asyncio.sock_recv(b, 100, { signal: done.signal }), (e) => e === "reason");
  assert.equal(text(await bounded(asyncio.sock_recv(b, 100))), "still");
  // wait_for on streams: the server writes half a line after one gap, the rest after another
  // (gaps times helpers.slow: under emulation the loop stalls for a while at times)
  const gap = 100 * slow;
  const server = await asyncio.start_server(
    async (r, w) => {
      await asyncio.sleep_ms(gap);
      w.write("par");
      await w.drain();
      await asyncio.sleep_ms(gap);
      w.write("tial\nrest\n");
      await w.drain();
      await r.read(); // until the client closes
      await w.close();
    },
    "127.0.0.1",
    0,
  );
  try {
    const [, port] = server.sockets[0].getsockname() as [string, number];
    const [reader, writer] = await bounded(asyncio.open_connection("127.0.0.1", port));
    try {
      await assert.rejects(asyncio.wait_for(reader.readline(), 0.02), asyncio.TimeoutError);
      // half a line arrives while nobody reads; the next timeout keeps it too
      await assert.rejects(asyncio.wait_for_ms(reader.readline(), 1.3 * gap), (e: Error) => e.name === "TimeoutError");
      assert.equal(text(await bounded(reader.readline())), "partial\n");
      assert.equal(text(await bounded(reader.readline())), "rest\n");
    } finally {
      await writer.close();
    }
  } finally {
    // closed even when a check failed: a waiter left behind would fail the later tests' counts
    server.close();
    await server.wait_closed();
    closeAll(a, b);
  }
});

test("closing an awaited socket rejects with EBADF; its reused number never wakes the old waiter", async () => {
  const [a, b] = usocket.socketpair();
  const fd = b.fileno();
  const waiting = asyncio.sock_recv(b, 10);
  b.close();
  await assert.rejects(bounded(waiting), (e: usocket.OSError) => e.errno === errno.EBADF);
  // the number comes back for a new socket; the old waiter is gone, a new one works
  const [c, d] = usocket.socketpair();
  assert.ok(c.fileno() === fd || d.fileno() === fd, "descriptor number reused");
  const reused = c.fileno() === fd ? c : d, other = reused === c ? d : c;
  let early = false;
  const p = asyncio.sock_recv(reused, 10).then((v) => (early = true, v));
  await asyncio.sleep_ms(20);
  assert.equal(early, false);
  other.send("new");
  assert.equal(text(await bounded(p)), "new");
  assert.equal(reactor().waiting, 0);
  closeAll(a, c, d);
  // a Stream closed while its read waits
  const server = await asyncio.start_server(
    async (r) => {
      await r.read();
      await r.close();
    },
    "127.0.0.1",
    0,
  );
  const [, port] = server.sockets[0].getsockname() as [string, number];
  const [reader] = await bounded(asyncio.open_connection("127.0.0.1", port));
  const pending = reader.readline();
  await asyncio.sleep_ms(10);
  await reader.close();
  await assert.rejects(bounded(pending), (e: usocket.OSError) => e.errno === errno.EBADF);
  server.close();
  await server.wait_closed();
});

test("sock_* calls: accept/connect, sendall of 8 MiB checksummed, UDP and AF_UNIX datagrams; the socket's mode is kept", async () => {
  const srv = usocket.socket();
  srv.bind(["127.0.0.1", 0]);
  srv.listen();
  srv.settimeout(5);
  const c = usocket.socket();
  const [[conn, addr]] = await bounded(
    Promise.all([asyncio.sock_accept(srv), asyncio.sock_connect(c, srv.getsockname())]),
  );
  assert.deepEqual(addr, c.getsockname());
  assert.equal(srv.gettimeout(), 5); // switched for the one accept(2) only
  assert.equal(c.gettimeout(), null);
  assert.equal(conn.gettimeout(), null);
  // 8 MiB through a 256 KiB send buffer: the receiver runs on this same
  // thread, so the sender must wait for writable again and again (a smaller
  // buffer than loopback's 64 KiB MSS makes TCP itself crawl: CPython's
  // threads took 3.6 s for this with 32 KiB)
  c.setsockopt(usocket.SOL_SOCKET, usocket.SO_SNDBUF, 262144);
  const data = new Uint8Array(8 << 20);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const receive = (async () => {
    const got = new Uint8Array(data.length);
    let n = 0;
    while (n < got.length) {
      const r = await asyncio.sock_recv_into(conn, got.subarray(n));
      if (r === 0) break;
      n += r;
    }
    return got.subarray(0, n);
  })();
  await bounded(asyncio.sock_sendall(c, data), 30);
  const got = await bounded(receive, 30);
  assert.equal(got.length, data.length);
  assert.ok(got.every((v, i) => v === data[i]), "bytes differ");
  // still a blocking socket for blocking code
  c.sendall("sync");
  assert.equal(text(conn.recv(10)), "sync");
  closeAll(c, conn, srv);

  // connection refused: the port of a closed listener
  const closed = usocket.socket();
  closed.bind(["127.0.0.1", 0]);
  const refusedAddr = closed.getsockname();
  closed.close();
  const r = usocket.socket();
  await assert.rejects(
    bounded(asyncio.sock_connect(r, refusedAddr)),
    (e: usocket.OSError) => e.errno === errno.ECONNREFUSED,
  );
  r.close();

  const rx = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM);
  rx.bind(["::1", 0]);
  const tx = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM);
  const recv = asyncio.sock_recvfrom(rx, 1500);
  await asyncio.sleep_ms(5);
  assert.equal(await asyncio.sock_sendto(tx, "dgram", rx.getsockname()), 5);
  const [dg, from] = await bounded(recv);
  assert.equal(text(dg), "dgram");
  assert.equal((from as [string, number])[1], (tx.getsockname() as [string, number])[1]);
  closeAll(rx, tx);

  const [u1, u2] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  const first = asyncio.sock_recv(u2, 100);
  u1.send("one");
  u1.send("two");
  assert.equal(text(await bounded(first)), "one");
  assert.equal(text(await bounded(asyncio.sock_recv(u2, 100))), "two");
  closeAll(u1, u2);
});

test("wait_readable / wait_writable, TLS sockets included (decrypted bytes count as readable)", async () => {
  const [a, b] = usocket.socketpair();
  assert.ok((await bounded(asyncio.wait_writable(a))) & usocket.select.POLLOUT);
  setTimeout(() => a.send("line one\nline two\n"), 10);
  assert.ok((await bounded(asyncio.wait_readable(b))) & usocket.select.POLLIN);
  assert.equal(text(b.readline()), "line one\n");
  // the rest sits in the readline buffer: readable at once, whatever the descriptor says
  assert.equal(await bounded(asyncio.wait_readable(b)), usocket.select.POLLIN);
  a.close();
  assert.ok((await bounded(asyncio.wait_readable(b))) & usocket.select.POLLIN); // EOF reads
  b.close();
  await assert.rejects(asyncio.wait_readable(b), (e: usocket.OSError) => e.errno === errno.EBADF);
  assert.throws(() => asyncio.wait_readable(3 as never), TypeError);
  assert.throws(() => asyncio.sock_recv({} as never, 1), /sock must be a usocket Socket/);
  assert.throws(() => asyncio.sock_recv(a, 1, { signal: 1 as never }), /signal must be an AbortSignal/);
});

test("helpers: run, create_task, sleep, gather, Event, Lock, wait_for with a function", async () => {
  assert.equal(await asyncio.run(() => Promise.resolve(7)), 7);
  assert.equal(await asyncio.create_task(() => Promise.resolve(8)), 8);
  const t0 = Date.now();
  await asyncio.sleep(0.03);
  assert.ok(Date.now() - t0 >= 25);
  assert.deepEqual(await asyncio.gather(Promise.resolve(1), asyncio.sleep_ms(1).then(() => 2)), [1, 2]);
  const mixed = await asyncio.gather(Promise.reject(new Error("x")), Promise.resolve(3), { return_exceptions: true });
  assert.ok(mixed[0] instanceof Error);
  assert.equal(mixed[1], 3);
  const ev = new asyncio.Event();
  const woken: number[] = [];
  const ws = [1, 2, 3].map((i) => ev.wait().then(() => woken.push(i)));
  assert.equal(ev.is_set(), false);
  ev.set();
  await Promise.all(ws);
  assert.deepEqual(woken, [1, 2, 3]);
  ev.clear();
  assert.equal(ev.is_set(), false);
  const lock = new asyncio.Lock();
  const order: string[] = [];
  const worker = async (name: string) => {
    using _held = await lock.acquire();
    order.push(`${name}+`);
    await asyncio.sleep_ms(5);
    order.push(`${name}-`);
  };
  await Promise.all([worker("a"), worker("b"), worker("c")]);
  assert.deepEqual(order, ["a+", "a-", "b+", "b-", "c+", "c-"]);
  assert.equal(lock.locked(), false);
  assert.throws(() => lock.release(), /not acquired/);
  let aborted: unknown = null;
  await assert.rejects(
    asyncio.wait_for((signal) =>
      new Promise((_, reject) => {
        signal.addEventListener("abort", () => (aborted = signal.reason, reject(signal.reason)));
      }), 0.01),
    asyncio.TimeoutError,
  );
  assert.ok(aborted instanceof asyncio.TimeoutError);
  assert.equal(await asyncio.wait_for(Promise.resolve("no limit"), null), "no limit");
  assert.throws(() => asyncio.wait_for(Promise.resolve(1), "1" as never), TypeError);
  assert.throws(() => asyncio.sleep("1" as never), TypeError);
});

test("arguments: open_connection/start_server refuse bad input before any syscall", async () => {
  assert.throws(() => asyncio.open_connection(1 as never, 80), /host must be a string/);
  assert.throws(() => asyncio.open_connection("127.0.0.1", 80, { ssl: "yes" as never }), /ssl must be/);
  assert.throws(() => asyncio.start_server(null as never, "127.0.0.1", 0), /cb must be a function/);
  assert.throws(() => asyncio.start_server(() => {}, "127.0.0.1", 0, { ssl: true as never }), /SSLContext/);
  assert.throws(() => asyncio.open_connection("127.0.0.1", 70000), RangeError);
  const reader = await (async () => {
    const server = await asyncio.start_server(async (_r, w) => await w.close(), "127.0.0.1", 0);
    const [, port] = server.sockets[0].getsockname() as [string, number];
    const [r] = await bounded(asyncio.open_connection("127.0.0.1", port));
    server.close();
    await server.wait_closed();
    return r;
  })();
  assert.throws(() => reader.readexactly(-1), RangeError);
  assert.throws(() => reader.read(1.5), TypeError);
  await reader.close();
  assert.throws(() => reader.write("late"), (e: usocket.OSError) => e.errno === errno.EBADF);
});

test("an idle await uses no CPU and wakes nothing; a finished program exits by itself", () => {
  for (const mode of ["recv", "sleep"]) {
    const r = runScript(idleChild, ["1500", mode], { timeoutMs: 20000, denoFlags: ["--allow-all"] });
    assert.equal(r.status, 0, `${mode}: exit ${r.status} ${r.signal ?? ""}\n${r.stdout}\n${r.stderr}`);
    const [json, end] = r.stdout.trim().split("\n");
    assert.equal(end, "END", r.stdout);
    const u = JSON.parse(json) as { waited: number; cpuMs: number; switches: number };
    assert.ok(u.waited >= 1450, `${mode}: waited ${u.waited} ms`);
    // polling with timers would show here (every 10 ms: 150 wake-ups, ~10+ ms CPU in 1.5 s)
    assert.ok(u.cpuMs <= 60, `${mode}: ${u.cpuMs} ms of CPU while idle`);
    assert.ok(u.switches < 100, `${mode}: ${u.switches} context switches while idle`);
  }
});

test("exit: a script that connects, awaits a reply and returns exits within a second", async () => {
  const server = await asyncio.start_server(
    async (r, w) => {
      await r.readline();
      w.write("yes\n");
      await w.drain();
      await r.read(); // until the child's process ends
      await w.close();
    },
    "127.0.0.1",
    0,
  );
  const [, port] = server.sockets[0].getsockname() as [string, number];
  const args = isBun
    ? [exitChild, String(port)]
    : ["run", "--allow-ffi", "--allow-read", "--allow-net", exitChild, String(port)];
  try {
    const child = new Child(execPath, args);
    const m = await child.line(/REPLY yes (\d+)/, 15000 * slow);
    const code = await child.exited;
    const after = Date.now() - Number(m[1]);
    assert.equal(code, 0, child.out);
    // a loop kept alive by the reactor would never exit (the Child is killed after 30 s times slow)
    assert.ok(after < 1000 * slow, `exited ${after} ms after its reply (bound ${1000 * slow})`);
  } finally {
    // closed even when a check failed: its accept wait would fail the leak test below
    server.close();
    await server.wait_closed();
  }
});

test("cancellation: AbortSignal during accept and connect; a peer reset while awaited; AF_UNIX streams", async () => {
  const srv = usocket.socket();
  srv.bind(["127.0.0.1", 0]);
  srv.listen(0);
  const ctrl = new AbortController();
  const accepting = asyncio.sock_accept(srv, { signal: ctrl.signal });
  setTimeout(() => ctrl.abort(new Error("no one came")), 20);
  await assert.rejects(bounded(accepting), /no one came/);
  assert.equal(srv.gettimeout(), null);
  // fill the accept queue: the kernel then drops further SYNs, so a connect waits
  const fillers: usocket.Socket[] = [];
  const pending: usocket.Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const f = usocket.socket();
    f.setblocking(false);
    f.connect_ex(srv.getsockname());
    fillers.push(f);
  }
  await asyncio.sleep_ms(20);
  const waiting = usocket.socket();
  pending.push(waiting);
  const c2 = new AbortController();
  const connecting = asyncio.sock_connect(waiting, srv.getsockname(), { signal: c2.signal });
  let settled = false;
  connecting.then(() => (settled = true), () => (settled = true));
  await asyncio.sleep_ms(100);
  assert.equal(settled, false, "the connect should wait: Linux drops SYNs to a full accept queue");
  c2.abort(new Error("gave up"));
  await assert.rejects(bounded(connecting), /gave up/);
  closeAll(...fillers, ...pending, srv);

  // a reset while a receive waits: ECONNRESET, nothing leaked
  const [a, b] = tcpPair();
  const recv = asyncio.sock_recv(b, 100);
  a.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, usocket.linger(true, 0));
  a.close();
  await assert.rejects(bounded(recv), (e: usocket.OSError) => e.errno === errno.ECONNRESET);
  b.close();

  // AF_UNIX stream sockets: sock_sendall / sock_recv with a wait on each side
  const [u1, u2] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_STREAM);
  const payload = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
  const got: Uint8Array[] = [];
  let n = 0;
  const reading = (async () => {
    while (n < payload.length) {
      const c = await asyncio.sock_recv(u2, 65536);
      if (c.length === 0) break;
      got.push(c.slice());
      n += c.length;
    }
  })();
  await bounded(asyncio.sock_sendall(u1, payload));
  await bounded(reading);
  const all = new Uint8Array(n);
  let at = 0;
  for (const c of got) (all.set(c, at), at += c.length);
  assert.deepEqual(all, payload);
  closeAll(u1, u2);
});

test("no descriptor leaks: every socket of the tests above is closed", async () => {
  const n = await settledFdCount();
  // the reactor holds its epoll descriptor (and on Deno an eventfd) for the process's life
  const [a, b] = usocket.socketpair();
  const p = asyncio.sock_recv(b, 1);
  a.send("z");
  assert.equal(text(await bounded(p)), "z");
  closeAll(a, b);
  assert.equal(await settledFdCount(), n);
  assert.equal(reactor().waiting, 0);
  void utf8;
});
