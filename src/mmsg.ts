/**
 * Batches of datagrams for `sendmmsg(2)` and `recvmmsg(2)` (Linux):
 * {@linkcode DatagramBatch} owns, once, everything a batch call needs — one
 * buffer cut into equal slots, the `struct mmsghdr` and `struct iovec`
 * arrays, a `sockaddr` and a control buffer per slot — and the per-message
 * results (lengths, flags, GRO segment sizes) as typed arrays, so that
 * `Socket.recvmmsg`/`Socket.sendmmsg` allocate nothing per datagram (per
 * call, only what taking an address costs the runtime: a BigInt on Deno).
 *
 * The header arrays hold addresses of JavaScript memory (all of a batch's
 * own memory is one buffer, so a call takes at most two addresses). Every
 * call asks the runtime for them anew (Bun's `ptr()`, Deno's fast
 * `libc.addressOf`), in the same synchronous turn as the syscall, and
 * compares them with the ones the header holds: the per-message pointer
 * fields are rewritten only when they differ. So a call's per-message work
 * is a few 32-bit integer stores (lengths, and the sizes the kernel
 * overwrites), and no address from an earlier call is ever used unchecked.
 *
 * @example Echo every datagram of a batch back to its sender
 * ```ts
 * import * as usocket from "../mod.ts";
 * using srv = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * srv.bind(["127.0.0.1", 0]);
 * using cli = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * cli.settimeout(2);
 * for (const m of ["one", "two", "three"]) cli.sendto(m, srv.getsockname());
 * const batch = new usocket.DatagramBatch(8, 1500);
 * const n = srv.recvmmsg(batch); // 3 (or fewer if not all had arrived)
 * srv.sendmmsg(batch, n); // each slot back to the address it came from
 * console.log(new TextDecoder().decode(cli.recv(64))); // "one"
 * ```
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { MAX_IO } from "../ffi/symbols.ts";
import { type Address, decodeAddress, encodeAddress, SOCKADDR_MAX } from "./address/mod.ts";
import { bufferOf, int, options, surplus, typeName } from "./args.ts";
import { addrBuf } from "./call.ts";
import { ANCBUF_MAX, type AncItem, cmsgLen, cmsgSpace, decodeControl } from "./msghdr.ts";
import { OSError } from "./os_error.ts";
import { C, E, L } from "./platform/mod.ts";

/** The most messages one batch holds: Linux's `UIO_MAXIOV` (the kernel handles at most this many per call). */
export const BATCH_MAX = 1024;

/** Options of {@linkcode DatagramBatch}. */
export interface DatagramBatchOptions {
  /**
   * A `sockaddr` per message (default `true`): receives report each sender
   * ({@linkcode DatagramBatch.address}); sends go to each slot's address
   * ({@linkcode DatagramBatch.setAddress}). `false`: none (connected sockets).
   */
  addresses?: boolean;
  /** The address family of {@linkcode DatagramBatch.setAddress} (default `AF_INET`). */
  family?: number;
  /**
   * Control-buffer bytes per message for receives (default 0), as
   * `recvmsg`'s `ancbufsize`: size it with `CMSG_SPACE`; read the items with
   * {@linkcode DatagramBatch.ancdata}.
   */
  ancbufsize?: number;
  /**
   * UDP GSO/GRO segment sizes per message, in {@linkcode DatagramBatch.segments}
   * (default `false`): a send gives a message whose `segments[i]` is above 0
   * a `UDP_SEGMENT` control message (the kernel splits it into datagrams of
   * that size); a receive sets `segments[i]` to the `UDP_GRO` control
   * message's segment size (0: not coalesced).
   */
  segments?: boolean;
  /** The memory of the slots (default: a new buffer): a Uint8Array of at least `count × size` bytes. */
  buffer?: Uint8Array;
}

const OPTIONS = ["addresses", "family", "ancbufsize", "segments", "buffer"] as const;
const M = L.msghdr, V = L.iovec, H = L.cmsghdr;
const HI = 0x100000000;
const SA = SOCKADDR_MAX;
const sockaddrScratch = new Uint8Array(SOCKADDR_MAX);
const SOL_UDP = C.SOL_UDP, UDP_GRO = C.UDP_GRO, UDP_SEGMENT = C.UDP_SEGMENT;

