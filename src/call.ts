/**
 * The wait-then-call loop (CPython's `sock_call`): one socket syscall of an
 * operation, with the operation's timing passed in as values — its deadline
 * and whether this is its first syscall — rather than kept on the socket.
 * It owns EINTR retries, the EAGAIN → `poll(2)` → retry cycle and the
 * timeout. Every socket operation that may block or fail with EAGAIN/EINTR
 * goes through {@linkcode sockCall}; `connect`, `close` and `select` do not,
 * and say why where they are.
 *
 * Blocking model: with no timeout the descriptor is in blocking mode and each
 * operation is exactly one syscall (send → `send(2)`, recv → `recv(2)`).
 * With a timeout the descriptor stays blocking and carries (a little less
 * than) the timeout itself, SO_RCVTIMEO/SO_SNDTIMEO, so an operation's first
 * syscall is still the only one when it completes in time; later steps of a
 * looping operation (`sendall`, `read`, `readline`, …), retries after EINTR
 * and the rest of a wait the kernel cut short use `MSG_DONTWAIT` and
 * `poll(2)` with the time left. In non-blocking mode (O_NONBLOCK) calls never
 * wait.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { SOCKADDR_MAX } from "./address/mod.ts";
import { now } from "./clock.ts";
import { OSError } from "./os_error.ts";
import { C, E, L, Q } from "./platform/mod.ts";
import { waitFd } from "./wait.ts";

const { EAGAIN, EINTR, ETIMEDOUT } = E;
const POLLIN = C.POLLIN, POLLOUT = C.POLLOUT;
const MSG_DONTWAIT = C.MSG_DONTWAIT;

/** Or-ed into every send's flags: no SIGPIPE (Linux); without MSG_NOSIGNAL (macOS) each socket has SO_NOSIGPIPE. */
export const NOSIGNAL: number = Q.msgNosignal ? C.MSG_NOSIGNAL : 0;

/** `send(2)`. */
export const OP_SEND = 0;
/** `recv(2)`. */
export const OP_RECV = 1;
/** `sendto(2)` to the address in {@linkcode addrBuf}. */
export const OP_SENDTO = 2;
/** `recvfrom(2)`: the sender lands in {@linkcode addrBuf}, its length in {@linkcode addrLen}. */
export const OP_RECVFROM = 3;
/** `accept4(2)` (`accept(2)` on macOS): the peer lands in {@linkcode addrBuf}. */
export const OP_ACCEPT = 4;
/** `sendmsg(2)` of the `struct msghdr` in {@linkcode msgBuf} (filled by `src/msghdr.ts`). */
export const OP_SENDMSG = 5;
/**
 * `recvmsg(2)` into the `struct msghdr` in {@linkcode msgBuf}; before each
 * attempt `msg_namelen` is reset to the call's `addrLength` argument and
 * `msg_controllen` to its `len` (the kernel overwrites both).
 */
export const OP_RECVMSG = 6;
/**
 * `sendmmsg(2)` of the `struct mmsghdr` array `buf`, `len` entries (Linux;
 * filled by `src/mmsg.ts`). Returns how many were sent.
 */
export const OP_SENDMMSG = 7;
/**
 * `recvmmsg(2)` into the `struct mmsghdr` array `buf`, `len` entries (Linux),
 * with a NULL timeout. The caller resets each entry's `msg_namelen` and
 * `msg_controllen` once before the operation: the kernel writes an entry back
 * only for a datagram it received, and a syscall that fails (EAGAIN, EINTR:
 * the only ones retried) received none.
 */
export const OP_RECVMMSG = 8;
/**
 * `sendfile(2)` (Linux) from the descriptor in {@linkcode fileFd}, at the
 * offset in {@linkcode fileOffset}, which the kernel advances. It takes no
 * flags: where a step must not wait (MSG_DONTWAIT: a timed operation's later
 * steps) the descriptor is O_NONBLOCK for that one call.
 */
export const OP_SENDFILE = 9;

/** Whether `op` waits for room to send (POLLOUT) rather than for data (POLLIN). */
function sends(op: number): boolean {
  return op === OP_SEND || op === OP_SENDTO || op === OP_SENDMSG || op === OP_SENDMMSG || op === OP_SENDFILE;
}

// The address scratch of the syscalls above, shared by all sockets of this
// thread: every call is synchronous and none re-enters another.
/** Addresses for `sendto` (written by the caller) and from `recvfrom`/`accept`. */
export const addrBuf: Uint8Array = new Uint8Array(SOCKADDR_MAX);
/** The `socklen_t` of {@linkcode addrBuf} (in/out). */
export const addrLen: Uint32Array = new Uint32Array(1);
const addrLenBytes = new Uint8Array(addrLen.buffer);
/** The `struct msghdr` of {@linkcode OP_SENDMSG} and {@linkcode OP_RECVMSG}. */
export const msgBuf: Uint8Array = new Uint8Array(L.msghdr.size);
const msgView = new DataView(msgBuf.buffer);
const M = L.msghdr;
/** The file descriptor {@linkcode OP_SENDFILE} reads. */
export const fileFd: Int32Array = new Int32Array(1);
/** The `off_t` {@linkcode OP_SENDFILE} reads from and the kernel advances; pass its bytes as the op's buffer. */
export const fileOffset: BigInt64Array = new BigInt64Array(1);

