/**
 * The bind/listen/accept server of the seeds' API pages, in MicroPython's
 * style: resolve the address with getaddrinfo, `socket`, `setsockopt(SOL_SOCKET,
 * SO_REUSEADDR, 1)`, `bind`, `listen`, then `accept` clients one after another;
 * each gets its first line back after "hello ". It serves `count` clients and
 * exits. It never hangs: `settimeout` bounds each `accept` (by `timeout`
 * seconds) and each client (10 s); a timeout ends it with `OSError`
 * `[Errno 110] ETIMEDOUT` (exit 1).
 *
 * ```python
 * ai = socket.getaddrinfo(HOST, PORT)[0]
 * s = socket.socket(ai[0], socket.SOCK_STREAM)
 * s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
 * s.bind(ai[-1])
 * s.listen(5)
 * s.settimeout(TIMEOUT)
 * print("listening on", s.getsockname())
 * for i in range(COUNT):
 *     conn, address = s.accept()
 *     conn.settimeout(10)
 *     print("client", i, "from", address)
 *     conn.write(b"hello " + conn.readline())
 *     conn.close()
 * s.close()
 * print("done")
 * ```
 *
 * Run: `deno run --allow-ffi examples/seed_server.ts [host] [port] [count] [timeout]`
 * or `bun examples/seed_server.ts [host] [port] [count] [timeout]`
 * (default 127.0.0.1 8080 1 30; port 0 lets the kernel pick one — the
 * "listening on" line shows it). Try it with
 * `echo world | bun examples/unc.ts 127.0.0.1 8080`.
 *
 * @module
 */
import process from "node:process";
import * as socket from "../mod.ts";

const HOST = process.argv[2] ?? "127.0.0.1";
const PORT = Number(process.argv[3] ?? 8080);
const COUNT = Number(process.argv[4] ?? 1);
const TIMEOUT = Number(process.argv[5] ?? 30);

const ai = socket.getaddrinfo(HOST, PORT, 0, socket.SOCK_STREAM)[0];
const s = socket.socket(ai[0], socket.SOCK_STREAM);
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
s.bind(ai.at(-1) as socket.Address);
s.listen(5);
s.settimeout(TIMEOUT);
console.log("listening on", JSON.stringify(s.getsockname()));

for (let i = 0; i < COUNT; i++) {
  const [conn, address] = s.accept();
  conn.settimeout(10);
  console.log("client", i, "from", JSON.stringify(address));
  const line = conn.readline()!;
  const reply = new Uint8Array(6 + line.length);
  reply.set(new TextEncoder().encode("hello "));
  reply.set(line, 6);
  conn.write(reply);
  conn.close();
}
s.close();
console.log("done");
