/**
 * The `struct msghdr` of `sendmsg(2)`/`recvmsg(2)` and the ancillary data
 * (control messages, `struct cmsghdr`) it carries: filling the header's
 * `iovec` array, encoding `[level, type, data]` items into a control buffer
 * and decoding the kernel's control buffer back into items, never reading
 * past the length the kernel returned. The layouts come from the platform
 * table (checked against the C headers by `tools/probe.c`).
 *
 * The header, the iovec array and the control scratch are shared by all
 * sockets of this thread, like `addrBuf`: every call is synchronous and none
 * re-enters another. The header holds addresses of JavaScript memory
 * (`Backend.addressOf`); they are written right before the syscall, in the
 * same synchronous turn, and never kept.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { MAX_IO } from "../ffi/symbols.ts";
import { bufferOf, bytesOf, int, typeName } from "./args.ts";
import { addrBuf, msgBuf } from "./call.ts";
import { C, L } from "./platform/mod.ts";

const M = L.msghdr, V = L.iovec, H = L.cmsghdr;

/** The most buffers one `sendmsg`/`recvmsg` takes (Linux's `UIO_MAXIOV`, macOS's `IOV_MAX`). */
export const IOV_MAX = 1024;
/** The largest control buffer (`ancbufsize`, or encoded `ancdata`) a call takes: 1 MiB. */
export const ANCBUF_MAX = 1 << 20;

const msgView = new DataView(msgBuf.buffer);
let iovBuf = new Uint8Array(V.size * 4);
let iovView = new DataView(iovBuf.buffer);
/** Control buffers up to this size are the shared scratch; larger ones get an array per call. */
const CTL_SCRATCH = 4096;
const ctlScratch = new Uint8Array(CTL_SCRATCH);
const HI = 0x100000000;

// x86_64 and aarch64 are little-endian; a user-space address is below 2^53
function putWord(view: DataView, off: number, v: number, size: number): void {
  view.setUint32(off, v % HI, true);
  if (size === 8) view.setUint32(off + 4, Math.floor(v / HI), true);
}

/** `CMSG_LEN(n)`: a control message's `cmsg_len` for `n` bytes of data. */
export function cmsgLen(n: number): number {
  return H.data + n;
}
/** `CMSG_SPACE(n)`: the bytes a control message with `n` bytes of data takes, padding included. */
export function cmsgSpace(n: number): number {
  const a = H.align;
  return H.data + Math.ceil(n / a) * a;
}

/** A control buffer of at least `n` bytes (the shared scratch when it fits). */
export function controlBuffer(n: number): Uint8Array {
  return n <= CTL_SCRATCH ? ctlScratch : new Uint8Array(n);
}

/**
 * Fills {@linkcode msgBuf}: one `iovec` per buffer (`count` of them),
 * `msg_name` = `addrBuf` for `nameLen` bytes (none when 0), `msg_control` =
 * `ctl` for `ctlLen` bytes (none when 0), `msg_flags` 0.
 */
export function packMsg(buffers: readonly Uint8Array[], nameLen: number, ctl: Uint8Array, ctlLen: number): void {
  const count = buffers.length;
  if (iovBuf.length < count * V.size) {
    iovBuf = new Uint8Array(Math.max(count, 2 * iovBuf.length / V.size) * V.size);
    iovView = new DataView(iovBuf.buffer);
  }
  for (let i = 0, off = 0; i < count; i++, off += V.size) {
    const b = buffers[i];
    putWord(iovView, off + V.iov_base, libc.addressOf(b), 8);
    putWord(iovView, off + V.iov_len, b.byteLength, 8);
  }
  putWord(msgView, M.msg_name, nameLen === 0 ? 0 : libc.addressOf(addrBuf), 8);
  msgView.setUint32(M.msg_namelen, nameLen, true);
  putWord(msgView, M.msg_iov, count === 0 ? 0 : libc.addressOf(iovBuf), 8);
  putWord(msgView, M.msg_iovlen, count, M.iovlenSize);
  putWord(msgView, M.msg_control, ctlLen === 0 ? 0 : libc.addressOf(ctl), 8);
  putWord(msgView, M.msg_controllen, ctlLen, M.controllenSize);
  msgView.setInt32(M.msg_flags, 0, true);
}

/** `msg_flags` of the last `recvmsg` (`MSG_TRUNC`, `MSG_CTRUNC`, `MSG_EOR`, `MSG_ERRQUEUE`, …). */
export function msgFlags(): number {
  return msgView.getInt32(M.msg_flags, true);
}
/** `msg_namelen` of the last `recvmsg`: how many bytes of `addrBuf` hold the sender. */
export function msgNameLen(): number {
  return msgView.getUint32(M.msg_namelen, true);
}
/** `msg_controllen` of the last `recvmsg`: how many bytes of the control buffer the kernel filled. */
export function msgControlLen(): number {
  return msgView.getUint32(M.msg_controllen, true);
}

/** An ancillary data item, as CPython's: `[cmsg_level, cmsg_type, cmsg_data]`. */
export type AncItem = [level: number, type: number, data: Uint8Array];

/**
 * Checks `ancdata` (an iterable of `[level, type, data]`) and returns its
 * items with their data as bytes, and the control buffer's length
 * (`CMSG_SPACE` of each). TypeError/RangeError name the offending item.
 */
