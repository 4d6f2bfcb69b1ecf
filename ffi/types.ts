/**
 * The runtime-neutral FFI vocabulary: how a symbol table is written, the
 * function types a table binds to, and what a backend (`deno.ts`, `bun.ts`)
 * provides. Types only: importing this file loads nothing.
 *
 * @module
 */

/**
 * A parameter or result type:
 * - `i32` / `u32`: 32-bit integers as JS numbers; both runtimes call these on
 *   their fast path. Never pass -0: Deno's FFI refuses it for an integer
 *   (`int()` in `src/args.ts` turns a caller's -0 into 0; computed values are
 *   kept off it where they are computed);
 * - `i64` / `u64`: 64-bit integers as BigInts (a JS number there takes Deno's
 *   slow path; OpenSSL's `long` is one);
 * - `buffer`: caller memory, a `Uint8Array` (or `null` for NULL);
 * - `pointer`: an opaque address from the library ({@linkcode Pointer});
 * - `void`: no result.
 */
export type NativeType = "i32" | "u32" | "i64" | "u64" | "buffer" | "pointer" | "void";

/** One foreign function: its parameter types and its result type. */
export interface SymbolSpec {
  readonly parameters: readonly NativeType[];
  readonly result: NativeType;
  /**
   * Deno only: the call runs on Deno's blocking-thread pool and returns a
   * Promise of its result (`nonblocking: true` of `Deno.dlopen`). errno of
   * such a call is another thread's: it is not readable. Bun has no such
   * calls: opening a table with one there throws.
   */
  readonly nonblocking?: boolean;
}

/** A library's functions by C name. */
export type SymbolTable = Readonly<Record<string, SymbolSpec>>;

declare const pointerBrand: unique symbol;

/**
 * An address returned by a library, as the backend represents it (Deno: a
 * pointer object, Bun: a number); `null` is NULL on both. Only passed back to
 * the library or to {@linkcode Backend} helpers, never inspected.
 */
export type Pointer = { readonly [pointerBrand]: true } | null;

/** The JS type of a parameter of native type `T`. */
export type ParameterType<T extends NativeType> = T extends "i32" | "u32" ? number
  : T extends "i64" | "u64" ? bigint
  : T extends "buffer" ? Uint8Array | null
  : T extends "pointer" ? Pointer
  : never;

/** The JS type of a result of native type `T`. */
export type ResultType<T extends NativeType> = T extends "i32" | "u32" ? number
  : T extends "i64" | "u64" ? bigint
  : T extends "pointer" ? Pointer
  : T extends "void" ? void
  : never;

/** The JS argument types of a parameter list (a mapped tuple: its length is checked too). */
export type ParameterTypes<P extends readonly NativeType[]> = {
  -readonly [I in keyof P]: P[I] extends NativeType ? ParameterType<P[I]> : never;
};

/** The function a {@linkcode SymbolSpec} binds to. */
export type BoundFunction<S extends SymbolSpec> = (
  ...args: ParameterTypes<S["parameters"]>
) => S["nonblocking"] extends true ? Promise<ResultType<S["result"]>> : ResultType<S["result"]>;

/** The JS function a library may call back, typed from its {@linkcode SymbolSpec}. */
export type CallbackFunction<S extends SymbolSpec> = (
  ...args: ParameterTypes<S["parameters"]>
) => ResultType<S["result"]>;

/** A JS function made callable from C: its address, valid until `close()`. */
export interface Callback {
  /** The C function pointer, to pass to the library. */
  readonly pointer: Pointer;
  /** Frees the trampoline; the pointer must not be called after. */
  close(): void;
}

/** Every function of a table, typed from it: a misspelt or missing symbol does not compile. */
export type Bound<T extends SymbolTable> = { readonly [K in keyof T]: BoundFunction<T[K]> };

/**
 * What each runtime's FFI backend gives the rest of the module. The bound
 * functions are the runtime's own foreign functions, unwrapped (one FFI call
 * each); the helpers below read library memory.
 */
export interface Backend {
  /**
   * Opens the first of `paths` that loads (Deno: `Deno.dlopen`, Bun:
   * `bun:ffi`'s `dlopen`) with every function of `table`. Throws an error that
   * lists each path tried and why it failed, or says to pass Deno's
   * `--allow-ffi`.
   */
  open<T extends SymbolTable>(table: T, paths: readonly string[]): Bound<T>;
  /** A function reading the 32-bit integer at `p`, a fixed address (errno's). */
  int32At(p: Pointer): () => number;
  /** The numeric address of `p` (0n for NULL). */
  address(p: Pointer): bigint;
  /** The pointer for a numeric address (NULL for 0n). */
  pointer(address: bigint): Pointer;
  /** A copy of `length` bytes of library memory at `address`. */
  peek(address: bigint, length: number): Uint8Array;
  /** Writes `data` into library memory at `address` (an out-parameter the library handed over). */
  poke(address: bigint, data: Uint8Array): void;
  /**
   * Makes `fn` callable from C with the types of `spec` (Deno:
   * `Deno.UnsafeCallback`, Bun: `JSCallback`), for calls the library makes
   * on this thread, inside a call from JS. Pointer arguments arrive as
   * {@linkcode Pointer}s.
   */
  callback<S extends SymbolSpec>(spec: S, fn: CallbackFunction<S>): Callback;
  /** The NUL-terminated UTF-8 string at `p`, or `null` for NULL. */
  cstring(p: Pointer): string | null;
  /**
   * The address of `buf`'s first byte (its `byteOffset` included), for a C
   * struct that points at JS memory (`struct iovec`, `struct msghdr`); 0 for
   * an empty array. Valid for calls made before control returns to the event
   * loop: compute it right before each call, never keep it (Bun's rule for
   * `ptr()`). Deno: `Deno.UnsafePointer.of`; Bun: `ptr()`.
   */
  addressOf(buf: Uint8Array): number;
  /**
   * Whether libc's `addressOf` should ask `memset(buf, 0, 0)` (which writes
   * nothing and returns `buf`) instead of {@linkcode Backend.addressOf}:
   * true on Deno, where `Deno.UnsafePointer.of` plus `.value` cost ~580 ns
   * and that FFI call ~46 ns (measured, x86_64); false on Bun, whose `ptr()`
   * costs ~40 ns.
   */
  readonly addressByCall: boolean;
  /**
   * Received results up to this many bytes are cheapest as a new
   * `Uint8Array` (JavaScriptCore: 8 ns for 64 B), longer ones as views of a
   * shared arena (V8: an ArrayBuffer costs ~200 ns, a view ~20 ns). 0: always a view.
   */
  readonly freshArrayMax: number;
}
