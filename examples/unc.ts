/**
 * `unc`: a small netcat built only on usocket. It connects to (or, with `-l`,
 * listens on) a TCP or UDP port and copies stdin to the socket and the socket
 * to stdout, on one thread: the socket is non-blocking and one
 * `usocket.select.poll()` waits on it and on stdin, so a peer that answers
 * while unc is still sending (an echo server, say) never deadlocks it.
 *
 * ```sh
 * deno run --allow-ffi --allow-read examples/unc.ts [options] host port
 * bun examples/unc.ts [options] host port
 *
 * bun examples/unc.ts -l 127.0.0.1 9000 &
 * echo hello | deno run --allow-ffi --allow-read examples/unc.ts -w 2 127.0.0.1 9000
 * ```
 *
 * Run with `--help` for the options.
 *
 * @module
 */
import { readSync, writeSync } from "node:fs";
import process from "node:process";
import { isatty } from "node:tty";
import * as usocket from "../mod.ts";

const USAGE = `unc — a small netcat on usocket (Deno and Bun)

usage:
  unc [-u] [-4|-6] [-w secs] [TLS options] host port       connect to host:port
  unc -l [-u] [-4|-6] [-w secs] [TLS options] [host] port  listen on host:port (default host: any), serve one peer

Copies stdin to the socket and the socket to stdout.

options:
  -l         listen instead of connecting; the bound address is printed on
             stderr ("listening on [host,port]"), so port 0 is usable
  -u         UDP instead of TCP (listening, the first datagram picks the peer)
  -4, -6     IPv4 only / IPv6 only (host names are resolved with getaddrinfo;
             connecting tries each address in turn)
  -w secs    timeout: bounds connecting, accepting and the first datagram,
             and unc exits after secs without any traffic (status 1 if
             stdin data was still waiting for the peer to read)
  -h, --help this text; single-letter options combine (-lu, -w5)

TLS (TCP only; OpenSSL 3 through usocket's ssl module, as ncat --ssl):
  --ssl                 speak TLS: connecting, the server's certificate is not
                        checked unless --ssl-verify or --ssl-trustfile is given
  --ssl-verify          check the server's certificate against the system's CA
                        store and its name against host
  --ssl-trustfile FILE  trust the CA certificates in FILE (PEM) instead; implies
                        --ssl-verify
  --ssl-cert FILE       this end's certificate (PEM or DER); needed with -l
  --ssl-key FILE        its private key (default: in the --ssl-cert file)
  TLS has no half-close here: when stdin ends, unc keeps reading until the
  peer closes (or -w idle), without telling the peer.

TCP: when stdin ends, unc half-closes the connection (shutdown SHUT_WR) so
the peer reads EOF. It exits once the peer has sent EOF and stdin has ended
(so both directions are copied whole), or as soon as the peer has sent EOF
when stdin is a terminal; or after -w idle.
UDP: each read of stdin is one datagram; unc exits after -w idle, or when
stdin ends if no -w is given.
Exit status: 0 done, 1 socket error (OSError), 2 bad usage.`;

const { select } = usocket;
const { POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL } = select;
const { EAGAIN } = usocket.errno;

/** Parsed command line. */
interface Options {
  listen: boolean;
  ssl: boolean;
  sslVerify: boolean;
  sslTrust: string | null;
  sslCert: string | null;
  sslKey: string | null;
  udp: boolean;
  family: number;
  timeout: number | null;
  host: string | null;
  port: number;
}

function fail(msg: string): never {
  console.error(`unc: ${msg}\n(try unc --help)`);
  process.exit(2);
}

