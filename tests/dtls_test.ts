// DTLS 1.2 (ssl.PROTOCOL_DTLS_CLIENT / PROTOCOL_DTLS_SERVER) over connected
// UDP sockets on 127.0.0.1, against peers no one here wrote (`openssl
// s_server -dtls1_2`, `openssl s_client -dtls1_2 -trace`), a usocket server in
// a child process running MicroPython's own DTLS test, and in this thread.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { assertOSError, execPath, inetSocketCount, isBun } from "./helpers.ts";
import { Child, sClientArgs, testPki } from "./tls_helpers.ts";

const { errno, ssl } = usocket;
const text = (b: Uint8Array | null) => new TextDecoder().decode(b!);
const bytes = (s: string) => new TextEncoder().encode(s);
const dtlsServer = new URL("./peers/dtls_server.ts", import.meta.url).pathname;

/** A UDP socket bound to 127.0.0.1 (any port). */
function udp(): usocket.Socket {
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  return s;
}

/** Two UDP sockets connected to each other. */
function udpPair(): [usocket.Socket, usocket.Socket] {
  const a = udp(), b = udp();
  a.connect(b.getsockname());
  b.connect(a.getsockname());
  return [a, b];
}

function clientCtx(): usocket.ssl.SSLContext {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT);
  ctx.load_verify_locations({ cafile: testPki().caFile });
  return ctx;
}

function serverCtx(): usocket.ssl.SSLContext {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER);
  const p = testPki();
  ctx.load_cert_chain(p.certFile, p.keyFile);
  return ctx;
}

/** One handshake step; true when done, false when it must wait. */
function stepped(t: usocket.ssl.SSLSocket): boolean {
  try {
    t.do_handshake();
    return true;
  } catch (e) {
    if (e instanceof ssl.SSLWantReadError || e instanceof ssl.SSLWantWriteError) return false;
    throw e;
  }
}

test("DTLS client ↔ openssl s_server -dtls1_2: verified for localhost, records both ways, close_notify", async () => {
  const p = testPki();
  const srv = new Child(
    "openssl",
    ["s_server", "-dtls1_2", "-accept", "127.0.0.1:0", "-cert", p.certFile, "-key", p.keyFile, "-naccept", "1"],
    {},
    "hello from s_server\n",
    true, // s_server -dtls stops serving when its stdin ends
  );
  const before = inetSocketCount();
  try {
    await srv.written;
    const port = Number((await srv.line(/ACCEPT 127\.0\.0\.1:(\d+)/))[1]);
    const s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
    s.settimeout(10);
    s.connect(["127.0.0.1", port]);
    const t = clientCtx().wrap_socket(s, { server_hostname: "localhost" });
    assert.equal(t.version(), "DTLSv1.2");
    assert.deepEqual(t.cipher()![1], "DTLSv1.2");
    assert.ok(t.getpeercert(true)!.length > 100);
    t.write("hello from usocket\n");
    await srv.line(/hello from usocket/);
    // s_server sends its stdin once the connection is up: one record, one read
    assert.equal(text(t.read(100)), "hello from s_server\n");
    t.close();
    await srv.done();
  } finally {
    srv.kill();
  }
  assert.equal(inetSocketCount(), before, "no descriptor left");
});

test("DTLS server ↔ openssl s_client -dtls1_2 -trace: a HelloVerifyRequest with a 32-byte cookie, then the handshake", async () => {
  const p = testPki();
  const s = udp();
  s.settimeout(10);
  const port = (s.getsockname() as [string, number])[1];
  const client = new Child(
    "openssl",
    // -ign_eof: waits for our close_notify after its stdin ends
    sClientArgs(port, p.caFile, "-dtls1_2", "-trace", "-ign_eof"),
    {},
    "ping\n",
  );
  try {
    await client.written;
    const [, addr] = s.recvfrom(1, usocket.MSG_PEEK); // MicroPython's way to learn the client
    s.connect(addr!);
    const t = serverCtx().wrap_socket(s, { server_side: true, client_id: bytes(String(addr)) });
    assert.equal(text(t.readline()), "ping\n");
    t.write("pong\n");
    t.close();
    const out = await client.done();
    assert.match(out, /HelloVerifyRequest/);
    const cookies = [...out.matchAll(/cookie \(len=(\d+)\): ([0-9A-F]*)/g)].map((m) => [Number(m[1]), m[2]]);
    // the first ClientHello has none; the HelloVerifyRequest and the second ClientHello carry the same one
    assert.deepEqual(cookies.map((c) => c[0]), [0, 32, 32], out);
    assert.equal(cookies[1][1], cookies[2][1]);
    assert.match(out, /Verify return code: 0 \(ok\)/);
    assert.match(out, /pong/);
  } finally {
    client.kill();
    s.close();
  }
});

