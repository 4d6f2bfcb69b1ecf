/**
 * Child process of the memory test (tests/load_test.ts), so that
 * nothing else in the process (test runner, type checker, earlier tests'
 * workers) moves the figures: `rel_rss_child.ts <tcp|udp> <warmup> <total>`
 * makes `warmup` round trips of 64-byte messages, collects garbage, reads the
 * resident set size, makes the rest up to `total`, collects and reads again.
 * Prints one JSON line: `{ before, after, heapBefore, heapAfter, usPerTrip,
 * bad, source }` (bytes, µs; `source`: "VmRSS" from /proc/self/status, or
 * "memoryUsage().rss" where that file may not be read).
 * TCP: sendall → readinto → write → recv; UDP: sendto → recvfrom → sendto → recvfrom_into.
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import * as usocket from "../../mod.ts";

const [kind, warmArg, totalArg] = process.argv.slice(-3);
const warm = Number(warmArg), total = Number(totalArg);

/** Where the figure comes from: Deno refuses /proc/self/status without --allow-all. */
let source = "VmRSS";

function rss(): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not allowed */ }
  source = "memoryUsage().rss";
  return process.memoryUsage().rss;
}

async function settle(): Promise<[number, number]> {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  for (let i = 0; i < 5; i++) {
    if (g.Bun) g.Bun.gc(true);
    else g.gc?.();
    await new Promise((r) => setTimeout(r, 20));
  }
  return [rss(), process.memoryUsage().heapUsed];
}

const msg = new Uint8Array(64).map((_, i) => i);
const buf = new Uint8Array(64);
let bad = 0;
let trips: (n: number) => void;
let close: () => void;
if (kind === "tcp") {
  const srv = usocket.socket();
  srv.bind(["127.0.0.1", 0]);
  srv.listen();
  const a = usocket.socket();
  a.connect(srv.getsockname());
  const [b] = srv.accept();
  srv.close();
  a.setsockopt(usocket.IPPROTO_TCP, usocket.TCP_NODELAY, 1);
  b.setsockopt(usocket.IPPROTO_TCP, usocket.TCP_NODELAY, 1);
  trips = (n) => {
    for (let i = 0; i < n; i++) {
      msg[0] = i & 255;
      a.sendall(msg);
      b.readinto(buf);
      b.write(buf);
      const back = a.recv(64);
      if (back.length !== 64 || back[0] !== (i & 255)) bad++;
    }
  };
  close = () => (a.close(), b.close());
} else {
  const a = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const b = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  a.bind(["127.0.0.1", 0]);
  b.bind(["127.0.0.1", 0]);
  const to = b.getsockname();
  trips = (n) => {
    for (let i = 0; i < n; i++) {
      msg[0] = i & 255;
      a.sendto(msg, to);
      const [d, from] = b.recvfrom(64);
      b.sendto(d, from!);
      const [m] = a.recvfrom_into(buf);
      if (m !== 64 || buf[0] !== (i & 255)) bad++;
    }
  };
  close = () => (a.close(), b.close());
}
trips(warm);
const [before, heapBefore] = await settle();
const t0 = performance.now();
trips(total - warm);
const usPerTrip = (performance.now() - t0) * 1000 / (total - warm);
const [after, heapAfter] = await settle();
close();
console.log(JSON.stringify({ before, after, heapBefore, heapAfter, usPerTrip, bad, source }));
