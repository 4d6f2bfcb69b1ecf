/**
 * A Worker peer that sends `count` single bytes (0, 1, 2, …), one every
 * `everyMs` milliseconds, to the one client it accepts, then closes.
 */
import * as usocket from "../../mod.ts";

declare const self: Worker & { close(): void };

self.onmessage = (e: MessageEvent) => {
  const { count, everyMs } = e.data as { count: number; everyMs: number };
  const srv = usocket.socket();
  srv.bind(["127.0.0.1", 0]);
  srv.listen(1);
  srv.settimeout(20);
  self.postMessage({ port: (srv.getsockname() as [string, number])[1] });
  let sent = 0;
  try {
    const [conn] = srv.accept();
    conn.settimeout(20);
    const one = new Uint8Array(1);
    for (; sent < count; sent++) {
      one[0] = sent & 255;
      conn.sendall(one);
      const until = performance.now() + everyMs;
      while (performance.now() < until) { /* pace without async: this thread may block */ }
    }
    conn.close();
  } catch (err) {
    self.postMessage({ error: String(err), sent });
  }
  srv.close();
  self.postMessage({ sent });
  self.close();
};

self.postMessage("ready");
