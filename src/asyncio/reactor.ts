/**
 * The reactor: one per thread, made on first use. It tells awaiting code
 * when a descriptor is ready, without blocking the runtime's event loop. The
 * rest of asyncio sees only {@linkcode waitReady}; which runtime it runs on
 * is this file's business and its two drivers':
 *
 * - Linux `epoll(7)`: each descriptor is registered `EPOLLONESHOT` under a
 *   token of its own (never reused: a descriptor number closed and reused
 *   is a new token, so the old waiter is never woken for it) and re-armed
 *   while someone waits on it. The socket's close hook removes it
 *   (`EPOLL_CTL_DEL`, before `close(2)`) and rejects its waiters with
 *   `OSError(EBADF)`.
 * - Deno: `epoll_wait(2)` as a `nonblocking` FFI call (Deno's thread pool,
 *   a Promise), at most one in flight and only while something is awaited;
 *   an `eventfd(2)` ends it when the last waiter goes, so an idle program
 *   exits.
 * - Bun (no non-blocking FFI): a Worker blocks in `epoll_wait(2)` and posts
 *   each ready list back; the Worker is unref'd whenever nothing is awaited.
 *   `postMessage` was measured against `Atomics.waitAsync` on a
 *   SharedArrayBuffer hand-off: 30 against 65 µs per in-process asyncio
 *   round trip (two waits) on one CPU, 41–45 against 47–57 µs on two.
 *
 * macOS would use `kqueue(2)` behind the same seam; it is not written (no
 * macOS machine to test on), and asyncio refuses to wait there.
 *
 * @module
 */
import { backend } from "../../ffi/backend.ts";
import { libc, libcPaths } from "../../ffi/libc.ts";
import { runtime } from "../../ffi/runtime.ts";
import { epollSymbols, epollWaitAsyncSymbols } from "../../ffi/symbols.ts";
import type { Bound } from "../../ffi/types.ts";
import { OSError } from "../os_error.ts";
import { E, L, platform } from "../platform/mod.ts";
import type { Pollable } from "../pollable.ts";

// Linux's <sys/epoll.h> and <sys/eventfd.h> (the same on x86_64 and aarch64)
const EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10, EPOLLRDHUP = 0x2000;
const EPOLLONESHOT = 1 << 30;
const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
const EPOLL_CLOEXEC = 0x80000, EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
/** The most events one `epoll_wait` returns. */
export const MAX_EVENTS = 64;
/** The token of the reactor's own eventfd (descriptors' tokens start at 1). */
const WAKE_TOKEN = 0;

/** What a waiter waits for: `POLLIN` (readable) or `POLLOUT` (writable); the values are epoll's too. */
export const READABLE = 0x1;
/** See {@linkcode READABLE}. */
export const WRITABLE = 0x4;

/**
 * A cancellation scope: one awaitable operation. The reactor puts the
 * operation's current wait in it; `cancel` rejects that wait (and every
 * later one) with `reason`. Nothing has been read or written by a wait, so
 * a cancelled operation loses no bytes.
 */
export class Scope {
  /** Set once cancelled. */
  cancelled = false;
  /** Why (an `AbortSignal`'s reason, or `asyncio.TimeoutError`). */
  reason: unknown = undefined;
  /** @internal The wait in progress. */
  waiter: Waiter | null = null;

  /** Cancels the operation: its wait in progress (if any) and every later one rejects with `reason`. */
  cancel(reason: unknown): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.reason = reason;
    const w = this.waiter;
    if (w !== null) w.entry.reactor.drop(w, reason);
  }
}

/** @internal One pending wait. */
export interface Waiter {
  readonly entry: Entry;
  readonly events: number;
  readonly resolve: (revents: number) => void;
  readonly reject: (reason: unknown) => void;
  readonly scope: Scope | null;
}

/** @internal A descriptor the reactor knows, with its waiters. */
export interface Entry {
  readonly reactor: Reactor;
  readonly obj: Pollable;
  readonly fd: number;
  readonly token: number;
  readonly waiters: Waiter[];
  /** Events armed in the kernel (0: disarmed; EPOLLONESHOT disarms on each report). */
  armed: number;
  readonly hook: (obj: Pollable) => void;
}

/** How a driver hands ready descriptors back: their tokens and epoll events. */
export type Dispatch = (token: number, events: number) => void;

/** A runtime's way of running `epoll_wait` off the JS thread. */
export interface Driver {
  /** Something is awaited: collect events (and keep the process alive). */
  active(): void;
  /** Nothing is awaited: stop keeping the process alive. */
  idle(): void;
}

type Epoll = Bound<typeof epollSymbols>;

/** The per-thread epoll set and its waiters, runtime-neutral; a {@linkcode Driver} feeds it events. */
export class Reactor {
  readonly #ep: Epoll;
  readonly #epfd: number;
  readonly #byFd = new Map<number, Entry>();
  readonly #byToken = new Map<number, Entry>();
  #nextToken = 1;
  #waiting = 0;
  #driver: Driver | null = null;
  /** One `struct epoll_event` for epoll_ctl. */
  readonly #ev = new Uint8Array(L.epoll_event!.size);
  readonly #evView = new DataView(this.#ev.buffer);

