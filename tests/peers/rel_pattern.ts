/** The byte pattern and checksum shared by the bulk reliability tests and their peers. */

/** Fills `buf` with the pattern bytes at stream offsets `offset …`. */
export function pattern(buf: Uint8Array, offset: number): void {
  for (let i = 0; i < buf.length; i++) {
    const k = offset + i;
    buf[i] = (k * 31 + (k >>> 11) * 7 + (k >>> 19)) & 255;
  }
}

/** FNV-1a (32-bit), continued from `h` over `bytes`. */
export function fnv1a(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}
