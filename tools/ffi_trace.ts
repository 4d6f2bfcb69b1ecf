/**
 * Preloaded into every Deno test module by `npm run test:arm64` (`deno test
 * --preload tools/ffi_trace.ts`, with `USOCKET_FFI_TRACE` naming a file):
 * records which foreign functions (`Deno.dlopen` symbols) the module called
 * and which callbacks (`Deno.UnsafeCallback`) native code invoked, and
 * appends one JSON line (`{ module, called }`) to that file when the module unloads.
 * `tools/ffi_coverage.ts` then checks the names against the library's symbol
 * tables. Without `USOCKET_FFI_TRACE` it changes nothing. Calls made in
 * Workers and in child processes are not seen (the preload runs in the test
 * modules only), so the check errs on the side of "not called".
 *
 * @module
 */
const file = Deno.env.get("USOCKET_FFI_TRACE");

if (file) {
  const called = new Set<string>();
  /** A callback's key: its C signature, as tools/ffi_coverage.ts writes it. */
  const signature = (d: Deno.UnsafeCallbackDefinition) => `(${d.parameters.join(", ")}) -> ${d.result}`;

  const dlopen = Deno.dlopen;
  // deno-lint-ignore no-explicit-any
  (Deno as any).dlopen = (path: string | URL, symbols: Deno.ForeignLibraryInterface) => {
    const lib = dlopen(path, symbols);
    const wrapped: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(lib.symbols)) {
      const key = (symbols[name] as Deno.ForeignFunction).nonblocking ? `${name} (nonblocking)` : name;
      wrapped[name] = typeof fn === "function"
        ? (...args: unknown[]) => {
          called.add(key);
          return (fn as (...a: unknown[]) => unknown)(...args);
        }
        : fn;
    }
    return { symbols: wrapped, close: () => lib.close() };
  };

  const Callback = Deno.UnsafeCallback;
  // deno-lint-ignore no-explicit-any
  (Deno as any).UnsafeCallback = class extends Callback {
    constructor(definition: Deno.UnsafeCallbackDefinition, fn: Deno.UnsafeCallbackFunction) {
      const key = `callback ${signature(definition)}`;
      super(
        definition,
        ((...args: unknown[]) => {
          called.add(key);
          return (fn as (...a: unknown[]) => unknown)(...args);
        }) as Deno.UnsafeCallbackFunction,
      );
    }
  };

  globalThis.addEventListener("unload", () => {
    const line = JSON.stringify({ module: Deno.mainModule, called: [...called] });
    if (called.size) Deno.writeTextFileSync(file, line + "\n", { append: true });
  });
}
