/**
 * The {@linkcode Backend} of this runtime, loaded once per thread: `deno.ts`
 * (`Deno.dlopen`) or `bun.ts` (`bun:ffi`), each imported dynamically after
 * detection, so that Deno never evaluates `bun:ffi`. Every library this
 * module calls (libc, and libssl next) is opened through it.
 *
 * @module
 */
import { os, runtime } from "./runtime.ts";
import type { Backend } from "./types.ts";

async function load(): Promise<Backend> {
  if (os !== "linux" && os !== "darwin") {
    throw new Error(`usocket supports Linux and macOS; this OS is ${os}`);
  }
  const m = runtime === "bun" ? await import("./bun.ts") : await import("./deno.ts");
  return m.backend;
}

/** This runtime's FFI backend. */
export const backend: Backend = await load();
