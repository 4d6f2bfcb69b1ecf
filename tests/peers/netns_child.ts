/**
 * Runs as host A inside tests/peers/netns_topology.sh (private namespaces:
 * A ── R ── B, see there; R_PID and B_PID in the environment). Checks raw,
 * packet and netlink sockets, uping, IP_PKTINFO and a traceroute from the
 * error queue, and prints one `ok …` / `FAIL …` line each; exits 1 if any
 * failed. Every wait is bounded.
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { links } from "../../examples/ip.ts";
import { ping } from "../../examples/uping.ts";
import * as usocket from "../../mod.ts";

let failed = 0;
function check(name: string, ok: boolean, detail = ""): void {
  console.log(`${ok ? "ok" : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
  if (!ok) failed++;
}
function attempt(name: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    check(name, false, `threw ${(e as Error).stack ?? e}`);
  }
}
const R_PID = process.env.R_PID!, encoder = new TextEncoder(), decoder = new TextDecoder();
const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8", timeout: 15000 });
/** CPython in router R sends `text` to A's a0 address, port `port`, from R's r0 (10.9.1.2). */
function sendFromR(port: number, text: string): void {
  const py = `import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(${
    JSON.stringify(text)
  }.encode(), ("10.9.1.1", ${port}))`;
  const r = sh("nsenter", ["-t", R_PID, "-n", "python3", "-c", py]);
  if (r.status !== 0) throw new Error(`python3 in R: ${r.status} ${r.stderr}`);
}
/** Receives on `s` until `pred` holds for a datagram (bounded: 200 datagrams, the socket's timeout each). */
function recvUntil<T>(s: usocket.Socket, pred: (d: Uint8Array, from: usocket.Address | null) => T | undefined): T {
  for (let i = 0; i < 200; i++) {
    const [d, from] = s.recvfrom(65536);
    const r = pred(d, from);
    if (r !== undefined) return r;
  }
  throw new Error("no matching datagram in 200");
}
const includes = (hay: Uint8Array, needle: Uint8Array) => {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
};

// uping, one to one: raw ICMP and ICMPv6 on loopback, a ping socket, and through the router
for (
  const [host, opts, ttl, bytes] of [
    ["127.0.0.1", {}, 64, 84],
    ["::1", {}, 64, 64],
    ["127.0.0.1", { dgram: true }, 64, 64],
    ["10.9.2.2", {}, 63, 84],
  ] as const
) {
  attempt(`uping ${host} ${JSON.stringify(opts)}`, () => {
    const lines: string[] = [];
    const [sent, received] = ping(host, { count: 3, timeout: 3000, ...opts, print: (l) => lines.push(l) });
    const want = [
      `PING ${host} (${host}): 64 data bytes`,
      ...[1, 2, 3].map((seq) =>
        new RegExp(`^${bytes} bytes from ${host}: icmp_seq=${seq}, ttl=${ttl}, time=\\d+\\.\\d{6} ms$`)
      ),
      "3 packets transmitted, 3 packets received",
    ];
    const ok = sent === 3 && received === 3 && lines.length === 5
      && want.every((w, i) => typeof w === "string" ? lines[i] === w : w.test(lines[i]));
    check(`uping ${host} ${JSON.stringify(opts)} prints uping's lines`, ok, lines.join(" | "));
  });
}

// traceroute: UDP to a closed port on B with TTL 1, then 2; each answer from the error queue
attempt("traceroute", () => {
  using s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  s.setsockopt(usocket.IPPROTO_IP, usocket.IP_RECVERR, 1);
  s.connect(["10.9.2.2", 33434]);
  const hops: string[] = [];
  for (const ttl of [1, 2]) {
    s.setsockopt(usocket.IPPROTO_IP, usocket.IP_TTL, ttl);
    s.send(`probe ttl ${ttl}`);
    const p = usocket.select.poll();
    p.register(s, usocket.select.POLLERR);
    const ready = p.poll(3000);
    if (ready.length === 0) throw new Error(`no error queued for ttl ${ttl} within 3 s`);
    const [data, anc, flags] = s.recvmsg(512, 512, usocket.MSG_ERRQUEUE);
    const e = anc.map(usocket.decode_cmsg).find((d) => d?.kind === "recverr");
    if (e?.kind !== "recverr") throw new Error(`no recverr item: ${JSON.stringify(anc)}`);
    const from = (e.offender as [string, number] | null)?.[0];
    hops.push(`${ttl} ${from} type=${e.type} code=${e.code} errno=${e.errno} origin=${e.origin}`);
    check(
      `ttl ${ttl}: the error queue returns the probe itself`,
      decoder.decode(data) === `probe ttl ${ttl}`,
      `${flags}`,
    );
  }
  check(
    "traceroute: hop 1 is R (time exceeded), hop 2 is B (port unreachable)",
    hops[0] === `1 10.9.1.2 type=11 code=0 errno=${usocket.errno.EHOSTUNREACH} origin=${usocket.SO_EE_ORIGIN_ICMP}`
      && hops[1] === `2 10.9.2.2 type=3 code=3 errno=${usocket.errno.ECONNREFUSED} origin=${usocket.SO_EE_ORIGIN_ICMP}`,
    hops.join(" | "),
  );
});

