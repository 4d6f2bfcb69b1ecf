// The ssl module against peers no one here wrote: `openssl s_server`,
// `openssl s_client` and CPython's ssl module (tests/peers/tls_peer.py), over
// loopback, with certificates the test makes with the `openssl` command
// (tests/tls_helpers.ts). Every child is bounded in time and killed at the end.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { test } from "node:test";
import { serveEcho } from "../examples/poll_echo_server.ts";
import * as usocket from "../mod.ts";
import { callerEvents } from "../src/pollable.ts";
import {
  assertOSError,
  assertSurplusRefused,
  closeAll,
  execPath,
  inetSocketCount,
  isBun,
  listener,
  portOf,
  type SurplusCase,
} from "./helpers.ts";
import { Child, sClientArgs, testPki, tlsPair } from "./tls_helpers.ts";

const { errno, ssl } = usocket;
const peerPy = new URL("./peers/tls_peer.py", import.meta.url).pathname;
const clientsPy = new URL("./peers/tls_clients.py", import.meta.url).pathname;
const runtimeTls = new URL("./peers/runtime_tls.ts", import.meta.url).pathname;
/** The arguments that run `script` on this runtime (Deno: loopback network and reads only). */
const runtimeArgs = (script: string, ...args: string[]) =>
  isBun ? [script, ...args] : ["run", "--allow-net=127.0.0.1", "--allow-read", script, ...args];
const runtimeName = isBun ? "Bun.listen/Bun.connect" : "Deno.listenTls/Deno.connectTls";
const python = process.env.PYTHON ?? "python3";

/** `openssl s_server` on 127.0.0.1 with `cert`/`key`, serving `-www` once; resolves with its port. */
async function sServer(cert: string, key: string, extra: string[] = []): Promise<[Child, number]> {
  const c = new Child("openssl", [
    "s_server",
    "-accept",
    "127.0.0.1:0",
    "-cert",
    cert,
    "-key",
    key,
    "-naccept",
    "1",
    "-www",
    ...extra,
  ]);
  const m = await c.line(/ACCEPT 127\.0\.0\.1:(\d+)/);
  return [c, Number(m[1])];
}

/** tls_peer.py in `mode`; servers resolve with their port. */
async function pyPeer(
  mode: string,
  cert: string,
  key: string,
  ca?: string,
  env: Record<string, string> = {},
): Promise<[Child, number]> {
  const c = new Child(python, [peerPy, mode, cert, key, ...(ca ? [ca] : [])], env);
  const m = await c.line(/PORT (\d+)/);
  return [c, Number(m[1])];
}

function connect(port: number, timeout = 10): usocket.Socket {
  const s = usocket.socket();
  s.settimeout(timeout);
  s.connect(["127.0.0.1", port]);
  return s;
}

/** A client context trusting the test CA. */
function clientCtx(): usocket.ssl.SSLContext {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.load_verify_locations({ cafile: testPki().caFile });
  return ctx;
}

const text = (b: Uint8Array | null) => b === null ? null : new TextDecoder().decode(b);

test("ssl client ↔ openssl s_server: TLS 1.3, cipher, the server's DER certificate, an HTTP answer", async () => {
  const p = testPki();
  const [srv, port] = await sServer(p.certFile, p.keyFile);
  try {
    const t = clientCtx().wrap_socket(connect(port), { server_hostname: "localhost" });
    assert.equal(t.version(), "TLSv1.3");
    const [suite, version] = t.cipher()!;
    assert.match(suite, /^TLS_(AES|CHACHA20)/);
    assert.equal(version, "TLSv1.3");
    assert.deepEqual(t.getpeercert(true), p.certDer, "getpeercert(true) is the server's certificate, DER");
    assert.throws(() => t.getpeercert(false), TypeError);
    t.write("GET / HTTP/1.0\r\n\r\n");
    assert.match(text(t.readline())!, /^HTTP\/1\.0 200 ok/);
    const rest = text(t.read())!;
    assert.match(rest, /s_server/, "the -www page");
    t.close();
    t.close();
    assertOSError(() => t.read(1), errno.EBADF, "read after close");
    assert.equal(t.fileno(), -1);
  } finally {
    srv.kill();
    await srv.done();
  }
});

test("ssl client ↔ CPython echo: 4 MiB checksummed both ways; recv/send/sendall; the peer's close_notify is EOF", async () => {
  const p = testPki();
  const [peer, port] = await pyPeer("echo", p.certFile, p.keyFile);
  try {
    const t = clientCtx().wrap_socket(connect(port), { server_hostname: "127.0.0.1" }); // an IP literal checked
    const size = 4 << 20, step = 1 << 18;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 13 + (i >> 11)) & 255;
    const back = new Uint8Array(size);
    let got = 0;
    for (let off = 0; off < size; off += step) {
      if ((off / step) % 2 === 0) t.sendall(data.subarray(off, off + step));
      else assert.equal(t.write(data.subarray(off, off + step)), step);
      assert.equal(t.readinto(back.subarray(got), step), step, "readinto waits for the whole count");
      got += step;
    }
    assert.ok(back.every((b, i) => b === data[i]), "every byte back, in order");
    assert.equal(t.send("ping"), 4);
    let echoed = "";
    while (echoed.length < 4) echoed += text(t.recv(16));
    assert.equal(echoed, "ping");
    const plain = t.unwrap(); // close_notify both ways
    assert.equal(plain.recv(1).length, 0, "after unwrap the plain socket sees the peer's close");
    plain.close();
    assert.match(await peer.done(), new RegExp(`DONE echoed ${size + 4}`));
  } finally {
    peer.kill();
  }
});

