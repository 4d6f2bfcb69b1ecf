// examples/unc.ts, the netcat built on usocket, run as a child of the current
// runtime (Deno: exactly --allow-ffi --allow-read, as documented) against
// local peers: usocket servers and clients in Workers, or sockets of this
// thread driven without blocking it (it has to feed unc's stdin).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { closeAll, execPath, isBun, listener, nextMessage, portOf, runScript, startWorker, text } from "./helpers.ts";
import { sClientArgs, testPki } from "./tls_helpers.ts";

const unc = new URL("../examples/unc.ts", import.meta.url).pathname;
const DENO_FLAGS = ["--allow-ffi", "--allow-read"];

/** Runs unc to completion with `input` on stdin (synchronously: its peer must be in another thread). */
function runUnc(args: string[], input = "") {
  return runScript(unc, args, { denoFlags: DENO_FLAGS, input, timeoutMs: 30000 });
}

/** Starts unc asynchronously with `input` on stdin; collects its output; `listening` resolves with its port. */
function start(args: string[], input: string | Uint8Array) {
  const argv = isBun ? [unc, ...args] : ["run", ...DENO_FLAGS, unc, ...args];
  const child = spawn(execPath, argv, { stdio: ["pipe", "pipe", "pipe"], env: process.env });
  const chunks: Uint8Array[] = [];
  const out = { stderr: "", stdout: () => Buffer.concat(chunks) };
  child.stdout!.on("data", (d: Uint8Array) => chunks.push(d));
  child.stderr!.on("data", (d) => (out.stderr += d));
  child.stdin!.on("error", () => {}); // EPIPE if unc exits before reading all of stdin
  child.stdin!.end(input);
  const killer = setTimeout(() => child.kill("SIGKILL"), 60000);
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve(code);
    })
  );
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`unc did not listen: ${out.stderr}`)), 20000);
    const check = () => {
      const m = /listening on \[".*?",(\d+)/.exec(out.stderr);
      if (m) (clearTimeout(timer), resolve(Number(m[1])));
    };
    child.stderr!.on("data", check);
  });
  listening.catch(() => {});
  return { out, exited, listening, kill: () => child.exitCode === null && child.kill("SIGKILL") };
}

