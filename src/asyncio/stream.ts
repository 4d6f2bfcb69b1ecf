/**
 * MicroPython's asyncio streams (`extmod/asyncio/stream.py`) in Promise
 * form: {@linkcode Stream} (one object is both reader and writer, as in
 * MicroPython), {@linkcode open_connection}, {@linkcode start_server} and
 * its {@linkcode Server}.
 *
 * A Stream owns a socket in non-blocking mode and runs the socket's own
 * stream methods (`read`, `readinto`, `readline`, `write`: one
 * implementation, with its readline buffer, for plain and TLS sockets);
 * when one returns `null` (nothing ready) the Stream waits in the reactor
 * and calls again. Nothing read is ever dropped: a cancelled or timed-out
 * read leaves every byte in the socket or its buffer.
 *
 * @module
 */
import type { Address } from "../address/mod.ts";
import { bytesOf } from "../args.ts";
import { getaddrinfo } from "../getaddrinfo.ts";
import { OSError } from "../os_error.ts";
import { C, E } from "../platform/mod.ts";
import { Socket } from "../socket.ts";
import { create_default_context, SSLContext } from "../ssl/context.ts";
import { SSLWantReadError, SSLWantWriteError } from "../ssl/errors.ts";
import type { SSLSocket } from "../ssl/ssl_socket.ts";
import type { Data } from "../stream.ts";
import { EOFError, operation } from "./core.ts";
import { READABLE, type Scope, waitReady, WRITABLE } from "./reactor.ts";

const EMPTY = new Uint8Array(0);
/** How much one step of `read(-1)` asks for. */
const READ_ALL_CHUNK = 65536;
/** The most connections a server accepts per wake-up before letting other work run. */
const ACCEPT_BATCH = 64;

type Transport = Socket | SSLSocket;

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) (out.set(c, at), at += c.length);
  return out;
}

/** Runs a TLS handshake without blocking: `do_handshake` until it stops asking to wait. */
async function handshake(t: SSLSocket, scope: Scope): Promise<void> {
  for (;;) {
    try {
      t.do_handshake();
      return;
    } catch (e) {
      if (e instanceof SSLWantReadError) await waitReady(t, READABLE, scope);
      else if (e instanceof SSLWantWriteError) await waitReady(t, WRITABLE, scope);
      else throw e;
    }
  }
}

/**
 * A connection as a stream, MicroPython's `asyncio.Stream`: both the reader
 * and the writer that `open_connection` and `start_server` hand out. Reads
 * wait without blocking the event loop; `write` buffers and `drain` sends.
 *
 * @example An echo round trip with a server of this module
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * const server = await asyncio.start_server(async (r, w) => {
 *   w.write((await r.readline())!);
 *   await w.drain();
 *   await w.close();
 * }, "127.0.0.1", 0);
 * const [host, port] = server.sockets[0].getsockname() as [string, number];
 * const [reader, writer] = await asyncio.open_connection(host, port);
 * writer.write("hello\n");
 * await writer.drain();
 * console.log(new TextDecoder().decode(await reader.readline())); // "hello\n"
 * await writer.close();
 * server.close();
 * await server.wait_closed();
 * ```
 */
export class Stream {
  readonly #t: Transport;
  readonly #extra: Record<string, unknown>;
  /** Bytes written but not yet sent: #out[#outPos, #outEnd). */
  #out: Uint8Array = EMPTY;
  #outPos = 0;
  #outEnd = 0;
  #closing: Promise<void> | null = null;

  /** @internal Made by `open_connection`/`start_server`; `t` must be non-blocking. */
  constructor(t: Transport, extra: Record<string, unknown> = {}) {
    this.#t = t;
    this.#extra = extra;
  }

  /**
   * Information about the connection: `"peername"`, `"sockname"`,
   * `"socket"` (the usocket socket: a `Socket`, or the `SSLSocket` over
   * TLS), `"ssl_object"` (the `SSLSocket`, or `undefined`). Unknown names
   * give `undefined` (or `fallback`).
   */
  get_extra_info(name: string, fallback?: unknown): unknown {
    switch (name) {
      case "peername":
        return this.#t.getpeername();
      case "sockname":
        return this.#t.getsockname();
      case "socket":
        return this.#t;
      case "ssl_object":
        return this.#t instanceof Socket ? undefined : this.#t;
      default:
        return name in this.#extra ? this.#extra[name] : fallback;
    }
  }