test("ssl: certificate failures raise SSLCertVerificationError with OpenSSL's code; the socket is closed once", async () => {
  const p = testPki();
  const cases: [string, string, string, string, number][] = [
    // [label, cert, key, server_hostname, X509_V_ERR_*]
    ["self-signed server", p.selfCert, p.selfKey, "localhost", 18],
    ["expired", p.expiredCert, p.expiredKey, "localhost", 10],
    ["another name", p.wrongCert, p.wrongKey, "localhost", 62],
    ["right cert, wrong host asked", p.certFile, p.keyFile, "other.example", 62],
    ["right cert, wrong IP asked", p.certFile, p.keyFile, "127.0.0.2", 64],
  ];
  const before = inetSocketCount();
  for (const [label, cert, key, host, code] of cases) {
    const [srv, port] = await sServer(cert, key);
    const sock = connect(port);
    try {
      assert.throws(() => clientCtx().wrap_socket(sock, { server_hostname: host }), (e: unknown) => {
        assert.ok(e instanceof ssl.SSLCertVerificationError, `${label}: ${e}`);
        assert.ok(e instanceof ssl.SSLError && e instanceof usocket.OSError);
        assert.equal(e.verify_code, code, `${label}: ${e.verify_message}`);
        assert.match(e.message, /certificate verify failed/);
        return true;
      });
      assert.equal(sock.fileno(), -1, `${label}: the failed wrap closed the socket`);
      sock.close(); // and the caller's close is a no-op
    } finally {
      srv.kill();
      await srv.done();
    }
  }
  // with no CA loaded, the test CA's server is unknown too
  const [srv, port] = await sServer(p.certFile, p.keyFile);
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.throws(
    () => ctx.wrap_socket(connect(port), { server_hostname: "localhost" }),
    (e: unknown) => e instanceof ssl.SSLCertVerificationError && e.verify_code === 20,
  );
  srv.kill();
  await srv.done();
  assert.equal(inetSocketCount(), before, "no descriptor leaked");
});

test("ssl: CERT_NONE (MicroPython's wrap_socket default) accepts a self-signed server", async () => {
  const p = testPki();
  const [srv, port] = await sServer(p.selfCert, p.selfKey);
  try {
    const t = ssl.wrap_socket(connect(port), { server_hostname: "localhost" });
    t.write("GET / HTTP/1.0\r\n\r\n");
    assert.match(text(t.readline())!, /^HTTP\/1\.0 200/);
    t.close();
  } finally {
    await srv.done();
  }
});

test("ssl server (DER key and cert) ↔ openssl s_client, which verifies it for localhost", async () => {
  const p = testPki();
  const [lsn, port] = listener();
  lsn.settimeout(10);
  const client = new Child(
    "openssl",
    sClientArgs(port, p.caFile, "-servername", "localhost", "-quiet"),
    {},
    "hello from s_client\n",
  );
  try {
    await client.written; // before this thread blocks
    const [conn] = lsn.accept();
    conn.settimeout(10);
    const t = ssl.wrap_socket(conn, { server_side: true, key: p.keyDer, cert: p.certDer });
    assert.equal(t.server_side, true);
    assert.equal(text(t.readline()), "hello from s_client\n");
    t.write("hello from usocket\n");
    t.close(); // close_notify: s_client exits
    const out = await client.done();
    assert.match(out, /hello from usocket/);
  } finally {
    client.kill();
    lsn.close();
  }
});

test("ssl server: CPython's client verifies it; mutual TLS with cadata requires the client's certificate", async () => {
  const p = testPki();
  for (const withCert of [true, false]) {
    const [lsn, port] = listener();
    lsn.settimeout(10);
    const client = new Child(
      python,
      [peerPy, withCert ? "client-cert" : "client-line", p.clientCert, p.clientKey, p.caFile],
      { PORT: String(port) },
    );
    try {
      const [conn] = lsn.accept();
      conn.settimeout(10);
      const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
      ctx.load_cert_chain(p.certPem, p.keyPem); // PEM bytes
      ctx.verify_mode = ssl.CERT_REQUIRED;
      ctx.load_verify_locations({ cadata: p.caPem });
      if (withCert) {
        const t = ctx.wrap_socket(conn, { server_side: true });
        assert.ok(t.getpeercert(true)!.length > 100, "the client's certificate");
        assert.equal(text(t.readline()), "ping\n");
        t.write("pong\n");
        t.close();
        assert.match(await client.done(), /GOT pong TLSv1\.3/);
      } else {
        assert.throws(() => ctx.wrap_socket(conn, { server_side: true }), ssl.SSLError);
        assert.equal(conn.fileno(), -1);
        await client.done();
      }
    } finally {
      client.kill();
      lsn.close();
    }
  }
});

