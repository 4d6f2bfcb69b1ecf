/**
 * MicroPython's `select` module (`uselect`): `poll()` objects and
 * CPython-style `select()`, both on `poll(2)`.
 *
 * A {@linkcode Poll} keeps ONE `struct pollfd` array in memory between calls,
 * next to a parallel array of the registered objects: `register`, `modify`
 * and `unregister` edit it in place (unregister swaps the last entry into the
 * hole), and {@linkcode Poll.poll} is exactly one `poll(2)` syscall on it
 * (more only on EINTR). Nothing proportional to the number of registered
 * objects is allocated per call, except the list of results.
 *
 * Differences from MicroPython and CPython, in brief:
 * - Objects are a {@linkcode Pollable} (a `Socket`) or an integer
 *   file descriptor; other objects with a `fileno()` method are not accepted.
 * - A socket closed while registered is reported as `POLLNVAL` (its old
 *   descriptor number, which a new socket may reuse, is never polled again).
 * - A socket holding bytes a read returns without the kernel (readline's
 *   buffer; decrypted TLS bytes) that is registered for `POLLIN` is reported
 *   readable even if the kernel has nothing.
 * - Timeouts are integers of milliseconds for `poll()`/`ipoll()` and seconds
 *   for `select()`, as in CPython; over 2³¹−1 ms the wait is split into
 *   several `poll(2)` calls.
 *
 * @example An echo loop on poll
 * ```ts
 * import * as usocket from "../mod.ts";
 * const { select } = usocket;
 * const [a, b] = usocket.socketpair();
 * const p = select.poll();
 * p.register(b, select.POLLIN);
 * a.send("ping");
 * for (const [sock, ev] of p.poll(1000)) {
 *   if (ev & select.POLLIN) console.log((sock as usocket.Socket).recv(16)); // Uint8Array(4) [...]
 * }
 * p.unregister(b);
 * a.close();
 * b.close();
 * ```
 *
 * @module
 */
import { surplus, typeName } from "./args.ts";
import { OSError } from "./os_error.ts";
import { C, E, L } from "./platform/mod.ts";
import { _pendingObjects, callerEvents, isPollable, type Pollable } from "./pollable.ts";
import { sysPoll } from "./wait.ts";

export type { Pollable } from "./pollable.ts";

/** Readable: data to read, a connection to accept, or EOF. Host value of C's `POLLIN`. */
export const POLLIN: number = C.POLLIN;
/** Writable without blocking (also: a non-blocking connect finished). Host value of C's `POLLOUT`. */
export const POLLOUT: number = C.POLLOUT;
/** An error is pending (read it with `getsockopt(SOL_SOCKET, SO_ERROR)`). Always reported, whatever the mask. */
export const POLLERR: number = C.POLLERR;
/** Hung up (both directions shut, or a socket never connected). Always reported, whatever the mask. */
export const POLLHUP: number = C.POLLHUP;
/** Invalid descriptor: not open, or a registered socket that was closed. Always reported. */
export const POLLNVAL: number = C.POLLNVAL;

/**
 * What a poller or `select()` accepts: a {@linkcode Pollable} object (a
 * `Socket`) or an integer file descriptor.
 */
export type PollTarget = Pollable | number;

const POLLPRI = C.POLLPRI;
const { EBADF, ENOENT } = E;
/** The largest descriptor number (`int`). */
const MAX_FD = 0x7fffffff;

// struct pollfd, read through an Int32Array (fd) and a Uint16Array (events,
// revents) over the same bytes. Indexes are per entry i: i * S32 + FD32, ….
const PFD = L.pollfd.size;
const S32 = PFD >> 2, FD32 = L.pollfd.fd >> 2;
const S16 = PFD >> 1, EV16 = L.pollfd.events >> 1, REV16 = L.pollfd.revents >> 1;

