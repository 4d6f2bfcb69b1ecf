/**
 * Test helpers shared by tests/*_test.ts: loopback listeners and connected
 * pairs, descriptor counts, and child runtimes. Runs under Deno and Bun.
 *
 * @module
 */
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import process from "node:process";
import { libc } from "../ffi/libc.ts";
import * as usocket from "../mod.ts";
import { C } from "../src/platform/mod.ts";

const F_GETFD = C.F_GETFD;

/**
 * The command that starts this runtime again, for child processes: the
 * running executable, or `USOCKET_EXEC_PATH` when set. `npm run test:arm64`
 * sets it to a script that starts the arm64 runtime under qemu-user, since an
 * aarch64 executable cannot be spawned directly on an x86_64 host.
 */
export const execPath: string = process.env.USOCKET_EXEC_PATH || process.execPath;

/**
 * How much slower than native this run is: `USOCKET_SLOW` (default 1; `npm
 * run test:arm64` sets 10 under emulation). Tests scale the bounds on how
 * long something may take (never the timeouts they set) by it.
 */
export const slow: number = Math.max(1, Number(process.env.USOCKET_SLOW) || 1);

/**
 * The emulator this run is under, or `undefined` when native: `USOCKET_EMULATION`
 * (`npm run test:arm64` sets `qemu-user 7.2.22`, say). A test skips a check
 * that the emulator cannot pass only when this is set, and says why; what
 * qemu-user lacks is measured by `tools/qemu_limits.c`, which test:arm64 runs first.
 */
export const emulation: string | undefined = process.env.USOCKET_EMULATION || undefined;

/**
 * A test's `skip` option for a kernel behaviour the emulator does not
 * reproduce: natively `false`; under emulation the reason, printed now.
 */
export function emulationSkip(what: string): string | false {
  if (!emulation) return false;
  const reason = `skipped under ${emulation}: ${what} (tools/qemu_limits.c measures it)`;
  console.log(reason);
  return reason;
}

/** True under Bun. */
export const isBun: boolean = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** A listening TCP socket on the loopback address of `af`, and its port. */
export function listener(af: number = usocket.AF_INET, backlog = 16): [usocket.Socket, number] {
  const s = usocket.socket(af, usocket.SOCK_STREAM);
  s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
  s.bind([af === usocket.AF_INET6 ? "::1" : "127.0.0.1", 0]);
  s.listen(backlog);
  return [s, portOf(s)];
}

/** The port a socket is bound to. */
export function portOf(s: usocket.Socket): number {
  return (s.getsockname() as [string, number])[1];
}

/** A connected TCP pair over loopback: `[client, server side]`. The listener is closed. */
export function tcpPair(af: number = usocket.AF_INET): [usocket.Socket, usocket.Socket] {
  const [srv, port] = listener(af);
  const cli = usocket.socket(af, usocket.SOCK_STREAM);
  cli.connect([af === usocket.AF_INET6 ? "::1" : "127.0.0.1", port]);
  const [conn] = srv.accept();
  srv.close();
  return [cli, conn];
}

/** A pair of UDP sockets bound on 127.0.0.1. */
export function udpPair(): [usocket.Socket, usocket.Socket] {
  const a = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const b = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  a.bind(["127.0.0.1", 0]);
  b.bind(["127.0.0.1", 0]);
  return [a, b];
}

/**
 * Open descriptors of this process: `fcntl(fd, F_GETFD)` succeeds on 0-4095.
 * (Reading /proc/self/fd would need Deno's --allow-all.)
 */
export function fdCount(): number {
  let n = 0;
  for (let fd = 0; fd < 4096; fd++) if (libc.fcntl(fd, F_GETFD, 0) >= 0) n++;
  return n;
}

const sockOpt = new Int32Array(1), sockOptLen = new Uint32Array(1);

/**
 * Open IPv4/IPv6 socket descriptors of this process (0-4095, by
 * `getsockopt(SO_DOMAIN)`): a leak check that child processes' stdio, which
 * Bun sets up with AF_UNIX socket pairs and closes from its event loop,
 * cannot disturb.
 */