// a datagram from R: IP_PKTINFO names a0 as the arrival interface; a packet socket on a0 sees the frame
attempt("IP_PKTINFO and AF_PACKET on a0", () => {
  using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_PKTINFO, 1);
  rx.bind(["0.0.0.0", 0]);
  rx.settimeout(5);
  const port = (rx.getsockname() as [string, number])[1];
  const ETH_P_IP_BE = ((usocket.ETH_P_IP & 0xff) << 8) | (usocket.ETH_P_IP >> 8); // htons
  using pk = usocket.socket(usocket.AF_PACKET, usocket.SOCK_RAW, ETH_P_IP_BE);
  pk.bind(["a0", usocket.ETH_P_IP]);
  pk.settimeout(5);
  check(
    "a packet socket's name is its interface and protocol",
    (() => {
      const n = pk.getsockname() as usocket.PacketAddress;
      return n[0] === "a0" && n[1] === usocket.ETH_P_IP;
    })(),
    JSON.stringify(pk.getsockname()),
  );
  const marker = `from R ${port}`;
  sendFromR(port, marker);
  const [data, anc, , from] = rx.recvmsg(100, 256);
  const info = anc.map(usocket.decode_cmsg).find((d) => d?.kind === "pktinfo");
  const a0 = usocket.if_nametoindex("a0");
  check(
    "IP_PKTINFO: arrived on a0, addressed to 10.9.1.1, from R",
    decoder.decode(data) === marker && info?.kind === "pktinfo" && info.ifindex === a0 && info.addr === "10.9.1.1"
      && (from as [string, number])[0] === "10.9.1.2",
    `${JSON.stringify(info)} from ${JSON.stringify(from)}; a0 is ${a0}`,
  );
  const [frame, addr] = recvUntil(pk, (d, f) => includes(d, encoder.encode(marker)) ? [d, f] as const : undefined);
  const ll = addr as usocket.PacketAddress;
  const src = frame.subarray(6, 12);
  check(
    "AF_PACKET recvfrom: (a0, ETH_P_IP, PACKET_HOST, ARPHRD_ETHER, the sender's MAC = the frame's source)",
    ll.length === 5 && ll[0] === "a0" && ll[1] === usocket.ETH_P_IP && ll[2] === usocket.PACKET_HOST
      && ll[3] === usocket.ARPHRD_ETHER && ll[4]!.length === 6 && ll[4]!.every((b, i) => b === src[i])
      && ll[4]!.some((b) => b !== 0),
    JSON.stringify([ll[0], ll[1], ll[2], ll[3], Array.from(ll[4] ?? [])]),
  );
});

