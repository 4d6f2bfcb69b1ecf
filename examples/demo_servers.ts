/**
 * The demo's servers, each run in its own Worker (a blocking server owns its
 * thread): `echo` echoes lines back to one client after another; `http`
 * answers `GET` requests with a small HTTP/1.1 response. Both bind 127.0.0.1
 * port 0, post their port, serve `clients` connections, and stop by
 * themselves (every call has a timeout).
 *
 * @module
 */
import * as usocket from "../mod.ts";

declare const self: Worker & { close(): void };

function serve(kind: "echo" | "http", clients: number): void {
  const srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
  srv.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
  srv.bind(["127.0.0.1", 0]);
  srv.listen(8);
  srv.settimeout(10);
  self.postMessage({ port: (srv.getsockname() as [string, number])[1] });
  try {
    for (let i = 0; i < clients; i++) {
      const [conn] = srv.accept();
      conn.settimeout(10);
      try {
        if (kind === "echo") {
          for (;;) {
            const data = conn.recv(4096);
            if (data.length === 0) break;
            conn.sendall(data);
          }
        } else {
          const request = conn.makefile("rwb");
          const first = new TextDecoder().decode(request.readline()!).trim();
          while (request.readline()!.length > 2) { /* skip headers up to the blank line */ }
          const body = `<html><body>usocket says hello to "${first}"</body></html>\n`;
          request.write(
            `HTTP/1.1 200 OK\r\nServer: usocket-demo\r\nContent-Type: text/html\r\n`
              + `Content-Length: ${new TextEncoder().encode(body).length}\r\nConnection: close\r\n\r\n${body}`,
          );
        }
      } finally {
        conn.close();
      }
    }
  } finally {
    srv.close();
    self.postMessage({ done: true });
    self.close();
  }
}

self.onmessage = (e: MessageEvent) => {
  const { kind, clients } = e.data as { kind: "echo" | "http"; clients: number };
  serve(kind, clients);
};
self.postMessage("ready");
