/**
 * The `Pollable` seam: what `select.poll()` and `select.select()` need from
 * an object, so that they serve plain sockets, TLS sockets and (through
 * them) the reactor without knowing any class's internals.
 *
 * @module
 */

/**
 * An object a poller can wait on: `Socket` and `SSLSocket`. Integers (raw
 * descriptors) are polled as they are.
 */
export interface Pollable {
  /** The descriptor to poll, or -1 once closed. */
  fileno(): number;
  /**
   * Bytes the object holds that a read returns without the descriptor
   * (a readline buffer, decrypted TLS bytes): while > 0 a poller reports the
   * object readable (POLLIN) whatever the descriptor says.
   */
  _pending(): number;
  /** Registers `hook`, called once when the object closes (a poller forgets its descriptor then). */
  _onClose(hook: (obj: Pollable) => void): void;
  /** Removes a hook registered with `_onClose`. */
  _offClose(hook: (obj: Pollable) => void): void;
  /**
   * Optional: the events to wait for on the descriptor when a caller asks
   * for `events` (POLLIN/POLLOUT). A TLS socket whose next step needs the
   * other direction (ciphertext queued for a full socket; a write that
   * needs the peer's handshake bytes) asks for that one instead, as
   * MicroPython's `poll_mask`; a poller then reports the caller's bits when
   * it fires, so the caller calls again and the step advances.
   */
  _pollEvents?(events: number): number;
}

/**
 * The revents to report for a caller who asked `mask` when the descriptor
 * was polled for `want` (`Pollable._pollEvents`) and `rev` came back: bits
 * polled in the caller's stead stand for the caller's bits they replaced.
 */
export function callerEvents(rev: number, mask: number, want: number): number {
  if (want === mask || (rev & want) === 0) return rev; // unchanged, or only POLLERR/POLLHUP/POLLNVAL
  return (rev & ~(want & ~mask)) | (mask & ~want);
}

/** True when `v` is a {@linkcode Pollable} object. */
export function isPollable(v: unknown): v is Pollable {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.fileno === "function" && typeof o._pending === "function" && typeof o._onClose === "function"
    && typeof o._offClose === "function";
}

/**
 * How many objects hold pending bytes: pollers skip asking each object while
 * none does. An object dropped without closing while it holds bytes stays
 * counted, which only costs pollers their shortcut.
 */
let pendingObjects = 0;

/** A Pollable's pending bytes went from none to some (`true`) or back (`false`). */
export function pendingChanged(some: boolean): void {
  pendingObjects += some ? 1 : -1;
}

/** @internal The number of objects with pending bytes (pollers' shortcut; tests check it). */
export function _pendingObjects(): number {
  return pendingObjects;
}