test("ssl server: ALPN selects its first protocol the client offers (openssl s_client, CPython), none without overlap", async () => {
  const p = testPki();
  const server = ["h2", "http/1.1"];
  // [what the client offers, what both ends must see]
  const cases: [string, string | null][] = [
    ["http/1.1,h2", "h2"], // the server's order wins, as CPython's SSL_select_next_proto
    ["spdy/1,http/1.1", "http/1.1"],
    ["spdy/1", null], // no overlap: the handshake goes on without ALPN
  ];
  for (const [offer, want] of cases) {
    for (const peer of ["s_client", "python"]) {
      const [lsn, port] = listener();
      lsn.settimeout(10);
      const client = peer === "s_client"
        ? new Child(
          "openssl",
          sClientArgs(port, p.caFile, "-alpn", offer, "-servername", "localhost"),
          {},
          "ping\n",
        )
        : new Child(python, [peerPy, "client-line", p.clientCert, p.clientKey, p.caFile], {
          PORT: String(port),
          ALPN: offer,
        });
      try {
        await client.written;
        const [conn] = lsn.accept();
        conn.settimeout(10);
        const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
        ctx.load_cert_chain(p.certFile, p.keyFile);
        ctx.set_alpn_protocols(server);
        const t = ctx.wrap_socket(conn, { server_side: true });
        assert.equal(t.selected_alpn_protocol(), want, `${peer} offering ${offer}`);
        assert.equal(text(t.readline()), "ping\n");
        t.write("pong\n");
        t.close();
        const out = await client.done();
        if (peer === "s_client") {
          assert.match(out, want === null ? /No ALPN negotiated/ : new RegExp(`ALPN protocol: ${want}`), out);
        } else {
          assert.match(out, new RegExp(`ALPN ${want ?? "None"}`), out);
        }
      } finally {
        client.kill();
        lsn.close();
      }
    }
  }
  // in this thread, both ends usocket; a context changes its list, and a server without one selects nothing
  for (
    const [serverList, clientList, want] of [
      [["x-one", "x-two"], ["x-two", "x-one"], "x-one"],
      [["x-two"], ["x-one", "x-two"], "x-two"],
      [null, ["x-one"], null],
    ] as [string[] | null, string[], string | null][]
  ) {
    const [c, s] = tlsPair(undefined, (cctx, sctx) => {
      cctx.set_alpn_protocols(clientList);
      if (serverList) {
        sctx.set_alpn_protocols(["unused"]);
        sctx.set_alpn_protocols(serverList);
      }
    });
    try {
      assert.equal(c.selected_alpn_protocol(), want);
      assert.equal(s.selected_alpn_protocol(), want);
      assert.ok(s.context instanceof ssl.SSLContext);
    } finally {
      c.close();
      s.close();
    }
  }
});

test("ssl: openssl_version() names the OpenSSL in use", () => {
  const v = ssl.openssl_version();
  assert.match(v, /^OpenSSL \d+\.\d+\.\d+/);
  const cli = spawnSync("openssl", ["version"], { encoding: "utf8" }).stdout.trim();
  // the command and the library come from the same package here (Debian's openssl / libssl3)
  assert.equal(v.split(" ")[1].split(".")[0], cli.split(" ")[1].split(".")[0], `${v} vs ${cli}`);
  assert.throws(() => (ssl.openssl_version as (...a: unknown[]) => string)(1), TypeError);
});

test("ssl: load_default_certs() and create_default_context() take the system's CA paths (SSL_CTX_set_default_verify_paths)", () => {
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.load_default_certs(); // raises SSLError if OpenSSL refuses
  const d = ssl.create_default_context();
  assert.equal(d.verify_mode, ssl.CERT_REQUIRED);
  assert.equal(d.check_hostname, true);
});

test("ssl: a peer that is not TLS, or resets mid-handshake, raises at once; nothing leaks", async () => {
  const p = testPki();
  const before = inetSocketCount();
  for (const mode of ["garbage", "reset"]) {
    const [peer, port] = await pyPeer(mode, p.certFile, p.keyFile);
    const sock = connect(port);
    const ctx = clientCtx();
    const t0 = performance.now();
    assert.throws(
      () => ctx.wrap_socket(sock, { server_hostname: "localhost" }),
      (e: unknown) => e instanceof usocket.OSError && (mode === "reset" || e instanceof ssl.SSLError),
      mode,
    );
    assert.ok(performance.now() - t0 < 5000, `${mode}: no hang`);
    assert.equal(sock.fileno(), -1);
    await peer.done();
  }
  assert.equal(inetSocketCount(), before);
});

test("ssl: an EOF without close_notify is an SSLError (ECONNRESET), and it is sticky", async () => {
  const p = testPki();
  const [peer, port] = await pyPeer("echo-nonotify", p.certFile, p.keyFile);
  try {
    const t = clientCtx().wrap_socket(connect(port), { server_hostname: "localhost" });
    t.write("x");
    assert.equal(text(t.read(5)), "hello");
    let first: unknown;
    try {
      t.read();
    } catch (e) {
      first = e;
    }
    assert.ok(first instanceof ssl.SSLError, String(first));
    assert.equal((first as usocket.OSError).errno, errno.ECONNRESET);
    assert.throws(() => t.read(1), (e: unknown) => e === first, "the same error again");
    assert.throws(() => t.write("y"), (e: unknown) => e === first);
    t.close();
  } finally {
    await peer.done();
  }
});