/** recvfrom without blocking this thread: polls with MSG_DONTWAIT, yielding to the event loop (bounded). */
async function recvfromAsync(s: usocket.Socket, ms = 20000): Promise<[Uint8Array, usocket.Address | null]> {
  const end = performance.now() + ms;
  for (;;) {
    try {
      return s.recvfrom(65536, usocket.MSG_DONTWAIT);
    } catch (e) {
      if ((e as usocket.OSError).errno !== usocket.errno.EAGAIN) throw e;
      if (performance.now() > end) throw new Error("no datagram");
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

test("unc --help / -h print the usage and exit 0; bad usage exits 2", () => {
  for (const flag of ["--help", "-h"]) {
    const r = runUnc([flag]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^unc — a small netcat/);
    for (const opt of ["-l", "-u", "-4, -6", "-w secs"]) assert.ok(r.stdout.includes(opt), opt);
  }
  for (
    const [args, msg] of [
      [["--bogus", "127.0.0.1", "1"], /unknown option --bogus/],
      [["-x", "127.0.0.1", "1"], /unknown option -x/],
      [["127.0.0.1"], /need host and port/],
      [["-w", "0", "127.0.0.1", "1"], /-w needs/],
      [["127.0.0.1", "70000"], /bad port/],
    ] as const
  ) {
    const r = runUnc([...args]);
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, msg);
  }
});

for (
  const [af, host, flags] of [
    [usocket.AF_INET, "127.0.0.1", ["-4"]],
    [usocket.AF_INET6, "::1", ["-6"]],
    [usocket.AF_INET, "localhost", []], // resolved by getaddrinfo, each address tried in turn
  ] as const
) {
  test(`unc ${[...flags, host].join(" ")}: TCP client, stdin to an echo server, the echo to stdout`, async () => {
    const [w, { port }] = await startWorker<{ port: number }>("./peers/echo_worker.ts", { clients: 1, af });
    try {
      const summary = nextMessage<{ served: number; bytes: number }>(w);
      const input = "hello\nworld\n".repeat(1000);
      const r = runUnc([...flags, "-w", "10", host, String(port)], input);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, input, "every byte echoed back");
      assert.deepEqual(await summary, { served: 1, bytes: input.length });
    } finally {
      w.terminate();
    }
  });
}

test("unc: 8 MiB through an echo server come back intact (sends and receives interleave)", async () => {
  const [w, { port }] = await startWorker<{ port: number }>("./peers/echo_worker.ts", { clients: 1 });
  const input = new Uint8Array(8 << 20);
  for (let i = 0, x = 12345; i < input.length; i++) input[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  const u = start(["-w", "20", "127.0.0.1", String(port)], input);
  try {
    const summary = nextMessage<{ served: number; bytes: number }>(w, 60000);
    assert.equal(await u.exited, 0, u.out.stderr);
    const got = u.out.stdout();
    assert.equal(got.length, input.length);
    assert.ok(Buffer.compare(got, input) === 0, "the same bytes came back");
    assert.deepEqual(await summary, { served: 1, bytes: input.length });
  } finally {
    u.kill();
    w.terminate();
  }
});

for (const [af, host] of [[usocket.AF_INET, "127.0.0.1"], [usocket.AF_INET6, "::1"]] as const) {
  test(`unc -l ${host}: serves one TCP peer both ways, exits when the peer closes`, async () => {
    const u = start(["-l", "-w", "10", host, "0"], "pong\n");
    let w: Worker | undefined;
    try {
      const port = await u.listening;
      const [worker, result] = await startWorker<{ got?: string; error?: string }>("./peers/unc_peer_worker.ts", {
        af,
        port,
        send: "ping\n",
      });
      w = worker;
      assert.deepEqual(result, { got: "pong\n" }, "the client got unc's stdin, then EOF");
      assert.equal(await u.exited, 0, u.out.stderr);
      assert.equal(text(u.out.stdout()), "ping\n");
      assert.match(u.out.stderr, /connection from \[/);
    } finally {
      u.kill();
      w?.terminate();
    }
  });
}

test("unc -l ↔ unc: an upload continues after the listener (empty stdin) half-closes; both exit 0", async () => {
  const upload = "0123456789abcdef".repeat(65536); // 1 MiB
  const server = start(["-l", "-w", "10", "127.0.0.1", "0"], "");
  let client: ReturnType<typeof start> | undefined;
  try {
    const port = await server.listening;
    client = start(["-w", "10", "127.0.0.1", String(port)], upload);
    assert.equal(await client.exited, 0, client.out.stderr);
    assert.equal(await server.exited, 0, server.out.stderr);
    assert.equal(client.out.stdout().length, 0);
    assert.ok(text(server.out.stdout()) === upload, `the listener got all ${upload.length} bytes`);
  } finally {
    server.kill();
    client?.kill();
  }
});

test("unc -u: a UDP datagram out from stdin, the reply to stdout, exits after -w idle", async () => {
  const peer = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  peer.bind(["127.0.0.1", 0]);
  const u = start(["-u", "-w", "2", "127.0.0.1", String(portOf(peer))], "dgram\n");
  try {
    const [data, from] = await recvfromAsync(peer);
    assert.equal(text(data), "dgram\n");
    peer.sendto("reply\n", from!);
    assert.equal(await u.exited, 0, u.out.stderr);
    assert.equal(text(u.out.stdout()), "reply\n");
  } finally {
    u.kill();
    peer.close();
  }
});

test("unc -l -u: the first datagram picks the peer, stdin goes back to it", async () => {
  const u = start(["-lu", "-w", "2", "127.0.0.1", "0"], "reply\n");
  const peer = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  try {
    peer.bind(["127.0.0.1", 0]);
    const port = await u.listening;
    peer.sendto("hello\n", ["127.0.0.1", port]);
    const [data, from] = await recvfromAsync(peer);
    assert.equal(text(data), "reply\n");
    assert.deepEqual(from, ["127.0.0.1", port]);
    assert.equal(await u.exited, 0, u.out.stderr);
    assert.equal(text(u.out.stdout()), "hello\n");
  } finally {
    u.kill();
    peer.close();
  }
});

test("unc -w bounds accept (no client: ETIMEDOUT, exit 1) and idle time (a silent peer: exit 0)", async () => {
  let t0 = performance.now();
  const r = runUnc(["-l", "-w", "0.5", "127.0.0.1", "0"]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /ETIMEDOUT/);
  assert.ok(performance.now() - t0 < 15000);

  // a listener that never accepts: the connection completes in its backlog, nothing ever comes back
  const [srv, port] = listener();
  try {
    t0 = performance.now();
    const u = start(["-w", "1", "127.0.0.1", String(port)], "anyone?\n");
    assert.equal(await u.exited, 0, u.out.stderr);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 900 && elapsed < 15000, `exited after ${elapsed.toFixed(0)} ms idle`);
    assert.equal(u.out.stdout().length, 0);
  } finally {
    closeAll(srv);
  }
});

test("unc: a refused connection is reported as OSError and exit 1", () => {
  const s = usocket.socket();
  s.bind(["127.0.0.1", 0]);
  const port = portOf(s);
  s.close();
  const r = runUnc(["-w", "2", "127.0.0.1", String(port)]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^unc: \[Errno 111\] ECONNREFUSED/);
});

test("unc --ssl: a verified HTTPS GET to openssl s_server; unc -l --ssl serves openssl s_client", async () => {
  const p = testPki();
  // client: unc --ssl --ssl-trustfile → s_server -www
  const srv = spawn("openssl", [
    "s_server",
    "-accept",
    "127.0.0.1:0",
    "-cert",
    p.certFile,
    "-key",
    p.keyFile,
    "-naccept",
    "1",
    "-www",
  ], { stdio: ["ignore", "pipe", "pipe"] });
  const srvExit = new Promise((r) => srv.on("close", r));
  try {
    let srvOut = "";
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ACCEPT line: ${srvOut}`)), 10000);
      srv.stdout!.on("data", (d) => {
        srvOut += d;
        const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(srvOut);
        if (m) (clearTimeout(t), resolve(Number(m[1])));
      });
    });
    const u = start(
      ["--ssl", "--ssl-trustfile", p.caFile, "-w", "5", "localhost", String(port)],
      "GET / HTTP/1.0\r\n\r\n",
    );
    assert.equal(await u.exited, 0, u.out.stderr);
    assert.match(u.out.stderr, /TLS TLSv1\.3/);
    assert.match(u.out.stdout().toString(), /^HTTP\/1\.0 200 ok/);
  } finally {
    srv.kill("SIGKILL");
    await srvExit;
  }

  // server: unc -l --ssl → openssl s_client, which verifies it
  const l = start(
    ["-l", "--ssl", "--ssl-cert", p.certFile, "--ssl-key", p.keyFile, "-w", "1", "127.0.0.1", "0"],
    "hello from unc\n",
  );
  const port = await l.listening;
  const cli = spawn("openssl", sClientArgs(port, p.caFile, "-quiet"), { stdio: ["pipe", "pipe", "pipe"] });
  let cliOut = "";
  cli.stdout!.on("data", (d) => (cliOut += d));
  cli.stderr!.on("data", (d) => (cliOut += d));
  const cliExit = new Promise((r) => cli.on("close", r));
  cli.stdin!.end("hello from s_client\n");
  const killer = setTimeout(() => cli.kill("SIGKILL"), 20000);
  try {
    assert.equal(await l.exited, 0, l.out.stderr);
    await cliExit;
    assert.match(l.out.stdout().toString(), /hello from s_client/);
    assert.match(cliOut, /hello from unc/);
  } finally {
    clearTimeout(killer);
    cli.kill("SIGKILL");
    l.kill();
  }
});

test("unc --ssl: bad TLS usage exits 2", () => {
  assert.equal(runUnc(["-u", "--ssl", "127.0.0.1", "9"]).status, 2);
  assert.equal(runUnc(["-l", "--ssl", "127.0.0.1", "0"]).status, 2, "no certificate to serve");
  assert.equal(runUnc(["--ssl-cert"]).status, 2);
});