/** Raises OSError(ENOSYS) where the OS has no `sendmmsg`/`recvmmsg` (macOS). */
export function needMmsg(): NonNullable<typeof L.mmsghdr> {
  if (L.mmsghdr === null || libc.recvmmsg === undefined || libc.sendmmsg === undefined) {
    throw new OSError(E.ENOSYS, "sendmmsg/recvmmsg are Linux's; this OS has neither (use sendto/recvfrom)");
  }
  return L.mmsghdr;
}

/**
 * A reusable batch of `count` datagram slots of `size` bytes each, for
 * {@linkcode Socket.recvmmsg} and {@linkcode Socket.sendmmsg}. Make one per
 * batch shape and reuse it: every call refills the same memory.
 *
 * - receive: slot `i` gets the `i`-th datagram, `lengths[i]` its length
 *   (the real length with `MSG_TRUNC` in the flags), `flags[i]` its
 *   `msg_flags` (`MSG_TRUNC` when cut to `size`), {@linkcode DatagramBatch.address}`(i)`
 *   its sender, `segments[i]` its GRO segment size;
 * - send: message `i` is `slots[i]`'s first `lengths[i]` bytes, to the
 *   address set for slot `i` (or the call's one address), cut by GSO into
 *   `segments[i]`-byte datagrams when that is above 0.
 *
 * A receive leaves each sender as slot `i`'s address, so
 * `sendmmsg(batch, n)` right after `n = recvmmsg(batch)` echoes each
 * datagram to whoever sent it.
 *
 * @example Many datagrams in one syscall each way
 * ```ts
 * import * as usocket from "../mod.ts";
 * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * rx.bind(["127.0.0.1", 0]);
 * rx.settimeout(2);
 * using tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * const out = new usocket.DatagramBatch(4, 64, { addresses: false });
 * for (let i = 0; i < 4; i++) {
 *   out.slots[i].fill(65 + i, 0, 10); // "AAAAAAAAAA", "BBBBBBBBBB", …
 *   out.lengths[i] = 10;
 * }
 * console.log(tx.sendmmsg(out, 4, 0, rx.getsockname())); // 4
 * const inb = new usocket.DatagramBatch(16, 64);
 * const n = rx.recvmmsg(inb);
 * console.log(n, inb.lengths[0], inb.address(0)); // 4 10 ["127.0.0.1", port]
 * ```
 */
export class DatagramBatch {
  /** How many slots (messages) the batch has. */
  readonly count: number;
  /** The bytes of each slot: the most a message sends or receives. */
  readonly size: number;
  /** The memory of all slots, `count × size` bytes: slot `i` is `data[i × size, (i + 1) × size)`. */
  readonly data: Uint8Array;
  /** A view of each slot (made once, here). */
  readonly slots: readonly Uint8Array[];
  /** Per message: bytes received (receive) or to send (send, set by the caller). */
  readonly lengths: Int32Array;
  /** Per message received: its `msg_flags` (`MSG_TRUNC`, `MSG_CTRUNC`, …). */
  readonly flags: Int32Array;
  /** Per message: GSO segment size to send, GRO segment size received (0: none); `null` unless `segments` was asked for. */
  readonly segments: Int32Array | null;
  /** The address family {@linkcode DatagramBatch.setAddress} encodes for. */
  readonly family: number;
  /** @internal The `struct mmsghdr` array. */
  readonly _hdr: Uint8Array;
  /** One buffer for everything the kernel reads or writes: headers, iovecs, sockaddrs, the call's destination, control buffers, and the slots unless the caller gave them. */
  readonly #all: Uint8Array;
  /** Where the slots start in {@linkcode DatagramBatch.#all}, or -1 (the caller's buffer). */
  readonly #dataOff: number;
  readonly #iovOff: number;
  readonly #nameOff: number;
  readonly #ctlOff: number;
  readonly #h32: Int32Array;
  readonly #v32: Int32Array;
  readonly #names: Uint8Array | null;
  /** The sockaddr of a call's one destination (`sendmmsg(…, address)`). */
  readonly #dest: Uint8Array;
  readonly #nameLen: Int32Array;
  /** Control bytes the last receive left in each slot; 0 after a send, and past the receive's count. */
  readonly #ctlLen: Int32Array;
  readonly #ctl: Uint8Array | null;
  readonly #c32: Int32Array | null;
  /** Control bytes per slot (a multiple of the cmsg alignment): the caller's `ancbufsize`, or room for a UDP_GRO item. */
  readonly #cs: number;
  // What the header's pointer fields hold, from the last call that wrote them: the
  // addresses of #all and of the slots, and where msg_name points (NAMES_*).
  #laidAll = -1;
  #laidData = -1;
  #laidNames = -1;

