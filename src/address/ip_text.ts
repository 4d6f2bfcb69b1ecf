/**
 * IP address text ↔ bytes: strict dotted-quad IPv4 in TypeScript, IPv6 with
 * libc's `inet_pton(3)`/`inet_ntop(3)`, with one-entry caches so that
 * `recvfrom` from the same peer returns the same host string without
 * formatting it again.
 *
 * @module
 */
import { libc } from "../../ffi/libc.ts";
import { C } from "../platform/mod.ts";

const AF_INET6 = C.AF_INET6;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Parses strict dotted-quad IPv4 text into `out[off..off+4]`; false if not one (as `inet_pton`). */
export function parseIPv4(s: string, out: Uint8Array, off: number): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let part = 0, value = 0, digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 3) return false;
      out[off + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false; // no leading zeros, as inet_pton
      value = value * 10 + (c - 48);
      if (value > 255) return false;
      digits++;
    } else {
      return false;
    }
  }
  return part === 4;
}

const textScratch = new Uint8Array(64);

/** Parses IPv6 text (no zone) with libc's `inet_pton` into `out[off..off+16]`. */
export function parseIPv6(s: string, out: Uint8Array, off: number): boolean {
  if (s.length === 0 || s.length > 45 || s.includes("\0")) return false;
  const { written } = encoder.encodeInto(s, textScratch);
  textScratch[written] = 0;
  return libc.inet_pton(AF_INET6, textScratch, out.subarray(off, off + 16)) === 1;
}

let last4 = -1, last4Text = "";
const last6 = new Uint8Array(16);
let last6Text = "";
const ntopScratch = new Uint8Array(64);

/** The dotted-quad text of `b[o..o+4]`. */
export function formatIPv4(b: Uint8Array, o: number): string {
  const key = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  if (key !== last4) {
    last4 = key;
    last4Text = `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  }
  return last4Text;
}

/** The canonical IPv6 text of `b[o..o+16]` (libc's `inet_ntop`). */
export function formatIPv6(b: Uint8Array, o: number): string {
  let same = last6Text !== "";
  for (let i = 0; same && i < 16; i++) same = last6[i] === b[o + i];
  if (same) return last6Text;
  const src = b.subarray(o, o + 16);
  if (!libc.inet_ntop(AF_INET6, src, ntopScratch, ntopScratch.length)) throw new Error("inet_ntop failed");
  last6.set(src);
  last6Text = decoder.decode(ntopScratch.subarray(0, ntopScratch.indexOf(0)));
  return last6Text;
}
