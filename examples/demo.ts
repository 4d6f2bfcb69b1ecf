/**
 * The self-contained loopback demo (`npm run demo`): a TCP echo server in a
 * Worker, a client doing getaddrinfo → connect → send/recv →
 * makefile/readline, a UDP sendto/recvfrom round trip, and the HaaS seed's
 * HTTP GET against a small HTTP server written with this module.
 *
 * Run: `deno run --allow-ffi --allow-read examples/demo.ts` or `bun examples/demo.ts`.
 *
 * @module
 */
import { runtimeVersion } from "../ffi/runtime.ts";
import * as usocket from "../mod.ts";

const decoder = new TextDecoder();

/** Starts a demo server Worker and resolves with its port. */
async function startServer(kind: "echo" | "http", clients: number): Promise<[Worker, number]> {
  const w = new Worker(new URL("./demo_servers.ts", import.meta.url).href, { type: "module" });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${kind} server did not answer`)), 20000);
      w.onmessage = (e) => (clearTimeout(t), resolve(e.data));
      w.onerror = (e) => (clearTimeout(t), reject(e));
    });
  await next(); // "ready"
  const port = next();
  w.postMessage({ kind, clients });
  return [w, ((await port) as { port: number }).port];
}

console.log(`usocket demo on ${runtimeVersion}`);

// 1. TCP echo: getaddrinfo → connect → send/recv → makefile/readline
const [echo, echoPort] = await startServer("echo", 1);
console.log(`\n[tcp] echo server (in a Worker) listening on 127.0.0.1:${echoPort}`);
const ai = usocket.getaddrinfo("127.0.0.1", echoPort, 0, usocket.SOCK_STREAM);
console.log(`[tcp] getaddrinfo("127.0.0.1", ${echoPort}) ->`, JSON.stringify(ai));
const s = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
s.settimeout(5);
s.connect(ai[0][4]);
console.log(`[tcp] connected: ${s} -> ${JSON.stringify(s.getpeername())}`);
const n = s.send("hello from usocket\n");
console.log(`[tcp] send() -> ${n} bytes; recv(64) -> ${JSON.stringify(decoder.decode(s.recv(64)))}`);
const f = s.makefile("rwb");
f.write("line one\nline two\n");
console.log(`[tcp] makefile().readline() -> ${JSON.stringify(decoder.decode(f.readline()!))}`);
console.log(`[tcp] makefile().readline() -> ${JSON.stringify(decoder.decode(f.readline()!))}`);
f.close();
console.log(`[tcp] closed: ${s}`);

// 2. UDP round trip
const rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
rx.bind(["127.0.0.1", 0]);
rx.settimeout(5);
const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
tx.settimeout(5);
tx.sendto("ping", rx.getsockname());
const [ping, from] = rx.recvfrom(64);
rx.sendto("pong", from!);
const [pong] = tx.recvfrom(64);
console.log(
  `\n[udp] sendto/recvfrom: ${JSON.stringify(decoder.decode(ping))} from ${JSON.stringify(from)}, `
    + `reply ${JSON.stringify(decoder.decode(pong))}`,
);
rx.close();
tx.close();

// 3. The HaaS seed's HTTP GET, against a local HTTP server built on usocket
const [http, httpPort] = await startServer("http", 1);
console.log(`\n[http] HTTP server (in a Worker) on 127.0.0.1:${httpPort}`);
const sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
sock.settimeout(5);
const sockaddr = usocket.getaddrinfo("127.0.0.1", httpPort)[0][4];
sock.connect(sockaddr);
const ret = sock.send(
  `GET /News HTTP/1.1\r\nHost: 127.0.0.1:${httpPort}\r\nAccept-Encoding: deflate\r\nConnection: keep-alive\r\n\r\n`,
);
console.log(`[http] sent ${ret} bytes`);
const data = sock.read()!; // the server closes after one response
console.log(`[http] recv ${data.length} bytes:`);
console.log(decoder.decode(data).replace(/\r/g, "").trimEnd().replace(/^/gm, "       "));
sock.close();

for (const w of [echo, http]) w.terminate();
console.log(`\ndemo finished on ${runtimeVersion}: all steps succeeded`);
