/**
 * The platform seam: the one table for the OS this process runs on.
 *
 * @module
 */
import { os } from "../../ffi/runtime.ts";
import { darwin } from "./darwin.ts";
import { linux } from "./linux.ts";
import type { PlatformTable } from "./types.ts";

export type { Layouts, PlatformTable } from "./types.ts";

/** The platform table of the running OS. */
export const platform: PlatformTable = os === "darwin" ? darwin : linux;

/** Constants of the running OS (shorthand for `platform.constants`). */
export const C: Readonly<Record<string, number>> = platform.constants;

/** Struct layouts of the running OS (shorthand for `platform.layout`). */
export const L: PlatformTable["layout"] = platform.layout;

/** errno numbers of the running OS (shorthand for `platform.errno`). */
export const E: Readonly<Record<string, number>> = platform.errno;
