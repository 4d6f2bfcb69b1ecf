/**
 * `uping`: MicroPython's best-known network script, µPing by Shawwwn
 * (MIT; gist 91cc8979e33e82af6d99ec34c38195fb), ported one to one to
 * usocket: an ICMP echo request over a raw socket, its Internet checksum,
 * a non-blocking receive loop with `select`, and uping's own output lines:
 *
 * ```text
 * PING 127.0.0.1 (127.0.0.1): 64 data bytes
 * 84 bytes from 127.0.0.1: icmp_seq=1, ttl=64, time=0.064000 ms
 * 4 packets transmitted, 4 packets received
 * ```
 *
 * What this port adds, because a desktop is not an ESP32: IPv6 (ICMPv6 echo
 * for an IPv6 host, its hop limit from an `IPV6_HOPLIMIT` control message),
 * and without the privilege a raw socket needs (CAP_NET_RAW), a Linux ping
 * socket (`SOCK_DGRAM` + `IPPROTO_ICMP`, allowed for the groups in
 * `net.ipv4.ping_group_range`): the kernel then fills in the identifier and
 * the checksum, and the TTL comes from an `IP_TTL` control message. Its
 * replies carry no IP header, so their lengths are the data's. uping counts
 * milliseconds by loop turns (`sleep_ms(1)`); here `t` is real time, and the
 * 1 ms sleep is a 1 ms `select`, which a reply ends early.
 *
 * ```sh
 * deno run --allow-ffi --allow-read examples/uping.ts [-c count] [-W timeout_ms] [-i interval_ms] [-s size] [-q] host
 * bun examples/uping.ts -c 3 127.0.0.1
 * ```
 *
 * @module
 */
import process from "node:process";
import * as usocket from "../mod.ts";

const USAGE = `uping — MicroPython's µPing on usocket (Deno and Bun)

usage: uping [-c count] [-W timeout_ms] [-i interval_ms] [-s size] [-q] [--dgram] host

Sends count ICMP echo requests (IPv4, or ICMPv6 for an IPv6 host), one every
interval ms, and prints each reply as MicroPython's uping does; stops when every
request is answered or timeout ms pass without one being sent.

options:
  -c count        requests to send (default 4)
  -W timeout_ms   give up after this long without sending (default 5000)
  -i interval_ms  time between requests (default 10)
  -s size         bytes of ICMP message, header included, at least 16 (default 64)
  -q              quiet: print nothing, only the exit status
  --dgram         use a ping socket (SOCK_DGRAM) even when a raw socket is allowed
  -h, --help      this text

A raw socket needs CAP_NET_RAW (root); without it uping falls back to a Linux
ping socket, which net.ipv4.ping_group_range must allow for your group.
Exit status: 0 when a reply arrived, 1 when none did, 2 for bad usage.`;

/** uping's options: `ping(host, count=4, timeout=5000, interval=10, quiet=False, size=64)`. */
export interface PingOptions {
  /** Requests to send (default 4). */
  count?: number;
  /** Milliseconds without a send after which it stops (default 5000). */
  timeout?: number;
  /** Milliseconds between requests (default 10). */
  interval?: number;
  /** Print nothing (default false). */
  quiet?: boolean;
  /** Bytes of the ICMP message, header included (default 64, at least 16). */
  size?: number;
  /** Use a ping socket (`SOCK_DGRAM`) rather than trying a raw one first. */
  dgram?: boolean;
  /** Where the lines go (default `console.log`). */
  print?: (line: string) => void;
}

/**
 * The Internet checksum (RFC 1071) of `data`, as uping computes it: the
 * ones' complement of the ones' complement sum of its big-endian 16-bit
 * words, an odd last byte padded with zero.
 *
 * @example RFC 1071's example
 * ```ts
 * import { checksum } from "./uping.ts";
 * console.log(checksum(new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])).toString(16)); // "220d"
 * ```
 */
export function checksum(data: Uint8Array): number {
  let cs = 0;
  for (let pos = 0; pos < data.length; pos += 2) {
    cs += (data[pos] << 8) + (pos + 1 < data.length ? data[pos + 1] : 0);
  }
  while (cs >= 0x10000) cs = (cs & 0xffff) + (cs >>> 16);
  return ~cs & 0xffff;
}

const ticksUs = () => BigInt(Math.round(performance.now() * 1000));

/** Opens the ICMP socket of `family`: raw if allowed (and not `dgram`), else a ping socket. */
function icmpSocket(family: number, dgram: boolean): [usocket.Socket, boolean] {
  const proto = family === usocket.AF_INET6 ? usocket.IPPROTO_ICMPV6 : usocket.IPPROTO_ICMP;
  if (!dgram) {
    try {
      return [usocket.socket(family, usocket.SOCK_RAW, proto), true];
    } catch (e) {
      if (!(e instanceof usocket.OSError) || (e.errno !== usocket.errno.EPERM && e.errno !== usocket.errno.EACCES)) {
        throw e;
      }
      console.error(`uping: no raw socket (${e.message}); using a ping socket (SOCK_DGRAM)`);
    }
  }
  return [usocket.socket(family, usocket.SOCK_DGRAM, proto), false];
}

/**
 * Pings `host` as MicroPython's `uping.ping()` does and returns uping's
 * `(n_trans, n_recv)`. Blocks the calling thread for at most about
 * `count × interval + timeout` ms.
 *
 * @throws {OSError} when neither a raw nor a ping socket may be opened
 *   (EPERM/EACCES), or the host does not resolve
 * @example
 * ```ts ignore
 * import { ping } from "./uping.ts";
 * const [sent, received] = ping("127.0.0.1", { count: 2, quiet: true });
 * ```
 */
