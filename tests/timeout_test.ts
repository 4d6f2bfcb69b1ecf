// Timeouts end at the deadline: every blocking call with settimeout(t) that
// has nothing to do raises ETIMEDOUT between t and t + 15 ms — never early,
// and not late the way the kernel's own SO_RCVTIMEO is (its timer wheel
// fires up to 1/8 of the wait late: 3 s returned after 3.01–3.17 s here).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { closeAll, emulation, listener, slow } from "./helpers.ts";

const { errno, OSError } = usocket;
/**
 * How late a timed call may end (ms). poll(2) wakes within a millisecond; the rest is scheduling.
 * Times helpers.slow: under qemu-user everything is slower, the first calls most (a first recv 73 ms
 * late on arm64 Deno).
 */
const LATE_MS = 15 * slow;

/** Runs `call` (which must time out) and returns how far past `t` seconds it ended, in ms. */
function overshoot(t: number, call: () => unknown): number {
  const t0 = performance.now();
  try {
    call();
  } catch (e) {
    const ms = performance.now() - t0;
    if (!(e instanceof OSError) || e.errno !== errno.ETIMEDOUT) throw e;
    return ms - t * 1000;
  }
  throw new Error("did not time out");
}

function checkAll(label: string, t: number, repeat: number, call: () => unknown): void {
  // under emulation one call first, not measured: qemu translates the code it runs the first time
  // (arm64 Bun on a busy host: a first readline 359 ms late)
  if (emulation) overshoot(t, call);
  for (let i = 0; i < repeat; i++) {
    const late = overshoot(t, call);
    assert.ok(late >= -1, `${label}, settimeout(${t}): ended ${(-late).toFixed(1)} ms early`);
    assert.ok(late < LATE_MS, `${label}, settimeout(${t}): ended ${late.toFixed(1)} ms late (bound ${LATE_MS})`);
  }
}

for (const t of [0.03, 0.3]) {
  test(`settimeout(${t}): recv, recvfrom, readinto, readline, read and accept end within ${LATE_MS} ms of the deadline`, () => {
    const [a, b] = usocket.socketpair();
    const [srv] = listener();
    const u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
    try {
      for (const s of [a, srv, u]) s.settimeout(t);
      u.bind(["127.0.0.1", 0]);
      const buf = new Uint8Array(16);
      checkAll("recv", t, 3, () => a.recv(16));
      checkAll("recvfrom (UDP)", t, 2, () => u.recvfrom(16));
      checkAll("readinto", t, 2, () => a.readinto(buf));
      checkAll("readline", t, 2, () => a.readline());
      checkAll("read(5)", t, 1, () => a.read(5));
      checkAll("accept", t, 3, () => srv.accept());
    } finally {
      closeAll(a, b, srv, u);
    }
  });

  test(`settimeout(${t}): send, sendall and write to a full buffer end within ${LATE_MS} ms of the deadline`, () => {
    const [a, b] = usocket.socketpair();
    try {
      a.setblocking(false);
      const chunk = new Uint8Array(65536);
      for (let i = 0; i < 10000; i++) {
        try {
          a.send(chunk);
        } catch (e) {
          if ((e as usocket.OSError).errno === errno.EAGAIN) break;
          throw e;
        }
      }
      a.settimeout(t);
      checkAll("send", t, 3, () => a.send(chunk));
      checkAll("sendall", t, 2, () => a.sendall(chunk));
      checkAll("write", t, 2, () => a.write(chunk));
    } finally {
      closeAll(a, b);
    }
  });
}

test(`settimeout(0.3): connect to a listener whose backlog is full ends within ${LATE_MS} ms of the deadline`, () => {
  const [srv, port] = listener(usocket.AF_INET, 0);
  const queued: usocket.Socket[] = [];
  try {
    // fill the accept queue (backlog 0 holds one), so the next SYN is dropped
    for (let i = 0; i < 4; i++) {
      const c = usocket.socket();
      queued.push(c);
      c.setblocking(false);
      c.connect_ex(["127.0.0.1", port]);
    }
    const c = usocket.socket();
    queued.push(c);
    c.settimeout(0.3);
    const late = overshoot(0.3, () => c.connect(["127.0.0.1", port]));
    assert.ok(late >= -1 && late < LATE_MS, `connect ended ${late.toFixed(1)} ms past the deadline`);
  } finally {
    closeAll(srv, ...queued);
  }
});
