/**
 * systemd's socket activation and readiness protocol, without libsystemd:
 * {@linkcode listen_fds} adopts the sockets a service manager passed
 * (`sd_listen_fds(3)`: `LISTEN_PID`, `LISTEN_FDS`, descriptors from 3) and
 * {@linkcode notify} sends a state line to `NOTIFY_SOCKET` (`sd_notify(3)`).
 * Both read the environment (Deno: `--allow-env`).
 *
 * @example A service that takes its listening socket from systemd, or makes one
 * ```ts
 * import * as usocket from "../mod.ts";
 * const [srv = usocket.create_server(["127.0.0.1", 0])] = usocket.listen_fds();
 * usocket.notify("READY=1"); // false when not started by systemd
 * srv.close();
 * ```
 *
 * @module
 */
import process from "node:process";
import { libc } from "../ffi/libc.ts";
import { familyOf, SOCKADDR_MAX } from "./address/mod.ts";
import { surplus, typeName } from "./args.ts";
import { OSError, raiseErrno } from "./os_error.ts";
import { C, E } from "./platform/mod.ts";
import { Socket } from "./socket.ts";

/** `SD_LISTEN_FDS_START`: the first passed descriptor. */
export const SD_LISTEN_FDS_START = 3;

const opt = new Int32Array(1), optBytes = new Uint8Array(opt.buffer);
const optLen = new Uint32Array(1), optLenBytes = new Uint8Array(optLen.buffer);
const nameBuf = new Uint8Array(SOCKADDR_MAX);
const nameLen = new Uint32Array(1), nameLenBytes = new Uint8Array(nameLen.buffer);

/** `getsockopt(fd, SOL_SOCKET, name)` as an int, or `null` when `fd` is not a socket. */
function sockInt(fd: number, name: number): number | null {
  optLen[0] = 4;
  if (libc.getsockopt(fd, C.SOL_SOCKET, name, optBytes, optLenBytes) < 0) {
    if (libc.errno() === E.ENOTSOCK) return null;
    raiseErrno();
  }
  return opt[0];
}

function passed(unsetEnvironment: boolean): [fd: number, name: string][] {
  const env = process.env;
  const pid = env.LISTEN_PID, fds = env.LISTEN_FDS, names = env.LISTEN_FDNAMES;
  if (unsetEnvironment) {
    delete env.LISTEN_PID;
    delete env.LISTEN_FDS;
    delete env.LISTEN_FDNAMES;
  }
  if (pid === undefined || fds === undefined) return [];
  if (!/^\d+$/.test(pid) || !/^\d+$/.test(fds)) {
    throw new OSError(E.EINVAL, `LISTEN_PID=${pid} LISTEN_FDS=${fds}: not numbers`);
  }
  if (Number(pid) !== process.pid) return []; // meant for another process (a parent's leftover)
  const n = Number(fds);
  if (n > 65536) throw new OSError(E.EINVAL, `LISTEN_FDS=${fds}: too many`);
  const nameList = names === undefined ? [] : names.split(":");
  const out: [number, string][] = [];
  for (let i = 0; i < n; i++) out.push([SD_LISTEN_FDS_START + i, nameList[i] ?? "unknown"]);
  return out;
}

/** Adopts `fd` as a Socket of the family, type and protocol the kernel reports; `null` for a non-socket. */
function adopt(fd: number): Socket | null {
  const fl = libc.fcntl(fd, C.F_GETFD, 0);
  if (fl < 0) raiseErrno();
  if (libc.fcntl(fd, C.F_SETFD, fl | C.FD_CLOEXEC) < 0) raiseErrno(); // as sd_listen_fds: not inherited further
  const type = sockInt(fd, C.SO_TYPE);
  if (type === null) return null;
  // the family from the socket's name (every OS has it; SO_DOMAIN is Linux's), the protocol where SO_PROTOCOL exists
  nameLen[0] = SOCKADDR_MAX;
  if (libc.getsockname(fd, nameBuf, nameLenBytes) < 0) raiseErrno();
  const af = familyOf(nameBuf);
  const proto = C.SO_PROTOCOL ? sockInt(fd, C.SO_PROTOCOL)! : 0;
  return new Socket(af, type, proto, fd);
}

