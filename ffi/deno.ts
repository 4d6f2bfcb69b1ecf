/**
 * The `Deno.dlopen` backend of {@linkcode Libc}.
 *
 * @module
 */
import type { Libc } from "./libc.ts";
import { openFirst } from "./open_libc.ts";
import { os } from "./runtime.ts";
import { darwinSymbols, linuxSymbols, type NativeType, symbols, type SymbolSpec } from "./symbols.ts";

const denoType = {
  i32: "i32",
  u32: "u32",
  buffer: "buffer",
  pointer: "pointer",
  void: "void",
} as const satisfies Record<NativeType, Deno.NativeType | "void">;

function toDeno(table: Record<string, SymbolSpec>): Deno.ForeignLibraryInterface {
  const out: Deno.ForeignLibraryInterface = {};
  for (const [name, spec] of Object.entries(table)) {
    out[name] = {
      parameters: spec.parameters.map((t) => denoType[t] as Deno.NativeType),
      result: denoType[spec.result],
    };
  }
  return out;
}

type Fn = (...args: unknown[]) => unknown;

/** Opens libc with `Deno.dlopen` and returns it as a {@linkcode Libc}. */
export function open(): Libc {
  const platform = os === "darwin" ? darwinSymbols : linuxSymbols;
  const table = toDeno({ ...symbols, ...platform });
  const lib = openFirst((path) => Deno.dlopen(path, table));
  const s = lib.symbols as unknown as Record<string, Fn>;

  const errnoPtr = (os === "darwin" ? s.__error : s.__errno_location)() as Deno.PointerObject;
  const errnoView = new Deno.UnsafePointerView(errnoPtr);

  const ptr = (address: bigint) => Deno.UnsafePointer.create(address);
  const cstring = (p: Deno.PointerValue): string | null => p === null ? null : Deno.UnsafePointerView.getCString(p);

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
    errno: () => errnoView.getInt32(0),
    freeaddrinfo: (res) => void s.freeaddrinfo(ptr(res)),
    gai_strerror: (code) => cstring(s.gai_strerror(code) as Deno.PointerValue) ?? `error ${code}`,
    strerror: (errnum) => cstring(s.strerror(errnum) as Deno.PointerValue) ?? `error ${errnum}`,
    inet_ntop: (af, src, dst, size) => s.inet_ntop(af, src, dst, size) !== null,
    peek: (address, length) => {
      const out = new Uint8Array(length);
      if (length > 0) new Deno.UnsafePointerView(ptr(address)!).copyInto(out);
      return out;
    },
    cstring: (address) => cstring(ptr(address)),
  } as Libc;
}