/** Timeouts from this long (seconds) let the kernel wait out an operation's first syscall; shorter ones poll. */
export const ARM_MIN = 0.1;

/**
 * The SO_RCVTIMEO/SO_SNDTIMEO put on a descriptor for a timeout of `t`
 * seconds: short of `t`, so that the kernel's wait always ends before the
 * deadline and `poll(2)` waits out the rest. Linux keeps socket timeouts on
 * its timer wheel, which fires late by up to 8/63 of the wait plus a tick
 * (measured here, HZ=250: a 3 s SO_RCVTIMEO returned after 3.01–3.17 s, a
 * 0.5 s one after 0.512–0.528 s), while `poll(2)` sleeps on a
 * high-resolution timer (late by well under a millisecond). 7/8 of `t` less
 * 25 ms (two ticks at HZ=100, and a margin) fires at most `t` × 0.986 − 17 ms.
 */
export function armedTimeout(t: number): number {
  return t >= ARM_MIN ? t * 0.875 - 0.025 : t;
}

/** An operation's deadline for a socket timeout of `timeout` seconds: a {@linkcode now} time, or -1 for none. */
export function deadlineFor(timeout: number): number {
  return timeout > 0 ? now() + timeout * 1000 : -1;
}

/** One raw syscall for `op`. Returns its result; errno is left for the caller to read at once. */
function sys(op: number, fd: number, buf: Uint8Array, len: number, flags: number, addrLength: number): number {
  switch (op) {
    case OP_RECV:
      return libc.recv(fd, buf, len, flags);
    case OP_SEND:
      return libc.send(fd, buf, len, flags);
    case OP_RECVFROM:
      addrLen[0] = SOCKADDR_MAX;
      return libc.recvfrom(fd, buf, len, flags, addrBuf, addrLenBytes);
    case OP_SENDTO:
      return libc.sendto(fd, buf, len, flags, addrBuf, addrLength);
    case OP_SENDMSG:
      return libc.sendmsg(fd, buf, flags);
    case OP_RECVMSG:
      // the kernel writes back how much of each it used: give the whole space again
      msgView.setUint32(M.msg_namelen, addrLength, true);
      msgView.setUint32(M.msg_controllen, len, true); // a size_t on Linux: its high half stays 0
      msgView.setInt32(M.msg_flags, 0, true);
      return libc.recvmsg(fd, buf, flags);
    case OP_SENDMMSG:
      return libc.sendmmsg!(fd, buf, len, flags);
    case OP_RECVMMSG:
      return libc.recvmmsg!(fd, buf, len, flags, null);
    case OP_SENDFILE:
      return sendfileCall(fd, buf, len, (flags & MSG_DONTWAIT) !== 0);
    default:
      addrLen[0] = SOCKADDR_MAX;
      return libc.accept4
        ? libc.accept4(fd, addrBuf, addrLenBytes, C.SOCK_CLOEXEC)
        : libc.accept(fd, addrBuf, addrLenBytes);
  }
}

// sendfile(2) takes no MSG_NOSIGNAL: to a dead peer it raises SIGPIPE, which
// would end the process where the signal's action is the default. SIGPIPE is
// blocked around the call, and one the call raised is taken off the queue.
const SIGSET = 128; // glibc's sigset_t; the kernel reads the first 8 bytes
const pipeSet = new Uint8Array(SIGSET), oldSet = new Uint8Array(SIGSET), sigInfo = new Uint8Array(128);
pipeSet[(C.SIGPIPE - 1) >> 3] = 1 << ((C.SIGPIPE - 1) & 7);
const noWait = new Uint8Array(L.timespec.size); // a zero timeout
/** errno of the last {@linkcode OP_SENDFILE}, read before the calls that restore the signal mask. */
let fileErrno = 0;

/**
 * One `sendfile(2)`: SIGPIPE blocked for it; with `dontwait` the descriptor is
 * O_NONBLOCK for the call (it was blocking: a timed socket's always is).
 */
