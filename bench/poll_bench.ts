/**
 * The cost of `Poll.poll(0)` with 10, 1 000 and 10 000 registered sockets
 * (socketpair()s, nothing readable), in ns per call:
 *
 * - `poll(0)`: Socket objects registered for POLLIN (includes the pass that
 *   checks readline buffers);
 * - `poll(0) int fds`: the same descriptors registered as numbers (no such pass);
 * - `libc.poll`: the raw syscall on a hand-built pollfd array (kernel + FFI);
 * - `all ready`: registered for POLLOUT, so every socket is reported (the
 *   result list of N entries is allocated).
 *
 * Stops short of RLIMIT_NOFILE: if socketpair() fails with EMFILE it benches
 * the sockets it got. Closes everything at the end.
 *
 * ```sh
 * deno run --allow-ffi bench/poll_bench.ts
 * bun bench/poll_bench.ts
 * ```
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import * as usocket from "../mod.ts";

const { select } = usocket;
type Socket = usocket.Socket;

/** Runs `fn` repeatedly for about `budgetMs`; returns ns per call. */
function measure(fn: () => unknown, budgetMs = 300): number {
  for (let i = 0; i < 20; i++) fn(); // warm up
  let calls = 0, batch = 1;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < budgetMs) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    t = performance.now();
    if (batch < 1 << 16) batch *= 2;
  }
  return ((t - t0) * 1e6) / calls;
}

/** Up to `n` sockets from socketpair(), fewer if the descriptor limit says so. */
function openSockets(n: number): Socket[] {
  const out: Socket[] = [];
  try {
    while (out.length < n) out.push(...usocket.socketpair());
  } catch (e) {
    if (!(e instanceof usocket.OSError && (e.errno === usocket.errno.EMFILE || e.errno === usocket.errno.ENFILE))) {
      throw e;
    }
    // Leave some descriptors free for the runtime.
    for (let i = 0; i < 64 && out.length > 0; i++) out.pop()!.close();
    console.log(`  (descriptor limit: ${out.length} sockets)`);
  }
  return out.slice(0, n);
}

function fmtNs(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
}

const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno";
console.log(`poll(0) cost on ${runtime}, ns per call (nothing ready unless said)`);
console.log("sockets      poll(0)   poll(0) int fds     libc.poll         all ready   per socket (poll(0))");
for (const n of [10, 1000, 10000]) {
  const socks = openSockets(n);
  const count = socks.length;

  const p = select.poll<Socket>();
  for (const s of socks) p.register(s, select.POLLIN);
  if (p.poll(0).length !== 0) throw new Error("expected nothing ready");
  const tSock = measure(() => p.poll(0));

  const q = select.poll<number>();
  for (const s of socks) q.register(s.fileno(), select.POLLIN);
  const tInt = measure(() => q.poll(0));

  const raw = new Uint8Array(count * 8);
  const fds = new Int32Array(raw.buffer), evs = new Int16Array(raw.buffer);
  socks.forEach((s, i) => {
    fds[i * 2] = s.fileno();
    evs[i * 4 + 2] = select.POLLIN;
  });
  const tRaw = measure(() => libc.poll(raw, count, 0));

  for (const s of socks) p.modify(s, select.POLLOUT);
  if (p.poll(0).length !== count) throw new Error("expected every socket writable");
  const tAll = measure(() => p.poll(0));

  console.log(
    `${String(count).padStart(7)}  ${fmtNs(tSock).padStart(11)}  ${fmtNs(tInt).padStart(16)}  ${
      fmtNs(tRaw).padStart(11)
    }  ${fmtNs(tAll).padStart(16)}  ${fmtNs(tSock / count).padStart(20)}`,
  );
  for (const s of socks) p.unregister(s);
  for (const s of socks) s.close();
}
