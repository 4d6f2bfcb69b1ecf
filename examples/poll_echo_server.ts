/**
 * A single-threaded, non-blocking TCP echo server on `select.poll()`: one
 * listener and every client connection in one poller, one `poll(2)` per loop
 * turn. With a TLS context (`tls`, or `--tls cert.pem key.pem`) it serves TLS:
 * each client is wrapped without a handshake, which then runs inside its
 * reads and writes (a TLS step that needs the other direction is polled for
 * it by the poller itself), and the same loop serves it. A client whose echo cannot be sent at once is read no further until
 * its backlog drains (it is polled for POLLOUT instead of POLLIN), so a
 * client that sends without reading cannot make the server buffer without
 * bound.
 *
 * Run it:
 *
 * ```sh
 * deno run --allow-ffi examples/poll_echo_server.ts [port] [max-clients] [--tls cert.pem key.pem]
 * bun examples/poll_echo_server.ts [port] [max-clients] [--tls cert.pem key.pem]
 * ```
 *
 * then `nc 127.0.0.1 7777` (or `openssl s_client -connect 127.0.0.1:7777`)
 * from a few terminals. With `max-clients` it stops
 * once that many clients have come and gone; clients silent for 60 s are
 * dropped. Tests call {@linkcode serveEcho} with their own limits.
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../mod.ts";

const { select, OSError, errno } = usocket;
/** A client connection: a plain socket, or a TLS socket over one. */
type Socket = usocket.Socket | usocket.ssl.SSLSocket;

/** Limits and hooks of {@linkcode serveEcho}. Every limit is optional. */
export interface EchoServerOptions {
  /** Address to listen on (default `"127.0.0.1"`). */
  host?: string;
  /** Port to listen on; 0 (default) lets the kernel pick one. */
  port?: number;
  /** listen(2) backlog (default 512). */
  backlog?: number;
  /** Stop once this many clients have been accepted and all have closed (default: no limit). */
  maxClients?: number;
  /** Drop a client that sends nothing and accepts nothing for this long (default 60 000 ms). */
  clientIdleMs?: number;
  /** Stop when no client has been connected for this long (default: never). */
  serverIdleMs?: number;
  /** Stop after this long in all, dropping the clients still connected (default: never). */
  maxRunMs?: number;
  /** Called once listening, with the port, before the loop starts. */
  onListen?: (port: number) => void;
  /** Serve TLS with this server context (each client wrapped with `server_side`, handshake deferred). */
  tls?: usocket.ssl.SSLContext;
}

/** What {@linkcode serveEcho} did. */
export interface EchoServerStats {
  /** The port it listened on. */
  port: number;
  /** Clients accepted. */
  accepted: number;
  /** Clients that closed (or failed) and were closed by the server. */
  closed: number;
  /** Clients dropped for being idle, or because the server stopped. */
  dropped: number;
  /** Bytes echoed. */
  bytes: number;
  /** The most clients connected at once. */
  maxConcurrent: number;
  /** Loop turns (`poll(2)` calls). */
  polls: number;
  /** Why it stopped: `"maxClients"`, `"serverIdle"` or `"maxRun"`. */
  reason: string;
}

/** A client connection: bytes to send back, and when it was last active. */
interface Conn {
  sock: Socket;
  /** Echo bytes not yet sent (a copy), and how many of them are sent. */
  pending: Uint8Array | null;
  sentOff: number;
  /** The client closed its side: close once `pending` is sent. */
  eof: boolean;
  lastActive: number;
}

const CHUNK = 65536;

/** `e` is an OSError with errno `code` (TLS's SSLWantReadError/SSLWantWriteError are EAGAIN). */
function isErrno(e: unknown, code: number): boolean {
  return e instanceof OSError && e.errno === code;
}

/**
 * Runs the echo server until a limit in `opts` is reached, blocking the
 * calling thread meanwhile (run it in a Worker or a separate process to do
 * anything else). Closes every socket it opened before returning.
 *
 * @returns counts of what it did
 * @throws {usocket.OSError} from bind/listen (EADDRINUSE, EACCES, …)
 * @example
 * ```ts
 * import { serveEcho } from "./poll_echo_server.ts";
 * const stats = serveEcho({ port: 0, serverIdleMs: 100, onListen: (port) => console.log("port", port) });
 * console.log(stats.reason); // "serverIdle": nobody came within 100 ms
 * ```
 */
