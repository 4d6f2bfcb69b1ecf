// Socket.sendfile: whole files and ranges to CPython over loopback, checked
// by hash; ranges, paths and descriptors, the file position left alone,
// non-blocking partial sends resumed to the last byte, a timeout, the
// pread + send fallback, and bad arguments. (EPIPE without SIGPIPE is in
// faults_test's child.)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { NOSIGNAL, OP_SEND, sockCall } from "../src/call.ts";
import { sendFile } from "../src/sendfile.ts";
import { assertOSError, closeAll, listener } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "usocket-sendfile-"));
const bytes = (n: number, seed = 1) => {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) b[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return b;
};
const MiB = 1 << 20;
const big = bytes(6 * MiB + 123);
const bigPath = join(dir, "big.bin");
writeFileSync(bigPath, big);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** CPython connects to `port`, reads to EOF and prints the length and SHA-256 of what it read. */
function pythonSink(port: number): Promise<string> {
  const py = `import socket, hashlib
s = socket.create_connection(("127.0.0.1", ${port}), timeout=30)
h, n = hashlib.sha256(), 0
while True:
    b = s.recv(1 << 16)
    if not b: break
    h.update(b); n += len(b)
print(n, h.hexdigest())`;
  return new Promise((resolve, reject) => {
    const p = spawn("python3", ["-c", py], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => p.kill("SIGKILL"), 60000);
    let out = "", err = "";
    p.stdout!.on("data", (d) => out += d);
    p.stderr!.on("data", (d) => err += d);
    p.on("exit", (code) => {
      clearTimeout(timer);
      code === 0 ? resolve(out.trim()) : reject(new Error(`python3 exited ${code}: ${err}`));
    });
  });
}

test("sendfile: a whole 6 MiB file to CPython (blocking), then a range (with a timeout); every byte arrives (by hash)", async () => {
  for (
    const [offset, count, want] of [[0, null, big], [
      1000,
      3 * MiB + 7,
      big.subarray(1000, 1000 + 3 * MiB + 7),
    ]] as const
  ) {
    const [srv, port] = listener();
    srv.settimeout(20);
    const done = pythonSink(port);
    const [conn] = srv.accept();
    if (offset) conn.settimeout(10); // the range with a timeout: later steps wait in poll(2), sendfile without waiting
    assert.equal(conn.sendfile(bigPath, offset, count), want.length);
    conn.close();
    srv.close();
    assert.equal(await done, `${want.length} ${sha(want)}`);
  }
});

test("sendfile: a descriptor (node:fs) keeps its file position; count past the end stops at the end; at the end, 0", () => {
  const small = bytes(50_000, 7), path = join(dir, "small.bin");
  writeFileSync(path, small);
  const fd = openSync(path, "r");
  const [a, b] = usocket.socketpair();
  b.settimeout(5);
  try {
    assert.equal(a.sendfile(fd, 10, 100), 100);
    assert.deepEqual(b.read(100), small.subarray(10, 110));
    assert.equal(a.sendfile(fd, 49_990, 1000), 10);
    assert.deepEqual(b.read(10), small.subarray(49_990));
    assert.equal(a.sendfile(fd, 50_000), 0);
    assert.equal(a.sendfile(fd, 60_000), 0);
    // the descriptor's own position is still 0
    const first = new Uint8Array(5);
    assert.equal(readSync(fd, first, 0, 5, null), 5);
    assert.deepEqual(first, small.subarray(0, 5));
  } finally {
    closeSync(fd);
    closeAll(a, b);
  }
});

