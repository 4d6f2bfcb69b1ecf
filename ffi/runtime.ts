/**
 * Runtime detection: the one place that decides whether this module runs on
 * Bun or on Deno, and on which OS and CPU.
 *
 * Bun is checked first, because Bun also defines a partial `Deno`-like surface
 * in some set-ups while Deno never defines `Bun`.
 *
 * @module
 */

/** The JavaScript runtimes this module supports. */
export type RuntimeName = "deno" | "bun";

/** The operating systems this module has platform tables for. */
export type OsName = "linux" | "darwin";

interface DenoLike {
  build: { os: string; arch: string };
  version: { deno: string };
}
interface BunLike {
  version: string;
}
interface ProcessLike {
  platform: string;
  arch: string;
}

const g = globalThis as unknown as {
  Bun?: BunLike;
  Deno?: DenoLike;
  process?: ProcessLike;
};

/**
 * Picks the runtime from a global object: Bun first, then Deno; anything
 * else (Node.js, a browser) is refused with an error naming both.
 */
export function detectRuntime(globals: object): RuntimeName {
  const g = globals as { Bun?: unknown; Deno?: { build?: unknown } };
  if (typeof g.Bun === "object" && g.Bun !== null) return "bun";
  if (typeof g.Deno === "object" && g.Deno !== null && typeof g.Deno.build === "object") return "deno";
  throw new Error(
    "usocket runs on Deno (with --allow-ffi) or on Bun: this runtime is neither. "
      + "It calls libc through Deno.dlopen or bun:ffi, which Node.js and browsers do not have.",
  );
}

/** The runtime this module is running on. Throws on anything but Deno and Bun. */
export const runtime: RuntimeName = detectRuntime(globalThis);

function detectOs(): string {
  return runtime === "deno" ? g.Deno!.build.os : g.process!.platform;
}

function detectArch(): string {
  if (runtime === "deno") return g.Deno!.build.arch;
  const a = g.process!.arch;
  return a === "x64" ? "x86_64" : a === "arm64" ? "aarch64" : a;
}

/** The operating system, as Deno names it (`"linux"`, `"darwin"`, …). */
export const os: string = detectOs();

/** The CPU architecture, as Deno names it (`"x86_64"`, `"aarch64"`). */
export const arch: string = detectArch();

/** A short description such as `"Deno 2.9.6"` or `"Bun 1.4.5"`. */
export const runtimeVersion: string = runtime === "deno"
  ? `Deno ${g.Deno!.version.deno}`
  : `Bun ${g.Bun!.version}`;