  /**
   * Allocates a batch: the slots (unless `options.buffer` is given), the
   * header and iovec arrays, and, as asked, the per-message addresses and
   * control buffers. No syscall.
   *
   * @param count messages per batch, 1 to 1 024
   * @param size bytes per slot, 1 to 1 GiB (`count × size` at most 1 GiB);
   *   for GRO, room for a coalesced buffer (up to 65 535)
   * @param opts see {@linkcode DatagramBatchOptions}
   * @throws {TypeError|RangeError} bad arguments or options
   * @throws {OSError} ENOSYS where the OS has no `recvmmsg` (macOS)
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const b = new usocket.DatagramBatch(64, 1200, { segments: true });
   * console.log(b.count, b.size, b.data.length); // 64 1200 76800
   * ```
   */
  constructor(count: number, size: number, opts?: DatagramBatchOptions) {
    if (arguments.length > 3) surplus(arguments.length, 3, "new DatagramBatch(count, size, options)");
    count = int(count, "count", 1, BATCH_MAX);
    size = int(size, "size", 1, MAX_IO);
    if (count * size > MAX_IO) {
      throw new RangeError(`count × size must be at most ${MAX_IO} bytes, got ${count * size}`);
    }
    const o = options(opts, "options", OPTIONS);
    const addresses = o.addresses ?? true;
    if (typeof addresses !== "boolean") {
      throw new TypeError(`options.addresses must be a boolean, got ${typeName(addresses)}`);
    }
    const segments = o.segments ?? false;
    if (typeof segments !== "boolean") {
      throw new TypeError(`options.segments must be a boolean, got ${typeName(segments)}`);
    }
    this.family = o.family === undefined ? C.AF_INET : int(o.family, "options.family");
    const ancbufsize = o.ancbufsize === undefined ? 0 : int(o.ancbufsize, "options.ancbufsize", 0, ANCBUF_MAX);
    let data: Uint8Array = new Uint8Array(0); // the slots: in #all below, unless given
    if (o.buffer !== undefined) {
      const b = bufferOf(o.buffer, "options.buffer");
      if (b.byteLength < count * size) {
        throw new RangeError(
          `options.buffer must have at least count × size = ${count * size} bytes, got ${b.byteLength}`,
        );
      }
      data = b.subarray(0, count * size);
    }
    const MM = needMmsg();
    const need = Math.max(ancbufsize, segments ? cmsgSpace(4) : 0);
    const cs = need === 0 ? 0 : Math.ceil(need / H.align) * H.align;
    // one buffer: headers, iovecs, sockaddrs, the destination, control buffers, then
    // the slots (unless given); every part a multiple of 8 bytes
    const hdrBytes = count * MM.size, iovOff = hdrBytes, nameOff = iovOff + count * V.size;
    const destOff = nameOff + (addresses ? count * SA : 0), ctlOff = destOff + SA, dataOff = ctlOff + count * cs;
    const all = new Uint8Array(dataOff + (o.buffer === undefined ? count * size : 0));
    if (o.buffer === undefined) data = all.subarray(dataOff);
    this.#all = all;
    this.#dataOff = o.buffer === undefined ? dataOff : -1;
    this.#iovOff = iovOff;
    this.#nameOff = nameOff;
    this.#ctlOff = ctlOff;
    this.count = count;
    this.size = size;
    this.data = data;
    const slots: Uint8Array[] = [];
    for (let i = 0; i < count; i++) slots.push(data.subarray(i * size, (i + 1) * size));
    this.slots = Object.freeze(slots);
    this.lengths = new Int32Array(count);
    this.flags = new Int32Array(count);
    this.segments = segments ? new Int32Array(count) : null;
    this._hdr = all.subarray(0, hdrBytes);
    this.#h32 = new Int32Array(all.buffer, 0, hdrBytes >> 2);
    this.#v32 = new Int32Array(all.buffer, iovOff, (count * V.size) >> 2);
    this.#names = addresses ? all.subarray(nameOff, nameOff + count * SA) : null;
    this.#dest = all.subarray(destOff, destOff + SA);
    this.#nameLen = new Int32Array(count);
    this.#ctlLen = new Int32Array(count);
    this.#cs = cs;
    this.#ctl = cs > 0 ? all.subarray(ctlOff, ctlOff + count * cs) : null;
    this.#c32 = cs > 0 ? new Int32Array(all.buffer, ctlOff, (count * cs) >> 2) : null;
  }