export function ancItems(ancdata: unknown, name: string): [AncItem[], number] {
  if (ancdata === undefined || ancdata === null) return [[], 0];
  if (typeof ancdata !== "object" || !(Symbol.iterator in ancdata)) {
    throw new TypeError(`${name} must be an iterable of [level, type, data], got ${typeName(ancdata)}`);
  }
  const items: AncItem[] = [];
  let space = 0;
  for (const item of ancdata as Iterable<unknown>) {
    const at = `${name}[${items.length}]`;
    if (!Array.isArray(item) || item.length !== 3) {
      throw new TypeError(`${at} must be [level, type, data], got ${typeName(item)}`);
    }
    const data = bytesOf(item[2], `${at}[2] (data)`);
    const entry: AncItem = [int(item[0], `${at}[0] (level)`), int(item[1], `${at}[1] (type)`), data];
    space += cmsgSpace(data.byteLength);
    if (space > ANCBUF_MAX) throw new RangeError(`${name}: more than ${ANCBUF_MAX} bytes of control data`);
    items.push(entry);
  }
  return [items, space];
}

/** Writes `items` into `ctl` (which has at least their `CMSG_SPACE` total), padding zeroed. */
export function encodeControl(items: readonly AncItem[], ctl: Uint8Array, space: number): void {
  ctl.fill(0, 0, space);
  const view = new DataView(ctl.buffer, ctl.byteOffset, space);
  let off = 0;
  for (const [level, type, data] of items) {
    putWord(view, off + H.cmsg_len, cmsgLen(data.byteLength), H.lenSize);
    view.setInt32(off + H.cmsg_level, level, true);
    view.setInt32(off + H.cmsg_type, type, true);
    ctl.set(data, off + H.data);
    off += cmsgSpace(data.byteLength);
  }
}

/**
 * The items in `ctl[0, len)` as the kernel filled it (`len` =
 * {@linkcode msgControlLen}, never more than the buffer). An item whose
 * `cmsg_len` runs past `len` (the kernel truncated it: `MSG_CTRUNC`) gives
 * the bytes that are there, as CPython does; a header that does not fit, or
 * a `cmsg_len` shorter than a header, ends the walk. Each item's data is a
 * copy.
 */
export function decodeControl(ctl: Uint8Array, len: number): AncItem[] {
  const end = Math.min(len, ctl.byteLength);
  const items: AncItem[] = [];
  if (end < H.data) return items;
  const view = new DataView(ctl.buffer, ctl.byteOffset, end);
  for (let off = 0; off + H.data <= end;) {
    const clen = H.lenSize === 8
      ? view.getUint32(off + H.cmsg_len, true) + view.getUint32(off + H.cmsg_len + 4, true) * HI
      : view.getUint32(off + H.cmsg_len, true);
    if (clen < H.data) break;
    const level = view.getInt32(off + H.cmsg_level, true), type = view.getInt32(off + H.cmsg_type, true);
    const stop = Math.min(off + clen, end);
    items.push([level, type, ctl.slice(off + H.data, stop)]);
    off += cmsgSpace(clen - H.data);
  }
  return items;
}

/**
 * The buffers of a `sendmsg` (`writable` false: each as bytes, strings UTF-8
 * encoded) or a `recvmsg_into` (`writable`: views of the caller's memory, no
 * copy): at most {@linkcode IOV_MAX} of them and 1 GiB in all.
 */
export function ioBuffers(buffers: unknown, name: string, writable: boolean): Uint8Array[] {
  if (typeof buffers !== "object" || buffers === null || !(Symbol.iterator in buffers) || ArrayBuffer.isView(buffers)) {
    const what = writable ? "writable buffers" : "byte buffers";
    throw new TypeError(`${name} must be an iterable of ${what}, got ${typeName(buffers)}`);
  }
  const out: Uint8Array[] = [];
  let total = 0;
  for (const b of buffers as Iterable<unknown>) {
    if (out.length === IOV_MAX) throw new RangeError(`${name}: more than ${IOV_MAX} buffers`);
    const view = writable ? bufferOf(b, `${name}[${out.length}]`) : bytesOf(b, `${name}[${out.length}]`);
    total += view.byteLength;
    if (total > MAX_IO) throw new RangeError(`${name}: more than ${MAX_IO} bytes in all`);
    out.push(view);
  }
  return out;
}

/** `recvmsg` flags added to every call: received descriptors are close-on-exec (Linux's `MSG_CMSG_CLOEXEC`). */
export const RECV_CLOEXEC: number = C.MSG_CMSG_CLOEXEC;

/**
 * Where `MSG_CMSG_CLOEXEC` does not exist (macOS), marks every descriptor
 * of the `SCM_RIGHTS` items close-on-exec with `fcntl(2)`, as this module
 * does for every descriptor it creates.
 */
function cloexecRights(items: readonly AncItem[]): void {
  if (RECV_CLOEXEC !== 0) return;
  for (const [level, type, data] of items) {
    if (level !== C.SOL_SOCKET || type !== C.SCM_RIGHTS) continue;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let off = 0; off + 4 <= data.byteLength; off += 4) {
      libc.fcntl(view.getInt32(off, true), C.F_SETFD, C.FD_CLOEXEC);
    }
  }
}

/**
 * The control items the last `recvmsg` left in `ctl` (an `ancbufsize`-byte
 * control buffer): decoded within `msg_controllen`, received descriptors
 * made close-on-exec where the kernel could not do it.
 */
export function ancdata(ctl: Uint8Array, ancbufsize: number): AncItem[] {
  if (ancbufsize === 0) return [];
  const items = decodeControl(ctl, Math.min(msgControlLen(), ancbufsize));
  cloexecRights(items);
  return items;
}
