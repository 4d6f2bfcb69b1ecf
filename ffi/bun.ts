/**
 * The `bun:ffi` backend: the {@linkcode Backend} for Bun.
 *
 * `bun:ffi` is imported with a computed specifier so that Deno's type checker
 * and module graph never see it; the subset used is typed by hand in
 * {@linkcode BunFfi}, which `tsc` with bun-types checks against Bun's own
 * declarations (`bun_ffi_check.ts`).
 *
 * @module
 */
import { openFirst } from "./open_first.ts";
import type { Backend, Bound, Callback, NativeType, Pointer, SymbolTable } from "./types.ts";

/** The `bun:ffi` type names this backend uses. */
export type BunType = "i32" | "u32" | "i64" | "u64" | "ptr" | "void";

/** The part of `bun:ffi` this backend uses. */
export interface BunFfi {
  dlopen(
    path: string,
    symbols: Record<string, { args: BunType[]; returns: BunType }>,
  ): { symbols: Record<string, (...args: never[]) => unknown>; close(): void };
  read: { i32(ptr: number, offset?: number): number };
  ptr(view: Uint8Array): number;
  toArrayBuffer(ptr: number, byteOffset?: number, byteLength?: number): ArrayBuffer;
  CString: new(ptr: number, byteOffset?: number, byteLength?: number) => string;
  JSCallback: new(
    callback: (...args: never[]) => unknown,
    definition: { args: BunType[]; returns: BunType },
  ) => { readonly ptr: number | null; close(): void };
}

const bunType = {
  i32: "i32",
  u32: "u32",
  i64: "i64",
  u64: "u64",
  buffer: "ptr",
  pointer: "ptr",
  void: "void",
} as const satisfies Record<NativeType, BunType>;

function toBun(table: SymbolTable) {
  const out: Record<string, { args: BunType[]; returns: BunType }> = {};
  for (const [name, spec] of Object.entries(table)) {
    if (spec.nonblocking) throw new Error(`${name}: Bun's FFI has no non-blocking calls`);
    out[name] = { args: spec.parameters.map((t) => bunType[t]), returns: bunType[spec.result] };
  }
  return out;
}

const ffi = (await import("bun:" + "ffi")) as BunFfi;
const native = (p: Pointer) => p as unknown as number | null;

/** Bun's backend. */
export const backend: Backend = {
  open<T extends SymbolTable>(table: T, paths: readonly string[]): Bound<T> {
    const lib = openFirst(paths, (path) => ffi.dlopen(path, toBun(table)));
    // Bun's own foreign functions, unwrapped; Bound<T> states their types
    // from the table (the one cast of this backend).
    return lib.symbols as unknown as Bound<T>;
  },
  int32At(p) {
    // the address is fixed for the thread's life (each Worker loads its own module instance)
    const address = native(p)!;
    const read = ffi.read;
    return () => read.i32(address, 0);
  },
  address: (p) => BigInt(native(p) ?? 0),
  pointer: (address) => (address === 0n ? null : Number(address)) as unknown as Pointer,
  peek: (address, length) =>
    length > 0 ? new Uint8Array(ffi.toArrayBuffer(Number(address), 0, length)).slice() : new Uint8Array(0),
  poke(address, data) {
    if (data.length > 0) new Uint8Array(ffi.toArrayBuffer(Number(address), 0, data.length)).set(data);
  },
  callback(spec, fn): Callback {
    // Bun passes pointers as numbers, the neutral Pointer of this backend
    const cb = new ffi.JSCallback(fn as unknown as (...args: never[]) => unknown, {
      args: spec.parameters.map((t) => bunType[t]),
      returns: bunType[spec.result],
    });
    return { pointer: cb.ptr as unknown as Pointer, close: () => cb.close() };
  },
  // ptr() refuses an empty array
  addressOf: (buf) => buf.byteLength === 0 ? 0 : ffi.ptr(buf),
  cstring(p) {
    const a = native(p);
    return a === null || a === 0 ? null : String(new ffi.CString(a));
  },
  addressByCall: false, // ptr() is already one fast call
  freshArrayMax: 256, // JavaScriptCore: a new 64 B array costs 8 ns, 256 B 20 ns, a view 40 ns
};
