/**
 * Bulk peer for tests/bytes_test.ts, in a Worker. After "ready" it
 * takes `{ mode, bytes, after }`, binds 127.0.0.1:0, posts its port, accepts
 * one client and:
 * - `sink`: reads to EOF into a reused 64 KiB buffer, checksumming;
 * - `source`: sends `bytes` of the test pattern, checksumming, then closes;
 * - `reset`: reads `after` bytes, then closes with SO_LINGER 0 (RST);
 * - `reset-writer`: sends `after` bytes, then closes with SO_LINGER 0.
 * Posts `{ bytes, sum }` (or `{ error }`). Every call has a timeout.
 */
import * as usocket from "../../mod.ts";
import { fnv1a, pattern } from "./rel_pattern.ts";

declare const self: Worker & { close(): void };

self.onmessage = (e: MessageEvent) => {
  const { mode, bytes, after } = e.data as { mode: string; bytes: number; after: number };
  const srv = usocket.socket();
  srv.bind(["127.0.0.1", 0]);
  srv.listen(1);
  srv.settimeout(30);
  self.postMessage({ port: (srv.getsockname() as [string, number])[1] });
  let total = 0, sum = 0x811c9dc5;
  try {
    const [conn] = srv.accept();
    conn.settimeout(30);
    const buf = new Uint8Array(65536);
    if (mode === "sink") {
      for (;;) {
        const n = conn.readinto(buf)!;
        if (n === 0) break;
        sum = fnv1a(sum, n === buf.length ? buf : buf.subarray(0, n));
        total += n;
      }
    } else if (mode === "source") {
      const chunk = new Uint8Array(1 << 20);
      while (total < bytes) {
        const n = Math.min(chunk.length, bytes - total);
        pattern(chunk, total);
        const part = n === chunk.length ? chunk : chunk.subarray(0, n);
        sum = fnv1a(sum, part);
        conn.sendall(part);
        total += n;
      }
    } else if (mode === "reset") {
      while (total < after) total += conn.readinto(buf, Math.min(buf.length, after - total))!;
      conn.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, usocket.linger(true, 0));
    } else if (mode === "reset-writer") {
      conn.sendall(new Uint8Array(after));
      conn.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, usocket.linger(true, 0));
      total = after;
    }
    conn.close();
    self.postMessage({ bytes: total, sum });
  } catch (err) {
    self.postMessage({ error: String(err), bytes: total });
  }
  srv.close();
  self.close();
};

self.postMessage("ready");
