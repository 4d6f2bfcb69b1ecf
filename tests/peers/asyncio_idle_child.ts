// Child of tests/asyncio_test.ts: awaits a receive that a timer satisfies after
// IDLE_MS, and reports what the whole process (every thread) spent meanwhile:
// CPU time and context switches (a wake-up each), from /proc. Then it leaves
// a finished server, a cancelled wait and a closed awaited socket behind and
// returns: the process must exit by itself, with no reactor left holding it.
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import * as usocket from "../../mod.ts";

const { asyncio } = usocket;
const IDLE_MS = Number(typeof Deno !== "undefined" ? Deno.args[0] : process.argv[2]);
declare const Deno: { args: string[] } | undefined;

function usage(): { cpuMs: number; switches: number } {
  const hz = 100; // USER_HZ on Linux
  const stat = readFileSync("/proc/self/stat", "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuMs = ((Number(f[11]) + Number(f[12])) * 1000) / hz; // utime, stime
  let switches = 0;
  for (const t of readdirSync("/proc/self/task")) {
    try {
      const s = readFileSync(`/proc/self/task/${t}/status`, "utf8");
      switches += Number(s.match(/^voluntary_ctxt_switches:\s+(\d+)/m)![1]);
      switches += Number(s.match(/^nonvoluntary_ctxt_switches:\s+(\d+)/m)![1]);
    } catch { /* the thread ended */ }
  }
  return { cpuMs, switches };
}

const [a, b] = usocket.socketpair();
// warm the reactor up (its thread or Worker starts on first use)
setTimeout(() => a.send("w"), 10);
await asyncio.sock_recv(b, 1);

const mode = typeof Deno !== "undefined" ? Deno.args[1] : process.argv[3];
const before = usage();
const t0 = performance.now();
if (mode === "sleep") {
  await asyncio.sleep_ms(IDLE_MS); // the baseline: the runtime idling on a timer only
} else {
  setTimeout(() => a.send("x"), IDLE_MS);
  await asyncio.sock_recv(b, 10);
}
const waited = performance.now() - t0;
const after = usage();
console.log(JSON.stringify({
  waited: Math.round(waited),
  cpuMs: after.cpuMs - before.cpuMs,
  switches: after.switches - before.switches,
}));

// leave things behind that must not keep the process alive
const server = await asyncio.start_server(() => {}, "127.0.0.1", 0);
server.close();
await server.wait_closed();
const ctrl = new AbortController();
const p = asyncio.sock_recv(a, 1, { signal: ctrl.signal }).catch(() => "aborted");
ctrl.abort();
await p;
const q = asyncio.wait_readable(b).catch((e) => e.errno);
b.close();
await q;
a.close();
console.log("END");
