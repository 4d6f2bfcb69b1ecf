/**
 * The MicroPython docs' getaddrinfo/connect snippet (seeds 000 and 004),
 * ported one to one:
 *
 * ```python
 * s = socket.socket()
 * # You must use getaddrinfo() even for numeric addresses
 * sockaddr = usocket.getaddrinfo('127.0.0.1', 80)[0][-1]
 * # Now you can use that address
 * s.connect(sockaddr)
 * ```
 *
 * Host and port come from the command line (default 127.0.0.1 80). Like the
 * snippet it prints nothing: it exits 0 once connected, or with the uncaught
 * `OSError` (e.g. `[Errno 111] ECONNREFUSED`, exit 1) when nothing listens.
 *
 * Run: `deno run --allow-ffi examples/seed_getaddrinfo_connect.ts [host] [port]`
 * or `bun examples/seed_getaddrinfo_connect.ts [host] [port]`.
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../mod.ts";

const HOST = process.argv[2] ?? "127.0.0.1";
const PORT = Number(process.argv[3] ?? 80);

const s = usocket.socket();
// You must use getaddrinfo() even for numeric addresses
const sockaddr = usocket.getaddrinfo(HOST, PORT)[0].at(-1) as usocket.Address;
// Now you can use that address
s.connect(sockaddr);
s.close(); // (the snippet ends here; MicroPython closes it when collected)
