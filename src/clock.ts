/**
 * The clock every timeout runs on: `clock_gettime(CLOCK_MONOTONIC)` through
 * FFI, in milliseconds. One fast FFI call (~35 ns measured on Deno, where
 * `performance.now()` costs ~90 ns; on a par with it on Bun), and a socket
 * with a timeout reads it once per operation.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { C, L } from "./platform/mod.ts";

const ts = new Uint8Array(L.timespec.size);
const ts32 = new Int32Array(ts.buffer);
// The low 32-bit halves of tv_sec and tv_nsec (little-endian: x86_64, aarch64).
const SEC = L.timespec.tv_sec >> 2, NSEC = L.timespec.tv_nsec >> 2;
const CLOCK_MONOTONIC = C.CLOCK_MONOTONIC;

/**
 * Milliseconds since an arbitrary point (boot, on Linux), never going back.
 * Maps to `clock_gettime(2)` with `CLOCK_MONOTONIC`; seconds are read as
 * 32 bits, which wrap after 136 years of uptime.
 */
export function now(): number {
  libc.clock_gettime(CLOCK_MONOTONIC, ts);
  return (ts32[SEC] >>> 0) * 1000 + ts32[NSEC] / 1e6;
}
