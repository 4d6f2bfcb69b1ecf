/**
 * MicroPython's `examples/network/https_client_nonblocking.py`, ported one
 * to one: a non-blocking connect, `wrap_socket(..., do_handshake_on_connect:
 * false)`, then the request written and the answer read through
 * `select.poll()`. As in MicroPython (and unlike CPython), the TLS socket is
 * polled like any stream: `write` and `read` return `null` until the
 * handshake and the data allow, and the poller waits on whatever direction
 * the next TLS step needs.
 *
 * The URL comes from the command line, and the certificate check is off
 * (`CERT_NONE`) so that it runs against a local test server, e.g.
 * `openssl s_server -accept 127.0.0.1:8443 -cert cert.pem -key key.pem -www`:
 *
 * ```sh
 * deno run --allow-ffi examples/https_client_nonblocking.ts https://127.0.0.1:8443/
 * bun examples/https_client_nonblocking.ts https://127.0.0.1:8443/
 * ```
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../mod.ts";

const socket = usocket, ssl = usocket.ssl, select = usocket.select;

function connect_nonblocking(sock: usocket.Socket, addr: usocket.Address): void {
  sock.setblocking(false);
  try {
    sock.connect(addr);
  } catch (er) {
    if ((er as usocket.OSError).errno !== usocket.errno.EINPROGRESS) throw er;
  }
}

function write_nonblocking(poller: usocket.select.Poll, sock: usocket.ssl.SSLSocket, data: Uint8Array): void {
  poller.register(sock, select.POLLOUT);
  while (data.length > 0) {
    poller.poll();
    const n = sock.write(data);
    console.log("Wrote:", n);
    if (n !== null) data = data.subarray(n);
  }
}

function read_nonblocking(poller: usocket.select.Poll, sock: usocket.ssl.SSLSocket, n: number): Uint8Array {
  poller.register(sock, select.POLLIN);
  // MicroPython reads once; a poll can report a record that is not complete yet, so read until it is
  for (;;) {
    poller.poll();
    const data = sock.read(n);
    if (data === null) continue;
    console.log("Read:", data.length);
    return data;
  }
}

function main(url: string, addr_family = 0): void {
  // Split the given URL into components.
  const [proto, , hostport, path = ""] = url.split("/", 4);
  if (proto !== "https:") throw new TypeError(`not an https URL: ${url}`);
  const [host, port = "443"] = hostport.split(":");

  // Note: this getaddrinfo() call is blocking!
  const ai = socket.getaddrinfo(host, Number(port), addr_family, socket.SOCK_STREAM)[0];
  const addr = ai.at(-1) as usocket.Address;
  console.log("Connect address:", addr);

  // Create a TCP socket and connect to the server in non-blocking mode.
  const raw = socket.socket(ai[0], ai[1], ai[2]);
  connect_nonblocking(raw, addr);

  // Wrap the TCP socket in an SSL stream in non-blocking mode.
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.check_hostname = false; // a local test server (MicroPython's example checks nothing either)
  ctx.verify_mode = ssl.CERT_NONE;
  const sock = ctx.wrap_socket(raw, { server_hostname: host, do_handshake_on_connect: false });
  sock.setblocking(false);

  // Create an object to poll the SSL stream for readability/writability.
  const poller = select.poll();

  // Send the HTTP request on the SSL stream.
  const request = new TextEncoder().encode(`GET /${path} HTTP/1.0\r\nHost: ${host}\r\n\r\n`);
  write_nonblocking(poller, sock, request);

  // Receive the HTTP response from the SSL stream.
  const response = read_nonblocking(poller, sock, 1000);
  for (const line of new TextDecoder().decode(response).split("\n")) console.log(line);

  // Close the SSL stream.  This will also close the underlying TCP socket.
  poller.unregister(sock);
  sock.close();
}

if (import.meta.main) main(process.argv[2] ?? "https://127.0.0.1:8443/");