test("ssl: a timeout raises ETIMEDOUT and is not sticky; a non-blocking socket returns null / raises SSLWantReadError", async () => {
  const p = testPki();
  const [peer, port] = await pyPeer("silent", p.certFile, p.keyFile);
  try {
    const t = clientCtx().wrap_socket(connect(port), { server_hostname: "localhost" });
    t.settimeout(0.2);
    const t0 = performance.now();
    assertOSError(() => t.readline(), errno.ETIMEDOUT, "readline");
    assert.ok(performance.now() - t0 < 1000);
    t.setblocking(false);
    assert.equal(t.gettimeout(), 0);
    assert.equal(t.read(4), null);
    assert.throws(() => t.recv(4), ssl.SSLWantReadError);
    assert.throws(() => t.recv(4), (e: unknown) => (e as usocket.OSError).errno === errno.EAGAIN);
    // wait for the late line with poll, then read it
    const pl = usocket.select.poll();
    pl.register(t, usocket.select.POLLIN);
    assert.equal(pl.poll(5000).length, 1);
    pl.unregister(t);
    t.settimeout(5);
    assert.equal(text(t.readline()), "late\n");
    t.close();
  } finally {
    await peer.done();
  }
});

test("ssl: a non-blocking handshake is driven by poll: wrap defers it, the first reads return null", async () => {
  const p = testPki();
  const [peer, port] = await pyPeer("echo", p.certFile, p.keyFile);
  try {
    const sock = connect(port);
    sock.setblocking(false);
    const t = clientCtx().wrap_socket(sock, { server_hostname: "localhost" });
    assert.equal(t.version(), null, "no handshake yet");
    const pl = usocket.select.poll();
    pl.register(t, usocket.select.POLLIN);
    let reply = "", sent = false;
    for (let i = 0; i < 1000 && reply !== "echo me"; i++) {
      if (!sent && t.write("echo me") !== null) sent = true;
      const r = t.read(64);
      if (r !== null) reply += text(r);
      else pl.poll(100);
    }
    pl.unregister(t);
    assert.equal(reply, "echo me");
    assert.equal(t.version(), "TLSv1.3");
    t.setblocking(true);
    t.settimeout(5);
    t.unwrap().close();
  } finally {
    await peer.done();
  }
});

test("ssl: contexts check their arguments before any call", () => {
  assert.throws(() => new ssl.SSLContext(16), RangeError);
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(ctx.verify_mode, ssl.CERT_REQUIRED);
  assert.equal(ctx.check_hostname, true);
  assert.throws(() => (ctx.verify_mode = ssl.CERT_NONE), RangeError, "CERT_NONE with check_hostname");
  ctx.check_hostname = false;
  ctx.verify_mode = ssl.CERT_NONE;
  const server = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.equal(server.verify_mode, ssl.CERT_NONE);
  assert.throws(() => server.load_cert_chain(new Uint8Array(10)), ssl.SSLError);
  assert.throws(
    () => server.load_cert_chain("/nonexistent/cert.pem"),
    (e: unknown) => e instanceof usocket.OSError && e.errno === errno.ENOENT,
  );
  const p = testPki();
  assert.throws(() => server.load_cert_chain(p.certFile, p.clientKey), ssl.SSLError, "a key of another certificate");
  assert.throws(() => server.set_ciphers("NO-SUCH-CIPHER"), ssl.SSLError);
  const [a, b] = usocket.socketpair();
  try {
    const strict = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    assert.throws(() => strict.wrap_socket(a), /server_hostname/);
    assert.throws(() => strict.wrap_socket(a, { server_side: true } as never), TypeError);
    assert.throws(() => strict.wrap_socket(a, { bogus: 1 } as never), /unknown option/);
    assert.throws(() => strict.wrap_socket("sock" as never), TypeError);
    assert.equal(a.fileno() >= 0, true, "refused wraps leave the socket alone");
    const closed = usocket.socket();
    closed.close();
    assertOSError(() => ssl.wrap_socket(closed, { do_handshake: false }), errno.EBADF, "a closed socket");
  } finally {
    closeAll(a, b);
  }
  assert.deepEqual(readFileSync(p.caFile).subarray(0, 10).toString(), "-----BEGIN");
  void portOf;
});

