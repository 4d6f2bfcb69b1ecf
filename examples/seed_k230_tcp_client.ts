/**
 * The K230 / CanMV TCP client example (seed 003), one to one: resolve, print
 * the address info, connect, write ten messages 0.2 s apart, wait 1 s, close.
 *
 * Run against a local server: `deno run --allow-ffi examples/seed_k230_tcp_client.ts [host] [port] [sleep-scale]`
 * or `bun examples/seed_k230_tcp_client.ts ...` (default 127.0.0.1 60000; a sleep scale below 1 shortens
 * the pauses, for tests).
 *
 * @module
 */
import process from "node:process";
import * as socket from "../mod.ts";

const HOST = process.argv[2] ?? "127.0.0.1";
const PORT = Number(process.argv[3] ?? 60000);
const SCALE = Number(process.argv[4] ?? 1);

/** time.sleep(): blocks the thread, as on the board. */
function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000 * SCALE);
}

function client(): void {
  // 获取 IP 地址及端口号 (get the address and port)
  const ai = socket.getaddrinfo(HOST, PORT);
  console.log("地址信息:", JSON.stringify(ai));
  const addr = ai[0].at(-1) as socket.Address;

  console.log("连接地址:", JSON.stringify(addr));
  // 创建 socket 对象 (create the socket)
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0);
  // 连接到指定地址 (connect)
  s.connect(addr);

  for (let i = 0; i < 10; i++) {
    const msg = `K230 TCP 客户端发送测试 ${i} \r\n`;
    console.log(msg);
    // 发送字符串数据 (send the string)
    console.log(s.write(msg));
    sleep(0.2);
  }

  // 延时 1 秒后关闭 socket (wait 1 s, then close)
  sleep(1);
  s.close();
  console.log("结束");
}

// 运行客户端程序 (run the client)
client();
