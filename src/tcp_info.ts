/**
 * `tcp_info(sock)`: Linux's `struct tcp_info` of a TCP connection
 * (`getsockopt(IPPROTO_TCP, TCP_INFO)`) as an object, decoded with the
 * layout of this system's `<linux/tcp.h>` (checked by `tools/probe.c`).
 *
 * @module
 */
import { surplus } from "./args.ts";
import { OSError } from "./os_error.ts";
import { C, E, L } from "./platform/mod.ts";
import type { TcpInfoField } from "./platform/types.ts";

export type { TcpInfoField } from "./platform/types.ts";
import type { Socket } from "./socket.ts";

const U8 = new Set<string>([
  "tcpi_state",
  "tcpi_ca_state",
  "tcpi_retransmits",
  "tcpi_probes",
  "tcpi_backoff",
  "tcpi_options",
]);
const U64 = new Set<string>([
  "tcpi_pacing_rate",
  "tcpi_max_pacing_rate",
  "tcpi_bytes_acked",
  "tcpi_bytes_received",
  "tcpi_delivery_rate",
  "tcpi_busy_time",
  "tcpi_rwnd_limited",
  "tcpi_sndbuf_limited",
  "tcpi_bytes_sent",
  "tcpi_bytes_retrans",
]);

/** The 64-bit fields of `struct tcp_info` (BigInt: `tcpi_max_pacing_rate` is 2^64 − 1 when unlimited). */
export type TcpInfoU64Field =
  | "tcpi_pacing_rate"
  | "tcpi_max_pacing_rate"
  | "tcpi_bytes_acked"
  | "tcpi_bytes_received"
  | "tcpi_delivery_rate"
  | "tcpi_busy_time"
  | "tcpi_rwnd_limited"
  | "tcpi_sndbuf_limited"
  | "tcpi_bytes_sent"
  | "tcpi_bytes_retrans";

/**
 * A connection's `struct tcp_info`, the kernel's field names. A field is
 * present only when the kernel's reply covers it (an older kernel returns a
 * shorter struct; its length is trusted, nothing beyond it is read). The
 * bit fields `tcpi_snd_wscale`, `tcpi_rcv_wscale`,
 * `tcpi_delivery_rate_app_limited` and `tcpi_fastopen_client_fail` are
 * unpacked. Times are in microseconds (`tcpi_rtt`, `tcpi_rto`, …) or
 * milliseconds (`tcpi_last_*`), as in the kernel.
 */
export type TcpInfo =
  & { [K in Exclude<TcpInfoField, TcpInfoU64Field>]?: number }
  & { [K in TcpInfoU64Field]?: bigint }
  & {
    tcpi_snd_wscale?: number;
    tcpi_rcv_wscale?: number;
    tcpi_delivery_rate_app_limited?: number;
    tcpi_fastopen_client_fail?: number;
  };

/**
 * The TCP state of a connected (or listening) TCP socket: `struct tcp_info`
 * decoded. Maps to one `getsockopt(IPPROTO_TCP, TCP_INFO)`.
 *
 * @throws {OSError} ENOPROTOOPT on an OS without TCP_INFO (macOS), EBADF;
 *   EOPNOTSUPP or ENOPROTOOPT from the kernel for a socket that is not TCP
 * @example The smoothed round-trip time of a loopback connection
 * ```ts
 * import * as usocket from "../mod.ts";
 * using srv = usocket.create_server(["127.0.0.1", 0]);
 * using c = usocket.create_connection(srv.getsockname() as [string, number]);
 * const info = usocket.tcp_info(c);
 * console.log(info.tcpi_state, typeof info.tcpi_rtt); // 1 "number" (1: TCP_ESTABLISHED)
 * ```
 */
export function tcp_info(sock: Socket): TcpInfo {
  if (arguments.length > 1) surplus(arguments.length, 1, "tcp_info(sock)");
  const T = L.tcp_info;
  if (T === null || C.TCP_INFO === 0) throw new OSError(E.ENOPROTOOPT, "TCP_INFO is Linux's; this OS has none");
  const raw = sock.getsockopt(C.IPPROTO_TCP, C.TCP_INFO, T.size);
  const n = raw.byteLength;
  const view = new DataView(raw.buffer, raw.byteOffset, n);
  const out: Record<string, number | bigint> = {};
  for (const [name, off] of Object.entries(T)) {
    if (name === "size") continue;
    if (U8.has(name)) {
      if (off + 1 <= n) out[name] = raw[off];
    } else if (U64.has(name)) {
      if (off + 8 <= n) out[name] = view.getBigUint64(off, true);
    } else if (off + 4 <= n) {
      out[name] = view.getUint32(off, true);
    }
  }
  // the two bit-field bytes after tcpi_options (GCC's order: first field in the low bits)
  const bits = T.tcpi_options + 1;
  if (bits + 2 <= n) {
    out.tcpi_snd_wscale = raw[bits] & 0xf;
    out.tcpi_rcv_wscale = raw[bits] >> 4;
    out.tcpi_delivery_rate_app_limited = raw[bits + 1] & 1;
    out.tcpi_fastopen_client_fail = (raw[bits + 1] >> 1) & 3;
  }
  return out as TcpInfo;
}