function sendfileCall(fd: number, offset: Uint8Array, len: number, dontwait: boolean): number {
  libc.pthread_sigmask!(C.SIG_BLOCK, pipeSet, oldSet);
  const fl = dontwait ? libc.fcntl(fd, C.F_GETFL, 0) : -1;
  const toggle = fl >= 0 && (fl & C.O_NONBLOCK) === 0 && libc.fcntl(fd, C.F_SETFL, fl | C.O_NONBLOCK) === 0;
  const r = libc.sendfile!(fd, fileFd[0], offset, len);
  fileErrno = r < 0 ? libc.errno() : 0;
  if (toggle) libc.fcntl(fd, C.F_SETFL, fl);
  const wasBlocked = (oldSet[(C.SIGPIPE - 1) >> 3] & pipeSet[(C.SIGPIPE - 1) >> 3]) !== 0;
  // a SIGPIPE may be queued after EPIPE, and after a short count too: sendfile loops inside and
  // returns what went before the error (errno is saved: a sigtimedwait that finds none sets EAGAIN)
  if (!wasBlocked && (r < 0 ? fileErrno === E.EPIPE : r < len)) libc.sigtimedwait!(pipeSet, sigInfo, noWait);
  libc.pthread_sigmask!(C.SIG_SETMASK, oldSet, null);
  return r;
}

/** errno of the syscall `sys` just made for `op`. */
function errnoOf(op: number): number {
  return op === OP_SENDFILE ? fileErrno : libc.errno();
}

/**
 * One step of an operation on `fd`, a socket whose mode is `timeout` (-1:
 * blocking, 0: non-blocking, > 0: seconds): `op` on `buf[0, len)` with
 * `flags`, under the operation's `deadline` ({@linkcode deadlineFor});
 * `first` when it is the operation's first syscall (only then may the
 * kernel's own timeout stand for the deadline). Returns the syscall's result
 * (≥ 0), or `-EAGAIN` (non-blocking, or MSG_DONTWAIT, and nothing ready) or
 * `-ETIMEDOUT` (deadline passed). Any other failure raises OSError.
 *
 * - blocking: the syscall blocks; EINTR is retried;
 * - non-blocking, or the caller's MSG_DONTWAIT: one attempt;
 * - timeout: see `callTimed` below.
 *
 * Kept small on purpose: the timed case lives apart, so the blocking and
 * non-blocking cases every hot loop takes compile fast (measured on Bun:
 * bytecode cost 1330 → 598, its top-tier compile 13.6 → 2.3 ms; a
 * process's JIT time for a `readinto` loop ~28 → ~20 ms).
 */
export function sockCall(
  fd: number,
  timeout: number,
  op: number,
  buf: Uint8Array,
  len: number,
  flags: number,
  deadline: number,
  first: boolean,
  addrLength: number,
): number {
  const dontwait = (flags & MSG_DONTWAIT) !== 0;
  if (timeout > 0 && !dontwait) return callTimed(fd, timeout, op, buf, len, flags, deadline, first, addrLength);
  for (;;) {
    const r = sys(op, fd, buf, len, flags, addrLength);
    if (r >= 0) return r;
    const e = errnoOf(op);
    if (e === EINTR) continue;
    if (e !== EAGAIN) throw new OSError(e);
    if (timeout === 0 || dontwait) return -EAGAIN;
    // blocking, yet EAGAIN: the descriptor carries a timeout (or O_NONBLOCK)
    // this object did not set — through fromfd/detach or a raw setsockopt. Keep waiting.
    waitFd(fd, sends(op) ? POLLOUT : POLLIN, -1);
  }
}

/**
 * {@linkcode sockCall} with a timeout: an operation's first syscall blocks in
 * the kernel (SO_RCVTIMEO/SO_SNDTIMEO, set by settimeout) for a little less
 * than the timeout ({@linkcode armedTimeout}), so a call that completes in
 * time is one syscall. Later syscalls of the same operation, any after EINTR
 * or after the kernel's wait ran out, and every syscall of a timeout under
 * {@linkcode ARM_MIN}, use MSG_DONTWAIT and `poll(2)` for the time left,
 * which ends within a millisecond or two of the deadline.
 */
function callTimed(
  fd: number,
  timeout: number,
  op: number,
  buf: Uint8Array,
  len: number,
  flags: number,
  deadline: number,
  first: boolean,
  addrLength: number,
): number {
  if (first && timeout >= ARM_MIN) {
    const r = sys(op, fd, buf, len, flags, addrLength);
    if (r >= 0) return r;
    const e = errnoOf(op);
    // EAGAIN: the kernel's timeout, armed short of the deadline, ran out:
    // poll(2) waits out the rest
    if (e === EAGAIN && now() >= deadline) return -ETIMEDOUT;
    if (e !== EAGAIN && e !== EINTR) throw new OSError(e);
  }
  const events = sends(op) ? POLLOUT : POLLIN;
  // accept(2) takes no MSG_DONTWAIT: wait for readiness first instead
  const dontwait = op === OP_ACCEPT ? 0 : MSG_DONTWAIT;
  if (op === OP_ACCEPT) {
    const w = waitFd(fd, POLLIN, deadline);
    if (w < 0) return w;
  }
  for (;;) {
    const r = sys(op, fd, buf, len, flags | dontwait, addrLength);
    if (r >= 0) return r;
    const e = errnoOf(op);
    if (e === EINTR) continue;
    if (e !== EAGAIN) throw new OSError(e);
    const w = waitFd(fd, events, deadline);
    if (w < 0) return w;
  }
}
