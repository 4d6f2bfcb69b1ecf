/**
 * asyncio's core in Promise form: its errors, `run`, `create_task`,
 * `sleep`/`sleep_ms`, `wait_for`/`wait_for_ms`, `gather`, `Event`, `Lock`,
 * and the operation scopes that let `wait_for` and an `AbortSignal` cancel
 * this module's own awaitable calls without losing bytes.
 *
 * @module
 */
import { Scope } from "./reactor.ts";

/**
 * Raised by `wait_for`/`wait_for_ms` when the time runs out (MicroPython's
 * and CPython's `asyncio.TimeoutError`; `name` is `"TimeoutError"`).
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * try {
 *   await asyncio.wait_for(asyncio.sleep(1), 0.01);
 * } catch (e) {
 *   console.log(e instanceof asyncio.TimeoutError); // true
 * }
 * ```
 */
export class TimeoutError extends Error {
  /** A timeout error with `message`. */
  constructor(message = "timed out") {
    super(message);
    this.name = "TimeoutError";
  }
}

/**
 * Raised by `Stream.readexactly` when EOF comes first; `partial` holds the
 * bytes read so far (CPython's `IncompleteReadError`; MicroPython raises
 * `EOFError` and drops them).
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * const e = new asyncio.EOFError(new Uint8Array([1, 2]), 4);
 * console.log(e.partial.length, e.expected); // 2 4
 * ```
 */
export class EOFError extends Error {
  /** The bytes read before EOF. */
  readonly partial: Uint8Array;
  /** How many were asked for. */
  readonly expected: number;
  /** EOF after `partial` of `expected` bytes. */
  constructor(partial: Uint8Array, expected: number) {
    super(`EOF after ${partial.length} of ${expected} bytes`);
    this.name = "EOFError";
    this.partial = partial;
    this.expected = expected;
  }
}

/** The options every awaitable socket call takes last. */
export interface SignalOptions {
  /** Aborting it rejects the call with the signal's reason; no bytes are lost (see each call). */
  signal?: AbortSignal;
}

/** Promises of this module's operations → their scopes, so `wait_for` can cancel them. */
const scopes = new WeakMap<Promise<unknown>, Scope>();

/**
 * Runs `body` as one cancellable operation: its waits go through the scope
 * it is given; aborting `signal`, or a `wait_for` timing out on the
 * returned Promise, cancels it.
 */
export function operation<T>(body: (scope: Scope) => Promise<T>, signal?: AbortSignal | null): Promise<T> {
  const scope = new Scope();
  if (signal !== undefined && signal !== null) {
    if (!(signal instanceof AbortSignal)) throw new TypeError("signal must be an AbortSignal");
    if (signal.aborted) return Promise.reject(signal.reason);
    const onAbort = () => scope.cancel(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const p = body(scope).finally(() => signal.removeEventListener("abort", onAbort));
    scopes.set(p, scope);
    return p;
  }
  const p = body(scope);
  scopes.set(p, scope);
  return p;
}

/** The `signal` of an options argument, checked. */
export function signalOf(options: SignalOptions | undefined, where: string): AbortSignal | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== "object") throw new TypeError(`${where}: options must be an object`);
  const s = options.signal;
  if (s !== undefined && !(s instanceof AbortSignal)) throw new TypeError(`${where}: signal must be an AbortSignal`);
  return s;
}

/**
 * Runs an async program: calls `main` (a function returning a Promise, or a
 * Promise) and resolves with its result (MicroPython's `asyncio.run`). The
 * runtime's event loop is the loop; this only gives MicroPython code its
 * entry point.
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * console.log(await asyncio.run(async () => 42)); // 42
 * ```
 */
export function run<T>(main: Promise<T> | (() => Promise<T> | T)): Promise<T> {
  return typeof main === "function" ? Promise.resolve().then(main) : Promise.resolve(main);
}

/**
 * Starts `coro` as a task: the runtime's own Promise, returned as it is
 * (a function is called first). Its result or error stays in the Promise.
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * const t = asyncio.create_task(asyncio.sleep_ms(1).then(() => "done"));
 * console.log(await t); // "done"
 * ```
 */
export function create_task<T>(coro: Promise<T> | (() => Promise<T>)): Promise<T> {
  return typeof coro === "function" ? coro() : coro;
}

/**
 * Resolves after `seconds` (a timer; no CPU is used meanwhile).
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * await asyncio.sleep(0.001);
 * ```
 */
export function sleep(seconds: number): Promise<void> {
  if (typeof seconds !== "number" || Number.isNaN(seconds)) throw new TypeError("seconds must be a number");
  return sleep_ms(seconds * 1000);
}

/**
 * Resolves after `ms` milliseconds.
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * await asyncio.sleep_ms(1);
 * ```
 */
