/**
 * A blocking TCP echo server in a Worker, built on usocket: it binds
 * 127.0.0.1 (or ::1) port 0, posts its port, then serves `clients`
 * connections one after another, echoing (or, with `sink`, only counting)
 * until each client closes.
 * Every call has a timeout, so it can never hang; it posts a summary at the end.
 */
import * as usocket from "../../mod.ts";

declare const self: Worker & { close(): void };

self.onmessage = (e: MessageEvent) => {
  const { clients, af, chunk, sink } = e.data as { clients: number; af?: number; chunk?: number; sink?: boolean };
  const family = af ?? usocket.AF_INET;
  const srv = usocket.socket(family, usocket.SOCK_STREAM);
  srv.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
  srv.bind([family === usocket.AF_INET6 ? "::1" : "127.0.0.1", 0]);
  srv.listen(64);
  srv.settimeout(20);
  self.postMessage({ port: (srv.getsockname() as [string, number])[1] });
  let bytes = 0, served = 0;
  const buf = new Uint8Array(chunk ?? 65536);
  try {
    for (; served < clients; served++) {
      const [conn] = srv.accept();
      conn.settimeout(20);
      try {
        for (;;) {
          const n = conn.recv_into(buf);
          if (n === 0) break;
          if (!sink) conn.sendall(n === buf.length ? buf : buf.subarray(0, n));
          bytes += n;
        }
      } finally {
        conn.close();
      }
    }
  } catch (err) {
    self.postMessage({ error: String(err), served, bytes });
    srv.close();
    self.close();
    return;
  }
  srv.close();
  self.postMessage({ served, bytes });
  self.close();
};

self.postMessage("ready");