export function inetSocketCount(): number {
  let n = 0;
  const bytes = new Uint8Array(sockOpt.buffer), lenBytes = new Uint8Array(sockOptLen.buffer);
  for (let fd = 0; fd < 4096; fd++) {
    sockOptLen[0] = 4;
    if (libc.getsockopt(fd, usocket.SOL_SOCKET, C.SO_DOMAIN, bytes, lenBytes) < 0) continue;
    if (sockOpt[0] === usocket.AF_INET || sockOpt[0] === usocket.AF_INET6) n++;
  }
  return n;
}

/** A surplus-argument case: the label the error starts with, the call's most arguments (valid), the function, its `this`. */
export type SurplusCase = [label: string, args: unknown[], fn: (...args: unknown[]) => unknown, self: unknown];

/** Each call with one argument more than its most raises a TypeError starting with its label and naming the limit. */
export function assertSurplusRefused(table: readonly SurplusCase[]): void {
  for (const [label, args, fn, self] of table) {
    assert.throws(
      () => fn.apply(self, [...args, 0]),
      (e: unknown) =>
        e instanceof TypeError && e.message.startsWith(label) && e.message.includes(`at most ${args.length} argument`),
      `${label} with ${args.length + 1} arguments`,
    );
  }
}

/** Forces a full garbage collection (Deno: needs --v8-flags=--expose-gc). */
export function gc(): void {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (g.Bun) g.Bun.gc(true);
  else if (g.gc) g.gc();
  else throw new Error("no gc(): run Deno with --v8-flags=--expose-gc");
}

/**
 * The descriptor count once earlier tests' garbage has been collected (their
 * forgotten sockets are closed by the finalizer) and their workers are gone.
 */
export async function settledFdCount(): Promise<number> {
  let last = -1;
  for (let i = 0; i < 20; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
    const n = fdCount();
    if (n === last) return n;
    last = n;
  }
  return last;
}

/** Closes every socket given, ignoring ones already closed. */
export function closeAll(...socks: (usocket.Socket | undefined)[]): void {
  for (const s of socks) s?.close();
}

/** Runs a script with this runtime (FFI allowed), bounded by `timeoutMs`. */
export function runScript(
  script: string,
  args: string[] = [],
  opts: { timeoutMs?: number; denoFlags?: string[]; env?: Record<string, string>; input?: string } = {},
): SpawnSyncReturns<string> {
  const denoFlags = opts.denoFlags ?? ["--allow-ffi", "--allow-read", "--allow-env", "--allow-run", "--allow-net"];
  const argv = isBun ? [script, ...args] : ["run", ...denoFlags, script, ...args];
  return spawnSync(execPath, argv, {
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 30000,
    env: { ...process.env, ...opts.env },
    input: opts.input ?? "",
  });
}

/** Bytes of `s` as UTF-8. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Text of UTF-8 bytes (`null` stays `null`). */
export function text(b: Uint8Array | null): string | null {
  return b === null ? null : new TextDecoder().decode(b);
}

/**
 * Starts a Worker running `file` (relative to tests/): waits for its
 * `"ready"` message (sent once its module, and so libc, has loaded: a message
 * posted earlier could be dropped), sends it `data`, and resolves with its
 * next message.
 */
export async function startWorker<T>(file: string, data: unknown): Promise<[Worker, T]> {
  const w = new Worker(new URL(file, import.meta.url).href, { type: "module" });
  const ready = await nextMessage<string>(w, 20000);
  if (ready !== "ready") throw new Error(`worker ${file} sent ${JSON.stringify(ready)} before "ready"`);
  const first = nextMessage<T>(w, 20000);
  w.postMessage(data);
  return [w, await first];
}

/** Resolves with the worker's next message (bounded by `ms`). */
export function nextMessage<T>(w: Worker, ms = 30000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("worker did not answer")), ms);
    w.onmessage = (e: MessageEvent) => {
      clearTimeout(timer);
      resolve(e.data as T);
    };
    w.onerror = (e) => {
      clearTimeout(timer);
      reject(e);
    };
  });
}

/** Asserts that `fn` throws `OSError` with errno `code` (also in `args[0]`). */
export function assertOSError(fn: () => unknown, code: number, label = ""): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof usocket.OSError, `${label} expected OSError, got ${e}`);
    assert.equal(e.errno, code, `${label} errno ${e.errno} (${e.message}), expected ${code}`);
    assert.equal(e.args[0], code);
    return true;
  });
}
