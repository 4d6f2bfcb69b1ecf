/**
 * libc, loaded once per thread through this runtime's backend, as the
 * runtime-neutral {@linkcode Libc}.
 *
 * @module
 */
import { backend } from "./backend.ts";
import type { Libc } from "./libc_interface.ts";
import { os } from "./runtime.ts";
import { darwinSymbols, linuxSymbols, symbols } from "./symbols.ts";

/** The library file names tried, in order, for this OS. */
export const libcPaths: readonly string[] = os === "darwin"
  ? ["/usr/lib/libSystem.B.dylib", "libSystem.B.dylib"]
  : [
    "libc.so.6",
    "/lib/x86_64-linux-gnu/libc.so.6",
    "/lib/aarch64-linux-gnu/libc.so.6",
    "/usr/lib/libc.so.6",
    "/lib/libc.so.6",
    "/lib/ld-musl-x86_64.so.1",
    "/lib/ld-musl-aarch64.so.1",
  ];

function open(): Libc {
  const raw = backend.open(symbols, libcPaths);
  let accept4, sendfile, pthread_sigmask, sigtimedwait, sendmmsg, recvmmsg, errnoAt;
  if (os === "darwin") {
    errnoAt = backend.open(darwinSymbols, libcPaths).__error();
  } else {
    const linux = backend.open(linuxSymbols, libcPaths);
    ({ accept4, sendfile, pthread_sigmask, sigtimedwait, sendmmsg, recvmmsg } = linux);
    errnoAt = linux.__errno_location();
  }
  const { address, cstring } = backend;
  return {
    ...raw,
    accept4,
    sendfile,
    pthread_sigmask,
    sigtimedwait,
    sendmmsg,
    recvmmsg,
    // the errno address is per thread and fixed for the thread's life
    errno: backend.int32At(errnoAt),
    freeaddrinfo: (res) => raw.freeaddrinfo(backend.pointer(res)),
    gai_strerror: (code) => cstring(raw.gai_strerror(code)) ?? `error ${code}`,
    strerror: (errnum) => cstring(raw.strerror(errnum)) ?? `error ${errnum}`,
    inet_ntop: (af, src, dst, size) => address(raw.inet_ntop(af, src, dst, size)) !== 0n,
    if_indextoname: (ifindex, dst) => address(raw.if_indextoname(ifindex, dst)) !== 0n,
    if_nameindex: () => address(raw.if_nameindex()),
    if_freenameindex: (a) => raw.if_freenameindex(backend.pointer(a)),
    addressOf: backend.addressByCall
      ? (buf) => buf.byteLength === 0 ? 0 : Number(raw.memset(buf, 0, 0)) // user-space addresses fit a number
      : backend.addressOf,
    peek: backend.peek,
    cstring: (a) => cstring(backend.pointer(a)),
  };
}

/** libc for this runtime and OS, loaded once per thread (each Worker has its own). */
export const libc: Libc = open();