/**
 * The sockets a service manager passed to this process (systemd socket
 * activation, `sd_listen_fds(3)`): when `LISTEN_PID` is this process and
 * `LISTEN_FDS` is n, descriptors 3 … 3+n−1, each made close-on-exec and
 * adopted as a {@linkcode Socket} of the family, type and protocol the
 * kernel reports (`getsockname`'s family, `getsockopt` SO_TYPE and SO_PROTOCOL). A passed
 * descriptor that is not a socket (a FIFO) is left open and not returned.
 * Without the variables, or when they name another process, returns `[]`.
 * No blocking call.
 *
 * @param unset_environment remove `LISTEN_PID`, `LISTEN_FDS` and
 *   `LISTEN_FDNAMES` from the environment (default true: child processes do
 *   not see them), as `sd_listen_fds(1)`
 * @throws {OSError} EINVAL for malformed variables; EBADF when a promised descriptor is not open
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * for (const s of usocket.listen_fds()) console.log(s.getsockname());
 * ```
 */
export function listen_fds(unset_environment = true): Socket[] {
  if (arguments.length > 1) surplus(arguments.length, 1, "listen_fds(unset_environment)");
  return listen_fds_with_names(unset_environment).map(([, s]) => s);
}

/**
 * {@linkcode listen_fds} with each socket's name from `LISTEN_FDNAMES`
 * (systemd's `FileDescriptorName=`; `"unknown"` when absent), as
 * `sd_listen_fds_with_names(3)`.
 *
 * @throws {OSError} EINVAL for malformed variables; EBADF when a promised
 *   descriptor is not open (the sockets adopted before it are closed again)
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const byName = new Map(usocket.listen_fds_with_names());
 * console.log(byName.get("http") ?? "not activated");
 * ```
 */
export function listen_fds_with_names(unset_environment = true): [name: string, socket: Socket][] {
  if (arguments.length > 1) surplus(arguments.length, 1, "listen_fds_with_names(unset_environment)");
  if (typeof unset_environment !== "boolean") {
    throw new TypeError(`unset_environment must be a boolean, got ${typeName(unset_environment)}`);
  }
  const out: [string, Socket][] = [];
  try {
    for (const [fd, name] of passed(unset_environment)) {
      const s = adopt(fd);
      if (s !== null) out.push([name, s]);
    }
  } catch (e) {
    for (const [, s] of out) s.close(); // none half-adopted: the caller gets an error, not some of them
    throw e;
  }
  return out;
}

/**
 * Tells the service manager about this service's state (`sd_notify(3)`):
 * one datagram with `state` (`"READY=1"`, `"STATUS=…"`, `"STOPPING=1"`,
 * `"WATCHDOG=1"`, several separated by newlines) to the AF_UNIX socket
 * `NOTIFY_SOCKET` names — a path, or with a leading `@` a Linux abstract
 * name. Maps to `socket(2)`, `sendto(2)`, `close(2)`. Does not block (a full
 * queue is `OSError(EAGAIN)`).
 *
 * @param state the assignments to send
 * @param unset_environment remove `NOTIFY_SOCKET` from the environment afterwards (default false)
 * @returns `true` when sent; `false` when `NOTIFY_SOCKET` is not set (not run by a service manager)
 * @throws {OSError} ECONNREFUSED/ENOENT when no one listens there, EAFNOSUPPORT for a `vsock:` address (not supported here)
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * console.log(usocket.notify("READY=1\nSTATUS=serving")); // false outside systemd
 * ```
 */
export function notify(state: string, unset_environment = false): boolean {
  if (arguments.length > 2) surplus(arguments.length, 2, "notify(state, unset_environment)");
  if (typeof state !== "string") throw new TypeError(`state must be a string, got ${typeName(state)}`);
  const target = process.env.NOTIFY_SOCKET;
  if (unset_environment) delete process.env.NOTIFY_SOCKET;
  if (target === undefined || target === "") return false;
  let address: string;
  if (target.startsWith("/")) address = target;
  else if (target.startsWith("@")) address = `\0${target.slice(1)}`;
  else throw new OSError(E.EAFNOSUPPORT, `NOTIFY_SOCKET=${target}: only paths and @abstract names are supported`);
  using s = new Socket(C.AF_UNIX, C.SOCK_DGRAM);
  s.setblocking(false);
  s.sendto(state, address);
  return true;
}
