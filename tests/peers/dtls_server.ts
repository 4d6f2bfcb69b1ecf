// The server half of MicroPython's tests/multi_net/tls_dtls_server_client.py,
// ported one to one onto usocket (run by tests/dtls_test.ts on the same
// runtime, loopback only):
//
//   deno run --allow-ffi dtls_server.ts CERT KEY   |   bun dtls_server.ts CERT KEY
//
// It prints "PORT <n>", waits for a client (recvfrom(1, MSG_PEEK)), connects
// back to it, wraps the UDP socket with client_id = its address (MicroPython's
// cookie identity), and answers four datagrams; each line it prints is what
// MicroPython's server prints. Bounded: a 10 s socket timeout; at most two
// connection attempts, as the original.
import process from "node:process";
import * as usocket from "../../mod.ts";

const { ssl } = usocket;
const [cert, key] = process.argv.slice(2);

const s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
s.bind(["127.0.0.1", 0]);
s.settimeout(10);
console.log("PORT", (s.getsockname() as [string, number])[1]);

const ctx = new ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER);
ctx.load_cert_chain(cert, key);

// MicroPython's mbedTLS server fails the first attempt with "Hello Verify
// Required"; OpenSSL's completes the cookie exchange inside one wrap_socket,
// so the second attempt is there for the same code, and not needed.
for (let attempt = 0; attempt < 2; attempt++) {
  console.log("waiting");
  const [, clientAddr] = s.recvfrom(1, usocket.MSG_PEEK);
  console.log("incoming connection");
  s.connect(clientAddr!);
  let t: usocket.ssl.SSLSocket;
  try {
    t = ctx.wrap_socket(s, { server_side: true, client_id: String(clientAddr) });
  } catch (e) {
    console.log(String(e));
    continue;
  }
  for (let i = 0; i < 4; i++) {
    console.log(JSON.stringify(new TextDecoder().decode(t.recv(32))));
    t.send(new TextEncoder().encode(`server to client ${i}`));
  }
  t.close();
  break;
}
