/**
 * MicroPython's `examples/network/http_client_ssl.py`, ported one to one:
 * connect, `ssl.wrap_socket(s)` (MicroPython's default: no certificate
 * check), send a GET and print up to 4096 bytes of the answer, with the
 * stream methods (`write`/`read`) or, with `--socket`, with `send`/`recv`.
 *
 * The host and port come from the command line (default 127.0.0.1 443)
 * instead of google.com, so that it runs against a local server, e.g.
 * `openssl s_server -accept 127.0.0.1:8443 -cert cert.pem -key key.pem -www`:
 *
 * ```sh
 * deno run --allow-ffi examples/http_client_ssl.ts 127.0.0.1 8443
 * bun examples/http_client_ssl.ts 127.0.0.1 8443 --socket
 * ```
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../mod.ts";

const socket = usocket, ssl = usocket.ssl;

function main(host: string, port: number, use_stream = true): void {
  const s = socket.socket();

  const ai = socket.getaddrinfo(host, port);
  console.log("Address infos:", ai);
  const addr = ai[0].at(-1) as usocket.Address;

  console.log("Connect address:", addr);
  s.connect(addr);

  const t = ssl.wrap_socket(s);
  console.log(String(t));

  if (use_stream) {
    // Both CPython and MicroPython SSLSocket objects support read() and
    // write() methods.
    t.write("GET / HTTP/1.0\r\n\r\n");
    console.log(new TextDecoder().decode(t.read(4096)!));
  } else {
    // CPython's socket interface (MicroPython has it only in DTLS builds)
    t.send("GET / HTTP/1.0\r\n\r\n");
    console.log(new TextDecoder().decode(t.recv(4096)));
  }

  t.close(); // closes s too
}

if (import.meta.main) {
  const args = process.argv.slice(2).filter((a) => a !== "--socket");
  main(args[0] ?? "127.0.0.1", Number(args[1] ?? 443), !process.argv.includes("--socket"));
}