test("sendfile non-blocking: sends what fits and returns the count, EAGAIN when nothing fits; resumed from offset + count, nothing lost", () => {
  const [a, b] = usocket.socketpair();
  a.setsockopt(usocket.SOL_SOCKET, usocket.SO_SNDBUF, 8192);
  a.setblocking(false);
  b.setblocking(false);
  const file = big.subarray(0, 2 * MiB);
  const got = new Uint8Array(file.length);
  let sent = 0, received = 0, eagain = 0, partial = 0;
  // no reader yet: the socket fills, partial sends, then EAGAIN
  for (let i = 0; i < 1000 && eagain === 0; i++) {
    try {
      const n = a.sendfile(bigPath, sent, file.length - sent);
      if (n < file.length - sent) partial++;
      sent += n;
    } catch (e) {
      assert.ok(e instanceof usocket.OSError && e.errno === usocket.errno.EAGAIN, String(e));
      eagain++;
    }
  }
  assert.ok(sent > 0 && sent < file.length && eagain === 1, `${sent} sent before EAGAIN`);
  for (let round = 0; round < 100_000 && received < file.length; round++) {
    if (sent < file.length) {
      try {
        const n = a.sendfile(bigPath, sent, file.length - sent);
        assert.ok(n > 0 && n <= file.length - sent);
        if (n < file.length - sent) partial++;
        sent += n;
      } catch (e) {
        assert.ok(e instanceof usocket.OSError && e.errno === usocket.errno.EAGAIN, String(e));
        eagain++;
      }
    }
    try {
      received += b.recv_into(got.subarray(received));
    } catch (e) {
      assert.ok(e instanceof usocket.OSError && e.errno === usocket.errno.EAGAIN, String(e));
    }
  }
  assert.equal(received, file.length);
  assert.equal(sha(got), sha(file));
  assert.ok(partial > 0 && eagain > 0, `partial sends ${partial}, EAGAIN ${eagain}`);
  closeAll(a, b);
});

test("sendfile with a timeout and no reader: OSError(ETIMEDOUT) after about the timeout", () => {
  const [a, b] = usocket.socketpair();
  a.settimeout(0.3);
  const t0 = performance.now();
  assertOSError(() => a.sendfile(bigPath), usocket.errno.ETIMEDOUT);
  const ms = performance.now() - t0;
  assert.ok(ms >= 250 && ms < 5000, `${ms.toFixed(0)} ms`);
  closeAll(a, b);
});

test("the pread + send fallback (macOS's way, and for files sendfile(2) cannot read) sends the same bytes", () => {
  const [a, b] = usocket.socketpair();
  b.settimeout(5);
  const fd = openSync(bigPath, "r");
  try {
    const send = (buf: Uint8Array, len: number, first: boolean) =>
      sockCall(a.fileno(), -1, OP_SEND, buf, len, NOSIGNAL, -1, first, 0);
    // 150 000 bytes (3 chunks of the fallback's 64 KiB) from offset 5
    const r = sendFile(a.fileno(), -1, -1, fd, 5, 150_000, send, false);
    assert.equal(r, 150_000);
    assert.deepEqual(b.read(150_000), big.subarray(5, 150_005));
    // to the end of the file from near it
    assert.equal(sendFile(a.fileno(), -1, -1, fd, big.length - 70_000, null, send, false), 70_000);
    assert.deepEqual(b.read(70_000), big.subarray(big.length - 70_000));
  } finally {
    closeSync(fd);
    closeAll(a, b);
  }
});

test("sendfile refuses datagram sockets and bad arguments before any syscall; EBADF, ENOENT", () => {
  using udp = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  assert.throws(() => udp.sendfile(bigPath), /only SOCK_STREAM sockets/);
  const [a, b] = usocket.socketpair();
  assert.throws(() => a.sendfile(bigPath, -1), /offset must be an integer/);
  assert.throws(() => a.sendfile(bigPath, 0, 1.5), /count must be an integer/);
  assert.throws(() => a.sendfile({} as unknown as string), /file must be a descriptor number or a path/);
  assert.throws(() => a.sendfile("a\0b"), /file must not contain NUL/);
  assert.throws(() => (a.sendfile as (...x: unknown[]) => number)(bigPath, 0, 1, 2), /at most 3 arguments/);
  assertOSError(() => a.sendfile(join(dir, "missing")), usocket.errno.ENOENT);
  using other = usocket.socket();
  assertOSError(() => a.sendfile(other.fileno(), 0, 10), usocket.errno.ESPIPE); // no offset to read a socket at
  assertOSError(() => a.sendfile(4090, 0, 10), usocket.errno.EBADF); // (no descriptor 4090 here)
  a.close();
  assertOSError(() => a.sendfile(bigPath), usocket.errno.EBADF);
  b.close();
});

test("sendfile to a closed peer raises EPIPE (SIGPIPE blocked for the call and taken off the queue: faults_test runs it with the default action)", () => {
  const [a, b] = usocket.socketpair();
  b.close();
  assertOSError(() => a.sendfile(bigPath), usocket.errno.EPIPE);
  assertOSError(() => a.sendfile(bigPath, 0, 10), usocket.errno.EPIPE);
  a.close();
});
