/**
 * The `bun:ffi` backend of {@linkcode Libc}.
 *
 * `bun:ffi` is imported with a computed specifier so that Deno's type checker
 * and module graph never see it; the subset used is typed by hand below, and
 * `tests/bun_ffi_types_test.ts` checks it against bun-types under `tsc`.
 *
 * @module
 */
import type { Libc } from "./libc.ts";
import { openFirst } from "./open_libc.ts";
import { os } from "./runtime.ts";
import { darwinSymbols, linuxSymbols, type NativeType, symbols, type SymbolSpec } from "./symbols.ts";

/** The part of `bun:ffi` this backend uses. */
export interface BunFfi {
  dlopen(
    path: string,
    symbols: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, (...args: never[]) => unknown>; close(): void };
  read: { i32(ptr: number, offset?: number): number };
  toArrayBuffer(ptr: number, byteOffset?: number, byteLength?: number): ArrayBuffer;
  CString: new(ptr: number, byteOffset?: number, byteLength?: number) => string;
}

const bunType = {
  i32: "i32",
  u32: "u32",
  buffer: "ptr",
  pointer: "ptr",
  void: "void",
} as const satisfies Record<NativeType, string>;

function toBun(table: Record<string, SymbolSpec>) {
  const out: Record<string, { args: string[]; returns: string }> = {};
  for (const [name, spec] of Object.entries(table)) {
    out[name] = { args: spec.parameters.map((t) => bunType[t]), returns: bunType[spec.result] };
  }
  return out;
}

type Fn = (...args: unknown[]) => unknown;

/** Opens libc with `bun:ffi` and returns it as a {@linkcode Libc}. */
export async function open(): Promise<Libc> {
  const ffi = (await import("bun:" + "ffi")) as BunFfi;
  const platform = os === "darwin" ? darwinSymbols : linuxSymbols;
  const table = toBun({ ...symbols, ...platform });
  const lib = openFirst((path) => ffi.dlopen(path, table));
  const s = lib.symbols as unknown as Record<string, Fn>;

  // The errno address is per thread and fixed for the thread's life; this
  // module instance lives on one thread (each Worker loads its own).
  const errnoAddr = (os === "darwin" ? s.__error : s.__errno_location)() as number;
  const read = ffi.read;
  const cstring = (p: number): string | null => p === 0 || p === null ? null : String(new ffi.CString(p));

  return {
    socket: s.socket,
    socketpair: s.socketpair,
    close: s.close,
    bind: s.bind,
    connect: s.connect,
    listen: s.listen,
    accept: s.accept,
    accept4: s.accept4,
    send: s.send,
    recv: s.recv,
    sendto: s.sendto,
    recvfrom: s.recvfrom,
    setsockopt: s.setsockopt,
    getsockopt: s.getsockopt,
    getsockname: s.getsockname,
    getpeername: s.getpeername,
    shutdown: s.shutdown,
    fcntl: s.fcntl,
    poll: s.poll,
    getaddrinfo: s.getaddrinfo,
    inet_pton: s.inet_pton,
    if_nametoindex: s.if_nametoindex,
    clock_gettime: s.clock_gettime,
    errno: () => read.i32(errnoAddr, 0),
    freeaddrinfo: (res) => void s.freeaddrinfo(Number(res)),
    gai_strerror: (code) => cstring(s.gai_strerror(code) as number) ?? `error ${code}`,
    strerror: (errnum) => cstring(s.strerror(errnum) as number) ?? `error ${errnum}`,
    inet_ntop: (af, src, dst, size) => {
      const r = s.inet_ntop(af, src, dst, size);
      return r !== 0 && r !== null;
    },
    peek: (address, length) =>
      length > 0 ? new Uint8Array(ffi.toArrayBuffer(Number(address), 0, length)).slice() : new Uint8Array(0),
    cstring: (address) => cstring(Number(address)),
  } as Libc;
}
