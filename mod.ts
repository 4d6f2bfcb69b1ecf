/**
 * usocket: MicroPython's `socket` (`usocket`) API for Deno and Bun, calling
 * libc directly through FFI. Real BSD sockets: blocking and non-blocking
 * calls, timeouts, poll, every socket option.
 *
 * Deno needs `--allow-ffi`; Bun needs nothing.
 *
 * @example Echo over loopback
 * ```ts
 * import * as usocket from "./mod.ts";
 *
 * const srv = usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM);
 * srv.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
 * srv.bind(["127.0.0.1", 0]);
 * srv.listen();
 *
 * const cli = usocket.socket();
 * cli.connect(usocket.getaddrinfo("127.0.0.1", (srv.getsockname() as [string, number])[1])[0][4]);
 * const [conn] = srv.accept();
 * cli.sendall("hello\n");
 * console.log(new TextDecoder().decode(conn.readline()!)); // "hello\n"
 * for (const s of [conn, cli, srv]) s.close();
 * ```
 *
 * @module
 */
import * as self from "./mod.ts";
import type * as api from "./src/api.ts";

export * from "./src/api.ts";

/** What `import * as usocket from ".../mod.ts"` gives: every export, and `default` (the same object again). */
export type Module = typeof api & { readonly default: typeof api };

/**
 * The module itself, for `import usocket from ".../mod.ts"`: the very object
 * `import * as usocket from ".../mod.ts"` gives (this module's namespace, by
 * a self-import), so the two forms are interchangeable.
 */
const usocket: Module = self;
export default usocket;
