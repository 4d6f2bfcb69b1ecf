/**
 * The `struct sockaddr` header every family shares: `sa_family` (2 bytes on
 * Linux; 1 byte after a length byte `sa_len` on macOS), from a layout table
 * given, so a codec can be built (and tested) for any OS.
 *
 * @module
 */
import type { Layouts } from "../platform/types.ts";

/** Reads and writes the header of a `struct sockaddr` of one OS. */
export interface Header {
  /** The header's size: the first byte after `sa_family`. */
  readonly size: number;
  /** Writes `family` (and on macOS `sa_len = len`). */
  set(dv: DataView, family: number, len: number): void;
  /** The `sa_family` of a raw sockaddr. */
  family(buf: Uint8Array): number;
}

/** The header of `layout`'s OS. */
export function header(layout: Layouts): Header {
  const { sa_family, familySize, sa_len } = layout.sockaddr;
  if (familySize === 1) {
    return {
      size: sa_family + 1,
      set(dv, family, len) {
        dv.setUint8(sa_len, len);
        dv.setUint8(sa_family, family);
      },
      family: (buf) => buf[sa_family],
    };
  }
  return {
    size: sa_family + 2,
    set(dv, family) {
      dv.setUint16(sa_family, family, true); // host order: little-endian on x86_64 and aarch64
    },
    family: (buf) => buf[sa_family] | (buf[sa_family + 1] << 8),
  };
}
