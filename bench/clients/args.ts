/**
 * The command line every benchmark client takes (the same as
 * `bench/c/client.c`), and the one result line it prints:
 *
 * ```text
 * <workload> <port> <n> <warm> <size> [opt]
 * {"ops":…,"bytes":…,"seconds":…}
 * ```
 *
 * `n` is the timed count (round trips, connections, bytes or sockets), `warm`
 * the untimed count done first, `size` the message or chunk size, `opt` a
 * client-specific option (`timeout` for usocket: `settimeout(5)`).
 *
 * @module
 */

/** The workloads, as `bench/run.mjs` names them. */
export type Workload =
  | "tcp_pingpong"
  | "udp_pingpong"
  | "bulk_send"
  | "bulk_readinto"
  | "bulk_recv"
  | "churn"
  | "poll";

/** A parsed client command line. */
export interface BenchArgs {
  workload: Workload;
  port: number;
  n: number;
  warm: number;
  size: number;
  opt: string;
}

/** Parses `argv` (without the runtime and script names). */
export function parseArgs(argv: readonly string[]): BenchArgs {
  if (argv.length < 5) throw new Error("usage: <workload> <port> <n> <warm> <size> [opt]");
  const num = (i: number) => {
    const v = Number(argv[i]);
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`argument ${i + 1} must be an integer, got ${argv[i]}`);
    return v;
  };
  return {
    workload: argv[0] as Workload,
    port: num(1),
    n: num(2),
    warm: num(3),
    size: num(4),
    opt: argv[5] ?? "",
  };
}

/** The result line: timed operations, timed bytes, elapsed seconds. */
export function report(ops: number, bytes: number, seconds: number): string {
  return JSON.stringify({ ops, bytes, seconds });
}

/** Milliseconds, monotonic. */
export const now: () => number = performance.now.bind(performance);

/** The bytes of the sink's 8-byte little-endian count. */
export function readCount(ack: Uint8Array): number {
  let v = 0;
  for (let i = 7; i >= 0; i--) v = v * 256 + ack[i];
  return v;
}
