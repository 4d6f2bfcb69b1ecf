/**
 * MicroPython's `examples/network/http_server_ssl.py`, ported one to one: a
 * TLS HTTP server answering every request with "Hello #N from
 * MicroPython!", reading the request with `readline()` (or, with
 * `--socket`, one `recv`) and writing the answer, one client at a time.
 *
 * Differs from the original: it binds 127.0.0.1 (not every interface), takes
 * the certificate and key files from the command line (MicroPython's
 * `wrap_socket(client_s, server_side=True)` relies on a port's built-in
 * one), and stops after `max-requests` clients when given.
 *
 * ```sh
 * deno run --allow-ffi examples/http_server_ssl.ts cert.pem key.pem [port] [max-requests] [--socket]
 * bun examples/http_server_ssl.ts cert.pem key.pem 8443
 * ```
 *
 * then `curl -k https://127.0.0.1:8443/`.
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../mod.ts";

const socket = usocket, ssl = usocket.ssl;

const CONTENT = (n: number) => `HTTP/1.0 200 OK\n\nHello #${n} from MicroPython!\n`;

function main(cert: string, key: string, port: number, maxRequests: number, use_stream = true): void {
  const s = socket.socket();

  const ai = socket.getaddrinfo("127.0.0.1", port);
  console.log("Bind address info:", ai);
  const addr = ai[0].at(-1) as usocket.Address;

  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  s.bind(addr);
  s.listen(5);
  console.log(`Listening, connect your browser to https://127.0.0.1:${(s.getsockname() as [string, number])[1]}/`);

  let counter = 0;
  while (counter < maxRequests) {
    const res = s.accept();
    const client_addr = res[1];
    console.log("Client address:", client_addr);
    console.log("Client socket:", String(res[0]));
    let client_s: usocket.ssl.SSLSocket;
    try {
      client_s = ssl.wrap_socket(res[0], { server_side: true, cert, key });
    } catch (e) {
      // a client that gives up during the handshake (an unknown certificate, say)
      console.log("Exception during the handshake:", (e as Error).message);
      counter += 1;
      continue;
    }
    console.log(String(client_s));
    console.log("Request:");
    if (use_stream) {
      // Both CPython and MicroPython SSLSocket objects support read() and
      // write() methods.
      // Browsers are prone to terminate SSL connection abruptly if they
      // see unknown certificate, etc. We must continue in such case -
      // next request they issue will likely be more well-behaving and
      // will succeed.
      try {
        const req = client_s.readline()!;
        console.log(new TextDecoder().decode(req));
        for (;;) {
          const h = new TextDecoder().decode(client_s.readline()!);
          if (h === "" || h === "\r\n") break;
          console.log(h);
        }
        if (req.length > 0) client_s.write(CONTENT(counter));
      } catch (e) {
        console.log("Exception serving request:", (e as Error).message);
      }
    } else {
      console.log(new TextDecoder().decode(client_s.recv(4096)));
      client_s.send(CONTENT(counter));
    }
    client_s.close();
    counter += 1;
    console.log();
  }
  s.close();
}

if (import.meta.main) {
  const args = process.argv.slice(2).filter((a) => a !== "--socket");
  if (args.length < 2) {
    console.error("usage: http_server_ssl.ts cert.pem key.pem [port] [max-requests] [--socket]");
    process.exit(2);
  }
  main(args[0], args[1], Number(args[2] ?? 8443), Number(args[3] ?? Infinity), !process.argv.includes("--socket"));
}