test("ssl: ALPN (client), minimum/maximum_version and get_ciphers against openssl s_server", async () => {
  const p = testPki();
  {
    const [srv, port] = await sServer(p.certFile, p.keyFile, ["-alpn", "h2,http/1.1"]);
    const ctx = clientCtx();
    ctx.set_alpn_protocols(["h2", "http/1.1"]);
    const t = ctx.wrap_socket(connect(port), { server_hostname: "localhost" });
    assert.equal(t.selected_alpn_protocol(), "h2");
    t.close();
    await srv.done();
  }
  {
    const [srv, port] = await sServer(p.certFile, p.keyFile);
    const ctx = clientCtx();
    assert.equal(ctx.minimum_version, ssl.TLSVersion.TLSv1_2, "TLS 1.2 at least, as CPython");
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2;
    assert.equal(ctx.maximum_version, ssl.TLSVersion.TLSv1_2);
    const t = ctx.wrap_socket(connect(port), { server_hostname: "localhost" });
    assert.equal(t.version(), "TLSv1.2");
    assert.equal(t.selected_alpn_protocol(), null, "nothing offered, nothing chosen");
    t.close();
    await srv.done();
  }
  {
    const [srv, port] = await sServer(p.certFile, p.keyFile, ["-tls1_2"]);
    const ctx = clientCtx();
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3;
    assert.throws(() => ctx.wrap_socket(connect(port), { server_hostname: "localhost" }), ssl.SSLError);
    srv.kill();
    await srv.done();
  }
  const names = clientCtx().get_ciphers();
  assert.ok(names.includes("TLS_AES_128_GCM_SHA256"), names.join(" "));
  assert.ok(names.some((n) => n.startsWith("TLS_ECDHE_")), "TLS 1.2 suites too");
  assert.throws(() => clientCtx().set_alpn_protocols(["x".repeat(256)]), RangeError);
  assert.throws(() => (clientCtx().minimum_version = 0x305), RangeError);
});

test("ssl + poll: a non-blocking writer then reader, poll-driven, behind small socket buffers: every byte, then the reply", async () => {
  const p = testPki();
  // 128 KiB: one write takes it all (one SSL_write) while tiny socket buffers hold a fraction
  const size = 128 << 10;
  const [peer, port] = await pyPeer("sink", p.certFile, p.keyFile, undefined, { COUNT: String(size) });
  try {
    const sock = usocket.socket();
    sock.setsockopt(usocket.SOL_SOCKET, usocket.SO_SNDBUF, 4096); // small buffers: ciphertext waits in the TLS socket
    sock.settimeout(10);
    sock.connect(["127.0.0.1", port]);
    const t = clientCtx().wrap_socket(sock, { server_hostname: "localhost" });
    t.setblocking(false);
    const data = new Uint8Array(size).fill(7);
    const pl = usocket.select.poll();
    // write it all, waiting for POLLOUT whenever the socket is full
    pl.register(t, usocket.select.POLLOUT);
    let sent = 0;
    for (let i = 0; i < 100000 && sent < size; i++) {
      const n = t.write(data.subarray(sent));
      if (n === null) pl.poll(1000);
      else sent += n;
    }
    assert.equal(sent, size, "every byte taken");
    // now only read: the TLS socket may still hold ciphertext the peer needs before it answers
    pl.modify(t, usocket.select.POLLIN);
    let reply = "", wakes = 0;
    for (; wakes < 2000 && reply !== "ok\n"; wakes++) {
      const r = t.read(16);
      if (r !== null) reply += text(r);
      else assert.notDeepEqual(pl.poll(5000), [], "poll wakes the reader (no deadlock)");
    }
    pl.unregister(t);
    assert.equal(reply, "ok\n", `the reply, after ${wakes} wakes`);
    t.close();
    assert.match(await peer.done(), new RegExp(`DONE got ${size}`));
  } finally {
    peer.kill();
  }
});

test("callerEvents: bits polled in the caller's stead are reported as the caller's", () => {
  const { POLLIN, POLLOUT, POLLHUP } = usocket.select;
  assert.equal(callerEvents(POLLOUT, POLLIN, POLLOUT), POLLIN);
  assert.equal(callerEvents(POLLIN, POLLOUT, POLLIN), POLLOUT);
  assert.equal(callerEvents(POLLOUT, POLLIN | POLLOUT, POLLOUT), POLLIN | POLLOUT);
  assert.equal(callerEvents(POLLHUP, POLLIN, POLLOUT), POLLHUP, "error bits pass as they are");
  assert.equal(callerEvents(POLLOUT | POLLHUP, POLLIN, POLLOUT), POLLIN | POLLHUP);
  assert.equal(callerEvents(POLLIN, POLLIN, POLLIN), POLLIN);
});

test("ssl: the poll echo server (examples/poll_echo_server.ts) serves 100 concurrent CPython TLS clients on one thread", async () => {
  const p = testPki();
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.load_cert_chain(p.certFile, p.keyFile);
  let clients: Child | undefined;
  const before = inetSocketCount();
  const stats = serveEcho({
    tls: ctx,
    maxClients: 100,
    maxRunMs: 60000,
    clientIdleMs: 30000,
    onListen: (port) => {
      clients = new Child(python, [clientsPy, String(port), p.caFile, "100", "100000"]);
    },
  });
  const out = await clients!.done();
  assert.match(out, /OK 100 10000000/, out);
  assert.equal(stats.reason, "maxClients");
  assert.equal(stats.accepted, 100);
  assert.equal(stats.closed, 100, "every client closed cleanly (close_notify → EOF)");
  assert.equal(stats.bytes, 100 * 100000);
  assert.ok(stats.maxConcurrent > 1, `served at once: ${stats.maxConcurrent}`);
  assert.equal(inetSocketCount(), before, "every descriptor closed");
});