  /**
   * Slot `i`'s address: after a receive, the sender of message `i`; after
   * {@linkcode DatagramBatch.setAddress}, that address. `null` when none (or
   * the batch keeps no addresses). Decodes it: allocates a tuple.
   *
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const b = new usocket.DatagramBatch(2, 16);
   * b.setAddress(1, ["127.0.0.1", 9]);
   * console.log(b.address(0), b.address(1)); // null ["127.0.0.1", 9]
   * ```
   */
  address(i: number): Address | null {
    if (arguments.length > 1) surplus(arguments.length, 1, "DatagramBatch.address(i)");
    i = int(i, "i", 0, this.count - 1);
    const n = this.#nameLen[i];
    if (this.#names === null || n <= 0) return null;
    return decodeAddress(this.#names.subarray(i * SA, (i + 1) * SA), Math.min(n, SA));
  }

  /**
   * Sets where message `i` goes on {@linkcode Socket.sendmmsg} (`null`: no
   * address, for a connected socket). Encoded now, for the batch's family.
   *
   * @throws {TypeError|RangeError} a bad index or address; a batch made with `addresses: false`
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const b = new usocket.DatagramBatch(2, 16, { family: usocket.AF_INET6 });
   * b.setAddress(0, ["::1", 5000]);
   * console.log(b.address(0)); // ["::1", 5000, 0, 0]
   * ```
   */
  setAddress(i: number, address: Address | null): void {
    if (arguments.length > 2) surplus(arguments.length, 2, "DatagramBatch.setAddress(i, address)");
    i = int(i, "i", 0, this.count - 1);
    if (address === null || address === undefined) {
      this.#nameLen[i] = 0;
      return;
    }
    const names = this.#names;
    if (names === null) throw new TypeError("this batch keeps no addresses (made with addresses: false)");
    const len = encodeAddress(this.family, address, sockaddrScratch);
    for (let k = 0, off = i * SA; k < len; k++) names[off + k] = sockaddrScratch[k];
    this.#nameLen[i] = len;
  }

  /**
   * The control messages received with message `i` as `[level, type, data]`
   * items (see `decode_cmsg`), within the bytes the kernel wrote; `[]` when
   * the batch has no control buffers, for a slot the last receive did not
   * fill, and after a send. Allocates the items.
   *
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
   * rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_RECVTTL, 1);
   * rx.bind(["127.0.0.1", 0]);
   * rx.sendto("x", rx.getsockname());
   * const b = new usocket.DatagramBatch(4, 64, { ancbufsize: usocket.CMSG_SPACE(4) });
   * rx.recvmmsg(b);
   * console.log(usocket.decode_cmsg(b.ancdata(0)[0])); // { kind: "ttl", ttl: 64 }
   * ```
   */
  ancdata(i: number): AncItem[] {
    if (arguments.length > 1) surplus(arguments.length, 1, "DatagramBatch.ancdata(i)");
    i = int(i, "i", 0, this.count - 1);
    const ctl = this.#ctl, cs = this.#cs;
    if (ctl === null) return [];
    return decodeControl(ctl.subarray(i * cs, (i + 1) * cs), Math.min(this.#ctlLen[i], cs));
  }

  /**
   * Points every header entry at its slot, iovec, sockaddr (`names`: one of
   * `NAMES_*`) and control buffer — when the header does not already: the
   * addresses are taken anew for every call (never kept from an earlier one)
   * and compared with the ones the header was last written with. They move
   * only if the runtime moved the memory, so the per-datagram pointer writes
   * (64-bit values, which unoptimized JavaScript would box) happen once per
   * batch, not once per call.
   */
  #layout(names: number): void {
    const allA = libc.addressOf(this.#all);
    const dA = this.#dataOff >= 0 ? allA + this.#dataOff : libc.addressOf(this.data);
    if (allA === this.#laidAll && dA === this.#laidData && names === this.#laidNames) return;
    const h = this.#h32, v = this.#v32, size = this.size, cs = this.#cs;
    const vA = allA + this.#iovOff, cA = cs === 0 ? 0 : allA + this.#ctlOff;
    const nA = names === NAMES_SLOTS ? allA + this.#nameOff : 0;
    const destA = names === NAMES_DEST ? libc.addressOf(this.#dest) : 0;
    for (let i = 0, o = 0, w = 0; i < this.count; i++, o += STRIDE, w += VSTRIDE) {
      put(v, w + IOV_BASE, dA + i * size);
      v[w + IOV_LEN + 1] = 0;
      put(h, o + IOV, vA + i * V.size);
      h[o + IOVLEN] = 1;
      h[o + IOVLEN + 1] = 0;
      put(h, o + NAME, nA !== 0 ? nA + i * SA : destA);
      put(h, o + CONTROL, cA === 0 ? 0 : cA + i * cs);
      h[o + CONTROLLEN + 1] = 0;
    }
    this.#laidAll = allA;
    this.#laidData = dA;
    this.#laidNames = names;
  }

  /**
   * @internal Readies the first `n` header entries for a receive: each slot,
   * sockaddr and control buffer offered at full size. Returns the header array.
   */
  _forRecv(n: number): Uint8Array {
    const h = this.#h32, v = this.#v32, size = this.size, cs = this.#cs;
    const sa = this.#names === null ? 0 : SA;
    this.#layout(sa === 0 ? NAMES_NONE : NAMES_SLOTS);
    for (let i = 0, o = 0, w = 0; i < n; i++, o += STRIDE, w += VSTRIDE) {
      v[w + IOV_LEN] = size;
      h[o + NAMELEN] = sa;
      h[o + CONTROLLEN] = cs;
      h[o + FLAGS] = 0;
    }
    return this._hdr;
  }

  /**
   * @internal Reads back the first `r` entries after a receive: lengths,
   * flags (without the `strip` bits the call added), sender lengths, GRO
   * segment sizes.
   */
  _received(r: number, strip: number): void {
    const h = this.#h32, lengths = this.lengths, flags = this.flags, names = this.#nameLen;
    const keep = ~strip, hasNames = this.#names !== null, seg = this.segments;
    const ctl = this.#ctl === null ? null : this.#ctlLen;
    for (let i = 0, o = 0; i < r; i++, o += STRIDE) {
      lengths[i] = h[o + MSGLEN];
      flags[i] = h[o + FLAGS] & keep;
      names[i] = hasNames ? h[o + NAMELEN] : 0;
      if (ctl !== null) ctl[i] = h[o + CONTROLLEN];
      if (seg !== null) seg[i] = this.#groSize(i, h[o + CONTROLLEN]);
    }
    if (ctl !== null) ctl.fill(0, r); // slots this receive did not fill hold no items
  }

  /** The UDP_GRO segment size in slot `i`'s control buffer (`len` bytes filled), or 0. */
  #groSize(i: number, len: number): number {
    const c = this.#c32!, cs = this.#cs;
    const start = i * cs, end = start + Math.min(len, cs);
    for (let off = start; off + H.data <= end;) {
      const clen = c[(off + H.cmsg_len) >> 2];
      if (clen < H.data) break;
      if (c[(off + H.cmsg_level) >> 2] === SOL_UDP && c[(off + H.cmsg_type) >> 2] === UDP_GRO && clen >= H.data + 4) {
        return off + H.data + 4 <= end ? c[(off + H.data) >> 2] : 0;
      }
      off += cmsgSpace(clen - H.data);
    }
    return 0;
  }

  /**
   * @internal Fills the first `n` header entries for a send: message `i` is
   * `lengths[i]` bytes of slot `i`, to `addrBuf` (`nameLen` > 0: the call's
   * address) or slot `i`'s own address, with a UDP_SEGMENT item when
   * `segments[i]` > 0. RangeError for a length or segment size out of range.
   */
  _forSend(n: number, nameLen: number): Uint8Array {
    const h = this.#h32, v = this.#v32, size = this.size, lengths = this.lengths, seg = this.segments;
    for (let i = 0; i < n; i++) {
      const len = lengths[i];
      if (len < 0 || len > size) {
        throw new RangeError(`batch.lengths[${i}] must be 0-${size} (the slot size), got ${len}`);
      }
      if (seg !== null && (seg[i] < 0 || seg[i] > 0xffff)) {
        throw new RangeError(`batch.segments[${i}] must be 0-65535, got ${seg[i]}`);
      }
    }
    // the call's one destination: copied next to the headers, every entry points at it
    const dest = this.#dest;
    for (let k = 0; k < nameLen; k++) dest[k] = addrBuf[k];
    const names = nameLen > 0 ? NAMES_DEST : this.#names === null ? NAMES_NONE : NAMES_SLOTS;
    this.#layout(names);
    const c = this.#c32, cs = this.#cs, nl = this.#nameLen;
    for (let i = 0, o = 0, w = 0; i < n; i++, o += STRIDE, w += VSTRIDE) {
      v[w + IOV_LEN] = lengths[i];
      // a 0 length: no address (the kernel ignores msg_name then)
      h[o + NAMELEN] = names === NAMES_DEST ? nameLen : names === NAMES_SLOTS ? nl[i] : 0;
      let ctlLen = 0;
      if (seg !== null && seg[i] > 0) {
        const k = (i * cs) >> 2;
        c![k + (H.cmsg_len >> 2)] = cmsgLen(2);
        if (H.lenSize === 8) c![k + (H.cmsg_len >> 2) + 1] = 0;
        c![k + (H.cmsg_level >> 2)] = SOL_UDP;
        c![k + (H.cmsg_type >> 2)] = UDP_SEGMENT;
        c![k + (H.data >> 2)] = seg[i]; // a uint16_t: little-endian, its 2 bytes come first
        ctlLen = cmsgSpace(2);
      }
      // msg_control points at the slot's buffer; a 0 length sends none
      h[o + CONTROLLEN] = ctlLen;
      h[o + FLAGS] = 0;
    }
    this.#ctlLen.fill(0); // what a send wrote there (UDP_SEGMENT) is not received data
    return this._hdr;
  }

  /** @internal A receive served from the readline buffer: message 0 is `len` bytes, no sender, no flags. */
  _buffered(len: number): void {
    this.lengths[0] = len;
    this.flags[0] = 0;
    this.#nameLen[0] = 0;
    this.#ctlLen.fill(0);
    if (this.segments !== null) this.segments[0] = 0;
  }
}

// Field positions in int32 units (every field is 4-byte aligned; 8-byte ones
// are written as two halves, little-endian). Linux only: elsewhere the class
// cannot be made (needMmsg), and these are never used.
const MMH = L.mmsghdr ?? { size: 0, msg_hdr: 0, msg_len: 0 };
const STRIDE = MMH.size >> 2;
const VSTRIDE = V.size >> 2;
const NAME = (MMH.msg_hdr + M.msg_name) >> 2;
const NAMELEN = (MMH.msg_hdr + M.msg_namelen) >> 2;
const IOV = (MMH.msg_hdr + M.msg_iov) >> 2;
const IOVLEN = (MMH.msg_hdr + M.msg_iovlen) >> 2;
const CONTROL = (MMH.msg_hdr + M.msg_control) >> 2;
const CONTROLLEN = (MMH.msg_hdr + M.msg_controllen) >> 2;
const FLAGS = (MMH.msg_hdr + M.msg_flags) >> 2;
const MSGLEN = MMH.msg_len >> 2;
const IOV_BASE = V.iov_base >> 2;
/** Where msg_name points: nowhere, each slot's sockaddr, or the call's one destination. */
const NAMES_NONE = 0, NAMES_SLOTS = 1, NAMES_DEST = 2;

/** Writes the 64-bit address `a` (below 2^53) at `view[i]`, `view[i + 1]`, little-endian. */
function put(view: Int32Array, i: number, a: number): void {
  view[i] = a; // ToInt32: the low 32 bits
  view[i + 1] = a / HI; // ToInt32 truncates: the high bits
}
const IOV_LEN = V.iov_len >> 2;
