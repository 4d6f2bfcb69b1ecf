/**
 * Child process of the signal test: installs a SIGUSR1 handler in the
 * runtime, then makes blocking calls while the parent keeps signalling:
 * recv / accept with a 1 s timeout (must raise ETIMEDOUT after ≥ 0.9 s, never
 * EINTR), poll(1000) (must return [] after ≥ 0.9 s), and a blocking recv with
 * no timeout on a connection to the parent (must return the parent's data).
 * Prints one line per step; exits 0 when every step held.
 */
import process from "node:process";
import * as usocket from "../../mod.ts";

const port = Number(process.argv[process.argv.length - 1]);
let signals = 0;
const g = globalThis as { Deno?: { addSignalListener(s: string, f: () => void): void } };
if (g.Deno) g.Deno.addSignalListener("SIGUSR1", () => signals++);
else process.on("SIGUSR1", () => signals++);

function timed(name: string, fn: () => unknown, expect: "ETIMEDOUT" | "empty"): void {
  const t0 = performance.now();
  let outcome: string;
  try {
    const r = fn();
    outcome = Array.isArray(r) && r.length === 0 ? "empty" : `returned ${JSON.stringify(r)}`;
  } catch (e) {
    outcome = e instanceof usocket.OSError ? usocket.errno.errorcode[e.errno] ?? String(e.errno) : String(e);
  }
  const ms = performance.now() - t0;
  const ok = outcome === expect && ms >= 900;
  console.log(`${name} ${ok ? "ok" : "FAIL"} ${outcome} after ${ms.toFixed(0)} ms`);
  if (!ok) process.exitCode = 1;
}

console.log("ready");
const u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
u.bind(["127.0.0.1", 0]);
u.settimeout(1);
timed("recv-timeout", () => u.recv(10), "ETIMEDOUT");
const l = usocket.socket();
l.bind(["127.0.0.1", 0]);
l.listen();
l.settimeout(1);
timed("accept-timeout", () => l.accept(), "ETIMEDOUT");
const p = usocket.select.poll();
p.register(u, usocket.select.POLLIN);
timed("poll-timeout", () => p.poll(1000), "empty");
p.unregister(u);

const c = usocket.socket();
c.connect(["127.0.0.1", port]);
console.log("waiting-for-data");
const data = c.recv(100); // blocking, no timeout: signals arrive meanwhile
console.log(`got ${new TextDecoder().decode(data)}`);
console.log(`signals ${signals}`);
for (const s of [u, l, c]) s.close();
process.exit(process.exitCode ?? 0);