  constructor(ep: Epoll, epfd: number) {
    this.#ep = ep;
    this.#epfd = epfd;
  }

  /** Installs the driver (once, right after construction). */
  setDriver(d: Driver): void {
    this.#driver = d;
  }

  /** The epoll descriptor. */
  get epfd(): number {
    return this.#epfd;
  }

  /** How many waits are pending. */
  get waiting(): number {
    return this.#waiting;
  }

  /** `epoll_ctl(2)` with `events` and `token` in the event struct; returns errno (0: done). */
  ctl(op: number, fd: number, events: number, token: number): number {
    const v = this.#evView, l = L.epoll_event!;
    v.setUint32(l.events, events, true);
    v.setUint32(l.data, token, true);
    v.setUint32(l.data + 4, 0, true);
    return this.#ep.epoll_ctl(this.#epfd, op, fd, this.#ev) < 0 ? platformErrno() : 0;
  }

  /**
   * Waits until `obj`'s descriptor is ready for `events` (READABLE and/or
   * WRITABLE); resolves with the epoll events seen (POLLERR/POLLHUP
   * included). Rejects with `OSError(EBADF)` if `obj` is closed or closes
   * meanwhile, and with the scope's reason if it is cancelled.
   */
  wait(obj: Pollable, events: number, scope: Scope | null): Promise<number> {
    if (scope !== null && scope.cancelled) return Promise.reject(scope.reason);
    const fd = obj.fileno();
    if (fd < 0) return Promise.reject(new OSError(E.EBADF));
    let entry = this.#byFd.get(fd);
    if (entry !== undefined && entry.obj !== obj) {
      // another object owns this number now (the old one was dropped, not closed)
      this.#forget(entry, new OSError(E.EBADF));
      entry = undefined;
    }
    if (entry === undefined) entry = this.#add(obj, fd);
    const e = entry;
    return new Promise<number>((resolve, reject) => {
      const w: Waiter = { entry: e, events, resolve, reject, scope };
      e.waiters.push(w);
      if (scope !== null) scope.waiter = w;
      if (++this.#waiting === 1) this.#driver!.active();
      const err = this.#arm(e);
      if (err !== 0) this.drop(w, new OSError(err));
    });
  }

  #add(obj: Pollable, fd: number): Entry {
    let token = this.#nextToken;
    this.#nextToken = token === 0xffffffff ? 1 : token + 1;
    while (this.#byToken.has(token)) token++; // after 2^32 registrations only
    const hook = (o: Pollable) => {
      const en = this.#byFd.get(fd);
      if (en !== undefined && en.obj === o) this.#forget(en, new OSError(E.EBADF));
    };
    const entry: Entry = { reactor: this, obj, fd, token, waiters: [], armed: -1, hook };
    this.#byFd.set(fd, entry);
    this.#byToken.set(token, entry);
    obj._onClose(hook);
    return entry;
  }

  /** Arms the kernel for what the entry's waiters want. Returns errno (0: fine). */
  #arm(e: Entry): number {
    let want = 0;
    for (const w of e.waiters) want |= w.events;
    if (want === 0 || (e.armed > 0 && (e.armed & want) === want)) return 0;
    const events = want | EPOLLRDHUP | EPOLLONESHOT;
    let err: number;
    if (e.armed === -1) {
      err = this.ctl(EPOLL_CTL_ADD, e.fd, events, e.token);
      if (err === E.EEXIST) err = this.ctl(EPOLL_CTL_MOD, e.fd, events, e.token); // a dup'd number registered before
    } else {
      err = this.ctl(EPOLL_CTL_MOD, e.fd, events, e.token);
      // the kernel dropped it: the description was closed behind the object's back
      if (err === E.ENOENT) err = this.ctl(EPOLL_CTL_ADD, e.fd, events, e.token);
    }
    if (err === 0) e.armed = want;
    return err;
  }

  /** Removes a waiter that will not be woken (cancelled, or arming failed) and rejects it. */
  drop(w: Waiter, reason: unknown): void {
    const list = w.entry.waiters;
    const i = list.indexOf(w);
    if (i < 0) return;
    list.splice(i, 1);
    if (w.scope !== null && w.scope.waiter === w) w.scope.waiter = null;
    this.#done();
    w.reject(reason);
  }

  #done(): void {
    if (--this.#waiting === 0) this.#driver!.idle();
  }

