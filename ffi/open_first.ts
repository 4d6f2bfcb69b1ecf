/**
 * Opening a shared library: try each file name in turn, and fail with an
 * error that lists every one tried — or that says to pass Deno's
 * `--allow-ffi` when the runtime refused. Used by both backends for every
 * library (libc, and libssl next).
 *
 * @module
 */

/** Tries `open` on each of `paths`; throws an error listing every path tried. */
export function openFirst<T>(paths: readonly string[], open: (path: string) => T): T {
  const failures: string[] = [];
  for (const path of paths) {
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
  throw new Error(`usocket could not load ${paths[0] ?? "a library"}; tried:\n  ${failures.join("\n  ")}`);
}
