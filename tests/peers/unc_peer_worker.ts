/**
 * A TCP client in a Worker for tests/unc_test.ts (so the test's own thread
 * stays free to feed unc's stdin): connects to the loopback address of `af`
 * at `port`, sends `send`, half-closes, reads until EOF and posts
 * `{ got }` (text), or `{ error }`. Every call has a timeout.
 */
import * as usocket from "../../mod.ts";

declare const self: Worker & { close(): void };

self.onmessage = (e: MessageEvent) => {
  const { af, port, send } = e.data as { af: number; port: number; send: string };
  const c = usocket.socket(af, usocket.SOCK_STREAM);
  let result: { got?: string; error?: string };
  try {
    c.settimeout(20);
    c.connect([af === usocket.AF_INET6 ? "::1" : "127.0.0.1", port]);
    c.sendall(send);
    c.shutdown(usocket.SHUT_WR);
    result = { got: new TextDecoder().decode(c.read()!) };
  } catch (err) {
    result = { error: String(err) };
  } finally {
    c.close();
  }
  self.postMessage(result);
  self.close();
};

self.postMessage("ready");