test("ssl: one 16 MiB blocking write to a slow reader arrives whole", async () => {
  const p = testPki();
  const size = 16 << 20;
  const [peer, port] = await pyPeer("sink", p.certFile, p.keyFile, undefined, { COUNT: String(size) });
  try {
    const t = clientCtx().wrap_socket(connect(port, 30), { server_hostname: "localhost" });
    assert.equal(t.write(new Uint8Array(size).fill(1)), size);
    assert.equal(text(t.readline()), "ok\n");
    t.close();
    assert.match(await peer.done(), new RegExp(`DONE got ${size}`));
  } finally {
    peer.kill();
  }
});

test(`ssl client ↔ this runtime's own TLS server (${runtimeName})`, async () => {
  const p = testPki();
  const srv = new Child(execPath, runtimeArgs(runtimeTls, "server", p.certFile, p.keyFile));
  try {
    const port = Number((await srv.line(/PORT (\d+)/))[1]);
    const t = clientCtx().wrap_socket(connect(port), { server_hostname: "localhost" });
    const data = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 255);
    t.sendall(data);
    const back = new Uint8Array(data.length);
    assert.equal(t.readinto(back), data.length);
    assert.deepEqual(back, data, "1 MiB echoed by the runtime's TLS");
    t.close();
    assert.match(await srv.done(), /DONE 1048576/);
  } finally {
    srv.kill();
  }
});

test(`ssl server ↔ this runtime's own TLS client (${runtimeName}), which verifies it`, async () => {
  const p = testPki();
  const [lsn, port] = listener();
  lsn.settimeout(10);
  const client = new Child(execPath, runtimeArgs(runtimeTls, "client", String(port), p.caFile));
  try {
    const [conn] = lsn.accept();
    conn.settimeout(10);
    const t = ssl.wrap_socket(conn, { server_side: true, cert: p.certFile, key: p.keyFile });
    assert.equal(text(t.readline()), "ping\n");
    t.write("pong\n");
    t.close();
    assert.match(await client.done(), /GOT pong/);
  } finally {
    client.kill();
    lsn.close();
  }
});

const example = (name: string) => new URL(`../examples/${name}`, import.meta.url).pathname;
const exampleArgs = (script: string, ...args: string[]) =>
  isBun ? [script, ...args] : ["run", "--allow-ffi", script, ...args];

test("MicroPython's http_client_ssl.py, ported (examples/http_client_ssl.ts), against openssl s_server", async () => {
  const p = testPki();
  for (const mode of [[], ["--socket"]]) {
    const [srv, port] = await sServer(p.certFile, p.keyFile);
    const client = new Child(execPath, exampleArgs(example("http_client_ssl.ts"), "127.0.0.1", String(port), ...mode));
    const out = await client.done();
    await srv.done();
    assert.match(out, /<SSLSocket fd=\d+ client>/, out);
    assert.match(out, /HTTP\/1\.0 200 ok/, `${mode.join(" ")}: ${out}`);
  }
});

