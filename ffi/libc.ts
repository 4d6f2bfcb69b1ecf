/**
 * The runtime-neutral `Libc` interface and the loaded instance for this
 * runtime. Backends: `deno.ts` (`Deno.dlopen`) and `bun.ts` (`bun:ffi`), each
 * imported dynamically after detection, so Deno never evaluates `bun:ffi`.
 *
 * Functions whose parameters are all `i32`/`u32`/`buffer` are the runtime's
 * own foreign functions, unwrapped: calling `libc.recv(...)` is one FFI call.
 *
 * @module
 */
import { os, runtime } from "./runtime.ts";

export { libcPaths, openFirst } from "./open_libc.ts";

/** libc, as the socket layer sees it. Names and argument order are C's. */
export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  socketpair(domain: number, type: number, protocol: number, sv: Uint8Array): number;
  close(fd: number): number;
  bind(fd: number, addr: Uint8Array, addrlen: number): number;
  connect(fd: number, addr: Uint8Array, addrlen: number): number;
  listen(fd: number, backlog: number): number;
  accept(fd: number, addr: Uint8Array, addrlen: Uint8Array): number;
  /** Linux only; `undefined` elsewhere. */
  accept4?: (fd: number, addr: Uint8Array, addrlen: Uint8Array, flags: number) => number;
  send(fd: number, buf: Uint8Array, len: number, flags: number): number;
  recv(fd: number, buf: Uint8Array, len: number, flags: number): number;
  sendto(
    fd: number,
    buf: Uint8Array,
    len: number,
    flags: number,
    addr: Uint8Array,
    addrlen: number,
  ): number;
  recvfrom(
    fd: number,
    buf: Uint8Array,
    len: number,
    flags: number,
    addr: Uint8Array,
    addrlen: Uint8Array,
  ): number;
  setsockopt(fd: number, level: number, name: number, val: Uint8Array | null, len: number): number;
  getsockopt(fd: number, level: number, name: number, val: Uint8Array, lenp: Uint8Array): number;
  getsockname(fd: number, addr: Uint8Array, addrlen: Uint8Array): number;
  getpeername(fd: number, addr: Uint8Array, addrlen: Uint8Array): number;
  shutdown(fd: number, how: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  poll(fds: Uint8Array, nfds: number, timeout: number): number;
  getaddrinfo(
    node: Uint8Array | null,
    service: Uint8Array | null,
    hints: Uint8Array,
    res: Uint8Array,
  ): number;
  inet_pton(af: number, src: Uint8Array, dst: Uint8Array): number;
  if_nametoindex(name: Uint8Array): number;
  clock_gettime(clockid: number, tp: Uint8Array): number;

  /** The calling thread's `errno`. Read it right after the failing call. */
  errno(): number;
  /** `freeaddrinfo(3)` on an address read from getaddrinfo's `res`. */
  freeaddrinfo(res: bigint): void;
  /** `gai_strerror(3)` as a string. */
  gai_strerror(code: number): string;
  /** `strerror(3)` as a string. */
  strerror(errnum: number): string;
  /** `inet_ntop(3)`; true when it wrote a string into `dst`. */
  inet_ntop(af: number, src: Uint8Array, dst: Uint8Array, size: number): boolean;
  /** Copies `length` bytes of libc memory at `address` into a new array. */
  peek(address: bigint, length: number): Uint8Array;
  /** Reads the NUL-terminated string at `address` (`null` for address 0). */
  cstring(address: bigint): string | null;
}

async function load(): Promise<Libc> {
  if (os !== "linux" && os !== "darwin") {
    throw new Error(`usocket supports Linux and macOS; this OS is ${os}`);
  }
  const backend = runtime === "bun" ? await import("./bun.ts") : await import("./deno.ts");
  return backend.open();
}

/** libc for this runtime and OS, loaded once per thread (each Worker has its own). */
export const libc: Libc = await load();