export function serveEcho(opts: EchoServerOptions = {}): EchoServerStats {
  const host = opts.host ?? "127.0.0.1";
  const maxClients = opts.maxClients ?? Infinity;
  const clientIdleMs = opts.clientIdleMs ?? 60000;
  const serverIdleMs = opts.serverIdleMs ?? Infinity;
  const started = performance.now();
  const stopAt = started + (opts.maxRunMs ?? Infinity);

  const srv: usocket.Socket = usocket.socket(
    host.includes(":") ? usocket.AF_INET6 : usocket.AF_INET,
    usocket.SOCK_STREAM,
  );
  const conns = new Map<Socket, Conn>();
  const p = select.poll<Socket>();
  const buf = new Uint8Array(CHUNK);
  const stats: EchoServerStats = {
    port: 0,
    accepted: 0,
    closed: 0,
    dropped: 0,
    bytes: 0,
    maxConcurrent: 0,
    polls: 0,
    reason: "",
  };

  const drop = (c: Conn): void => {
    p.unregister(c.sock);
    c.sock.close();
    conns.delete(c.sock);
  };

  /** Sends what is pending; true when all of it is out. Raises on a dead connection. */
  const flush = (c: Conn): boolean => {
    const data = c.pending!;
    while (c.sentOff < data.length) {
      try {
        c.sentOff += c.sock.send(c.sentOff === 0 ? data : data.subarray(c.sentOff));
      } catch (e) {
        if (isErrno(e, errno.EAGAIN)) return false;
        throw e;
      }
    }
    c.pending = null;
    c.sentOff = 0;
    return true;
  };

  /** One receive; echoes it at once, or queues the rest and waits for POLLOUT. */
  const onReadable = (c: Conn): void => {
    let n: number;
    try {
      n = c.sock.recv_into(buf);
    } catch (e) {
      if (isErrno(e, errno.EAGAIN)) return;
      throw e;
    }
    if (n === 0) {
      c.eof = true;
      if (c.pending === null) {
        drop(c);
        stats.closed++;
      }
      return;
    }
    stats.bytes += n;
    let sent = 0;
    try {
      sent = c.sock.send(buf.subarray(0, n));
    } catch (e) {
      if (!isErrno(e, errno.EAGAIN)) throw e;
    }
    if (sent < n) {
      c.pending = buf.slice(sent, n);
      c.sentOff = 0;
      p.modify(c.sock, select.POLLOUT); // stop reading until the echo is out
    }
  };

  const onWritable = (c: Conn): void => {
    if (!flush(c)) return;
    if (c.eof) {
      drop(c);
      stats.closed++;
    } else {
      p.modify(c.sock, select.POLLIN);
    }
  };

  const acceptAll = (t: number): void => {
    while (stats.accepted < maxClients) {
      let sock: Socket;
      try {
        [sock] = srv.accept();
        sock.setblocking(false);
        if (opts.tls) sock = opts.tls.wrap_socket(sock, { server_side: true, do_handshake_on_connect: false });
      } catch (e) {
        if (isErrno(e, errno.EAGAIN) || isErrno(e, errno.ECONNABORTED)) return;
        if (isErrno(e, errno.EMFILE) || isErrno(e, errno.ENFILE)) return; // retried next turn
        throw e;
      }
      conns.set(sock, { sock, pending: null, sentOff: 0, eof: false, lastActive: t });
      p.register(sock, select.POLLIN);
      stats.accepted++;
      if (conns.size > stats.maxConcurrent) stats.maxConcurrent = conns.size;
    }
    p.unregister(srv); // max clients reached: accept no more
  };

  try {
    srv.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
    srv.bind([host, opts.port ?? 0]);
    srv.listen(opts.backlog ?? 512);
    srv.setblocking(false);
    stats.port = (srv.getsockname() as [string, number])[1];
    p.register(srv, select.POLLIN);
    opts.onListen?.(stats.port);

    let lastBusy = performance.now(); // last time a client was connected
    let nextSweep = lastBusy + 1000;
    for (;;) {
      let t = performance.now();
      if (conns.size > 0) lastBusy = t;
      if (stats.accepted >= maxClients && conns.size === 0) {
        stats.reason = "maxClients";
        break;
      }
      if (conns.size === 0 && t - lastBusy >= serverIdleMs) {
        stats.reason = "serverIdle";
        break;
      }
      if (t >= stopAt) {
        stats.reason = "maxRun";
        break;
      }
      // Wake at least once a second for the idle sweep and the limits.
      const wait = Math.max(0, Math.min(1000, stopAt - t, lastBusy + serverIdleMs - t));
      const ready = p.poll(Math.ceil(wait));
      stats.polls++;
      t = performance.now();
      for (const [sock] of ready) { // the mask tells what to do: POLLIN (reading) or POLLOUT (flushing)
        if (sock === srv) {
          acceptAll(t);
          continue;
        }
        const c = conns.get(sock);
        if (c === undefined) continue; // dropped earlier in this turn
        c.lastActive = t;
        try {
          if (c.pending !== null) onWritable(c); // registered for POLLOUT (or HUP/ERR: send raises)
          else onReadable(c); // POLLIN, or HUP/ERR: recv returns 0 or raises
        } catch {
          drop(c); // ECONNRESET, EPIPE, …
          stats.closed++;
        }
      }
      if (t >= nextSweep) {
        nextSweep = t + 1000;
        for (const c of conns.values()) {
          if (t - c.lastActive >= clientIdleMs) {
            drop(c);
            stats.dropped++;
          }
        }
      }
    }
  } finally {
    for (const c of conns.values()) {
      p.unregister(c.sock);
      c.sock.close();
      stats.dropped++;
    }
    conns.clear();
    p.unregister(srv);
    srv.close();
  }
  return stats;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const tlsAt = args.indexOf("--tls");
  let tls: usocket.ssl.SSLContext | undefined;
  if (tlsAt >= 0) {
    const [cert, key] = args.splice(tlsAt, 3).slice(1);
    if (cert === undefined || key === undefined) {
      console.error("usage: poll_echo_server.ts [port] [max-clients] [--tls cert.pem key.pem]");
      process.exit(2);
    }
    tls = new usocket.ssl.SSLContext(usocket.ssl.PROTOCOL_TLS_SERVER);
    tls.load_cert_chain(cert, key);
  }
  const [portArg, maxArg] = args;
  const port = portArg === undefined ? 7777 : Number(portArg);
  const maxClients = maxArg === undefined ? undefined : Number(maxArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (maxClients !== undefined && !(maxClients > 0))) {
    console.error("usage: poll_echo_server.ts [port] [max-clients] [--tls cert.pem key.pem]");
    process.exit(2);
  }
  const stats = serveEcho({
    port,
    maxClients,
    tls,
    onListen: (p) => console.log(`echo server on 127.0.0.1:${p} (poll, single thread); Ctrl-C to stop`),
  });
  console.log(stats);
}
