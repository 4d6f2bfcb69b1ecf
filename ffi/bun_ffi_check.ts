/**
 * A type-level check, never loaded: `tsc -p tsconfig.bun.json` (with
 * bun-types, part of `npm test`) compiles it and fails if Bun's own
 * `bun:ffi` declarations no longer fit {@linkcode BunFfi}, the subset that
 * `bun.ts` types by hand (Deno's checker must never see `bun:ffi`, so
 * `bun.ts` cannot import these types itself).
 *
 * @module
 */
import type * as BunFfiModule from "bun:ffi";
import type { BunFfi } from "./bun.ts";

type Fits<T extends BunFfi> = T;

/** Bun's `bun:ffi` module, as far as `bun.ts` uses it. */
export type BunFfiFits = Fits<typeof BunFfiModule>;
