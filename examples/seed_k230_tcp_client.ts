/**
 * The K230 / CanMV TCP client example (seed 003), ported one to one: resolve,
 * print the address info, connect, `write` ten messages 0.2 s apart, wait
 * 1 s, close, print "结束" (done).
 *
 * ```python
 * ai = socket.getaddrinfo("10.100.228.5", PORT)
 * print("地址信息:", ai)
 * addr = ai[0][-1]
 * print("连接地址:", addr)
 * s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
 * s.connect(addr)
 * for i in range(10):
 *     msg = "K230 TCP 客户端发送测试 {0} \r\n".format(i)
 *     print(msg)
 *     print(s.write(msg))
 *     time.sleep(0.2)
 * time.sleep(1)
 * s.close()
 * print("结束")
 * ```
 *
 * Host and port come from the command line (default 127.0.0.1 60000, the
 * seed's port). An optional third argument scales the pauses (tests pass
 * 0.05); `time.sleep` is a blocking sleep here too (`Atomics.wait`), and the
 * address info prints as Python would print it.
 *
 * Run against a local server: `deno run --allow-ffi examples/seed_k230_tcp_client.ts [host] [port] [sleep-scale]`
 * or `bun examples/seed_k230_tcp_client.ts [host] [port] [sleep-scale]`.
 *
 * @module
 */
import process from "node:process";
import * as socket from "../mod.ts";

const HOST = process.argv[2] ?? "127.0.0.1";
const PORT = Number(process.argv[3] ?? 60000);
const SCALE = Number(process.argv[4] ?? 1);

/** Python's repr() of what getaddrinfo returns: a list of tuples (JS arrays). */
function repr(v: unknown, list = false): string {
  if (Array.isArray(v)) {
    const items = v.map((x) => repr(x)).join(", ");
    return list ? `[${items}]` : `(${items}${v.length === 1 ? "," : ""})`;
  }
  return typeof v === "string" ? `'${v}'` : String(v);
}

/** time.sleep(): blocks the thread, as on the board. */
function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000 * SCALE);
}

function client(): void {
  // 获取 IP 地址及端口号 (get the address and port)
  const ai = socket.getaddrinfo(HOST, PORT);
  console.log("地址信息:", repr(ai, true));
  const addr = ai[0].at(-1) as socket.Address;

  console.log("连接地址:", repr(addr));
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
