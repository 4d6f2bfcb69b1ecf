/**
 * MicroPython's `asyncio` for usocket, in Promise form: streams
 * ({@linkcode open_connection}, {@linkcode start_server}), awaitable calls
 * on any socket (`sock_recv`, `sock_sendto`, `sock_accept`, …,
 * `wait_readable`), and the usual helpers (`sleep`, `wait_for`, `gather`,
 * `Event`, `Lock`). Awaiting never blocks the runtime's event loop: one
 * epoll reactor per thread waits off the JS thread (Deno: a non-blocking
 * FFI call; Bun: a Worker), only while something is awaited, so an idle
 * program exits by itself and uses no CPU. Linux only for now.
 *
 * @example A UDP receive that does not freeze timers
 * ```ts
 * import * as usocket from "../../mod.ts";
 * const { asyncio } = usocket;
 * const rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * rx.bind(["127.0.0.1", 0]);
 * const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * setTimeout(() => tx.sendto("hi", rx.getsockname()), 10);
 * const [data, from] = await asyncio.sock_recvfrom(rx, 1500);
 * console.log(data.length, Array.isArray(from)); // 2 true
 * rx.close();
 * tx.close();
 * ```
 *
 * @module
 */
export {
  type Awaitable,
  create_task,
  EOFError,
  Event,
  gather,
  Lock,
  run,
  type SignalOptions,
  sleep,
  sleep_ms,
  TimeoutError,
  wait_for,
  wait_for_ms,
} from "./core.ts";
export {
  sock_accept,
  sock_connect,
  sock_recv,
  sock_recv_into,
  sock_recvfrom,
  sock_sendall,
  sock_sendto,
  wait_readable,
  wait_writable,
} from "./sock.ts";
export {
  type ClientConnected,
  open_connection,
  type OpenConnectionOptions,
  Server,
  start_server,
  type StartServerOptions,
  Stream,
} from "./stream.ts";