test("MicroPython's http_server_ssl.py, ported (examples/http_server_ssl.ts), serves CPython's https client", async () => {
  const p = testPki();
  for (const mode of [[], ["--socket"]]) {
    const server = new Child(
      execPath,
      exampleArgs(example("http_server_ssl.ts"), p.certFile, p.keyFile, "0", "2", ...mode),
    );
    try {
      const port = (await server.line(/https:\/\/127\.0\.0\.1:(\d+)\//))[1];
      const get = [
        "import http.client, ssl, sys",
        `ctx = ssl.create_default_context(cafile=${JSON.stringify(p.caFile)})`,
        "for i in range(2):",
        `    c = http.client.HTTPSConnection("127.0.0.1", ${port}, context=ctx, timeout=10)`,
        "    c.request('GET', '/')",
        "    r = c.getresponse()",
        "    print(r.status, r.read().decode().strip())",
        "    c.close()",
      ].join("\n");
      const client = new Child(python, ["-c", get]);
      const out = await client.done();
      assert.match(out, /200 Hello #0 from MicroPython!\n200 Hello #1 from MicroPython!/, out);
      const log = await server.done();
      assert.match(log, /Request:/);
      assert.equal(server.proc.exitCode, 0, log);
    } finally {
      server.kill();
    }
  }
});

test("MicroPython's https_client_nonblocking.py, ported (examples/https_client_nonblocking.ts): poll-driven, against openssl s_server", async () => {
  const p = testPki();
  const [srv, port] = await sServer(p.certFile, p.keyFile);
  const client = new Child(execPath, exampleArgs(example("https_client_nonblocking.ts"), `https://127.0.0.1:${port}/`));
  const out = await client.done();
  await srv.done();
  assert.match(out, /Wrote: \d+/, out);
  assert.match(out, /Read: \d+/, out);
  assert.match(out, /HTTP\/1\.0 200 ok/, out);
  assert.equal(client.proc.exitCode, 0, out);
});

test("ssl: a surplus argument is a TypeError naming the method, before any call — every ssl function and method", () => {
  const [c, s] = tlsPair();
  const ctx = clientCtx();
  type Fn = (...args: unknown[]) => unknown;
  const t = c as unknown as Record<string, Fn>, x = ctx as unknown as Record<string, Fn>;
  const [pa, pb] = usocket.socketpair();
  const p = testPki();
  const table: SurplusCase[] = [
    ["SSLSocket.read(size)", [1], t.read, c],
    ["SSLSocket.readinto(buf, nbytes)", [new Uint8Array(1), 1], t.readinto, c],
    ["SSLSocket.readline(size)", [1], t.readline, c],
    ["SSLSocket.write(buf, off, max_len)", ["x", 0, 1], t.write, c],
    ["SSLSocket.recv(bufsize, flags)", [1, 0], t.recv, c],
    ["SSLSocket.recv_into(buf, nbytes, flags)", [new Uint8Array(1), 0, 0], t.recv_into, c],
    ["SSLSocket.send(data, flags)", ["x", 0], t.send, c],
    ["SSLSocket.sendall(data, flags)", ["x", 0], t.sendall, c],
    ["SSLSocket.do_handshake()", [], t.do_handshake, c],
    ["SSLSocket.pending()", [], t.pending, c],
    ["SSLSocket.getpeercert(binary_form)", [true], t.getpeercert, c],
    ["SSLSocket.cipher()", [], t.cipher, c],
    ["SSLSocket.version()", [], t.version, c],
    ["SSLSocket.selected_alpn_protocol()", [], t.selected_alpn_protocol, c],
    ["SSLSocket.settimeout(value)", [1], t.settimeout, c],
    ["SSLSocket.gettimeout()", [], t.gettimeout, c],
    ["SSLSocket.setblocking(flag)", [true], t.setblocking, c],
    ["SSLSocket.fileno()", [], t.fileno, c],
    ["SSLSocket.getpeername()", [], t.getpeername, c],
    ["SSLSocket.getsockname()", [], t.getsockname, c],
    ["SSLSocket.unwrap()", [], t.unwrap, c],
    ["SSLSocket.close()", [], t.close, c],
    [
      "new SSLContext(protocol)",
      [0],
      (...a: unknown[]) => new (ssl.SSLContext as unknown as new(...b: unknown[]) => unknown)(...a),
      null,
    ],
    ["SSLContext.load_cert_chain(certfile, keyfile)", [p.certFile, p.keyFile], x.load_cert_chain, ctx],
    ["SSLContext.load_verify_locations({ cafile, cadata })", [{ cafile: p.caFile }], x.load_verify_locations, ctx],
    ["SSLContext.load_default_certs()", [], x.load_default_certs, ctx],
    ["SSLContext.set_ciphers(ciphers)", ["DEFAULT"], x.set_ciphers, ctx],
    ["SSLContext.set_alpn_protocols(protocols)", [["h2"]], x.set_alpn_protocols, ctx],
    ["SSLContext.get_ciphers()", [], x.get_ciphers, ctx],
    ["SSLContext.wrap_socket(sock, options)", [pa, {}], x.wrap_socket, ctx],
    ["ssl.wrap_socket(sock, options)", [pa, {}], ssl.wrap_socket as Fn, null],
    ["ssl.create_default_context()", [], ssl.create_default_context as Fn, null],
  ];
  try {
    assertSurplusRefused(table);
    // nothing happened: the connection still works both ways
    c.write("still\n");
    assert.equal(text(s.readline()), "still\n");
    assert.ok(pa.fileno() >= 0, "no wrap took the plain socket");
  } finally {
    closeAll(c as never, s as never, pa, pb);
  }
});

test("ssl + poll: while ciphertext is queued a TLS socket is polled for POLLOUT, and pollers report the caller's POLLIN", () => {
  const { POLLIN, POLLOUT } = usocket.select;
  const [c, s] = tlsPair();
  try {
    c.setblocking(false);
    assert.equal(c._pollEvents(POLLIN), POLLIN, "nothing queued: the caller's events");
    const big = new Uint8Array(1 << 20);
    let n: number | null = 0;
    for (let i = 0; i < 100 && n !== null; i++) n = c.write(big);
    assert.equal(n, null, "the socket pair filled up");
    // a null write means the queue could not be sent: it must go before anything else
    assert.equal(c._pollEvents(POLLIN), POLLOUT);
    assert.equal(c._pollEvents(POLLIN | POLLOUT), POLLOUT);
    const p = usocket.select.poll();
    p.register(c, POLLIN);
    assert.deepEqual(p.poll(0), [], "not writable yet: nothing reported");
    // the peer drains; c becomes writable: the poller reports the POLLIN c was registered for
    s.setblocking(false);
    for (let i = 0; i < 1000 && s.read(1 << 20) !== null; i++);
    const ready = p.poll(2000);
    assert.deepEqual(ready, [[c, POLLIN]], "POLLOUT polled in the reader's stead, reported as POLLIN");
    assert.deepEqual(usocket.select.select([c], [], [], 1)[0], [c], "select() too");
    p.unregister(c);
  } finally {
    closeAll(c as never, s as never);
  }
});

/** Chunk `k` of a stream: a fixed random MiB with `k` in its first four bytes. */
function chunkOf(base: Uint8Array, k: number): Uint8Array {
  new DataView(base.buffer).setUint32(0, k);
  return base;
}

test("ssl: 256 MiB through CPython's TLS echo, blocking and then poll-driven (non-blocking), every byte checked", async () => {
  const p = testPki();
  const MiB = 1 << 20, chunks = 256;
  const base = new Uint8Array(MiB);
  for (let i = 0; i < MiB; i += 65536) crypto.getRandomValues(base.subarray(i, i + 65536));
  const expect = new Uint8Array(MiB), back = new Uint8Array(MiB);
  const check = (k: number) => {
    expect.set(chunkOf(base, k));
    for (let i = 0; i < MiB; i++) if (back[i] !== expect[i]) assert.fail(`chunk ${k}: byte ${i} differs`);
  };
  for (const mode of ["blocking", "poll"] as const) {
    const [peer, port] = await pyPeer("echo", p.certFile, p.keyFile);
    try {
      const t = clientCtx().wrap_socket(connect(port, 30), { server_hostname: "localhost" });
      if (mode === "blocking") {
        for (let k = 0; k < chunks; k++) {
          t.sendall(chunkOf(base, k).slice());
          assert.equal(t.readinto(back), MiB);
          check(k);
        }
      } else {
        t.setblocking(false);
        const pl = usocket.select.poll();
        pl.register(t, usocket.select.POLLIN | usocket.select.POLLOUT);
        let out = chunkOf(base, 0).slice(), outOff = 0, sentChunks = 0, gotChunks = 0, got = 0;
        for (let turn = 0; gotChunks < chunks && turn < 10_000_000; turn++) {
          let progress = false;
          if (sentChunks < chunks && sentChunks - gotChunks < 2) { // at most 2 MiB in flight
            const n = t.write(out.subarray(outOff));
            if (n !== null) {
              progress = true;
              outOff += n;
            }
            if (outOff === MiB) {
              sentChunks++;
              outOff = 0;
              if (sentChunks < chunks) out = chunkOf(base, sentChunks).slice();
            }
          }
          const r = t.readinto(back.subarray(got));
          if (r !== null) {
            progress = true;
            got += r;
            if (got === MiB) {
              check(gotChunks++);
              got = 0;
            }
          }
          if (!progress) pl.poll(5000); // nothing moved: wait for the socket (either way)
        }
        pl.unregister(t);
        assert.equal(gotChunks, chunks);
        t.setblocking(true);
      }
      t.settimeout(30);
      t.unwrap().close();
      assert.match(await peer.done(), new RegExp(`DONE echoed ${chunks * MiB}`), mode);
    } finally {
      peer.kill();
    }
  }
});

test("ssl + poll: records received but not decrypted yet count as pending, so poll reports POLLIN without the kernel", () => {
  const [c, s] = tlsPair();
  try {
    c.write("a");
    c.write("b"); // two records, which arrive together
    s.settimeout(5);
    assert.equal(text(s.read(1)), "a"); // one recv(2) took both into the read BIO; OpenSSL decrypted one
    assert.ok(s._pending() > 0, "the second record waits in the read BIO");
    const p = usocket.select.poll();
    p.register(s, usocket.select.POLLIN);
    assert.deepEqual(p.poll(0), [[s, usocket.select.POLLIN]], "the kernel has nothing; the TLS socket has");
    p.unregister(s);
    assert.equal(text(s.read(1)), "b");
    assert.equal(s._pending(), 0);
  } finally {
    closeAll(c as never, s as never);
  }
});

test("ssl: a record cut short by the peer's close raises SSLError after the bytes before it; nothing is lost or invented", async () => {
  const p = testPki();
  const [peer, port] = await pyPeer("truncated", p.certFile, p.keyFile);
  try {
    const t = clientCtx().wrap_socket(connect(port), { server_hostname: "localhost" });
    assert.equal(text(t.read(5)), "hello");
    assert.throws(() => t.read(), (e: unknown) => e instanceof ssl.SSLError, "the half record");
    t.close();
  } finally {
    await peer.done();
  }
});

test("ssl: cadata as one DER certificate, or as several PEM certificates in one buffer (MicroPython's forms)", async () => {
  const p = testPki();
  const selfPem = new Uint8Array(readFileSync(p.selfCert));
  const cases: [string, Uint8Array, string, string][] = [
    ["one DER certificate (the CA)", p.caDer, p.certFile, p.keyFile],
    [
      "two PEM certificates: the CA and a self-signed one; the CA's server",
      new Uint8Array([...p.caPem, ...selfPem]),
      p.certFile,
      p.keyFile,
    ],
    ["the same two: the self-signed server", new Uint8Array([...p.caPem, ...selfPem]), p.selfCert, p.selfKey],
  ];
  for (const [label, cadata, cert, key] of cases) {
    const [srv, port] = await sServer(cert, key);
    try {
      const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
      ctx.load_verify_locations({ cadata });
      const t = ctx.wrap_socket(connect(port), { server_hostname: "localhost" });
      assert.equal(t.version(), "TLSv1.3", label);
      t.close();
    } finally {
      srv.kill();
      await srv.done();
    }
  }
});

test("ssl: `using` closes a TLS socket (and its socket) at scope end", () => {
  const [a, b] = usocket.socketpair();
  let fd = -1;
  {
    using t = ssl.wrap_socket(a, { do_handshake: false });
    fd = t.fileno();
    assert.ok(fd >= 0);
  }
  assert.equal(a.fileno(), -1, "the wrapped socket is closed too");
  b.close();
});