function parse(argv: string[]): Options {
  const o: Options = {
    listen: false,
    ssl: false,
    sslVerify: false,
    sslTrust: null,
    sslCert: null,
    sslKey: null,
    udp: false,
    family: 0,
    timeout: null,
    host: null,
    port: 0,
  };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") {
      console.log(USAGE);
      process.exit(0);
    }
    if (a === "--ssl" || a === "--ssl-verify") {
      o.ssl = true;
      if (a === "--ssl-verify") o.sslVerify = true;
      continue;
    }
    if (a === "--ssl-trustfile" || a === "--ssl-cert" || a === "--ssl-key") {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a file`);
      o.ssl = true;
      if (a === "--ssl-trustfile") (o.sslTrust = v, o.sslVerify = true);
      else if (a === "--ssl-cert") o.sslCert = v;
      else o.sslKey = v;
      continue;
    }
    if (a === "--") {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-" || a.startsWith("--")) {
      if (a.startsWith("--")) fail(`unknown option ${a}`);
      rest.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j];
      if (f === "l") o.listen = true;
      else if (f === "u") o.udp = true;
      else if (f === "4") o.family = usocket.AF_INET;
      else if (f === "6") o.family = usocket.AF_INET6;
      else if (f === "h") {
        console.log(USAGE);
        process.exit(0);
      } else if (f === "w") {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        const t = Number(v);
        if (v === undefined || !(t > 0) || !Number.isFinite(t)) fail("-w needs a number of seconds > 0");
        o.timeout = t;
        break;
      } else fail(`unknown option -${f}`);
    }
  }
  if (rest.length === 2) o.host = rest[0];
  else if (!(rest.length === 1 && o.listen)) fail(o.listen ? "need [host] port" : "need host and port");
  const p = rest[rest.length - 1];
  o.port = /^\d{1,5}$/.test(p) ? Number(p) : -1;
  if (o.port < 0 || o.port > 65535 || (o.port === 0 && !o.listen)) fail(`bad port ${JSON.stringify(p)}`);
  if (o.ssl && o.udp) fail("--ssl is for TCP (-u has no TLS here)");
  if (o.ssl && o.listen && o.sslCert === null) fail("-l --ssl needs --ssl-cert (and --ssl-key)");
  return o;
}

/** Connects to the first address of `host` that accepts (as nc does), or raises the last error. */
function connect(o: Options, type: number): usocket.Socket {
  const infos = usocket.getaddrinfo(o.host, o.port, o.family, type);
  let last: unknown;
  for (const [af, , proto, , addr] of infos) {
    const s = usocket.socket(af, type, proto);
    try {
      s.settimeout(o.timeout);
      s.connect(addr);
      return s;
    } catch (e) {
      s.close();
      if (!(e instanceof usocket.OSError)) throw e;
      last = e;
    }
  }
  throw last;
}

/** Binds and waits for the one peer: accept (TCP), or the first datagram (UDP, written to stdout). */
function listen(o: Options, type: number): usocket.Socket {
  // no host: the wildcard of -6, else of IPv4
  const family = o.family || (o.host === null ? usocket.AF_INET : 0);
  const [[af, , proto, , addr]] = usocket.getaddrinfo(o.host, o.port, family, type, 0, usocket.AI_PASSIVE);
  const s = usocket.socket(af, type, proto);
  try {
    s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
    s.bind(addr);
    if (!o.udp) s.listen(1);
    s.settimeout(o.timeout);
    console.error(`unc: listening on ${JSON.stringify(s.getsockname())}`);
    if (o.udp) {
      const [data, from] = s.recvfrom(65535);
      console.error(`unc: datagram from ${JSON.stringify(from)}`);
      writeAll(data);
      s.connect(from!); // from now on, talk only to that peer
      return s;
    }
    const [conn, peer] = s.accept();
    console.error(`unc: connection from ${JSON.stringify(peer)}`);
    s.close();
    return conn;
  } catch (e) {
    s.close();
    throw e;
  }
}

/** Wraps a connected (or accepted) socket in TLS as the options say; the handshake runs now, bounded by -w. */
function secure(sock: usocket.Socket, o: Options): usocket.ssl.SSLSocket {
  const { ssl } = usocket;
  if (o.listen) {
    const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
    ctx.load_cert_chain(o.sslCert!, o.sslKey);
    return ctx.wrap_socket(sock, { server_side: true });
  }
  const ctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  if (o.sslVerify) {
    if (o.sslTrust !== null) ctx.load_verify_locations({ cafile: o.sslTrust });
    else ctx.load_default_certs();
  } else {
    ctx.check_hostname = false;
    ctx.verify_mode = ssl.CERT_NONE;
  }
  if (o.sslCert !== null) ctx.load_cert_chain(o.sslCert, o.sslKey);
  return ctx.wrap_socket(sock, { server_hostname: o.host });
}

/** Writes all of `data` to stdout, waiting with poll if stdout is a non-blocking pipe. */
function writeAll(data: Uint8Array): void {
  for (let off = 0; off < data.length;) {
    try {
      off += writeSync(1, data, off, data.length - off);
    } catch (e) {
      if ((e as { code?: string }).code !== "EAGAIN") throw e;
      select.select([], [1], [], 5);
    }
  }
}

/** One read of stdin: the count (0 at EOF), or -1 when nothing is ready (non-blocking stdin). */
function readStdin(buf: Uint8Array): number {
  try {
    return readSync(0, buf, 0, buf.length, null);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EAGAIN") return -1;
    if (code === "EOF" || code === "EBADF") return 0; // no stdin at all: as if empty
    throw e;
  }
}

/**
 * Copies stdin → sock and sock → stdout. TCP: until both directions are done
 * (stdin ended and was all sent, and the peer sent EOF) — with a terminal
 * on stdin, until the peer's EOF; UDP: until stdin ends (without -w). Either
 * way, until nothing happens for -w seconds.
 * Stdin is read only when everything read before has been sent, so memory
 * stays bounded and a slow peer slows the reading of stdin.
 */
function pump(sock: usocket.Socket | usocket.ssl.SSLSocket, o: Options): void {
  const tls = sock instanceof usocket.ssl.SSLSocket;
  sock.setblocking(false);
  const p = select.poll();
  const inBuf = new Uint8Array(o.udp ? 65507 : 65536); // 65507: the largest UDP/IPv4 payload
  let pending: Uint8Array | null = null; // read from stdin, not sent yet
  let stdinOpen = true; // stdin not at EOF yet
  let netIn = true; // the peer may still send (TCP: until its EOF)
  const idleMs = o.timeout === null ? -1 : Math.ceil(o.timeout * 1000);
  const interactive = isatty(0); // nobody waits for a terminal's EOF once the peer is done
  const watchSock = () => p.modify(sock, (netIn ? POLLIN : 0) | (pending !== null ? POLLOUT : 0));
  p.register(0, POLLIN);
  p.register(sock, POLLIN);
  for (;;) {
    const outDone = pending === null && (!stdinOpen || interactive);
    if (outDone && (o.udp ? !stdinOpen && idleMs < 0 : !netIn)) return; // nothing says when a UDP peer is done
    const events = p.poll(idleMs);
    if (events.length === 0) { // idle for -w seconds
      if (pending !== null) throw new usocket.OSError(usocket.errno.ETIMEDOUT); // the peer stopped reading
      return;
    }
    for (const [obj, ev] of events) {
      if (obj === 0) {
        const n = ev & POLLNVAL ? 0 : readStdin(inBuf);
        if (n < 0) continue;
        p.unregister(0); // until `pending` is sent, or for good at EOF
        if (n > 0) {
          pending = inBuf.subarray(0, n);
          watchSock();
        } else {
          stdinOpen = false;
          if (!o.udp && !tls) (sock as usocket.Socket).shutdown(usocket.SHUT_WR); // the peer reads EOF
        }
        continue;
      }
      if (ev & POLLOUT && pending !== null) {
        let sent = 0;
        try {
          sent = sock.send(pending); // UDP: the whole datagram or EAGAIN
        } catch (e) {
          if ((e as usocket.OSError).errno !== EAGAIN) throw e;
        }
        pending = sent === pending.length ? null : pending.subarray(sent);
        if (pending === null) {
          watchSock();
          if (stdinOpen) p.register(0, POLLIN);
        }
      }
      if (netIn && ev & (POLLIN | POLLHUP | POLLERR)) {
        let data: Uint8Array;
        try {
          data = sock.recv(65536); // raises the pending error on POLLERR
        } catch (e) {
          if ((e as usocket.OSError).errno === EAGAIN) continue;
          throw e;
        }
        if (data.length === 0 && !o.udp) {
          netIn = false; // the peer's EOF: keep sending what stdin still has
          watchSock();
        } else writeAll(data);
      } else if (!netIn && ev & (POLLHUP | POLLERR)) {
        // after the peer's EOF, the connection is gone (reset): nothing more can be sent
        const err = tls ? 0 : (sock as usocket.Socket).getsockopt(usocket.SOL_SOCKET, usocket.SO_ERROR) as number;
        throw new usocket.OSError(err || usocket.errno.EPIPE);
      }
    }
  }
}

function main(): void {
  const o = parse(process.argv.slice(2));
  const type = o.udp ? usocket.SOCK_DGRAM : usocket.SOCK_STREAM;
  let sock: usocket.Socket | usocket.ssl.SSLSocket | undefined;
  try {
    sock = o.listen ? listen(o, type) : connect(o, type);
    if (o.ssl) {
      const plain: usocket.Socket = sock;
      plain.settimeout(o.timeout); // -w bounds the handshake (an accepted socket starts without one)
      try {
        sock = secure(plain, o);
      } catch (e) {
        plain.close(); // a bad certificate file fails before the wrap owns it (a second close is a no-op)
        throw e;
      }
      console.error(`unc: TLS ${sock.version()} ${sock.cipher()?.[0] ?? ""}`);
    }
    pump(sock, o);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (e instanceof usocket.OSError) console.error(`unc: ${e.message}`);
    else if (code === "EPIPE") console.error("unc: stdout closed");
    else throw e;
    process.exitCode = 1;
  } finally {
    sock?.close();
  }
}

main();
