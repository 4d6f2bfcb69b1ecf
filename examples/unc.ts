/**
 * `unc`: a small netcat built only on usocket. Connects to (or listens on) a
 * TCP or UDP port and copies stdin to the socket and the socket to stdout,
 * multiplexing both with `usocket.select.poll()` on one thread.
 *
 * ```sh
 * deno run --allow-ffi --allow-read examples/unc.ts [options] host port
 * bun examples/unc.ts [options] host port
 * ```
 *
 * Run with `--help` for the options.
 *
 * @module
 */
import { readSync, writeSync } from "node:fs";
import process from "node:process";
import * as usocket from "../mod.ts";

const USAGE = `unc — a small netcat on usocket (Deno and Bun)

usage:
  unc [-u] [-4|-6] [-w secs] host port       connect to host:port
  unc -l [-u] [-4|-6] [-w secs] [host] port  listen on host:port (default: any address), serve one peer

Copies stdin to the socket and the socket to stdout until both are done.

options:
  -l         listen instead of connecting
  -u         UDP instead of TCP
  -4, -6     IPv4 only / IPv6 only
  -w secs    timeout: for connecting or accepting, and exit after secs idle
  -h, --help this text

After stdin ends, a TCP connection is half-closed (shutdown SHUT_WR), so the
peer sees EOF; unc exits when the peer closes (TCP) or, with -w, when idle.`;

/** Parsed command line. */
interface Options {
  listen: boolean;
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
  const o: Options = { listen: false, udp: false, family: 0, timeout: null, host: null, port: 0 };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else if (a === "-l") o.listen = true;
    else if (a === "-u") o.udp = true;
    else if (a === "-4") o.family = usocket.AF_INET;
    else if (a === "-6") o.family = usocket.AF_INET6;
    else if (a === "-w") {
      const t = Number(argv[++i]);
      if (!(t > 0) || !Number.isFinite(t)) fail("-w needs a number of seconds > 0");
      o.timeout = t;
    } else if (a.startsWith("-") && a !== "-") fail(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length === 2) [o.host, o.port] = [rest[0], Number(rest[1])];
  else if (rest.length === 1 && o.listen) o.port = Number(rest[0]);
  else fail(o.listen ? "need [host] port" : "need host and port");
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) fail("port must be 0-65535");
  return o;
}

/** Resolves `host` (null: the wildcard, for listening) into a socket family and address. */
function resolve(o: Options): [number, usocket.Address] {
  const type = o.udp ? usocket.SOCK_DGRAM : usocket.SOCK_STREAM;
  const flags = o.listen ? usocket.AI_PASSIVE : 0;
  const family = o.family || (o.host === null ? usocket.AF_INET : 0);
  const [ai] = usocket.getaddrinfo(o.host, o.port, family, type, 0, flags);
  return [ai[0], ai[4]];
}

/** Opens the connected socket: connect, or listen and take one peer. */
function open(o: Options): usocket.Socket {
  const [af, addr] = resolve(o);
  const type = o.udp ? usocket.SOCK_DGRAM : usocket.SOCK_STREAM;
  const s = usocket.socket(af, type);
  s.settimeout(o.timeout);
  if (!o.listen) {
    s.connect(addr);
    return s;
  }
  s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
  s.bind(addr);
  if (!o.udp) s.listen(1);
  console.error(`unc: listening on ${JSON.stringify(s.getsockname())}`);
  if (o.udp) {
    // the first datagram names the peer; print it, then talk only to that peer
    const [data, from] = s.recvfrom(65535);
    writeAll(data);
    s.connect(from!);
    return s;
  }
  const [conn, peer] = s.accept();
  console.error(`unc: connection from ${JSON.stringify(peer)}`);
  s.close();
  conn.settimeout(o.timeout);
  return conn;
}

function writeAll(data: Uint8Array): void {
  for (let off = 0; off < data.length;) off += writeSync(1, data, off, data.length - off);
}

/** Copies stdin → sock and sock → stdout until both directions are done (or idle for -w). */
function pump(sock: usocket.Socket, o: Options): void {
  const { select } = usocket;
  const p = select.poll();
  const buf = new Uint8Array(65536);
  let stdinOpen = true;
  p.register(0, select.POLLIN);
  p.register(sock, select.POLLIN);
  const idleMs = o.timeout === null ? -1 : Math.ceil(o.timeout * 1000);
  for (;;) {
    const events = p.poll(idleMs);
    if (events.length === 0) return; // idle for -w seconds
    for (const [obj, ev] of events) {
      if (obj === 0) {
        let n = 0;
        try {
          n = readSync(0, buf, 0, buf.length, null);
        } catch (e) {
          if ((e as { code?: string }).code === "EAGAIN") continue;
          throw e;
        }
        if (n > 0) {
          if (o.udp) sock.send(buf.subarray(0, n));
          else sock.sendall(buf.subarray(0, n));
          continue;
        }
        stdinOpen = false;
        p.unregister(0);
        if (!o.udp) sock.shutdown(usocket.SHUT_WR);
        else if (o.timeout === null) return; // UDP without -w: nothing tells us the peer is done
      } else if (ev & (select.POLLIN | select.POLLHUP | select.POLLERR)) {
        const data = sock.recv(65536);
        if (data.length === 0 && !o.udp) return; // the peer closed
        writeAll(data);
      }
    }
    if (!stdinOpen && o.udp && idleMs < 0) return;
  }
}

function main(): void {
  const o = parse(process.argv.slice(2));
  let sock: usocket.Socket | undefined;
  try {
    sock = open(o);
    pump(sock, o);
  } catch (e) {
    if (e instanceof usocket.OSError) {
      console.error(`unc: ${e.message}`);
      process.exitCode = 1;
    } else throw e;
  } finally {
    sock?.close();
  }
}

main();
