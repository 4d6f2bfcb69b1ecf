/**
 * The `Deno.dlopen` backend: the {@linkcode Backend} for Deno.
 *
 * @module
 */
import { openFirst } from "./open_first.ts";
import type { Backend, Bound, Callback, NativeType, Pointer, SymbolTable } from "./types.ts";

const denoType = {
  i32: "i32",
  u32: "u32",
  i64: "i64",
  u64: "u64",
  buffer: "buffer",
  pointer: "pointer",
  void: "void",
} as const satisfies Record<NativeType, Deno.NativeResultType>;

function toDeno(table: SymbolTable): Deno.ForeignLibraryInterface {
  const out: Deno.ForeignLibraryInterface = {};
  for (const [name, spec] of Object.entries(table)) {
    out[name] = {
      parameters: spec.parameters.map((t) => denoType[t] as Deno.NativeType),
      result: denoType[spec.result],
      ...(spec.nonblocking ? { nonblocking: true } : {}),
    };
  }
  return out;
}

const native = (p: Pointer) => p as unknown as Deno.PointerValue;

/** Deno's backend. */
export const backend: Backend = {
  open<T extends SymbolTable>(table: T, paths: readonly string[]): Bound<T> {
    const lib = openFirst(paths, (path) => Deno.dlopen(path, toDeno(table)));
    // Deno's own foreign functions, unwrapped. Deno types them from the
    // interface built at run time above; Bound<T> states the same types from
    // the table, in the neutral vocabulary (the one cast of this backend).
    return lib.symbols as unknown as Bound<T>;
  },
  int32At(p) {
    const view = new Deno.UnsafePointerView(native(p)!);
    return () => view.getInt32(0);
  },
  address: (p) => p === null ? 0n : BigInt(Deno.UnsafePointer.value(native(p))),
  pointer: (address) => Deno.UnsafePointer.create(address) as unknown as Pointer,
  peek(address, length) {
    const out = new Uint8Array(length);
    if (length > 0) new Deno.UnsafePointerView(Deno.UnsafePointer.create(address)!).copyInto(out);
    return out;
  },
  cstring: (p) => p === null ? null : Deno.UnsafePointerView.getCString(native(p)!),
  // UnsafePointer.value gives a BigInt (measured: also below 2^53); user-space addresses fit a number
  addressOf: (buf) =>
    buf.byteLength === 0 ? 0 : Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf as Uint8Array<ArrayBuffer>))),
  poke(address, data) {
    if (data.length === 0) return;
    const at = Deno.UnsafePointer.create(address)!;
    new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(at, data.length)).set(data);
  },
  callback(spec, fn): Callback {
    const cb = new Deno.UnsafeCallback(
      {
        parameters: spec.parameters.map((t) => denoType[t] as Deno.NativeType),
        result: denoType[spec.result] as Deno.NativeResultType,
      },
      // Deno passes pointers as pointer objects, the neutral Pointer of this backend
      fn as unknown as Deno.UnsafeCallbackFunction,
    );
    return { pointer: cb.pointer as unknown as Pointer, close: () => cb.close() };
  },
  addressByCall: true, // UnsafePointer.of is a slow call here: see Backend.addressByCall
  freshArrayMax: 0, // V8: a view of an arena (~20 ns) beats a new ArrayBuffer (~200 ns)
};