  /** Calls `step` until it gives a result (not `null`), waiting for `events` after each `null`. */
  async #until<T>(scope: Scope, events: number, step: () => T | null): Promise<T> {
    for (;;) {
      const r = step();
      if (r !== null) return r;
      await waitReady(this.#t, events, scope);
    }
  }

  /**
   * Reads up to `n` bytes: what is there as soon as anything is (one
   * receive), or with `n` < 0 (the default) everything until EOF. Empty at
   * EOF.
   *
   * @throws {OSError} ECONNRESET, EBADF (closed while waiting), an `SSLError` over TLS
   */
  read(n = -1): Promise<Uint8Array> {
    const t = this.#t;
    if (typeof n !== "number" || !Number.isInteger(n)) throw new TypeError("n must be an integer");
    if (n >= 0) return operation((scope) => this.#until(scope, READABLE, () => t.read(n)));
    return operation(async (scope) => {
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        const c = await this.#until(scope, READABLE, () => t.read(READ_ALL_CHUNK));
        if (c.length === 0) return concat(chunks, total);
        chunks.push(c.slice());
        total += c.length;
      }
    });
  }

  /** Reads into `buf` as soon as some bytes are there; resolves with the count (0 at EOF). */
  readinto(buf: ArrayBufferView | ArrayBuffer): Promise<number> {
    const t = this.#t;
    return operation((scope) => this.#until(scope, READABLE, () => t.readinto(buf)));
  }

  /**
   * Reads exactly `n` bytes. EOF first rejects with {@linkcode EOFError},
   * whose `partial` holds the bytes read (nothing is lost).
   */
  readexactly(n: number): Promise<Uint8Array> {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw new RangeError("n must be an integer ≥ 0");
    }
    const t = this.#t;
    return operation(async (scope) => {
      const out = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = await this.#until(scope, READABLE, () => t.readinto(out.subarray(got)));
        if (r === 0) throw new EOFError(out.slice(0, got), n);
        got += r;
      }
      return out;
    });
  }

  /** Reads a line through `\n` (the rest at EOF; empty at EOF). A partial line stays buffered while waiting. */
  readline(): Promise<Uint8Array> {
    const t = this.#t;
    return operation((scope) => this.#until(scope, READABLE, () => t.readline()));
  }

  /** The lines until EOF (`for await (const line of stream)`). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Writes `buf`: sends what the socket takes now and buffers (copies) the
   * rest for {@linkcode Stream.drain}. Never waits; as MicroPython's
   * `Stream.write`.
   */
  write(buf: Data): void {
    const bytes = bytesOf(buf, "buf");
    if (this.#closing !== null) throw new OSError(E.EBADF);
    if (bytes.length === 0) return;
    let sent = 0;
    if (this.#outEnd === this.#outPos) {
      sent = this.#t.write(bytes) ?? 0;
      if (sent === bytes.length) return;
    }
    this.#queue(bytes.subarray(sent));
  }

  #queue(b: Uint8Array): void {
    const live = this.#outEnd - this.#outPos;
    if (this.#out.length - this.#outEnd < b.length) {
      const next = new Uint8Array(Math.max(live + b.length, 2 * live, 16384));
      next.set(this.#out.subarray(this.#outPos, this.#outEnd));
      this.#out = next;
      this.#outPos = 0;
      this.#outEnd = live;
    }
    this.#out.set(b, this.#outEnd);
    this.#outEnd += b.length;
  }

  /** Sends everything `write` buffered, waiting while the socket is full. */
  drain(): Promise<void> {
    return operation((scope) => this.#drain(scope));
  }

  async #drain(scope: Scope): Promise<void> {
    while (this.#outEnd > this.#outPos) {
      const n = this.#t.write(this.#out.subarray(this.#outPos, this.#outEnd));
      if (n === null || n === 0) {
        await waitReady(this.#t, WRITABLE, scope);
        continue;
      }
      this.#outPos += n;
      if (this.#outPos === this.#outEnd) this.#outPos = this.#outEnd = 0;
    }
  }

  /**
   * Closes the stream: sends what is still buffered, then closes the socket
   * (over TLS with close_notify). Resolves when closed; a read waiting
   * meanwhile rejects with `OSError(EBADF)`. Calling it again returns the
   * same Promise. MicroPython's `close()` is synchronous and
   * `wait_closed()` closes; here both are awaitable and either does it.
   */
  close(): Promise<void> {
    if (this.#closing === null) {
      this.#closing = operation(async (scope) => {
        try {
          if (this.#t.fileno() >= 0) await this.#drain(scope);
        } finally {
          this.#t.close();
        }
      });
    }
    return this.#closing;
  }

  /** Closes (if not yet) and waits until closed. */
  wait_closed(): Promise<void> {
    return this.close();
  }

  /** `await using stream = …`: closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close().catch(() => {});
  }
}

/** Options of {@linkcode open_connection}. */
export interface OpenConnectionOptions {
  /** TLS: `true` (a default client context: verified, host checked) or an `SSLContext`. */
  ssl?: boolean | SSLContext | null;
  /** The name to send and check over TLS (default: `host`). */
  server_hostname?: string | null;
  /** Aborts connecting (and the TLS handshake). */
  signal?: AbortSignal;
}

function contextOf(ssl: unknown, client: boolean): SSLContext | null {
  if (ssl === undefined || ssl === null || ssl === false) return null;
  if (ssl instanceof SSLContext) return ssl;
  if (ssl === true) {
    if (client) return create_default_context();
    throw new TypeError("start_server: ssl must be an SSLContext with a certificate (load_cert_chain)");
  }
  throw new TypeError("ssl must be true, false or an SSLContext");
}

/**
 * Opens a TCP connection (optionally TLS) and resolves with
 * `[reader, writer]`: one {@linkcode Stream} twice, as MicroPython's
 * `asyncio.open_connection`. Connects to each address `getaddrinfo` gives
 * in turn (names are resolved first, synchronously: `getaddrinfo(3)` has
 * no non-blocking form; numeric hosts and `/etc/hosts` names cost no wait).
 *
 * @throws {OSError} ECONNREFUSED, ETIMEDOUT, … (the last address's); an `SSLError` from the handshake
 * @example See {@linkcode Stream}
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * console.log(typeof asyncio.open_connection); // "function"
 * ```
 */
export function open_connection(
  host: string,
  port: number,
  options: OpenConnectionOptions = {},
): Promise<[Stream, Stream]> {
  if (typeof host !== "string") throw new TypeError("host must be a string");
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const ctx = contextOf(options.ssl, true);
  const hostname = options.server_hostname ?? host;
  const infos = getaddrinfo(host, port, 0, C.SOCK_STREAM);
  return operation(async (scope) => {
    let last: unknown = new OSError(E.EHOSTUNREACH);
    for (const [af, type, proto, , addr] of infos) {
      const s = new Socket(af, type, proto);
      try {
        s.setblocking(false);
        await connectNonblocking(s, addr, scope);
      } catch (e) {
        s.close();
        last = e;
        if (scope.cancelled) throw e;
        continue;
      }
      let t: Transport = s;
      if (ctx !== null) {
        const tls = ctx.wrap_socket(s, { do_handshake_on_connect: false, server_hostname: hostname });
        try {
          await handshake(tls, scope);
        } catch (e) {
          tls.close();
          throw e;
        }
        t = tls;
      }
      const stream = new Stream(t);
      return [stream, stream] as [Stream, Stream];
    }
    throw last;
  }, options.signal);
}

async function connectNonblocking(s: Socket, addr: Address, scope: Scope): Promise<void> {
  const err = s.connect_ex(addr);
  if (err === 0) return;
  if (err !== E.EINPROGRESS && err !== E.EAGAIN) throw new OSError(err);
  await waitReady(s, WRITABLE, scope);
  const so = s.getsockopt(C.SOL_SOCKET, C.SO_ERROR) as number;
  if (so !== 0) throw new OSError(so);
}

/** Options of {@linkcode start_server}. */
export interface StartServerOptions {
  /** listen(2)'s backlog (default 5, MicroPython's). */
  backlog?: number;
  /** TLS: an `SSLContext` with a certificate (`PROTOCOL_TLS_SERVER`, `load_cert_chain`). */
  ssl?: SSLContext | null;
}

/** What `start_server` calls for each connection: `(reader, writer)`, one Stream twice. */
export type ClientConnected = (reader: Stream, writer: Stream) => unknown;

/**
 * A listening server (MicroPython's `asyncio.Server`, with CPython's
 * `sockets`). Its accept loop runs until `close()`.
 *
 * @example See {@linkcode Stream}
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * await using server = await asyncio.start_server(() => {}, "127.0.0.1", 0);
 * console.log(server.sockets.length); // 1
 * ```
 */
export class Server {
  readonly #sock: Socket;
  readonly #loop: Promise<void>;
  /** The listening sockets (one): `getsockname()` tells the port when 0 was asked. */
  readonly sockets: readonly Socket[];

  /** @internal */
  constructor(sock: Socket, cb: ClientConnected, ctx: SSLContext | null) {
    this.#sock = sock;
    this.sockets = [sock];
    this.#loop = this.#accept(cb, ctx);
  }

  async #accept(cb: ClientConnected, ctx: SSLContext | null): Promise<void> {
    const s = this.#sock;
    for (;;) {
      try {
        await waitReady(s, READABLE, null);
        // the whole queue each wake-up (up to a bound), as CPython's accept loop
        for (let i = 0; i < ACCEPT_BATCH; i++) {
          const [conn] = s.accept();
          serve(conn, cb, ctx);
        }
      } catch (e) {
        if (s.fileno() < 0) return; // closed: the loop ends
        if (e instanceof OSError && (e.errno === E.EAGAIN || e.errno === E.ECONNABORTED || e.errno === E.EINTR)) {
          continue;
        }
        if (e instanceof OSError && (e.errno === E.EMFILE || e.errno === E.ENFILE)) {
          // out of descriptors: wait a little for some to close, as CPython does
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        throw e;
      }
    }
  }

  /** Stops accepting: closes the listening socket. Connections already made go on. */
  close(): void {
    this.#sock.close();
  }

  /** Resolves when the accept loop has ended (after `close()`). */
  wait_closed(): Promise<void> {
    return this.#loop;
  }

  /** `await using server = …`: closes it and waits. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return this.#loop.catch(() => {});
  }
}

/** One accepted connection: the TLS handshake (if any), then the callback; its errors are reported, not thrown. */
async function serve(conn: Socket, cb: ClientConnected, ctx: SSLContext | null): Promise<void> {
  let t: Transport = conn;
  try {
    conn.setblocking(false);
    if (ctx !== null) {
      const tls = ctx.wrap_socket(conn, { server_side: true, do_handshake_on_connect: false });
      t = tls;
      await operation((scope) => handshake(tls, scope));
    }
  } catch {
    // a client that fails its handshake (or resets) is dropped, as CPython drops it
    t.close();
    return;
  }
  const stream = new Stream(t);
  try {
    await cb(stream, stream);
  } catch (e) {
    // MicroPython prints a task's unretrieved exception; so does this
    console.error("asyncio.start_server callback failed:", e);
    await stream.close().catch(() => {});
  }
}

/**
 * Listens on `host`:`port` (port 0: a free one, read back from
 * `server.sockets[0].getsockname()`) and calls `cb(reader, writer)` for
 * each connection, as MicroPython's `asyncio.start_server`. The listening
 * socket has SO_REUSEADDR. With `ssl` each connection's TLS handshake runs
 * before `cb`; a failed handshake drops that connection only.
 *
 * @throws {OSError} EADDRINUSE, EACCES, …
 * @example See {@linkcode Stream}
 * ```ts
 * import { asyncio } from "../../mod.ts";
 * console.log(typeof asyncio.start_server); // "function"
 * ```
 */
export function start_server(
  cb: ClientConnected,
  host: string,
  port: number,
  options: StartServerOptions = {},
): Promise<Server> {
  if (typeof cb !== "function") throw new TypeError("cb must be a function");
  if (typeof host !== "string") throw new TypeError("host must be a string");
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const backlog = options.backlog ?? 5;
  if (!Number.isInteger(backlog)) throw new TypeError("backlog must be an integer");
  const ctx = contextOf(options.ssl, false);
  const [af, type, proto, , addr] = getaddrinfo(host, port, 0, C.SOCK_STREAM, 0, C.AI_PASSIVE)[0];
  const s = new Socket(af, type, proto);
  try {
    s.setsockopt(C.SOL_SOCKET, C.SO_REUSEADDR, 1);
    s.bind(addr);
    s.listen(backlog);
    s.setblocking(false);
  } catch (e) {
    s.close();
    return Promise.reject(e);
  }
  return Promise.resolve(new Server(s, cb, ctx));
}