// Per-entry state bits (Poll#flags).
/** The object is a Pollable object (not a number). */
const F_OBJ = 1;
/** An object registered for POLLIN (so its pending bytes count as readable). */
const F_OBJIN = 2;
/** The object was closed while registered: report POLLNVAL. */
const F_CLOSED = 4;
/** Disabled by a one-shot ipoll() until the next modify()/register(). */
const F_OFF = 8;
/** The object chooses the descriptor's events per poll (`Pollable._pollEvents`: a TLS socket). */
const F_DYN = 16;

/** Checks `obj` is a Pollable or a valid descriptor number (TypeError/RangeError naming `name`). */
function checkObj(obj: unknown, name: string): void {
  if (isPollable(obj)) return;
  if (typeof obj !== "number") {
    throw new TypeError(`${name} must be a Socket or a file descriptor (integer), got ${typeName(obj)}`);
  }
  if (!Number.isInteger(obj) || obj < 0 || obj > MAX_FD) {
    throw new RangeError(`${name} must be a file descriptor (an integer 0-2147483647), got ${obj}`);
  }
}

/** The descriptor to poll for `obj` (checked); a closed Socket raises OSError(EBADF). */
function fdOf(obj: unknown, name: string): number {
  checkObj(obj, name);
  if (typeof obj === "number") return obj;
  const fd = (obj as Pollable).fileno();
  if (fd < 0) throw new OSError(EBADF);
  return fd;
}

function maskArg(v: unknown, name: string): number {
  if (typeof v !== "number") throw new TypeError(`${name} must be a number (POLLIN | POLLOUT | …), got ${typeName(v)}`);
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
    throw new RangeError(`${name} must be an integer 0-65535 (POLLIN | POLLOUT | …), got ${v}`);
  }
  return v;
}

/**
 * A poll timeout in milliseconds: `-1` for "wait forever" (null, undefined,
 * any negative number, +Infinity), else an integer ≥ 0 (may exceed 2³¹−1).
 */
function msArg(v: unknown, name: string): number {
  if (v === undefined || v === null) return -1;
  if (typeof v !== "number") {
    throw new TypeError(`${name} must be a number of milliseconds, null or undefined, got ${typeName(v)}`);
  }
  if (Number.isNaN(v)) throw new RangeError(`${name} must be a number of milliseconds, got NaN`);
  if (v < 0 || v === Infinity) return -1;
  if (!Number.isInteger(v)) throw new RangeError(`${name} must be an integer number of milliseconds, got ${v}`);
  return v;
}

/** A select() timeout in seconds, as milliseconds (rounded up); -1 for none. */
function secondsArg(v: unknown, name: string): number {
  if (v === undefined || v === null) return -1;
  if (typeof v !== "number") {
    throw new TypeError(`${name} must be a number of seconds, null or undefined, got ${typeName(v)}`);
  }
  if (Number.isNaN(v)) throw new RangeError(`${name} must be a number of seconds, got NaN`);
  if (v < 0) throw new RangeError(`${name} must be non-negative, got ${v}`);
  if (v === Infinity) return -1;
  return Math.ceil(v * 1000);
}

/**
 * A set of objects to wait on, as MicroPython's `select.poll` object. Make
 * one with {@linkcode poll}. Creating one and `register`/`modify`/
 * `unregister` make no syscall; {@linkcode Poll.poll} and
 * {@linkcode Poll.ipoll} map to one `poll(2)` each.
 *
 * Every method is synchronous; only {@linkcode Poll.poll} and
 * {@linkcode Poll.ipoll} block (the calling thread, up to their timeout).
 *
 * Keep a poller's objects unregistered when done with them: a registered
 * Socket holds a close hook that references the poller.
 *
 * @typeParam T the objects registered (default: Socket or descriptor number)
 * @example A non-blocking server loop
 * ```ts
 * import * as usocket from "../mod.ts";
 * const { select } = usocket;
 * const srv = usocket.socket();
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen();
 * srv.setblocking(false);
 * const p = select.poll<usocket.Socket>();
 * p.register(srv, select.POLLIN);
 * for (const [s, ev] of p.poll(10)) {
 *   if (s === srv && ev & select.POLLIN) {
 *     const [conn] = srv.accept();
 *     conn.setblocking(false);
 *     p.register(conn, select.POLLIN);
 *   }
 * }
 * p.unregister(srv);
 * srv.close();
 * ```
 */
