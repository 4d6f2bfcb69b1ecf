// The seeds' examples (examples/seed_*.ts), ported one to one, each run as a
// child of the current runtime — with exactly the documented permissions
// (Deno: --allow-ffi) — against a local peer: a usocket server in a Worker,
// a listener of this thread, or this thread as the client.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { closeAll, execPath, isBun, listener, nextMessage, portOf, runScript, startWorker, text } from "./helpers.ts";

const example = (name: string) => new URL(`../examples/${name}`, import.meta.url).pathname;
const DENO_FLAGS = ["--allow-ffi"]; // what each example's JSDoc says to pass

/** Runs an example to completion (synchronously: its peer must live in another thread or in the kernel). */
function run(name: string, args: string[]) {
  return runScript(example(name), args, { denoFlags: DENO_FLAGS, timeoutMs: 30000 });
}

/** A port nothing listens on (bound, then closed). */
function freePort(): number {
  const s = usocket.socket();
  s.bind(["127.0.0.1", 0]);
  const port = portOf(s);
  s.close();
  return port;
}

/** Starts an example asynchronously; `output` grows as it prints; `exited` resolves with its exit code. */
function start(name: string, args: string[]) {
  const argv = isBun ? [example(name), ...args] : ["run", ...DENO_FLAGS, example(name), ...args];
  const child: ChildProcess = spawn(execPath, argv, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (d) => (out.stdout += d));
  child.stderr!.on("data", (d) => (out.stderr += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), 30000);
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve(code);
    })
  );
  /** Resolves with the match once `re` matches stdout (bounded). */
  const waitFor = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${re} in: ${out.stdout} ${out.stderr}`)), 20000);
      const check = () => {
        const m = re.exec(out.stdout);
        if (m) {
          clearTimeout(timer);
          child.stdout!.off("data", check);
          resolve(m);
        }
      };
      child.stdout!.on("data", check);
      check();
    });
  return { out, exited, waitFor, kill: () => child.exitCode === null && child.kill("SIGKILL") };
}

test("seed getaddrinfo/connect: resolves the numeric address, connects, prints nothing", () => {
  const [srv, port] = listener();
  try {
    const r = run("seed_getaddrinfo_connect.ts", ["127.0.0.1", String(port)]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "", "the snippet prints nothing");
    // its connection completed in the kernel's backlog: accept it and see its EOF
    srv.settimeout(5);
    const [conn, peer] = srv.accept();
    assert.equal((peer as [string, number])[0], "127.0.0.1");
    conn.settimeout(5);
    assert.equal(conn.recv(16).length, 0, "the example closed its socket");
    conn.close();

    const refused = run("seed_getaddrinfo_connect.ts", ["127.0.0.1", String(freePort())]);
    assert.equal(refused.status, 1, "an uncaught OSError ends it");
    assert.match(refused.stderr, /ECONNREFUSED/);
  } finally {
    closeAll(srv);
  }
});

test("seed HaaS HTTP GET: sends the GET, recv(256), prints the length and the text", async () => {
  const body = "x".repeat(300);
  const response = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const [w, { port }] = await startWorker<{ port: number }>("./peers/seed_peer_worker.ts", {
    kind: "http",
    response,
  });
  try {
    const done = nextMessage<{ request?: string; error?: string }>(w);
    const r = run("seed_haas_http_get.ts", ["127.0.0.1", String(port)]);
    assert.equal(r.status, 0, r.stderr);
    const got = await done;
    assert.equal(got.error, undefined);
    assert.equal(
      got.request,
      "GET /News HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: deflate\r\nConnection: keep-alive\r\n\r\n",
      "the server received the seed's request",
    );
    // one send of 300+ bytes arrives whole; recv(256) takes the first 256
    assert.equal(r.stdout, `recv 256 bytes:\n${response.slice(0, 256)}\n`);
  } finally {
    w.terminate();
  }
});

test("seed K230 TCP client: prints the address info, writes ten messages (all received), closes", async () => {
  const [w, { port }] = await startWorker<{ port: number }>("./peers/seed_peer_worker.ts", { kind: "sink" });
  try {
    const done = nextMessage<{ received?: Uint8Array; error?: string }>(w);
    const t0 = performance.now();
    const r = run("seed_k230_tcp_client.ts", ["127.0.0.1", String(port), "0.1"]);
    const elapsed = performance.now() - t0;
    assert.equal(r.status, 0, r.stderr);
    const got = await done;
    assert.equal(got.error, undefined);
    const msgs = Array.from({ length: 10 }, (_, i) => `K230 TCP 客户端发送测试 ${i} \r\n`);
    assert.equal(text(got.received!), msgs.join(""), "the server received the ten messages, in order");

    const lines = r.stdout.split("\n");
    assert.match(lines[0], new RegExp(`^地址信息: \\[\\(2, 1, 6, '', \\('127\\.0\\.0\\.1', ${port}\\)\\)`));
    assert.equal(lines[1], `连接地址: ('127.0.0.1', ${port})`);
    const len = new TextEncoder().encode(msgs[0]).length;
    const expected = msgs.map((m) => `${m}\n${len}\n`).join("") + "结束\n";
    assert.equal(lines.slice(2).join("\n"), expected, "print(msg) then print(s.write(msg)), ten times, then 结束");
    // ten 0.2 s pauses and 1 s, scaled by 0.1: at least 0.3 s
    assert.ok(elapsed >= 300, `slept between writes (${elapsed.toFixed(0)} ms)`);
  } finally {
    w.terminate();
  }
});

for (const [host, af] of [["127.0.0.1", usocket.AF_INET], ["::1", usocket.AF_INET6]] as const) {
  test(`seed server on ${host}: bind/listen/accept serves two clients, then exits`, async () => {
    const server = start("seed_server.ts", [host, "0", "2", "10"]);
    try {
      const m = await server.waitFor(/^listening on \[".*?",(\d+)/m);
      const port = Number(m[1]);
      for (const name of ["ada", "bob"]) {
        const c = usocket.socket(af, usocket.SOCK_STREAM);
        try {
          c.settimeout(10);
          c.connect([host, port]);
          c.sendall(`${name}\n`);
          assert.equal(text(c.read()), `hello ${name}\n`);
        } finally {
          c.close();
        }
      }
      assert.equal(await server.exited, 0, server.out.stderr);
      const lines = server.out.stdout.trimEnd().split("\n");
      assert.equal(lines.length, 4, server.out.stdout);
      assert.match(lines[1], new RegExp(`^client 0 from \\["${host.replace(/\./g, "\\.")}",\\d+`));
      assert.match(lines[2], /^client 1 from /);
      assert.equal(lines[3], "done");
    } finally {
      server.kill();
    }
  });
}

test("seed server: settimeout bounds accept — no client, it ends with ETIMEDOUT", () => {
  const t0 = performance.now();
  const r = run("seed_server.ts", ["127.0.0.1", "0", "1", "0.5"]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^listening on /);
  assert.match(r.stderr, /ETIMEDOUT/);
  assert.ok(performance.now() - t0 < 20000);
});
