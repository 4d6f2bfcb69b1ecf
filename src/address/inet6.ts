/**
 * AF_INET6: `[host, port, flowinfo, scope_id]` ↔ `struct sockaddr_in6`.
 *
 * @module
 */
import { libc } from "../../ffi/libc.ts";
import type { Layouts } from "../platform/types.ts";
import { type AddressCodec, checkPort, hostError } from "./codec.ts";
import { header } from "./header.ts";
import { formatIPv6, parseIPv6 } from "./ip_text.ts";

/**
 * An IPv6 address: `[host, port, flowinfo, scope_id]` as in CPython; the last
 * two default to 0 when passed in. `host` may carry a zone (`"fe80::1%eth0"`).
 */
export type IPv6Address = [host: string, port: number, flowinfo?: number, scope_id?: number];

function checkU32(v: unknown, name: string, what: string, max = 0xffffffff): number {
  if (v === undefined) return 0;
  if (typeof v !== "number") throw new TypeError(`${what}: ${name} must be a number`);
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what}: ${name} must be an integer 0-${max}`);
  return v;
}

const encoder = new TextEncoder();

/** An interface's index for a zone (`"eth0"` or `"2"`), through `if_nametoindex(3)`. */
function scopeIndex(zone: string, what: string): number {
  if (/^[0-9]+$/.test(zone)) return Number(zone) >>> 0;
  let idx = 0;
  if (zone.length > 0 && zone.length < 16 && !zone.includes("\0")) {
    const name = new Uint8Array(zone.length * 3 + 1);
    name[encoder.encodeInto(zone, name).written] = 0;
    idx = libc.if_nametoindex(name);
  }
  if (idx === 0) throw new TypeError(`${what}: unknown IPv6 zone (interface) "${zone}"`);
  return idx;
}

/** The AF_INET6 codec of an OS: `family` is its `AF_INET6`, `layout` its table. */
export function inet6Codec(family: number, layout: Layouts): AddressCodec {
  const h = header(layout);
  const l = layout.sockaddr_in6;
  return {
    family,
    minLength: l.size,
    encode(address, out, what) {
      if (!Array.isArray(address) || address.length < 2 || address.length > 4) {
        throw new TypeError(`${what}: an AF_INET6 address is [host, port, flowinfo?, scope_id?]`);
      }
      const [host, port, flowinfo, scopeId] = address;
      if (typeof host !== "string") throw new TypeError(`${what}: host must be a string`);
      const p = checkPort(port, what);
      const flow = checkU32(flowinfo, "flowinfo", what, 0xfffff);
      let scope = checkU32(scopeId, "scope_id", what);
      const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
      out.fill(0, 0, l.size);
      h.set(dv, family, l.size);
      dv.setUint16(l.sin6_port, p, false);
      dv.setUint32(l.sin6_flowinfo, flow, false);
      if (host !== "") {
        if (host.includes("\0")) throw new TypeError(`${what}: host must not contain NUL characters`);
        const pct = host.indexOf("%");
        const bare = pct < 0 ? host : host.slice(0, pct);
        if (!parseIPv6(bare, out, l.sin6_addr)) throw hostError(what, host, "IPv6");
        if (pct >= 0 && scope === 0) scope = scopeIndex(host.slice(pct + 1), what);
      }
      dv.setUint32(l.sin6_scope_id, scope, true);
      return l.size;
    },
    decode(buf, len): IPv6Address | Uint8Array {
      if (len < l.size) return buf.slice(0, len);
      const dv = new DataView(buf.buffer, buf.byteOffset, len);
      return [
        formatIPv6(buf, l.sin6_addr),
        dv.getUint16(l.sin6_port, false),
        dv.getUint32(l.sin6_flowinfo, false),
        dv.getUint32(l.sin6_scope_id, true),
      ];
    },
  };
}