export class Poll<T extends PollTarget = PollTarget> {
  #cap = 0;
  #n = 0;
  #buf: Uint8Array = new Uint8Array(0);
  #fds: Int32Array = new Int32Array(0);
  #evs: Uint16Array = new Uint16Array(0);
  #flags: Uint8Array = new Uint8Array(0);
  #objs: T[] = [];
  #index: Map<T, number> = new Map();
  /** Entries to report POLLNVAL for: closed sockets not disabled by one-shot. */
  #nNval = 0;
  /** Entries flagged F_OBJIN (their pending bytes are checked each poll). */
  #nObjIn = 0;
  /** Entries flagged F_DYN (asked for their events before each poll). */
  #nDyn = 0;
  /** Given to every registered object's `_onClose`: one closure per poller. */
  readonly #hook = (s: Pollable): void => {
    const i = this.#index.get(s as T);
    if (i === undefined) return;
    this.#fds[i * S32 + FD32] = -1;
    this.#setFlags(i, this.#flags[i] | F_CLOSED);
  };

  constructor() {
    this.#grow(8);
  }

  #grow(cap: number): void {
    const buf = new Uint8Array(cap * PFD);
    buf.set(this.#buf);
    const flags = new Uint8Array(cap);
    flags.set(this.#flags);
    this.#buf = buf;
    this.#fds = new Int32Array(buf.buffer);
    this.#evs = new Uint16Array(buf.buffer);
    this.#flags = flags;
    this.#cap = cap;
  }

  /** Sets entry i's state bits, keeping the counters in step. */
  #setFlags(i: number, f: number): void {
    const old = this.#flags[i];
    if ((old & (F_CLOSED | F_OFF)) === F_CLOSED) this.#nNval--;
    if ((f & (F_CLOSED | F_OFF)) === F_CLOSED) this.#nNval++;
    if (old & F_OBJIN) this.#nObjIn--;
    if (f & F_OBJIN) this.#nObjIn++;
    if (old & F_DYN) this.#nDyn--;
    if (f & F_DYN) this.#nDyn++;
    this.#flags[i] = f;
  }

  /** (Re-)arms entry i: polls `fd` for `mask`, clearing a one-shot disable. */
  #arm(i: number, obj: T, fd: number, mask: number): void {
    const sock = typeof obj !== "number";
    this.#fds[i * S32 + FD32] = fd;
    this.#evs[i * S16 + EV16] = mask;
    this.#evs[i * S16 + REV16] = 0;
    const dyn = sock && typeof (obj as Pollable)._pollEvents === "function";
    this.#setFlags(i, (sock ? F_OBJ : 0) | (sock && (mask & POLLIN) ? F_OBJIN : 0) | (dyn ? F_DYN : 0));
  }

  /** One-shot: stops reporting entry i (the kernel ignores a negative fd). */
  #disable(i: number): void {
    this.#fds[i * S32 + FD32] = -1;
    this.#setFlags(i, this.#flags[i] | F_OFF);
  }

  /**
   * Registers `obj` to be polled for the events in `eventmask`; registering
   * it again replaces its mask (and re-enables it after a one-shot
   * {@linkcode Poll.ipoll}). No syscall; does not block.
   *
   * `POLLERR`, `POLLHUP` and `POLLNVAL` are reported whatever the mask. An
   * integer descriptor is not checked: one that is not open reports
   * `POLLNVAL`.
   *
   * Differs from CPython: an object with a `fileno()` method is not accepted.
   *
   * @param obj a `Socket` or an integer file descriptor ≥ 0
   * @param eventmask `POLLIN`, `POLLOUT`, or both (default), or 0
   * @throws {TypeError | RangeError} a bad `obj` or `eventmask` (the poller is unchanged)
   * @throws {OSError} EBADF: `obj` is a closed Socket
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const { select } = usocket;
   * using s = usocket.socket();
   * const p = select.poll();
   * p.register(s, select.POLLIN);
   * p.register(s, select.POLLIN | select.POLLOUT); // replaces the mask
   * p.unregister(s);
   * ```
   */
  register(obj: T, eventmask: number = POLLIN | POLLOUT): void {
    if (arguments.length > 2) surplus(arguments.length, 2, "Poll.register(obj, eventmask)");
    const fd = fdOf(obj, "obj");
    const mask = maskArg(eventmask, "eventmask");
    if (Object.is(obj, -0)) obj = 0 as T; // one Map key for 0
    const i = this.#index.get(obj);
    if (i !== undefined) {
      this.#arm(i, obj, fd, mask);
      return;
    }
    const j = this.#n;
    if (j === this.#cap) this.#grow(this.#cap * 2);
    this.#flags[j] = 0;
    this.#arm(j, obj, fd, mask);
    this.#objs.push(obj);
    this.#index.set(obj, j);
    this.#n = j + 1;
    if (typeof obj !== "number") obj._onClose(this.#hook);
  }

  /**
   * Stops polling `obj`. Objects not registered are ignored (as MicroPython;
   * CPython raises KeyError). No syscall; does not block. The last entry
   * takes the removed one's place, so the order of results may change.
   *
   * @param obj a registered Socket or descriptor
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const p = usocket.select.poll();
   * p.unregister(42); // not registered: nothing happens
   * ```
   */
  unregister(obj: T): void {
    if (arguments.length > 1) surplus(arguments.length, 1, "Poll.unregister(obj)");
    const i = this.#index.get(obj);
    if (i === undefined) return;
    if (typeof obj !== "number") obj._offClose(this.#hook);
    this.#setFlags(i, 0);
    this.#index.delete(obj);
    const last = this.#n - 1;
    const moved = this.#objs.pop()!;
    if (i !== last) {
      this.#objs[i] = moved;
      this.#index.set(moved, i);
      this.#buf.copyWithin(i * PFD, last * PFD, last * PFD + PFD);
      this.#flags[i] = this.#flags[last];
      this.#flags[last] = 0;
    }
    this.#n = last;
  }

  /**
   * Changes the event mask of a registered `obj`, and re-enables it after a
   * one-shot {@linkcode Poll.ipoll}. No syscall; does not block. For a socket
   * closed while registered, it only sets the mask and re-enables its
   * `POLLNVAL` report.
   *
   * @param obj a registered Socket or descriptor
   * @param eventmask the new mask
   * @throws {OSError} ENOENT: `obj` is not registered (as MicroPython and CPython)
   * @throws {TypeError | RangeError} a bad `obj` or `eventmask`
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const { select } = usocket;
   * using s = usocket.socket();
   * const p = select.poll();
   * p.register(s, select.POLLIN);
   * p.modify(s, select.POLLOUT);
   * p.unregister(s);
   * ```
   */
  modify(obj: T, eventmask: number): void {
    if (arguments.length > 2) surplus(arguments.length, 2, "Poll.modify(obj, eventmask)");
    checkObj(obj, "obj");
    const mask = maskArg(eventmask, "eventmask");
    const i = this.#index.get(obj);
    if (i === undefined) throw new OSError(ENOENT);
    const f = this.#flags[i];
    if (f & F_CLOSED) {
      this.#evs[i * S16 + EV16] = mask;
      this.#setFlags(i, F_OBJ | F_CLOSED | (mask & POLLIN ? F_OBJIN : 0));
      return;
    }
    this.#arm(i, obj, typeof obj === "number" ? obj : obj.fileno(), mask);
  }

  /**
   * Waits until a registered object is ready or `timeout_ms` passes. Maps to
   * exactly one `poll(2)` on the poller's own pollfd array (repeated only
   * after EINTR, with the time left).
   *
   * Blocks the calling thread up to `timeout_ms`: `0` does not wait; `null`,
   * `undefined` or a negative value waits forever. It returns at once, after
   * a `poll(2)` with timeout 0, when a socket closed while registered (→
   * `POLLNVAL`) or a socket with bytes buffered by `readline()`/`read()`
   * (→ `POLLIN`, when registered for it) is to be reported.
   *
   * @param timeout_ms milliseconds (an integer); over 2³¹−1 the wait is split
   * @returns `[obj, revents]` for each ready object; `[]` on timeout
   * @throws {TypeError | RangeError} `timeout` is not a number, NaN, or not an integer
   * @throws {OSError} EINVAL (more entries than RLIMIT_NOFILE), ENOMEM
   * @example
   * ```ts
   * import * as usocket from "../mod.ts";
   * const { select } = usocket;
   * const [a, b] = usocket.socketpair();
   * const p = select.poll();
   * p.register(b, select.POLLIN);
   * console.log(p.poll(0)); // [] — nothing to read yet
   * a.send("x");
   * console.log(p.poll(1000).length); // 1
   * p.unregister(b);
   * a.close();
   * b.close();
   * ```
   */
  poll(timeout_ms?: number | null): [T, number][] {
    if (arguments.length > 1) surplus(arguments.length, 1, "Poll.poll(timeout_ms)");
    return this.#poll(msArg(timeout_ms, "timeout"));
  }

  #poll(ms: number): [T, number][] {
    const n = this.#n, flags = this.#flags, objs = this.#objs, evs = this.#evs;
    // Pending bytes: a pass over the entries only when some object holds
    // some and some object is registered for POLLIN.
    let nBuf = 0;
    if (this.#nObjIn > 0 && _pendingObjects() > 0) {
      for (let i = 0; i < n; i++) {
        if ((flags[i] & (F_OBJIN | F_CLOSED | F_OFF)) === F_OBJIN && (objs[i] as Pollable)._pending() > 0) nBuf++;
      }
    }
    const nNval = this.#nNval;
    // Objects that choose their descriptor's events: [entry, caller's mask, polled] for each that changed
    let dyn: number[] | null = null;
    if (this.#nDyn > 0) {
      for (let i = 0; i < n; i++) {
        if ((flags[i] & (F_DYN | F_CLOSED | F_OFF)) !== F_DYN) continue;
        const mask = evs[i * S16 + EV16], want = (objs[i] as Pollable)._pollEvents!(mask);
        if (want !== mask) {
          (dyn ??= []).push(i, mask, want);
          evs[i * S16 + EV16] = want;
        }
      }
    }
    // Not sockCall: there is no call to retry after the wait, only the wait,
    // on many descriptors: sysPoll, the poll(2) wrapper sockCall waits with.
    const r = sysPoll(this.#buf, n, nBuf > 0 || nNval > 0 ? 0 : ms);
    if (dyn !== null) {
      for (let k = 0; k < dyn.length; k += 3) {
        const i = dyn[k];
        evs[i * S16 + EV16] = dyn[k + 1];
        if (r > 0) evs[i * S16 + REV16] = callerEvents(evs[i * S16 + REV16], dyn[k + 1], dyn[k + 2]);
      }
    }
    if (r + nBuf + nNval === 0) return [];
    const out: [T, number][] = [];
    let kLeft = r, bLeft = nBuf, vLeft = nNval;
    for (let i = 0; i < n && (kLeft | bLeft | vLeft) !== 0; i++) {
      let rev = 0;
      if (kLeft > 0) {
        rev = evs[i * S16 + REV16];
        if (rev !== 0) kLeft--;
      }
      const f = flags[i];
      if (f & (F_CLOSED | F_OFF)) {
        if ((f & F_OFF) === 0 && vLeft > 0) {
          rev = POLLNVAL;
          vLeft--;
        }
      } else if (bLeft > 0 && (f & F_OBJIN) && (objs[i] as Pollable)._pending() > 0) {
        rev |= POLLIN;
        bLeft--;
      }
      if (rev !== 0) out.push([objs[i], rev]);
    }
    return out;
  }

  /**
   * Like {@linkcode Poll.poll}, but returns an iterator over the results, as
   * MicroPython's `ipoll()`. The `poll(2)` call happens at once, when
   * `ipoll()` is called, not on the first step of the iteration.
   *
   * With `flags` 1 (one-shot), each object is disabled as the iterator yields
   * it: it is not reported again, not even for `POLLHUP`/`POLLERR`/
   * `POLLNVAL`, until the next {@linkcode Poll.modify} (or `register`). It
   * stays registered. Objects not yet yielded when the iteration stops stay
   * enabled.
   *
   * Differs from MicroPython: each item is a fresh `[obj, revents]` array
   * (MicroPython reuses one tuple).
   *
   * @param timeout_ms as for {@linkcode Poll.poll}
   * @param flags 0, or 1 for one-shot
   * @throws {TypeError | RangeError} a bad `timeout` or `flags`
   * @throws {OSError} as {@linkcode Poll.poll}
   * @example Re-arm with modify after handling
   * ```ts
   * import * as usocket from "../mod.ts";
   * const { select } = usocket;
   * const [a, b] = usocket.socketpair();
   * const p = select.poll();
   * p.register(b, select.POLLIN);
   * a.send("x");
   * for (const [s, ev] of p.ipoll(1000, 1)) console.log(s === b, ev === select.POLLIN); // true true
   * console.log([...p.ipoll(0, 1)].length); // 0: disabled until modify
   * p.modify(b, select.POLLIN);
   * p.unregister(b);
   * a.close();
   * b.close();
   * ```
   */
  ipoll(timeout_ms?: number | null, flags = 0): IterableIterator<[T, number]> {
    if (arguments.length > 2) surplus(arguments.length, 2, "Poll.ipoll(timeout_ms, flags)");
    const ms = msArg(timeout_ms, "timeout");
    if (flags !== 0 && flags !== 1) {
      if (typeof flags !== "number") throw new TypeError(`flags must be 0 or 1, got ${typeName(flags)}`);
      throw new RangeError(`flags must be 0 or 1 (one-shot), got ${flags}`);
    }
    const res = this.#poll(ms);
    return flags === 1 ? this.#oneShot(res) : res.values();
  }

  *#oneShot(res: [T, number][]): Generator<[T, number], undefined, undefined> {
    for (const item of res) {
      const i = this.#index.get(item[0]);
      if (i !== undefined) this.#disable(i);
      yield item;
    }
  }
}

/**
 * Creates a poller, as MicroPython's and CPython's `select.poll()`. No
 * syscall (there is no kernel object: each {@linkcode Poll.poll} passes the
 * poller's pollfd array to `poll(2)`).
 *
 * @typeParam T the objects to register (default: Socket or descriptor number)
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const { select } = usocket;
 * using s = usocket.socket(); // never connected: writable and hung up
 * const p = select.poll<usocket.Socket>();
 * p.register(s);
 * const [[obj, ev]] = p.poll(0);
 * console.log(obj === s, (ev & select.POLLOUT) !== 0); // true true
 * p.unregister(s);
 * ```
 */
export function poll<T extends PollTarget = PollTarget>(): Poll<T> {
  if (arguments.length > 0) surplus(arguments.length, 0, "select.poll()");
  return new Poll<T>();
}

function listArg<X>(v: Iterable<X>, name: string): X[] {
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === "object" && Symbol.iterator in v) return Array.from(v);
  throw new TypeError(`${name} must be an array (or iterable) of Sockets or file descriptors, got ${typeName(v)}`);
}

