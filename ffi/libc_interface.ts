/**
 * The runtime-neutral `Libc` interface: libc as the socket layer sees it.
 * Its functions are typed from the symbol table (`symbols.ts`), so a call of
 * a symbol the table lacks, or with the wrong argument types, does not
 * compile; the few that return C strings or pointers are wrapped.
 *
 * @module
 */
import type { linuxSymbols, symbols } from "./symbols.ts";
import type { Bound } from "./types.ts";

type Raw = Bound<typeof symbols>;

/** The table's functions that `Libc` wraps (their results are C strings or pointers). */
type Wrapped =
  | "freeaddrinfo"
  | "gai_strerror"
  | "strerror"
  | "inet_ntop"
  | "if_indextoname"
  | "if_nameindex"
  | "if_freenameindex"
  | "memset";

/**
 * libc for this runtime. Names and argument order are C's. Every function
 * but those documented here is the runtime's own foreign function,
 * unwrapped: calling `libc.recv(...)` is one FFI call.
 */
export interface Libc extends Omit<Raw, Wrapped> {
  /** `accept4(2)`: Linux only; `undefined` elsewhere. */
  readonly accept4?: Bound<typeof linuxSymbols>["accept4"];
  /** `sendfile(2)`: Linux only; `undefined` elsewhere (the caller falls back to `pread` + `send`). */
  readonly sendfile?: Bound<typeof linuxSymbols>["sendfile"];
  /** `pthread_sigmask(3)`: Linux only here (it guards sendfile). */
  readonly pthread_sigmask?: Bound<typeof linuxSymbols>["pthread_sigmask"];
  /** `sigtimedwait(2)`: Linux only. */
  readonly sigtimedwait?: Bound<typeof linuxSymbols>["sigtimedwait"];
  /** `sendmmsg(2)`: Linux only; `undefined` elsewhere. */
  readonly sendmmsg?: Bound<typeof linuxSymbols>["sendmmsg"];
  /** `recvmmsg(2)`: Linux only; `undefined` elsewhere. */
  readonly recvmmsg?: Bound<typeof linuxSymbols>["recvmmsg"];
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
  /** `if_indextoname(3)`: true when it wrote the name into `dst` (IF_NAMESIZE bytes); errno ENXIO otherwise. */
  if_indextoname(ifindex: number, dst: Uint8Array): boolean;
  /** `if_nameindex(3)`: the array's address (0 on failure, errno set); free it with {@linkcode Libc.if_freenameindex}. */
  if_nameindex(): bigint;
  /** `if_freenameindex(3)` on an address from {@linkcode Libc.if_nameindex}. */
  if_freenameindex(address: bigint): void;
  /** The address of `buf`'s first byte, for a struct that points at it; compute it right before the call (see `Backend.addressOf`). */
  addressOf(buf: Uint8Array): number;
  /** Copies `length` bytes of libc memory at `address` into a new array. */
  peek(address: bigint, length: number): Uint8Array;
  /** Reads the NUL-terminated string at `address` (`null` for address 0). */
  cstring(address: bigint): string | null;
}