  /** The descriptor closed (or was replaced): unregister it and reject its waiters. */
  #forget(e: Entry, reason: unknown): void {
    this.#byFd.delete(e.fd);
    this.#byToken.delete(e.token);
    e.obj._offClose(e.hook);
    if (e.armed !== -1) this.ctl(EPOLL_CTL_DEL, e.fd, 0, 0); // still open: the hook runs before close(2)
    const ws = e.waiters.splice(0);
    for (const w of ws) {
      if (w.scope !== null && w.scope.waiter === w) w.scope.waiter = null;
      this.#done();
      w.reject(reason);
    }
  }

  /** A driver's report: the descriptor of `token` saw `events`. */
  readonly dispatch: Dispatch = (token, events) => {
    const e = this.#byToken.get(token);
    if (e === undefined) return; // forgotten since: never woken for another descriptor
    e.armed = 0; // EPOLLONESHOT
    const bad = events & (EPOLLERR | EPOLLHUP);
    const readable = (events & (EPOLLIN | EPOLLRDHUP)) !== 0 || bad !== 0;
    const writable = (events & EPOLLOUT) !== 0 || bad !== 0;
    const ws = e.waiters;
    for (let i = 0; i < ws.length;) {
      const w = ws[i];
      if (((w.events & READABLE) !== 0 && readable) || ((w.events & WRITABLE) !== 0 && writable)) {
        ws.splice(i, 1);
        if (w.scope !== null && w.scope.waiter === w) w.scope.waiter = null;
        this.#done();
        w.resolve(events & (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP));
      } else i++;
    }
    if (ws.length > 0) {
      const err = this.#arm(e);
      if (err !== 0) { for (const w of ws.slice()) this.drop(w, new OSError(err)); }
    }
  };
}

const platformErrno = () => libc.errno();

/** Deno: one `nonblocking` epoll_wait in flight while anything is awaited. */
function denoDriver(r: Reactor, ep: Epoll): Driver {
  const { epoll_wait } = backend.open(epollWaitAsyncSymbols, libcPaths);
  const wake = ep.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) throw new OSError(platformErrno());
  const err = r.ctl(EPOLL_CTL_ADD, wake, EPOLLIN, WAKE_TOKEN);
  if (err !== 0) throw new OSError(err);
  const l = L.epoll_event!;
  const buf = new Uint8Array(l.size * MAX_EVENTS); // the pool thread writes it while a call is in flight
  const view = new DataView(buf.buffer);
  const word = new Uint8Array(8);
  let running = false, woken = false;
  async function loop(): Promise<void> {
    while (r.waiting > 0) {
      const n = await epoll_wait(r.epfd, buf, MAX_EVENTS, -1);
      for (let i = 0; i < n; i++) {
        const at = i * l.size;
        const token = view.getUint32(at + l.data, true);
        if (token === WAKE_TOKEN) {
          ep.read(wake, word, 8);
          woken = false;
        } else r.dispatch(token, view.getUint32(at + l.events, true));
      }
    }
    running = false;
  }
  return {
    active() {
      if (running) return;
      running = true;
      loop();
    },
    idle() {
      // the call in flight keeps Deno alive: end it
      if (!running || woken) return;
      woken = true;
      word.fill(0);
      word[0] = 1;
      ep.write(wake, word, 8);
    },
  };
}

/** The part of Bun's Worker used here. */
interface BunWorker {
  postMessage(m: unknown): void;
  onmessage: ((e: { data: number[] | "ready" }) => void) | null;
  ref(): void;
  unref(): void;
}

/** Bun: a Worker blocked in epoll_wait posts each ready list; ref'd only while anything is awaited. */
function bunDriver(r: Reactor): Driver {
  const W = (globalThis as unknown as { Worker: new(url: URL) => BunWorker }).Worker;
  const w = new W(new URL("./epoll_worker.ts", import.meta.url));
  w.onmessage = (e) => {
    const d = e.data;
    if (d === "ready") {
      const l = L.epoll_event!;
      w.postMessage({ epfd: r.epfd, size: l.size, events: l.events, data: l.data });
      return;
    }
    for (let i = 0; i + 1 < d.length; i += 2) r.dispatch(d[i], d[i + 1]);
  };
  w.unref();
  let refd = false;
  return {
    active() {
      if (!refd) (refd = true, w.ref());
    },
    idle() {
      if (refd) (refd = false, w.unref());
    },
  };
}

let the: Reactor | null = null;

/** This thread's reactor, made on first call. Throws where there is no epoll (macOS). */
export function reactor(): Reactor {
  if (the !== null) return the;
  if (platform.os !== "linux" || L.epoll_event === null) {
    throw new Error("usocket.asyncio needs Linux's epoll; kqueue (macOS) is not written yet");
  }
  const ep = backend.open(epollSymbols, libcPaths);
  const epfd = ep.epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) throw new OSError(platformErrno());
  const r = new Reactor(ep, epfd);
  r.setDriver(runtime === "bun" ? bunDriver(r) : denoDriver(r, ep));
  the = r;
  return r;
}

/**
 * Waits, without blocking the event loop, until `obj` is ready for
 * `events` (READABLE / WRITABLE), within `scope`. For a TLS socket the
 * direction its next step needs (`_pollEvents`) is waited on instead.
 */
export function waitReady(obj: Pollable, events: number, scope: Scope | null): Promise<number> {
  const want = obj._pollEvents ? obj._pollEvents(events) : events;
  return reactor().wait(obj, want, scope);
}
