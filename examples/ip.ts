/**
 * `ip`: a small `ip link` / `ip addr` over route netlink, built only on
 * usocket (Linux). One `socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)`, an
 * `RTM_GETLINK` dump and an `RTM_GETADDR` dump through
 * `usocket.netlink_dump`, and the attributes read with `usocket.rtattrs`.
 *
 * ```sh
 * deno run --allow-ffi --allow-read examples/ip.ts [addr|link] [-4|-6] [--json]
 * bun examples/ip.ts
 * ```
 *
 * ```text
 * 1: lo: <UP,LOOPBACK,RUNNING,LOWER_UP> mtu 65536
 *     link/loopback 00:00:00:00:00:00
 *     inet 127.0.0.1/8 scope host
 *     inet6 ::1/128 scope host
 * ```
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../mod.ts";

const USAGE = `ip — interfaces and their addresses, from the kernel over netlink (usocket, Linux)

usage: ip [addr|link] [-4|-6] [--json]

  addr       every interface with its addresses (the default)
  link       interfaces only
  -4, -6     addresses of one family only
  --json     one JSON array instead of text:
             [{ifindex, ifname, flags, mtu, link_type, address, addr_info: [{family, local, prefixlen, scope}]}]
  -h, --help this text`;

/** One address of an interface. */
export interface AddrInfo {
  /** `"inet"` or `"inet6"`. */
  family: "inet" | "inet6";
  /** The address (`IFA_LOCAL`, else `IFA_ADDRESS`). */
  local: string;
  /** Its prefix length. */
  prefixlen: number;
  /** `"host"`, `"link"`, `"global"` or the number. */
  scope: string;
}

/** One interface, as `ip -j addr` names the fields. */
export interface Link {
  /** Its index. */
  ifindex: number;
  /** Its name. */
  ifname: string;
  /** Its `IFF_*` flags by name, lowest bit first. */
  flags: string[];
  /** Its MTU. */
  mtu: number;
  /** `"ether"`, `"loopback"`, `"none"` or the ARPHRD number. */
  link_type: string;
  /** Its hardware address, `aa:bb:…`, or `""`. */
  address: string;
  /** Its addresses (empty for `link`). */
  addr_info: AddrInfo[];
}

// net/if.h's IFF_* bits, and IFF_LOWER_UP (1 << 16)
const FLAGS: [number, string][] = [
  [0x1, "UP"],
  [0x2, "BROADCAST"],
  [0x8, "LOOPBACK"],
  [0x10, "POINTOPOINT"],
  [0x40, "RUNNING"],
  [0x80, "NOARP"],
  [0x100, "PROMISC"],
  [0x1000, "MULTICAST"],
  [0x10000, "LOWER_UP"],
];
const SCOPES: Record<number, string> = { 0: "global", 200: "site", 253: "link", 254: "host", 255: "nowhere" };
const decoder = new TextDecoder();
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":");
const cstring = (b: Uint8Array) => decoder.decode(b.indexOf(0) < 0 ? b : b.subarray(0, b.indexOf(0)));

/**
 * Every interface (and unless `withAddrs` is false, its addresses of
 * `family`: 0 for both), from two netlink dumps. Blocks at most 5 s per dump.
 *
 * @throws {OSError} from the socket calls (EAFNOSUPPORT off Linux)
 * @example
 * ```ts ignore
 * import { links } from "./ip.ts";
 * console.log(links().map((l) => l.ifname)); // ["lo", …]
 * ```
 */
export function links(withAddrs = true, family = 0): Link[] {
  using nl = usocket.socket(usocket.AF_NETLINK, usocket.SOCK_RAW, usocket.NETLINK_ROUTE);
  nl.settimeout(5);
  const out = new Map<number, Link>();
  // struct ifinfomsg: family u8, pad, type u16 @2, index i32 @4, flags u32 @8, change u32 @12
  for (const m of usocket.netlink_dump(nl, usocket.RTM_GETLINK, new Uint8Array(16))) {
    if (m.type !== usocket.RTM_NEWLINK || m.payload.length < 16) continue;
    const dv = new DataView(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength);
    const type = dv.getUint16(2, true), flags = dv.getUint32(8, true);
    const link: Link = {
      ifindex: dv.getInt32(4, true),
      ifname: "",
      flags: FLAGS.filter(([bit]) => flags & bit).map(([, name]) => name),
      mtu: 0,
      link_type: type === usocket.ARPHRD_ETHER ? "ether" : type === usocket.ARPHRD_LOOPBACK ? "loopback" : String(type),
      address: "",
      addr_info: [],
    };
    for (const [t, data] of usocket.rtattrs(m.payload, 16)) {
      if (t === usocket.IFLA_IFNAME) link.ifname = cstring(data);
      else if (t === usocket.IFLA_MTU && data.length >= 4) {
        link.mtu = new DataView(data.buffer, data.byteOffset).getUint32(0, true);
      } else if (t === usocket.IFLA_ADDRESS) link.address = hex(data);
    }
    if (type === 65534) link.link_type = "none";
    out.set(link.ifindex, link);
  }
  if (withAddrs) {
    // struct ifaddrmsg: family u8, prefixlen u8, flags u8, scope u8, index u32 @4
    for (const m of usocket.netlink_dump(nl, usocket.RTM_GETADDR, new Uint8Array([family, 0, 0, 0, 0, 0, 0, 0]))) {
      if (m.type !== usocket.RTM_NEWADDR || m.payload.length < 8) continue;
      const af = m.payload[0], dv = new DataView(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength);
      if (af !== usocket.AF_INET && af !== usocket.AF_INET6) continue;
      let local: Uint8Array | undefined, address: Uint8Array | undefined;
      for (const [t, data] of usocket.rtattrs(m.payload, 8)) {
        if (t === usocket.IFA_LOCAL) local = data;
        else if (t === usocket.IFA_ADDRESS) address = data;
      }
      const bytes = local ?? address;
      if (bytes === undefined) continue;
      out.get(dv.getUint32(4, true))?.addr_info.push({
        family: af === usocket.AF_INET ? "inet" : "inet6",
        local: usocket.inet_ntop(af, bytes.slice()),
        prefixlen: m.payload[1],
        scope: SCOPES[m.payload[3]] ?? String(m.payload[3]),
      });
    }
  }
  return [...out.values()].sort((a, b) => a.ifindex - b.ifindex);
}

/** The text `ip` prints for `list`. */
export function format(list: Link[]): string {
  const lines: string[] = [];
  for (const l of list) {
    lines.push(`${l.ifindex}: ${l.ifname}: <${l.flags.join(",")}> mtu ${l.mtu}`);
    lines.push(`    link/${l.link_type}${l.address ? ` ${l.address}` : ""}`);
    for (const a of l.addr_info) lines.push(`    ${a.family} ${a.local}/${a.prefixlen} scope ${a.scope}`);
  }
  return lines.join("\n");
}

function main(argv: string[]): number {
  let what = "addr", family = 0, json = false;
  for (const a of argv) {
    if (a === "-h" || a === "--help") {
      console.log(USAGE);
      return 0;
    } else if (a === "addr" || a === "link") what = a;
    else if (a === "-4") family = usocket.AF_INET;
    else if (a === "-6") family = usocket.AF_INET6;
    else if (a === "--json") json = true;
    else {
      console.error(`ip: unexpected argument ${a}\n\n${USAGE}`);
      return 2;
    }
  }
  try {
    const list = links(what === "addr", family);
    console.log(json ? JSON.stringify(list) : format(list));
    return 0;
  } catch (e) {
    console.error(`ip: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) process.exit(main(process.argv.slice(2)));
