/**
 * AF_NETLINK (Linux): `[pid, groups]` ↔ `struct sockaddr_nl`, CPython's tuple.
 *
 * @module
 */
import { int } from "../args.ts";
import type { Layouts } from "../platform/types.ts";
import type { AddressCodec } from "./codec.ts";
import { header } from "./header.ts";

/**
 * A netlink address: the port id (`0` is the kernel; a socket's own is
 * usually its process id, given by the kernel at `bind`) and the bit mask of
 * multicast groups (`RTMGRP_LINK` …).
 */
export type NetlinkAddress = [pid: number, groups: number];

/** The AF_NETLINK codec of an OS whose table has `sockaddr_nl`. */
export function netlinkCodec(family: number, layout: Layouts): AddressCodec {
  const L = layout.sockaddr_nl;
  if (L === null) throw new TypeError("this OS has no struct sockaddr_nl");
  const h = header(layout);
  return {
    family,
    minLength: L.size,
    encode(address, out, what) {
      if (!Array.isArray(address) || address.length !== 2) {
        throw new TypeError(`${what}: an AF_NETLINK address is [pid, groups]`);
      }
      const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
      out.fill(0, 0, L.size);
      h.set(dv, family, L.size);
      for (const [i, name, off] of [[0, "pid", L.nl_pid], [1, "groups", L.nl_groups]] as const) {
        dv.setUint32(off, int(address[i], `${what}: ${name}`, 0, 0xffffffff), true);
      }
      return L.size;
    },
    decode(buf, len): NetlinkAddress | Uint8Array {
      if (len < L.size) return buf.slice(0, len);
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      return [dv.getUint32(L.nl_pid, true), dv.getUint32(L.nl_groups, true)];
    },
  };
}
