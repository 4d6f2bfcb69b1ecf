/**
 * Finding libc: the file names tried per OS, and the error that lists them.
 * Kept apart from `libc.ts` so the backends can use it while `libc.ts` is
 * still awaiting them.
 *
 * @module
 */
import { os } from "./runtime.ts";

/** The library file names tried, in order, for this OS. */
export const libcPaths: readonly string[] = os === "darwin"
  ? ["/usr/lib/libSystem.B.dylib", "libSystem.B.dylib"]
  : [
    "libc.so.6",
    "/lib/x86_64-linux-gnu/libc.so.6",
    "/lib/aarch64-linux-gnu/libc.so.6",
    "/usr/lib/libc.so.6",
    "/lib/libc.so.6",
    "/lib/ld-musl-x86_64.so.1",
    "/lib/ld-musl-aarch64.so.1",
  ];

/** Tries each path with `open`; throws an error listing every path tried. */
export function openFirst<T>(open: (path: string) => T): T {
  const failures: string[] = [];
  for (const path of libcPaths) {
    try {
      return open(path);
    } catch (e) {
      if (e instanceof Error && /NotCapable|PermissionDenied/.test(e.name)) {
        throw new Error(
          "usocket calls libc through FFI: run Deno with --allow-ffi "
            + "(e.g. `deno run --allow-ffi main.ts`)",
          { cause: e },
        );
      }
      failures.push(`${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error(`usocket could not load libc; tried:\n  ${failures.join("\n  ")}`);
}