export function sleep_ms(ms: number): Promise<void> {
  if (typeof ms !== "number" || Number.isNaN(ms)) throw new TypeError("ms must be a number");
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** What `wait_for` takes: a Promise, or a function given an AbortSignal that fires at the timeout. */
export type Awaitable<T> = Promise<T> | ((signal: AbortSignal) => Promise<T>);

/**
 * Waits for `aw` at most `timeout` seconds (`null`: no limit). At the
 * timeout it rejects with {@linkcode TimeoutError} and cancels `aw`:
 * - a Promise of this module's own calls (`reader.read(…)`,
 *   `asyncio.sock_recv(…)`, …) is cancelled where it waits, so no bytes are
 *   lost: they stay for the next read;
 * - a function is called with an `AbortSignal` that aborts at the timeout;
 * - any other Promise cannot be cancelled (JavaScript has no way to): it
 *   keeps running and its result is dropped, as MicroPython's would not be.
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * console.log(await asyncio.wait_for(Promise.resolve(1), 1)); // 1
 * ```
 */
export function wait_for<T>(aw: Awaitable<T>, timeout: number | null): Promise<T> {
  if (timeout !== null && (typeof timeout !== "number" || Number.isNaN(timeout))) {
    throw new TypeError("timeout must be a number of seconds or null");
  }
  return wait_for_ms(aw, timeout === null ? null : timeout * 1000);
}

/**
 * {@linkcode wait_for} with the timeout in milliseconds.
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * await asyncio.wait_for_ms(asyncio.sleep_ms(1), 1000);
 * ```
 */
export function wait_for_ms<T>(aw: Awaitable<T>, ms: number | null): Promise<T> {
  if (ms !== null && (typeof ms !== "number" || Number.isNaN(ms))) throw new TypeError("ms must be a number or null");
  let ctrl: AbortController | null = null;
  let p: Promise<T>;
  if (typeof aw === "function") {
    ctrl = new AbortController();
    p = aw(ctrl.signal);
  } else p = aw;
  if (ms === null) return p;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new TimeoutError();
      scopes.get(p)?.cancel(err);
      ctrl?.abort(err);
      reject(err);
    }, Math.max(0, ms));
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/**
 * Waits for all of `aws` and resolves with their results in order
 * (`Promise.all`; MicroPython's `gather`). With `{ return_exceptions: true }`
 * as the last argument, errors are results too.
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * console.log(await asyncio.gather(Promise.resolve(1), Promise.resolve(2))); // [1, 2]
 * ```
 */
export function gather(...aws: unknown[]): Promise<unknown[]> {
  const last = aws[aws.length - 1];
  if (
    typeof last === "object" && last !== null && !(last instanceof Promise) && "return_exceptions" in last
  ) {
    aws.pop();
    if ((last as { return_exceptions: boolean }).return_exceptions) {
      return Promise.all(aws.map((a) => Promise.resolve(a).catch((e) => e)));
    }
  }
  return Promise.all(aws);
}

/**
 * MicroPython's `asyncio.Event`: `set()` wakes every `wait()`er.
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * const ev = new asyncio.Event();
 * setTimeout(() => ev.set(), 1);
 * await ev.wait();
 * console.log(ev.is_set()); // true
 * ```
 */
export class Event {
  #set = false;
  #waiters: (() => void)[] = [];
  /** True once set (until `clear()`). */
  is_set(): boolean {
    return this.#set;
  }
  /** Sets the event and wakes every waiter. */
  set(): void {
    this.#set = true;
    for (const w of this.#waiters.splice(0)) w();
  }
  /** Clears it; later `wait()`s wait again. */
  clear(): void {
    this.#set = false;
  }
  /** Resolves when the event is set (at once if it is). */
  wait(): Promise<true> {
    if (this.#set) return Promise.resolve(true);
    return new Promise((resolve) => this.#waiters.push(() => resolve(true)));
  }
}

/**
 * MicroPython's `asyncio.Lock`: one holder at a time, waiters served in
 * order. `await using _ = await lock.acquire()` releases it at scope end.
 *
 * @example
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * const lock = new asyncio.Lock();
 * await lock.acquire();
 * console.log(lock.locked()); // true
 * lock.release();
 * ```
 */
export class Lock {
  #locked = false;
  #waiters: (() => void)[] = [];
  /** True while held. */
  locked(): boolean {
    return this.#locked;
  }
  /** Resolves once this caller holds the lock; the value releases it on dispose. */
  acquire(): Promise<Disposable> {
    const held: Disposable = { [Symbol.dispose]: () => this.release() };
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve(held);
    }
    return new Promise((resolve) => this.#waiters.push(() => resolve(held)));
  }
  /** Releases it (to the next waiter, if any). Throws a RuntimeError-like Error when not held. */
  release(): void {
    if (!this.#locked) throw new Error("Lock not acquired");
    const next = this.#waiters.shift();
    if (next !== undefined) next();
    else this.#locked = false;
  }
}