test("MicroPython's tls_dtls_server_client.py, ported: its server (client_id, MSG_PEEK, connect) in a child, its client here", async () => {
  const p = testPki();
  const srv = new Child(
    execPath,
    isBun ? [dtlsServer, p.certFile, p.keyFile] : [
      "run",
      "--allow-ffi",
      dtlsServer,
      p.certFile,
      p.keyFile,
    ],
  );
  try {
    const port = Number((await srv.line(/PORT (\d+)/))[1]);
    // MicroPython's client instance, one to one
    const s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
    s.settimeout(10);
    s.connect(["127.0.0.1", port]);
    const ctx = new ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT);
    ctx.verify_mode = ssl.CERT_REQUIRED;
    ctx.load_verify_locations({ cadata: p.caDer });
    const t = ctx.wrap_socket(s, { server_hostname: "localhost" });
    const got: string[] = [];
    for (let i = 0; i < 4; i++) {
      t.send(bytes(`client to server ${i}`));
      got.push(text(t.recv(32)));
    }
    t.close();
    const out = await srv.done();
    assert.deepEqual(got, [0, 1, 2, 3].map((i) => `server to client ${i}`));
    assert.deepEqual(
      out.trim().split("\n").slice(1),
      ["waiting", "incoming connection", ...[0, 1, 2, 3].map((i) => JSON.stringify(`client to server ${i}`))],
      out,
    );
  } finally {
    srv.kill();
  }
});

test("DTLS in one thread, non-blocking with poll: a lost ClientHello is sent again by the retransmission timer; a read is one record", () => {
  const before = inetSocketCount();
  const [a, b] = udpPair();
  a.setblocking(false);
  b.setblocking(false);
  const c = clientCtx().wrap_socket(a, { server_hostname: "localhost", do_handshake_on_connect: false });
  const s = serverCtx().wrap_socket(b, { server_side: true, do_handshake_on_connect: false });
  try {
    assert.equal(stepped(c), false);
    // the network loses the first ClientHello
    const lost = b.recv(2048);
    assert.equal(lost[0], 22, "a handshake record");
    const t0 = performance.now();
    const p = usocket.select.poll<usocket.ssl.SSLSocket>();
    p.register(c, usocket.select.POLLIN);
    p.register(s, usocket.select.POLLIN);
    let cDone = false, sDone = false, rounds = 0;
    while (!(cDone && sDone) && performance.now() - t0 < 10000) {
      rounds++;
      // a poller waits no longer than the retransmission timer: 1 s at first (OpenSSL's)
      for (const [obj] of p.poll(200)) {
        if (obj === c && !cDone) cDone = stepped(c);
        if (obj === s && !sDone) sDone = stepped(s);
      }
      if (!cDone) cDone = stepped(c); // a due timer is handled by the next call
    }
    const ms = performance.now() - t0;
    assert.ok(cDone && sDone, `handshake done (${rounds} rounds, ${ms.toFixed(0)} ms)`);
    assert.ok(ms >= 800, `the ClientHello went again after the timer (~1 s), not at once: ${ms.toFixed(0)} ms`);
    // records keep their boundaries: two writes, two reads
    c.write("one");
    c.write("two");
    p.poll(1000);
    assert.equal(text(s.read(100)), "one");
    assert.equal(text(s.read(100)), "two");
    assert.equal(s.read(100), null, "non-blocking, nothing more: null");
    // a 1 200-byte record fits the 1 500-byte link MTU; poll sees it
    s.write(new Uint8Array(1200).fill(7));
    assert.deepEqual(p.poll(1000).map(([o]) => o), [c]);
    assert.equal(c.recv(4096).length, 1200);
  } finally {
    c.close();
    s.close();
  }
  assert.equal(inetSocketCount(), before, "no descriptor left");
});

test("DTLS: a silent peer makes the handshake end at the socket's timeout (OSError ETIMEDOUT); nothing leaks", () => {
  const before = inetSocketCount();
  const silent = udp();
  const s = udp();
  s.connect(silent.getsockname());
  s.settimeout(0.6);
  const t0 = performance.now();
  assertOSError(() => clientCtx().wrap_socket(s, { server_hostname: "localhost" }), errno.ETIMEDOUT, "silent peer");
  const ms = performance.now() - t0;
  assert.ok(ms >= 550 && ms < 3000, `${ms.toFixed(0)} ms`);
  assert.equal(s.fileno(), -1, "the failed wrap closed the socket once");
  // the ClientHello went out, then again when the 1 s timer would pass only after the deadline: once
  silent.setblocking(false);
  let hellos = 0;
  for (;;) {
    try {
      silent.recv(4096);
      hellos++;
    } catch (e) {
      if (e instanceof usocket.OSError && e.errno === errno.EAGAIN) break;
      throw e;
    }
  }
  assert.equal(hellos, 1);
  silent.close();
  assert.equal(inetSocketCount(), before);
});

test("DTLS: contexts and options are checked before any call", () => {
  const tls = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  const [a, b] = udpPair();
  try {
    assert.throws(() => tls.wrap_socket(a, { server_side: true, client_id: "x" }), /client_id is for a DTLS server/);
    assert.throws(() => clientCtx().wrap_socket(a, { client_id: "x", server_hostname: "localhost" }), TypeError);
    assert.throws(() => (serverCtx().minimum_version = ssl.TLSVersion.TLSv1_2), /TLS context only/);
    assert.throws(
      () => serverCtx().wrap_socket(a, { server_side: true, client_id: 5 as unknown as string }),
      TypeError,
    );
    assert.throws(() => clientCtx().wrap_socket(a, { server_side: true }), /client .* context/);
    assert.equal(ssl.PROTOCOL_DTLS_CLIENT, 2);
    assert.equal(ssl.PROTOCOL_DTLS_SERVER, 3);
    assert.throws(() => new ssl.SSLContext(4), RangeError);
  } finally {
    a.close();
    b.close();
  }
});
