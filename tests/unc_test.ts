// examples/unc.ts, the netcat built on usocket, against local peers.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { execPath, isBun, nextMessage, runScript, startWorker, text } from "./helpers.ts";

const unc = new URL("../examples/unc.ts", import.meta.url).pathname;

/** Starts unc asynchronously with `input` on stdin; collects its output. */
function start(args: string[], input: string) {
  const argv = isBun ? [unc, ...args] : ["run", "--allow-ffi", "--allow-read", "--allow-env", unc, ...args];
  const child = spawn(execPath, argv, { stdio: ["pipe", "pipe", "pipe"], env: process.env });
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (d) => (out.stdout += d));
  child.stderr!.on("data", (d) => (out.stderr += d));
  child.stdin!.on("error", () => {}); // EPIPE if unc exits before reading all of stdin
  child.stdin!.end(input);
  const killer = setTimeout(() => child.kill("SIGKILL"), 30000);
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve(code);
    })
  );
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`unc did not listen: ${out.stderr}`)), 20000);
    child.stderr!.on("data", () => {
      const m = /listening on \[".*?",(\d+)/.exec(out.stderr);
      if (m) (clearTimeout(timer), resolve(Number(m[1])));
    });
  });
  return { out, exited, listening };
}

test("unc --help prints the usage and exits 0", () => {
  const r = runScript(unc, ["--help"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /usage:/);
  assert.match(r.stdout, /-w secs/);
  const bad = runScript(unc, ["--bogus"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown option/);
});

test("unc: TCP client (IPv4 and IPv6) — stdin to an echo server and the echo to stdout", async () => {
  for (const [af, host, flag] of [[usocket.AF_INET, "127.0.0.1", "-4"], [usocket.AF_INET6, "::1", "-6"]] as const) {
    const [w, { port }] = await startWorker<{ port: number }>("./peers/echo_worker.ts", { clients: 1, af });
    const input = "hello\nworld\n".repeat(1000);
    const r = runScript(unc, [flag, "-w", "5", host, String(port)], { input });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, input, `${host}: every byte echoed back`);
    assert.deepEqual(await nextMessage(w), { served: 1, bytes: input.length });
    w.terminate();
  }
});

test("unc -l: listens, serves one TCP peer both ways, exits when the peer closes", async () => {
  const u = start(["-l", "-w", "10", "127.0.0.1", "0"], "pong\n");
  const port = await u.listening;
  const c = usocket.socket();
  c.settimeout(10);
  c.connect(["127.0.0.1", port]);
  c.sendall("ping\n");
  assert.equal(text(c.readline()), "pong\n");
  c.close();
  assert.equal(await u.exited, 0, u.out.stderr);
  assert.equal(u.out.stdout, "ping\n");
});

test("unc -u: a UDP datagram out from stdin, the reply to stdout, exits after -w idle", async () => {
  const peer = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  peer.bind(["127.0.0.1", 0]);
  peer.settimeout(10);
  const port = (peer.getsockname() as [string, number])[1];
  const u = start(["-u", "-w", "1", "127.0.0.1", String(port)], "dgram\n");
  // wait without blocking this thread's event loop, which still has to feed unc's stdin
  let got: [Uint8Array, usocket.Address | null] | undefined;
  for (let i = 0; i < 1000 && !got; i++) {
    try {
      got = peer.recvfrom(100, usocket.MSG_DONTWAIT);
    } catch (e) {
      if ((e as usocket.OSError).errno !== usocket.errno.EAGAIN) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  assert.ok(got, "unc sent its datagram within 10 s");
  const [data, from] = got;
  assert.equal(text(data), "dgram\n");
  peer.sendto("reply\n", from!);
  assert.equal(await u.exited, 0, u.out.stderr);
  assert.equal(u.out.stdout, "reply\n");
  peer.close();
});

test("unc: a refused connection is reported as OSError and exit 1", () => {
  const s = usocket.socket();
  s.bind(["127.0.0.1", 0]);
  const port = (s.getsockname() as [string, number])[1];
  s.close();
  const r = runScript(unc, ["-w", "2", "127.0.0.1", String(port)]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /ECONNREFUSED/);
});
