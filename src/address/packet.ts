/**
 * AF_PACKET (Linux): `[ifname, proto, pkttype, hatype, addr]` ↔ `struct
 * sockaddr_ll`, CPython's tuple.
 *
 * @module
 */
import { int } from "../args.ts";
import type { Layouts } from "../platform/types.ts";
import type { AddressCodec } from "./codec.ts";
import { header } from "./header.ts";

/**
 * An AF_PACKET address, as CPython has it: the interface's name (`""` for
 * "any", index 0), the Ethernet protocol number in host order (`ETH_P_IP` =
 * 0x0800), the packet type (`PACKET_HOST` …), the ARP hardware type
 * (`ARPHRD_ETHER` …) and the hardware address. `bind`/`sendto` take the first
 * two and optionally the rest; received addresses have all five.
 */
export type PacketAddress =
  | [ifname: string, proto: number]
  | [ifname: string, proto: number, pkttype: number]
  | [ifname: string, proto: number, pkttype: number, hatype: number]
  | [ifname: string, proto: number, pkttype: number, hatype: number, addr: Uint8Array];

/** How the codec turns interface names into indexes and back (`if_nametoindex(3)`, `if_indextoname(3)`). */
export interface InterfaceNames {
  /** The index of `name`; throws (OSError ENODEV) for an unknown name. */
  index(name: string): number;
  /** The name of `index`, or `null` when there is none (any more). */
  name(index: number): string | null;
}

/**
 * The AF_PACKET codec of an OS whose table has `sockaddr_ll`: `family` is its
 * `AF_PACKET`; `names` looks interfaces up (the encoder calls it for a
 * non-empty name, the decoder for a non-zero index).
 */
export function packetCodec(family: number, layout: Layouts, names: InterfaceNames): AddressCodec {
  const L = layout.sockaddr_ll;
  if (L === null) throw new TypeError("this OS has no struct sockaddr_ll");
  const h = header(layout);
  const room = L.size - L.sll_addr;
  return {
    family,
    minLength: L.sll_addr,
    encode(address, out, what) {
      if (!Array.isArray(address) || address.length < 2 || address.length > 5) {
        throw new TypeError(`${what}: an AF_PACKET address is [ifname, proto, pkttype?, hatype?, addr?]`);
      }
      const [ifname, proto, pkttype = 0, hatype = 0, addr = new Uint8Array(0)] = address;
      if (typeof ifname !== "string") throw new TypeError(`${what}: ifname must be a string`);
      const p = int(proto, `${what}: proto`, 0, 0xffff);
      const pt = int(pkttype, `${what}: pkttype`, 0, 0xff);
      const ha = int(hatype, `${what}: hatype`, 0, 0xffff);
      if (!(addr instanceof Uint8Array)) throw new TypeError(`${what}: addr must be a Uint8Array`);
      if (addr.byteLength > room) {
        throw new RangeError(`${what}: addr is ${addr.byteLength} bytes; a sockaddr_ll holds at most ${room}`);
      }
      const index = ifname === "" ? 0 : names.index(ifname);
      const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
      out.fill(0, 0, L.size);
      h.set(dv, family, L.size);
      dv.setUint16(L.sll_protocol, p, false); // network order, as htons()
      dv.setInt32(L.sll_ifindex, index, true);
      dv.setUint16(L.sll_hatype, ha, true);
      dv.setUint8(L.sll_pkttype, pt);
      dv.setUint8(L.sll_halen, addr.byteLength);
      out.set(addr, L.sll_addr);
      return L.size;
    },
    decode(buf, len): PacketAddress | Uint8Array {
      if (len < L.sll_addr) return buf.slice(0, len);
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      const index = dv.getInt32(L.sll_ifindex, true);
      const halen = Math.min(dv.getUint8(L.sll_halen), len - L.sll_addr, room);
      return [
        index === 0 ? "" : names.name(index) ?? "",
        dv.getUint16(L.sll_protocol, false),
        dv.getUint8(L.sll_pkttype),
        dv.getUint16(L.sll_hatype, true),
        buf.slice(L.sll_addr, L.sll_addr + halen),
      ];
    },
  };
}
