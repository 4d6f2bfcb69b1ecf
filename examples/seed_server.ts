/**
 * The bind/listen/accept server the seeds describe: bind, listen, then
 * accept clients one after another; each gets its first line echoed back
 * with a greeting. Serves `count` clients, then exits; every call has a
 * timeout, so it never hangs.
 *
 * Run: `deno run --allow-ffi examples/seed_server.ts [port] [count]` or
 * `bun examples/seed_server.ts [port] [count]` (port 0 picks one; it prints it).
 *
 * @module
 */
import process from "node:process";
import * as socket from "../mod.ts";

const port = Number(process.argv[2] ?? 8080);
const count = Number(process.argv[3] ?? 1);

const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
s.bind(["127.0.0.1", port]);
s.listen(5);
s.settimeout(30);
console.log(`listening on ${JSON.stringify(s.getsockname())}`);

for (let i = 0; i < count; i++) {
  const [conn, address] = s.accept();
  conn.settimeout(10);
  console.log(`client ${i} from ${JSON.stringify(address)}`);
  const line = conn.readline()!;
  conn.write(`hello ${new TextDecoder().decode(line)}`);
  conn.close();
}
s.close();
console.log("done");