/** An IPv4 header + UDP datagram from 127.0.0.1 to 127.0.0.1:`port` (header checksum computed; UDP checksum 0: none). */
function ipv4Udp(port: number, payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(28 + payload.length), dv = new DataView(p.buffer);
  dv.setUint8(0, 0x45); // version 4, 5 words
  dv.setUint16(2, p.length);
  dv.setUint8(8, 64); // TTL
  dv.setUint8(9, usocket.IPPROTO_UDP);
  p.set([127, 0, 0, 1], 12);
  p.set([127, 0, 0, 1], 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += dv.getUint16(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  dv.setUint16(10, ~sum & 0xffff);
  dv.setUint16(20, 40000);
  dv.setUint16(22, port);
  dv.setUint16(24, 8 + payload.length);
  p.set(payload, 28);
  return p;
}

attempt("IP_HDRINCL and AF_PACKET sendto", () => {
  using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  rx.settimeout(5);
  const port = (rx.getsockname() as [string, number])[1];
  // IPPROTO_RAW implies IP_HDRINCL: the bytes sent are the whole IP packet
  using raw = usocket.socket(usocket.AF_INET, usocket.SOCK_RAW, usocket.IPPROTO_RAW);
  check("IPPROTO_RAW: IP_HDRINCL is on", raw.getsockopt(usocket.IPPROTO_IP, usocket.IP_HDRINCL) === 1);
  raw.sendto(ipv4Udp(port, encoder.encode("hand-made")), ["127.0.0.1", 0]);
  const [d1, f1] = rx.recvfrom(64);
  check("a hand-made IPv4/UDP packet arrives as a datagram", decoder.decode(d1) === "hand-made", JSON.stringify(f1));
  // a packet socket (SOCK_DGRAM: the kernel adds the link header) sends onto lo; a second one sees the
  // frame go out (the kernel does not hand frames that packet sockets send on lo to IP: CPython's neither)
  using tap = usocket.socket(usocket.AF_PACKET, usocket.SOCK_RAW, 0x0300); // htons(ETH_P_ALL)
  tap.bind(["lo", usocket.ETH_P_ALL]);
  tap.settimeout(5);
  using pk = usocket.socket(usocket.AF_PACKET, usocket.SOCK_DGRAM, 0);
  const marker = encoder.encode(`via lo ${port}`);
  const n = pk.sendto(ipv4Udp(port, marker), ["lo", usocket.ETH_P_IP, 0, 0, new Uint8Array(6)]);
  const [frame, to] = recvUntil(tap, (d, f) => includes(d, marker) ? [d, f] as const : undefined);
  const ll = to as usocket.PacketAddress;
  check(
    "AF_PACKET sendto (lo, ETH_P_IP, …): the frame goes out on lo, behind an Ethernet header of type IPv4",
    n === 28 + marker.length && frame.length === 14 + n && frame[12] === 0x08 && frame[13] === 0x00
      && ll[0] === "lo" && ll[1] === usocket.ETH_P_IP && ll[3] === usocket.ARPHRD_LOOPBACK
      && [usocket.PACKET_OUTGOING, usocket.PACKET_HOST].includes(ll[2]!),
    JSON.stringify([n, frame.length, ll[0], ll[1], ll[2], ll[3]]),
  );
});

// netlink: a dump too big for one datagram, read whole; a small buffer shows MSG_TRUNC
attempt("netlink dump across reads", () => {
  for (let i = 0; i < 40; i++) {
    const r = sh("ip", ["link", "add", `v${i}a`, "type", "veth", "peer", "name", `v${i}b`]);
    if (r.status !== 0) throw new Error(`ip link add: ${r.stderr}`);
  }
  using nl = usocket.socket(usocket.AF_NETLINK, usocket.SOCK_RAW, usocket.NETLINK_ROUTE);
  nl.settimeout(5);
  // by hand: count the datagrams of one RTM_GETLINK dump
  nl.send(usocket.nlmsg(usocket.RTM_GETLINK, usocket.NLM_F_REQUEST | usocket.NLM_F_DUMP, 1, new Uint8Array(16)));
  let datagrams = 0, messages = 0, done = false;
  const buf = new Uint8Array(1 << 20);
  while (!done && datagrams < 1000) {
    const n = nl.recv_into(buf);
    datagrams++;
    for (const m of usocket.parse_nlmsgs(buf, n)) {
      if (m.type === usocket.NLMSG_DONE) done = true;
      else messages++;
    }
  }
  const names = usocket.if_nameindex();
  check(
    "the dump took several datagrams and lists every interface",
    done && datagrams > 1 && messages === names.length,
    `${datagrams} datagrams, ${messages} links, if_nameindex ${names.length}`,
  );
  const list = links(false);
  check(
    "netlink_dump (examples/ip.ts) gives if_nameindex()'s interfaces",
    JSON.stringify(list.map((l) => [l.ifindex, l.ifname])) === JSON.stringify(names),
    `${list.length} of ${names.length}`,
  );
  // a buffer smaller than the datagram: the kernel cuts it and says so
  nl.send(usocket.nlmsg(usocket.RTM_GETLINK, usocket.NLM_F_REQUEST | usocket.NLM_F_DUMP, 2, new Uint8Array(16)));
  const [part, , flags] = nl.recvmsg(64);
  check(
    "recvmsg(64) of a dump datagram: 64 bytes and MSG_TRUNC",
    part.length === 64 && (flags & usocket.MSG_TRUNC) !== 0,
    `${part.length} ${flags}`,
  );
  let threw = "";
  try {
    usocket.parse_nlmsgs(part);
  } catch (e) {
    threw = e instanceof usocket.OSError ? `OSError ${e.errno}` : String(e);
  }
  check("parse_nlmsgs of the cut datagram: OSError(EBADMSG)", threw === `OSError ${usocket.errno.EBADMSG}`, threw);
});

process.exit(failed ? 1 : 0);
