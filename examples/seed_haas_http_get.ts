/**
 * The HaaS Python `usocket` HTTP GET example (seed 001), ported one to one,
 * minus the Wi-Fi set-up before it: create a socket, resolve the host with
 * getaddrinfo, connect, send the GET, `recv(256)`, print the length and the
 * text, close.
 *
 * ```python
 * sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM)
 * sockaddr = usocket.getaddrinfo('www.getman.com', 80)[0][-1]
 * sock.connect(sockaddr)
 * ret=sock.send('GET /News HTTP/1.1\r\nHost: www.getman.com/echo\r\n...')
 * data=sock.recv(256)
 * print('recv %s bytes:' % len(data))
 * print(data.decode())
 * sock.close()
 * ```
 *
 * Host and port come from the command line (default 127.0.0.1 80); the
 * `Host:` header names that host.
 *
 * Run against a local HTTP server: `deno run --allow-ffi examples/seed_haas_http_get.ts [host] [port]`
 * or `bun examples/seed_haas_http_get.ts [host] [port]`.
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../mod.ts";

const HOST = process.argv[2] ?? "127.0.0.1";
const PORT = Number(process.argv[3] ?? 80);

// 创建一个套接字 (create a socket)
const sock = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);

// 解析域名 (resolve the host name)
const sockaddr = usocket.getaddrinfo(HOST, PORT)[0].at(-1) as usocket.Address;

// 建立连接 (connect)
sock.connect(sockaddr);

// 向服务端发送消息 (send the request; the seed keeps the count in `ret` and never uses it)
sock.send(`GET /News HTTP/1.1\r\nHost: ${HOST}\r\nAccept-Encoding: deflate\r\nConnection: keep-alive\r\n\r\n`);

// 接收服务端消息 (receive the reply)
const data = sock.recv(256);

console.log(`recv ${data.length} bytes:`);
console.log(new TextDecoder().decode(data));

// 关闭连接 (close)
sock.close();
