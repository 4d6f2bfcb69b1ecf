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
  | "poll"
  | "concurrent_echo"
  | "idle"
  | "tls_pingpong"
  | "tls_bulk_send"
  | "tls_bulk_readinto"
  | "tls_handshake"
  | "udp_send"
  | "udp_recv";

/**
 * The TLS workloads' trust anchor: `BENCH_TLS_CA`, the path of the PEM
 * certificate (self-signed, for IP 127.0.0.1) the TLS peer serves. Every TLS
 * client verifies the peer against it, with the name `127.0.0.1`.
 */
export const TLS_NAME = "127.0.0.1";

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

// ---- bulk loops and the JITs ----
//
// A bulk loop must not change what the JIT has seen when its timed part
// begins. V8's `--trace-deopt` showed Deno's bulk loops deoptimized right at
// the end of the warm-up, so that the first timed segments ran in slower tiers:
// first by the clock-start branch (`t0 === 0`, "not a Smi" once `t0` held a
// time), then, with the loop run twice (warm-up, timed part), by its byte
// counter and limit (1.5 GiB of warm-up is past V8's small integers, 2^30; the
// timed part's counter starts small again: "not a Smi"). So a loop-driven
// client runs one loop over steps of at most BULK_STEP bytes, warm-up and timed
// part alike, with no clock branch inside it; a callback-driven one (Bun's and
// Node's own sockets) restarts its clock at every step of the warm-up.

/** The most bytes one run of a bulk loop moves: well inside V8's small integers. */
export const BULK_STEP = 1 << 28;

/**
 * Calls `step(limit)` — which moves up to `limit` bytes (a receive: fewer only
 * at EOF) and returns how many it moved — until `bytes` have moved, or a step
 * moved fewer than asked. Returns the bytes moved.
 */
export function inSteps(bytes: number, step: (limit: number) => number): number {
  let done = 0;
  while (done < bytes) {
    const want = Math.min(BULK_STEP, bytes - done);
    const got = step(want);
    done += got;
    if (got < want) break;
  }
  return done;
}

/** {@linkcode inSteps} for an asynchronous `step`. */
export async function inStepsAsync(bytes: number, step: (limit: number) => Promise<number>): Promise<number> {
  let done = 0;
  while (done < bytes) {
    const want = Math.min(BULK_STEP, bytes - done);
    const got = await step(want);
    done += got;
    if (got < want) break;
  }
  return done;
}

/** What {@linkcode receiveBulk} measured: bytes of the warm-up and of the timed part, and its milliseconds. */
export interface BulkReceived {
  warm: number;
  timed: number;
  ms: number;
}

/** One run of the receive loop: `receive()` until `limit` bytes, or EOF (0). */
function drain(limit: number, receive: () => number): number {
  let got = 0;
  while (got < limit) {
    const r = receive();
    if (r === 0) break;
    got += r;
  }
  return got;
}

/**
 * A bulk receive to EOF, `receive()` returning what one call received (0 at
 * EOF): the first `warm` bytes are the warm-up, the rest is timed; one loop,
 * in steps, for both.
 */
export function receiveBulk(warm: number, receive: () => number): BulkReceived {
  const step = (limit: number) => drain(limit, receive);
  const w = inSteps(warm, step);
  const t0 = now();
  const timed = inSteps(Infinity, step);
  return { warm: w, timed, ms: now() - t0 };
}

/** {@linkcode receiveBulk} for an asynchronous `receive`. */
export async function receiveBulkAsync(warm: number, receive: () => Promise<number>): Promise<BulkReceived> {
  const step = async (limit: number) => {
    let got = 0;
    while (got < limit) {
      const r = await receive();
      if (r === 0) break;
      got += r;
    }
    return got;
  };
  const w = await inStepsAsync(warm, step);
  const t0 = now();
  const timed = await inStepsAsync(Infinity, step);
  return { warm: w, timed, ms: now() - t0 };
}

/** The result line of a bulk receive, after checking that every byte the source sent (`a.warm + a.n`) arrived. */
export function bulkReport(a: BenchArgs, r: BulkReceived): string {
  if (r.warm + r.timed !== a.warm + a.n) {
    throw new Error(`received ${r.warm + r.timed} bytes, expected ${a.warm + a.n}`);
  }
  return report(r.timed / a.size, r.timed, r.ms / 1000);
}

/**
 * Where a callback-driven bulk client restarts its clock next: every
 * BULK_STEP bytes of the warm-up, at its end (`warm`), then never.
 */
export function nextStart(at: number, warm: number): number {
  return at + BULK_STEP < warm ? at + BULK_STEP : at < warm ? warm : Infinity;
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
