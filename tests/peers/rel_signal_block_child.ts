/**
 * Child process of the "signals during blocking calls" test
 * (tests/faults_test.ts). It installs a SIGUSR1 handler in the
 * runtime, prints "ready", then runs the steps below, each announced with
 * "<STEP> waiting …" just before its blocking call, while the parent sends
 * SIGUSR1 every few milliseconds and, for most steps, the data the call waits
 * for only after ~300 ms of signals. Each step prints "<STEP> ok …" or
 * "<STEP> FAIL …"; the process exits 0 when every step held.
 *
 * No timeout (the call must return the data sent after the signals):
 *   A accept, B poll(), C readinto of 100 000 bytes sent in 10 pieces,
 *   D readline of a line sent in two halves, E select(), I sendall of 16 MiB
 *   that the parent drains slowly.
 * With a timeout (kept exactly, never shortened by EINTR):
 *   F recv with 5 s: data after ~350 ms comes back, no error;
 *   G readinto with 1 s, only 10 bytes sent: ETIMEDOUT after ≥ 0.9 s, and
 *     the 10 bytes are kept for the next read;
 *   H select() with 1 s and poll(1000) on a silent socket: empty after ≥ 0.9 s;
 *   J sendall of 64 MiB with 1 s to a peer that does not read: ETIMEDOUT
 *     after ≥ 0.9 s.
 */
import process from "node:process";
import * as usocket from "../../mod.ts";
import { fnv1a, pattern } from "./rel_pattern.ts";

const { select, OSError, errno } = usocket;
let signals = 0;
const g = globalThis as { Deno?: { addSignalListener(s: string, f: () => void): void } };
if (g.Deno) g.Deno.addSignalListener("SIGUSR1", () => signals++);
else process.on("SIGUSR1", () => signals++);

let failed = false;
function report(step: string, ok: boolean, detail: string): void {
  console.log(`${step} ${ok ? "ok" : "FAIL"} ${detail}`);
  if (!ok) failed = true;
}

function attempt<T>(fn: () => T): { value?: T; err?: string; ms: number } {
  const t0 = performance.now();
  try {
    const value = fn();
    return { value, ms: performance.now() - t0 };
  } catch (e) {
    const err = e instanceof OSError ? errno.errorcode[e.errno] ?? String(e.errno) : String(e);
    return { err, ms: performance.now() - t0 };
  }
}

const dec = new TextDecoder();
const l = usocket.socket();
l.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
l.bind(["127.0.0.1", 0]);
l.listen(4);
console.log("ready");

// A: accept, no timeout
console.log(`A waiting ${(l.getsockname() as [string, number])[1]}`);
const a = attempt(() => l.accept());
const conn = a.value?.[0];
if (!conn) {
  report("A", false, `accept: ${a.err}`);
  process.exit(1);
}
const aData = attempt(() => dec.decode(conn.recv(64)));
report("A", aData.value === "A-data", `accept then recv ${aData.value ?? aData.err}`);

// B: poll() with no timeout
const p = select.poll<usocket.Socket>();
p.register(conn, select.POLLIN);
console.log("B waiting");
const b = attempt(() => p.poll());
const bData = attempt(() => dec.decode(conn.recv(64)));
report(
  "B",
  b.value?.length === 1 && b.value[0][0] === conn && (b.value[0][1] & select.POLLIN) !== 0 && bData.value === "B-data",
  `poll ${JSON.stringify(b.value?.map(([, ev]) => ev) ?? b.err)} then ${bData.value ?? bData.err}`,
);
p.unregister(conn);

// C: readinto 100 000 bytes, sent in 10 pieces
const cBuf = new Uint8Array(100000);
console.log("C waiting");
const c = attempt(() => conn.readinto(cBuf));
const cWant = new Uint8Array(100000);
pattern(cWant, 0);
report("C", c.value === 100000 && fnv1a(0, cBuf) === fnv1a(0, cWant), `readinto ${c.value ?? c.err}`);

// D: readline of a line sent in two halves
console.log("D waiting");
const d = attempt(() => dec.decode(conn.readline()!));
report("D", d.value === "D-first-half D-second-half\n", `readline ${JSON.stringify(d.value ?? d.err)}`);

// E: select() with no timeout
console.log("E waiting");
const e = attempt(() => select.select([conn], [], [], null));
const eData = attempt(() => dec.decode(conn.recv(64)));
report("E", e.value?.[0][0] === conn && eData.value === "E-data", `select then ${eData.value ?? eData.err}`);

// F: recv with a 5 s timeout; data after ~350 ms
conn.settimeout(5);
console.log("F waiting");
const f = attempt(() => dec.decode(conn.recv(64)));
report("F", f.value === "F-data" && f.ms >= 250, `recv ${f.value ?? f.err} after ${f.ms.toFixed(0)} ms`);

// G: readinto with 1 s; only 10 bytes arrive: ETIMEDOUT, bytes kept
conn.settimeout(1);
console.log("G waiting");
const gr = attempt(() => conn.readinto(new Uint8Array(1000)));
conn.settimeout(5);
const kept = attempt(() => dec.decode(conn.read(10)!));
report(
  "G",
  gr.err === "ETIMEDOUT" && gr.ms >= 900 && gr.ms < 5000 && kept.value === "0123456789",
  `readinto ${gr.value ?? gr.err} after ${gr.ms.toFixed(0)} ms, then read ${kept.value ?? kept.err}`,
);

// H: timed select and poll on a silent socket
console.log("H waiting");
const hs = attempt(() => select.select([conn], [], [], 1.0));
const hp = attempt(() => {
  const q = select.poll();
  q.register(conn, select.POLLIN);
  return q.poll(1000);
});
report(
  "H",
  hs.value?.[0].length === 0 && hs.ms >= 900 && hs.ms < 5000 && hp.value?.length === 0 && hp.ms >= 900
    && hp.ms < 5000,
  `select ${hs.value?.[0].length ?? hs.err} after ${hs.ms.toFixed(0)} ms, poll ${hp.value?.length ?? hp.err} after ${
    hp.ms.toFixed(0)
  } ms`,
);

// I: sendall 16 MiB with no timeout; the parent drains slowly
conn.settimeout(null);
const iBuf = new Uint8Array(16 << 20);
pattern(iBuf, 0);
console.log(`I waiting ${fnv1a(0x811c9dc5, iBuf)}`);
const i = attempt(() => conn.sendall(iBuf));
report("I", i.err === undefined, `sendall ${i.err ?? "done"} after ${i.ms.toFixed(0)} ms`);

// J: sendall 64 MiB with 1 s to a peer that does not read
conn.settimeout(1);
console.log("J waiting");
const j = attempt(() => conn.sendall(new Uint8Array(64 << 20)));
report(
  "J",
  j.err === "ETIMEDOUT" && j.ms >= 900 && j.ms < 5000,
  `sendall ${j.err ?? "done"} after ${j.ms.toFixed(0)} ms`,
);

conn.close();
l.close();
console.log(`done (handler ran ${signals} times so far: runtimes run it between calls)`);
process.exit(failed ? 1 : 0);
