/**
 * CPython's convenience constructors: `create_connection()` (resolve, then
 * try each address) and `create_server()` (socket, options, bind, listen).
 *
 * @module
 */
import type { Address } from "./address/mod.ts";
import { options as checkOptions, surplus, typeName } from "./args.ts";
import { getaddrinfo } from "./getaddrinfo.ts";
import { OSError } from "./os_error.ts";
import { C, E } from "./platform/mod.ts";
import { Socket } from "./socket.ts";

/**
 * Connects a TCP socket to `[host, port]`, where `host` may be a name: it is
 * resolved with `getaddrinfo(host, port, 0, SOCK_STREAM)` and each address is
 * tried in order until one connects, as CPython's `socket.create_connection`.
 * Maps to `getaddrinfo(3)`, then per address `socket(2)`, optionally
 * `bind(2)`, `connect(2)` (plus `poll(2)` with a timeout).
 *
 * Blocks while resolving and connecting; with `timeout`, each connect
 * attempt may take up to `timeout` seconds and the returned socket keeps that
 * timeout.
 *
 * @param address `[host, port]`
 * @param timeout seconds, `null` for blocking; absent: blocking
 * @param source_address a local `[host, port]` to bind before connecting
 * @returns the connected socket
 * @throws {OSError} the last connect error (ECONNREFUSED, ETIMEDOUT, …) or a
 *   negative getaddrinfo code
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * try {
 *   const s = usocket.create_connection(["localhost", 1], 1);
 *   s.close();
 * } catch (e) {
 *   console.log((e as usocket.OSError).errno === usocket.errno.ECONNREFUSED);
 * }
 * ```
 */
export function create_connection(
  address: [host: string, port: number],
  timeout?: number | null,
  source_address?: Address,
): Socket {
  if (arguments.length > 3) surplus(arguments.length, 3, "create_connection(address, timeout, source_address)");
  if (!Array.isArray(address) || address.length !== 2) {
    throw new TypeError(`address must be a [host, port] tuple, got ${typeName(address)}`);
  }
  const [host, port] = address;
  const infos = getaddrinfo(host, port, 0, C.SOCK_STREAM);
  let last: unknown = new OSError(E.EADDRNOTAVAIL, "getaddrinfo returned no address");
  for (const [af, type, proto, , sockaddr] of infos) {
    let s: Socket | undefined;
    try {
      s = new Socket(af, type, proto);
      if (timeout !== undefined) s.settimeout(timeout);
      if (source_address !== undefined) s.bind(source_address);
      s.connect(sockaddr);
      return s;
    } catch (e) {
      s?.close();
      if (!(e instanceof OSError)) throw e;
      last = e;
    }
  }
  throw last;
}

/** Options of {@linkcode create_server}, CPython's keyword arguments. */
export interface CreateServerOptions {
  /** `AF_INET` (default) or `AF_INET6`. */
  family?: number;
  /** The listen backlog; default 128. */
  backlog?: number;
  /** Set `SO_REUSEPORT`, so several servers can share the port. */
  reuse_port?: boolean;
  /** With `AF_INET6`: also accept IPv4 clients (`IPV6_V6ONLY` = 0). */
  dualstack_ipv6?: boolean;
}

/**
 * Creates a listening TCP socket bound to `address`, as CPython's
 * `socket.create_server`: `socket(2)`, `setsockopt(SO_REUSEADDR)` (and
 * `SO_REUSEPORT`, `IPV6_V6ONLY` as asked), `bind(2)`, `listen(2)`. Does not
 * block.
 *
 * @param address a numeric `[host, port]` (`""` = any address)
 * @param options family, backlog, reuse_port, dualstack_ipv6
 * @throws {OSError} EADDRINUSE, EACCES, …
 * @example A dual-stack server on an ephemeral port
 * ```ts
 * import * as usocket from "../mod.ts";
 * using srv = usocket.create_server(["::", 0], { family: usocket.AF_INET6, dualstack_ipv6: true });
 * console.log(srv.getsockname());
 * ```
 */
export function create_server(address: Address, options?: CreateServerOptions): Socket {
  if (arguments.length > 2) surplus(arguments.length, 2, "create_server(address, options)");
  const opts = checkOptions(options, "options", ["family", "backlog", "reuse_port", "dualstack_ipv6"]);
  const family = opts.family ?? C.AF_INET;
  const s = new Socket(family, C.SOCK_STREAM);
  try {
    s.setsockopt(C.SOL_SOCKET, C.SO_REUSEADDR, 1);
    if (opts.reuse_port) s.setsockopt(C.SOL_SOCKET, C.SO_REUSEPORT, 1);
    if (family === C.AF_INET6) s.setsockopt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, opts.dualstack_ipv6 ? 0 : 1);
    else if (opts.dualstack_ipv6) throw new TypeError("dualstack_ipv6 needs family AF_INET6");
    s.bind(address);
    s.listen(opts.backlog ?? 128);
    return s;
  } catch (e) {
    s.close();
    throw e;
  }
}
