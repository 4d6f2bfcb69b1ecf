/**
 * The HaaS Python `usocket` HTTP GET example (seed 001), one to one, minus
 * the Wi-Fi set-up: create a socket, resolve, connect, send a GET, `recv(256)`,
 * print, close.
 *
 * Run against a local HTTP server: `deno run --allow-ffi examples/seed_haas_http_get.ts [host] [port]`
 * or `bun examples/seed_haas_http_get.ts [host] [port]` (default 127.0.0.1 80).
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../mod.ts";

const host = process.argv[2] ?? "127.0.0.1";
const port = Number(process.argv[3] ?? 80);

// 创建一个套接字 (create a socket)
const sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);

// 解析域名 (resolve the host name)
const sockaddr = usocket.getaddrinfo(host, port)[0].at(-1) as usocket.Address;

// 建立连接 (connect)
sock.connect(sockaddr);

// 向服务端发送消息 (send the request)
const ret = sock.send(
  `GET /News HTTP/1.1\r\nHost: ${host}\r\nAccept-Encoding: deflate\r\nConnection: keep-alive\r\n\r\n`,
);
console.log(`sent ${ret} bytes`);

// 接收服务端消息 (receive the reply)
const data = sock.recv(256);

console.log(`recv ${data.length} bytes:`);
console.log(new TextDecoder().decode(data));

// 关闭连接 (close)
sock.close();
