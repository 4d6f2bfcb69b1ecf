/**
 * Fault peer for tests/faults_test.ts and tests/bytes_test.ts, in a Worker. After "ready" it
 * takes `{ mode, port, delayMs, bytes, watch }` and posts `{ port }` (server
 * modes) or `{ connected: true }` (client modes) as its first message:
 *
 * - `reset-after-delay`: listen on 127.0.0.1:0, accept one client, send
 *   `bytes` bytes (maybe 0), wait `delayMs` WITHOUT reading, then close with
 *   SO_LINGER 0 (RST) — while the test's side is blocked in a call;
 * - `late-sender`: connect to `port`, wait `delayMs`, send "late", close.
 *
 * Watchdog: with `watch: { fd, flag, ms }` (flag: an Int32Array on a
 * SharedArrayBuffer), once its job is done the worker waits up to `ms` for
 * the test to set `flag[0]` to 1 (its blocking call returned). If it never
 * does, the worker shuts the test's socket `fd` down (a duplicate of it, with
 * fromfd) so that the blocked call returns and the test fails instead of
 * hanging. Its last message is `{ done: true, watchdog: boolean }` (or `{ error }`).
 */
import * as usocket from "../../mod.ts";

declare const self: Worker & { close(): void };

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

interface Params {
  mode: "reset-after-delay" | "late-sender";
  port?: number;
  delayMs: number;
  bytes?: number;
  watch?: { fd: number; flag: Int32Array; ms: number; family?: number };
}

self.onmessage = (e: MessageEvent) => {
  const p = e.data as Params;
  let watchdog = false;
  try {
    if (p.mode === "reset-after-delay") {
      const srv = usocket.socket();
      srv.bind(["127.0.0.1", 0]);
      srv.listen(1);
      srv.settimeout(20);
      self.postMessage({ port: (srv.getsockname() as [string, number])[1] });
      const [conn] = srv.accept();
      srv.close();
      if (p.bytes) conn.sendall(new Uint8Array(p.bytes).fill(0x5a));
      sleep(p.delayMs);
      conn.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, usocket.linger(true, 0));
      conn.close();
    } else {
      const c = usocket.socket();
      c.settimeout(20);
      c.connect(["127.0.0.1", p.port!]);
      self.postMessage({ connected: true });
      sleep(p.delayMs);
      c.sendall("late");
      c.close();
    }
    if (p.watch) {
      const w = p.watch;
      if (Atomics.wait(w.flag, 0, 0, w.ms) === "timed-out") {
        watchdog = true;
        const dup = usocket.fromfd(w.fd, w.family ?? usocket.AF_INET, usocket.SOCK_STREAM);
        dup.shutdown(usocket.SHUT_RDWR);
        dup.close();
      }
    }
    self.postMessage({ done: true, watchdog });
  } catch (err) {
    self.postMessage({ error: String(err), watchdog });
  }
  self.close();
};

self.postMessage("ready");
