/**
 * A one-client TCP peer in a Worker for tests/examples_test.ts, built on
 * usocket. It binds 127.0.0.1 port 0, posts `{ port }`, accepts one
 * connection and then:
 * - `http`: reads the request head (through the blank line), answers with
 *   `response` and closes; posts `{ request }` (the head as text);
 * - `sink`: reads until the client closes; posts `{ received }` (the bytes).
 * Every call has a timeout; on an error it posts `{ error }`.
 */
import * as usocket from "../../mod.ts";

declare const self: Worker & { close(): void };

type Job = { kind: "http"; response: string } | { kind: "sink" };

function serve(job: Job): Record<string, unknown> {
  const srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
  try {
    srv.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
    srv.bind(["127.0.0.1", 0]);
    srv.listen(4);
    srv.settimeout(20);
    self.postMessage({ port: (srv.getsockname() as [string, number])[1] });
    const [conn] = srv.accept();
    conn.settimeout(20);
    try {
      if (job.kind === "http") {
        let request = "";
        for (;;) {
          const line = new TextDecoder().decode(conn.readline()!);
          request += line;
          if (line === "\r\n" || line === "") break;
        }
        conn.sendall(job.response);
        return { request };
      }
      return { received: conn.read()! };
    } finally {
      conn.close();
    }
  } finally {
    srv.close();
  }
}

self.onmessage = (e: MessageEvent) => {
  let result: Record<string, unknown>;
  try {
    result = serve(e.data as Job);
  } catch (err) {
    result = { error: String(err) };
  }
  self.postMessage(result);
  self.close();
};

self.postMessage("ready");
