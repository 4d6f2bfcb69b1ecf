/**
 * Bun's reactor thread (see `reactor.ts`): a Worker that blocks in
 * `epoll_wait(2)` on the main thread's epoll descriptor and posts each ready
 * list back as `[token, events, token, events, …]`. Registrations are
 * `EPOLLONESHOT`, so a reported descriptor stays quiet until the main
 * thread re-arms it: the loop never spins. It never returns to its own event
 * loop; the main thread unrefs it while nothing is awaited, so it does not
 * keep the process alive.
 *
 * Start-up: Bun drops messages posted to a Worker before its module (which
 * has top-level awaits) has run, so the Worker posts `"ready"` first and the
 * main thread answers with the epoll descriptor and the event layout.
 *
 * @module
 */
import { backend } from "../../ffi/backend.ts";
import { libcPaths } from "../../ffi/libc.ts";
import { epollSymbols } from "../../ffi/symbols.ts";

interface Setup {
  epfd: number;
  size: number;
  events: number;
  data: number;
}

const MAX_EVENTS = 64;
const scope = globalThis as unknown as {
  onmessage: ((e: { data: Setup }) => void) | null;
  postMessage(m: unknown): void;
};

scope.onmessage = (e) => {
  scope.onmessage = null;
  const { epfd, size, events, data } = e.data;
  const { epoll_wait } = backend.open(epollSymbols, libcPaths);
  const buf = new Uint8Array(size * MAX_EVENTS);
  const view = new DataView(buf.buffer);
  for (;;) {
    const n = epoll_wait(epfd, buf, MAX_EVENTS, -1);
    if (n <= 0) continue; // EINTR
    const out: number[] = new Array(n * 2);
    for (let i = 0; i < n; i++) {
      out[2 * i] = view.getUint32(i * size + data, true);
      out[2 * i + 1] = view.getUint32(i * size + events, true);
    }
    scope.postMessage(out);
  }
};
scope.postMessage("ready");
