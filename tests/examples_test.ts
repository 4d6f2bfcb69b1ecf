// The seeds' examples, ported one to one, each run against a local server.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { closeAll, execPath, isBun, listener, nextMessage, runScript, startWorker, text } from "./helpers.ts";

const example = (name: string) => new URL(`../examples/${name}`, import.meta.url).pathname;

test("seed: getaddrinfo → connect (MicroPython docs snippet)", () => {
  const [srv, port] = listener();
  const r = runScript(example("seed_getaddrinfo_connect.ts"), ["127.0.0.1", String(port)]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`sockaddr: \\["127\\.0\\.0\\.1",${port}\\]`));
  assert.match(r.stdout, /connected: <socket fd=\d+ AF_INET SOCK_STREAM>/);
  srv.settimeout(2);
  const [conn] = srv.accept(); // the connection the example made is in the backlog
  closeAll(conn, srv);
});

test("seed: HaaS HTTP GET against a local HTTP server written with usocket", async () => {
  const [w, { port }] = await startWorker<{ port: number }>("../examples/demo_servers.ts", {
    kind: "http",
    clients: 1,
  });
  const r = runScript(example("seed_haas_http_get.ts"), ["127.0.0.1", String(port)]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sent \d+ bytes/);
  assert.match(r.stdout, /recv \d+ bytes:\nHTTP\/1\.1 200 OK/);
  await nextMessage(w);
  w.terminate();
});

test("seed: K230 TCP client writes ten messages, all received", async () => {
  const [w, { port }] = await startWorker<{ port: number }>("./peers/echo_worker.ts", { clients: 1, sink: true });
  const r = runScript(example("seed_k230_tcp_client.ts"), ["127.0.0.1", String(port), "0.02"]);
  assert.equal(r.status, 0, r.stderr);
  const expected = Array.from({ length: 10 }, (_, i) => `K230 TCP 客户端发送测试 ${i} \r\n`).join("");
  const bytes = new TextEncoder().encode(expected).length;
  const counts = r.stdout.split("\n").filter((l) => /^\d+$/.test(l)).map(Number);
  assert.equal(counts.length, 10, "write() printed ten counts");
  assert.equal(counts.reduce((a, b) => a + b, 0), bytes, "write() counts add up");
  assert.match(r.stdout, /结束/);
  const summary = await nextMessage<{ served: number; bytes: number }>(w);
  assert.deepEqual(summary, { served: 1, bytes });
  w.terminate();
});

test("seed: bind/listen/accept server serves two clients and exits", async () => {
  const args = isBun ? [example("seed_server.ts"), "0", "2"] : [
    "run",
    "--allow-ffi",
    "--allow-read",
    "--allow-env",
    example("seed_server.ts"),
    "0",
    "2",
  ];
  const child = spawn(execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on \["127\.0\.0\.1",(\d+)\]/.exec(out);
      if (m) (clearTimeout(timer), resolve(Number(m[1])));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  for (const name of ["ada", "bob"]) {
    const c = usocket.socket();
    c.settimeout(5);
    c.connect(["127.0.0.1", port]);
    c.sendall(`${name}\n`);
    assert.equal(text(c.read()), `hello ${name}\n`);
    c.close();
  }
  const killer = setTimeout(() => child.kill("SIGKILL"), 20000);
  assert.equal(await exited, 0, out);
  clearTimeout(killer);
  assert.match(out, /client 1 from/);
  assert.match(out, /done/);
});