/**
 * Waits until some of the objects are ready, as CPython's `select.select()`:
 * readable (`rlist`), writable (`wlist`) or with an exceptional condition
 * (`xlist`: urgent data, POLLPRI). Implemented with one `poll(2)` over the
 * distinct descriptors (no FD_SETSIZE limit); EINTR is retried with the time
 * left.
 *
 * Readable means POLLIN, POLLHUP or POLLERR (EOF and errors count, as
 * select(2)); a socket with bytes buffered by `readline()`/`read()` is
 * readable too. Writable means POLLOUT or POLLERR.
 *
 * Blocks the calling thread up to `timeout` seconds (a float); `0` polls
 * without waiting; `null`/`undefined` waits forever.
 *
 * Differs from CPython: items are Sockets or integer descriptors (no
 * `fileno()` objects); a closed Socket raises `OSError(EBADF)` (CPython:
 * ValueError); a negative timeout raises RangeError (CPython: ValueError).
 *
 * @param rlist objects to wait for until readable
 * @param wlist objects to wait for until writable
 * @param xlist objects to wait for an exceptional condition
 * @param timeout seconds, or null/undefined for no limit
 * @returns `[readable, writable, exceptional]`: the ready items of each list, in the lists' order
 * @throws {OSError} EBADF: a closed Socket, or a descriptor that is not open
 * @throws {TypeError | RangeError} a bad list item or timeout
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const [a, b] = usocket.socketpair();
 * a.send("x");
 * const [r, w, x] = usocket.select.select([b], [a], [], 1.5);
 * console.log(r[0] === b, w[0] === a, x.length); // true true 0
 * a.close();
 * b.close();
 * ```
 */
