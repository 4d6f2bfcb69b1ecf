/**
 * The platform seam: the one table for the OS and CPU this process runs on.
 *
 * @module
 */
import { arch, os } from "../../ffi/runtime.ts";
import { darwin } from "./darwin.ts";
import { linux } from "./linux.ts";
import type { ArchLayouts, ArchName, PlatformTable } from "./types.ts";

export type * from "./types.ts";

/** The platform table of the running OS. */
export const platform: PlatformTable = os === "darwin" ? darwin : linux;

/** Constants of the running OS (shorthand for `platform.constants`). */
export const C: PlatformTable["constants"] = platform.constants;

/** errno numbers of the running OS (shorthand for `platform.errno`). */
export const E: PlatformTable["errno"] = platform.errno;

/** The running CPU architecture's name in the tables; another architecture is refused at load. */
export const archName: ArchName = arch === "x86_64" || arch === "aarch64"
  ? arch
  : (() => {
    throw new Error(`usocket has struct layouts for x86_64 and aarch64; this CPU is ${arch}`);
  })();

/** Struct layouts of the running OS and CPU: `platform.layout` and `platform.arch[archName]`. */
export const L: PlatformTable["layout"] & ArchLayouts = { ...platform.layout, ...platform.arch[archName] };

/** What the running OS does differently (shorthand for `platform.quirks`). */
export const Q: PlatformTable["quirks"] = platform.quirks;
