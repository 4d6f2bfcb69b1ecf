/**
 * The MicroPython docs' getaddrinfo/connect snippet (seeds 000 and 004),
 * one to one:
 *
 * ```python
 * s = socket.socket()
 * s.connect(socket.getaddrinfo('www.micropython.org', 80)[0][-1])
 * # You must use getaddrinfo() even for numeric addresses
 * sockaddr = usocket.getaddrinfo('127.0.0.1', 80)[0][-1]
 * ```
 *
 * Run against a local server: `deno run --allow-ffi examples/seed_getaddrinfo_connect.ts [host] [port]`
 * or `bun examples/seed_getaddrinfo_connect.ts [host] [port]` (default 127.0.0.1 80).
 *
 * @module
 */
import process from "node:process";
import * as socket from "../mod.ts";

const host = process.argv[2] ?? "127.0.0.1";
const port = Number(process.argv[3] ?? 80);

const s = socket.socket();
// You must use getaddrinfo() even for numeric addresses
const sockaddr = socket.getaddrinfo(host, port)[0].at(-1) as socket.Address;
console.log("sockaddr:", JSON.stringify(sockaddr));
// Now you can use that address
s.connect(sockaddr);
console.log("connected:", String(s));
s.close();
