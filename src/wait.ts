/**
 * Waiting for descriptors: the one wrapper of `poll(2)`. The socket's
 * wait-then-call loop and `connect` wait on one descriptor with
 * {@linkcode waitFd}; `select.poll()` and `select.select()` pass their own
 * pollfd arrays to {@linkcode sysPoll}.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { now } from "./clock.ts";
import { OSError } from "./os_error.ts";
import { E, L } from "./platform/mod.ts";

const { EINTR, ETIMEDOUT } = E;
/** The longest timeout one `poll(2)` takes (an `int` of milliseconds); longer waits are split. */
const MAX_POLL_MS = 0x7fffffff;

/**
 * `poll(2)` on the first `n` entries of `buf` (`struct pollfd`s), for `ms`
 * milliseconds (-1: forever; may exceed 2³¹−1, then the wait is split).
 * EINTR is retried with the time left. Returns the number of entries with
 * revents set (0: timed out; revents are then not to be read). Other
 * failures raise OSError. `ms` 0 is exactly one `poll(2)` that does not wait.
 */
export function sysPoll(buf: Uint8Array, n: number, ms: number): number {
  if (ms <= 0) {
    const t = ms < 0 ? -1 : 0; // never -0: Deno's FFI rejects it as an i32
    for (;;) {
      const r = libc.poll(buf, n, t);
      if (r >= 0) return r;
      const e = libc.errno();
      if (e !== EINTR) throw new OSError(e);
    }
  }
  const deadline = now() + ms;
  let t = ms;
  for (;;) {
    const r = libc.poll(buf, n, t > MAX_POLL_MS ? MAX_POLL_MS : t);
    if (r > 0) return r;
    if (r === 0) {
      if (t <= MAX_POLL_MS) return 0;
    } else {
      const e = libc.errno();
      if (e !== EINTR) throw new OSError(e);
    }
    const left = deadline - now();
    if (left <= 0) return 0;
    t = Math.ceil(left);
  }
}

// One struct pollfd for waitFd: every call is synchronous and none re-enters
// another, so one per thread is enough.
const one = new Uint8Array(L.pollfd.size);
const oneFd = new Int32Array(one.buffer, L.pollfd.fd, 1);
const oneEvents = new Int16Array(one.buffer, L.pollfd.events, 1);
const oneRevents = new Int16Array(one.buffer, L.pollfd.revents, 1);

/**
 * Waits until `fd` is ready for `events` or `deadline` (a {@linkcode now}
 * time; -1: no deadline) passes. Returns the revents, or `-ETIMEDOUT`. Past
 * the deadline nothing is polled: a descriptor that polls ready while its
 * call says EAGAIN (an AF_UNIX datagram socket shut down for reading does)
 * must not keep the caller's loop going.
 */
export function waitFd(fd: number, events: number, deadline: number): number {
  let ms = -1;
  if (deadline >= 0) {
    const left = deadline - now();
    if (!(left > 0)) return -ETIMEDOUT;
    ms = Math.ceil(left);
  }
  oneFd[0] = fd;
  oneEvents[0] = events;
  oneRevents[0] = 0;
  return sysPoll(one, 1, ms) > 0 ? oneRevents[0] : -ETIMEDOUT;
}
