/**
 * examples/poll_echo_server.ts's `serveEcho` in a Worker, for
 * tests/load_test.ts. After "ready" it takes the server's options
 * (limits), posts `{ port }` once listening, and posts the server's stats
 * (or `{ error }`) when it stops.
 */
import { type EchoServerOptions, serveEcho } from "../../examples/poll_echo_server.ts";

declare const self: Worker & { close(): void };

self.onmessage = (e: MessageEvent) => {
  const opts = e.data as EchoServerOptions;
  try {
    const stats = serveEcho({ ...opts, onListen: (port) => self.postMessage({ port }) });
    self.postMessage(stats);
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
  self.close();
};

self.postMessage("ready");