export function select<R extends PollTarget, W extends PollTarget, X extends PollTarget>(
  rlist: Iterable<R>,
  wlist: Iterable<W>,
  xlist: Iterable<X>,
  timeout?: number | null,
): [R[], W[], X[]] {
  if (arguments.length > 4) surplus(arguments.length, 4, "select.select(rlist, wlist, xlist, timeout)");
  const lists = [listArg(rlist, "rlist"), listArg(wlist, "wlist"), listArg(xlist, "xlist")] as const;
  const ms = secondsArg(timeout, "timeout");
  const total = lists[0].length + lists[1].length + lists[2].length;
  const buf = new Uint8Array(Math.max(total, 1) * PFD);
  const fds = new Int32Array(buf.buffer), evs = new Uint16Array(buf.buffer);
  const byFd = new Map<number, number>();
  const slots = [new Int32Array(lists[0].length), new Int32Array(lists[1].length), new Int32Array(lists[2].length)];
  const names = ["rlist", "wlist", "xlist"], bits = [POLLIN, POLLOUT, POLLPRI];
  let n = 0;
  // what each read/write item's descriptor is polled for (a TLS socket may choose the other direction)
  const wants = [new Uint16Array(lists[0].length), new Uint16Array(lists[1].length)];
  for (let l = 0; l < 3; l++) {
    const list = lists[l];
    for (let k = 0; k < list.length; k++) {
      const fd = fdOf(list[k], `${names[l]}[${k}]`);
      const o = list[k];
      let bit = bits[l];
      if (l < 2 && typeof o !== "number" && o._pollEvents) bit = o._pollEvents(bit);
      if (l < 2) wants[l][k] = bit;
      let i = byFd.get(fd);
      if (i === undefined) {
        i = n++;
        byFd.set(fd, i);
        fds[i * S32 + FD32] = fd;
      }
      evs[i * S16 + EV16] |= bit;
      slots[l][k] = i;
    }
  }
  let buffered = false;
  if (_pendingObjects() > 0) {
    for (const o of lists[0]) {
      if (typeof o !== "number" && o._pending() > 0) buffered = true;
    }
  }
  const r = sysPoll(buf, n, buffered ? 0 : ms); // a wait only, as in Poll.poll: not sockCall
  if (r > 0) {
    for (let i = 0; i < n; i++) if (evs[i * S16 + REV16] & POLLNVAL) throw new OSError(EBADF);
  }
  const rev = (i: number): number => r > 0 ? evs[i * S16 + REV16] : 0;
  const rOut = lists[0].filter((o, k) =>
    (callerEvents(rev(slots[0][k]), POLLIN, wants[0][k]) & (POLLIN | POLLHUP | POLLERR)) !== 0
    || (typeof o !== "number" && o._pending() > 0)
  );
  const wOut = lists[1].filter((_, k) =>
    (callerEvents(rev(slots[1][k]), POLLOUT, wants[1][k]) & (POLLOUT | POLLERR)) !== 0
  );
  const xOut = lists[2].filter((_, k) => (rev(slots[2][k]) & POLLPRI) !== 0);
  return [rOut, wOut, xOut];
}