export function ping(host: string, opts: PingOptions = {}): [n_trans: number, n_recv: number] {
  const { count = 4, timeout = 5000, interval = 10, quiet = false, size = 64, dgram = false } = opts;
  const print = opts.print ?? ((line: string) => console.log(line));
  // prepare packet
  if (size < 16) throw new RangeError("pkt size too small");
  const ai = usocket.getaddrinfo(host, 1, 0, usocket.SOCK_DGRAM)[0];
  const family = ai[0], v6 = family === usocket.AF_INET6;
  const pkt = new Uint8Array(size).fill(0x51); // b'Q'*size
  const h = new DataView(pkt.buffer); // type u8 @0, code u8 @1, checksum u16 @2, id u16 @4, seq i16 @6, timestamp u64 @8
  h.setUint8(0, v6 ? 128 : 8); // ICMP6_ECHO_REQUEST / ICMP_ECHO_REQUEST
  h.setUint8(1, 0);
  h.setUint16(2, 0);
  h.setUint16(4, crypto.getRandomValues(new Uint16Array(1))[0]);
  h.setInt16(6, 1);

  // init socket
  const [sock, raw] = icmpSocket(family, dgram);
  try {
    sock.setblocking(false);
    sock.settimeout(timeout / 1000);
    if (v6) sock.setsockopt(usocket.IPPROTO_IPV6, usocket.IPV6_RECVHOPLIMIT, 1);
    else if (!raw) sock.setsockopt(usocket.IPPROTO_IP, usocket.IP_RECVTTL, 1);
    const addr = (ai[4] as [string, number])[0]; // ip address
    sock.connect(v6 ? [addr, 0] : [addr, 1]);
    // a ping socket's identifier is its "port"; the kernel writes it into each request
    const id = raw ? h.getUint16(4) : (sock.getsockname() as [string, number])[1];
    if (!quiet) print(`PING ${host} (${addr}): ${pkt.length} data bytes`);

    const seqs = Array.from({ length: count }, (_, i) => i + 1); // [1,2,...,count]
    let c = 1, nTrans = 0, nRecv = 0, finish = false;
    let start = performance.now(), t = 0;
    const ancSize = usocket.CMSG_SPACE(4);
    while (t < timeout) {
      if (t >= interval && c <= count) {
        // send packet
        h.setUint16(2, 0);
        h.setInt16(6, c);
        h.setBigUint64(8, ticksUs());
        h.setUint16(2, v6 || !raw ? 0 : checksum(pkt)); // the kernel sums ICMPv6 and ping sockets' messages
        if (sock.send(pkt) === size) {
          nTrans += 1;
          start = performance.now(); // reset timeout
        } else {
          seqs.splice(seqs.indexOf(c), 1);
        }
        c += 1;
      }

      // recv packet
      for (;;) {
        const [socks] = usocket.select.select([sock], [], [], 0);
        if (socks.length === 0) break;
        const [resp, anc] = sock.recvmsg(4096, ancSize);
        const off = raw && !v6 ? (resp[0] & 0x0f) * 4 : 0; // raw IPv4 replies start with the IP header
        if (resp.length < off + 16) continue;
        const h2 = new DataView(resp.buffer, resp.byteOffset + off, resp.length - off);
        // TODO (as uping): validate checksum (optional)
        const seq = h2.getInt16(6);
        if (h2.getUint8(0) === (v6 ? 129 : 0) && h2.getUint16(4) === id && seqs.includes(seq)) { // ICMP(6)_ECHO_REPLY
          const tElapsed = Number(ticksUs() - h2.getBigUint64(8)) / 1000;
          let ttl = off ? resp[8] : -1; // time-to-live
          for (const item of anc) {
            const d = usocket.decode_cmsg(item);
            if (d?.kind === "ttl") ttl = d.ttl;
            else if (d?.kind === "hoplimit") ttl = d.hoplimit;
          }
          nRecv += 1;
          if (!quiet) {
            print(`${resp.length} bytes from ${addr}: icmp_seq=${seq}, ttl=${ttl}, time=${tElapsed.toFixed(6)} ms`);
          }
          seqs.splice(seqs.indexOf(seq), 1);
          if (seqs.length === 0) {
            finish = true;
            break;
          }
        }
      }
      if (finish) break;

      usocket.select.select([sock], [], [], 0.001); // utime.sleep_ms(1), ended early by a reply
      t = performance.now() - start;
    }
    if (!quiet) print(`${nTrans} packets transmitted, ${nRecv} packets received`);
    return [nTrans, nRecv];
  } finally {
    // close
    sock.close();
  }
}

function main(argv: string[]): number {
  const opts: PingOptions = {};
  let host: string | undefined;
  const num = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer >= ${min}`);
    return n;
  };
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === "-h" || a === "--help") {
        console.log(USAGE);
        return 0;
      } else if (a === "-c") opts.count = num(a, argv[++i], 1);
      else if (a === "-W") opts.timeout = num(a, argv[++i], 1);
      else if (a === "-i") opts.interval = num(a, argv[++i], 0);
      else if (a === "-s") opts.size = num(a, argv[++i], 16);
      else if (a === "-q") opts.quiet = true;
      else if (a === "--dgram") opts.dgram = true;
      else if (a.startsWith("-") || host !== undefined) throw new Error(`unexpected argument ${a}`);
      else host = a;
    }
    if (host === undefined) throw new Error("a host is needed");
  } catch (e) {
    console.error(`uping: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const [, received] = ping(host, opts);
    return received > 0 ? 0 : 1;
  } catch (e) {
    console.error(`uping: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) process.exit(main(process.argv.slice(2)));
