// Raw, packet and netlink sockets, SOCK_SEQPACKET, SO_BINDTODEVICE, and the
// tools on them (examples/uping.ts, examples/ip.ts): address codecs and
// netlink parsing here, the traffic inside private network namespaces the
// tests make (tests/peers/netns_topology.sh) — nothing leaves loopback or
// those namespaces.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { checksum } from "../examples/uping.ts";
import * as usocket from "../mod.ts";
import { netlinkCodec } from "../src/address/netlink.ts";
import { packetCodec } from "../src/address/packet.ts";
import { linux as linuxTable } from "../src/platform/linux.ts";
import {
  assertOSError,
  assertSurplusRefused,
  emulationSkip,
  execPath,
  isBun,
  type SurplusCase,
  text,
  utf8,
} from "./helpers.ts";

const linux = process.platform === "linux";
const here = (p: string) => new URL(p, import.meta.url).pathname;
const run = (cmd: string, args: string[], timeout = 30000) =>
  spawnSync(cmd, args, { encoding: "utf8", timeout, env: process.env });
const has = (cmd: string, args = ["--version"]) => run(cmd, args, 10000).status === 0;
/** argv that runs `script` with this runtime (everything allowed: the namespace tests spawn ip, nsenter, python3). */
const runtime = (script: string, ...args: string[]) =>
  isBun ? [execPath, script, ...args] : [execPath, "run", "--allow-all", script, ...args];
/** Why the namespace tests cannot run here, or "" when they can. */
function namespacesMissing(): string {
  if (!linux) return "not Linux";
  for (const [cmd, args] of [["ip", ["-V"]], ["nsenter", ["--version"]], ["python3", ["--version"]]] as const) {
    if (!has(cmd, [...args])) return `${cmd} is not installed`;
  }
  const r = run("unshare", ["-rn", "true"], 10000);
  return r.status === 0 ? "" : `unshare -rn failed (${r.stderr.trim() || r.status})`;
}
const missing = namespacesMissing();

// ---------- address codecs, from the Linux table (pure: no syscall) ----------

const L = linuxTable.layout, K = linuxTable.constants;
const fakeNames = {
  index: (name: string) => {
    if (name === "eth7") return 7;
    throw new usocket.OSError(usocket.errno.ENODEV, `no interface "${name}"`);
  },
  name: (index: number) => index === 7 ? "eth7" : null,
};

test("AF_PACKET codec: CPython's (ifname, proto, pkttype, hatype, addr), network-order proto, every bad field named", () => {
  const c = packetCodec(K.AF_PACKET, L, fakeNames);
  const out = new Uint8Array(128);
  const mac = new Uint8Array([2, 0, 0, 0, 0, 9]);
  assert.equal(c.encode(["eth7", 0x0800, 4, 1, mac], out, "address"), 20);
  assert.deepEqual(
    Array.from(out.subarray(0, 20)),
    [17, 0, 0x08, 0x00, 7, 0, 0, 0, 1, 0, 4, 6, 2, 0, 0, 0, 0, 9, 0, 0],
  );
  assert.deepEqual(c.decode(out, 20), ["eth7", 0x0800, 4, 1, mac]);
  // the short forms fill in zeros; "" is index 0 (any interface)
  assert.equal(c.encode(["", 0x86dd], out, "address"), 20);
  assert.deepEqual(c.decode(out, 20), ["", 0x86dd, 0, 0, new Uint8Array(0)]);
  // an index no longer known decodes as ""; a halen beyond the bytes given is clamped
  out.set([9, 0, 0, 0], 4);
  out[11] = 8;
  assert.deepEqual(c.decode(out, 16), ["", 0x86dd, 0, 0, new Uint8Array(4)]);
  const bad: [unknown, RegExp, typeof TypeError | typeof RangeError | typeof usocket.OSError][] = [
    ["eth7", /AF_PACKET address is \[ifname, proto/, TypeError],
    [["eth7"], /AF_PACKET address is/, TypeError],
    [[7, 0x800], /ifname must be a string/, TypeError],
    [["eth7", "ip"], /proto must be a number/, TypeError],
    [["eth7", 0x10000], /proto must be an integer 0-65535/, RangeError],
    [["eth7", 1, 256], /pkttype must be an integer 0-255/, RangeError],
    [["eth7", 1, 0, -1], /hatype must be an integer 0-65535/, RangeError],
    [["eth7", 1, 0, 0, [1, 2]], /addr must be a Uint8Array/, TypeError],
    [["eth7", 1, 0, 0, new Uint8Array(9)], /addr is 9 bytes; a sockaddr_ll holds at most 8/, RangeError],
    [["eth8", 1], /no interface "eth8"/, usocket.OSError],
  ];
  for (const [a, msg, type] of bad) {
    assert.throws(
      () => c.encode(a, out, "address"),
      (e: unknown) => e instanceof type && msg.test((e as Error).message),
      String(a),
    );
  }
});

test("AF_NETLINK codec: (pid, groups) as u32s; bad fields named", () => {
  const c = netlinkCodec(K.AF_NETLINK, L);
  const out = new Uint8Array(128);
  assert.equal(c.encode([0x01020304, 5], out, "address"), 12);
  assert.deepEqual(Array.from(out.subarray(0, 12)), [16, 0, 0, 0, 4, 3, 2, 1, 5, 0, 0, 0]);
  assert.deepEqual(c.decode(out, 12), [0x01020304, 5]);
  assert.deepEqual(c.decode(out, 8), out.slice(0, 8)); // too short: the raw bytes
  for (
    const [a, msg] of [
      [[1], /\[pid, groups\]/],
      [["1", 0], /pid must be a number/],
      [[-1, 0], /pid must be an integer 0-4294967295/],
      [[0, 2 ** 32], /groups must be an integer/],
    ] as const
  ) {
    assert.throws(() => c.encode(a, out, "address"), msg);
  }
});

// ---------- netlink on this host: reading only (dumps), no traffic ----------

test("netlink socket: bind gives the kernel-assigned port id; RTM_GETLINK lists if_nameindex()'s interfaces", {
  skip: !linux,
}, () => {
  using nl = usocket.socket(usocket.AF_NETLINK, usocket.SOCK_RAW, usocket.NETLINK_ROUTE);
  nl.settimeout(5);
  nl.bind([0, 0]);
  const [pid, groups] = nl.getsockname() as usocket.NetlinkAddress;
  assert.ok(pid > 0 && groups === 0, `${pid} ${groups}`);
  const msgs = usocket.netlink_dump(nl, usocket.RTM_GETLINK, new Uint8Array(16));
  const fromNetlink = msgs.map((m) => {
    const index = new DataView(m.payload.buffer, m.payload.byteOffset).getInt32(4, true);
    const name = usocket.rtattrs(m.payload, 16).find(([t]) => t === usocket.IFLA_IFNAME)![1];
    return [index, text(name.subarray(0, name.indexOf(0)))];
  });
  assert.deepEqual(fromNetlink, usocket.if_nameindex());
  assert.ok(msgs.every((m) => m.type === usocket.RTM_NEWLINK && (m.flags & usocket.NLM_F_MULTI) !== 0));
});

test("netlink: an NLMSG_ERROR reply is an OSError with its errno; a closed socket is EBADF", { skip: !linux }, () => {
  const nl = usocket.socket(usocket.AF_NETLINK, usocket.SOCK_RAW, usocket.NETLINK_ROUTE);
  nl.settimeout(5);
  // a dump of a message type route netlink has no handler for
  assert.throws(() => usocket.netlink_dump(nl, 0x3ff), (e: unknown) => {
    assert.ok(e instanceof usocket.OSError, String(e));
    assert.ok([usocket.errno.EOPNOTSUPP, usocket.errno.EINVAL].includes(e.errno), `errno ${e.errno}`);
    return true;
  });
  // the socket is still usable after the error
  assert.ok(usocket.netlink_dump(nl, usocket.RTM_GETADDR, new Uint8Array(8)).length > 0);
  nl.close();
  assertOSError(() => usocket.netlink_dump(nl, usocket.RTM_GETLINK, new Uint8Array(16)), usocket.errno.EBADF);
});

test("parse_nlmsgs/rtattrs: every truncation of a real reply is EBADMSG or fewer messages, never a read past it", {
  skip: !linux,
}, () => {
  using nl = usocket.socket(usocket.AF_NETLINK, usocket.SOCK_RAW, usocket.NETLINK_ROUTE);
  nl.settimeout(5);
  nl.send(usocket.nlmsg(usocket.RTM_GETLINK, usocket.NLM_F_REQUEST | usocket.NLM_F_DUMP, 9, new Uint8Array(16)));
  const buf = new Uint8Array(1 << 16);
  const n = nl.recv_into(buf);
  const whole = usocket.parse_nlmsgs(buf, n);
  assert.ok(whole.length >= 1 && whole.every((m) => m.seq === 9));
  // message boundaries: a cut exactly there parses into fewer messages
  const ends = new Set<number>();
  let at = 0;
  for (const m of whole) ends.add(at += (m.payload.length + 16 + 3) & ~3);
  for (let cut = 0; cut < n; cut++) {
    const copy = buf.slice(0, cut); // nothing beyond the cut to read
    if (cut === 0 || ends.has(cut)) {
      assert.ok(usocket.parse_nlmsgs(copy).length < whole.length || cut === n);
      continue;
    }
    assert.throws(
      () => usocket.parse_nlmsgs(copy),
      (e: unknown) => e instanceof usocket.OSError && e.errno === usocket.errno.EBADMSG,
      `cut ${cut}`,
    );
  }
  // attributes: a length past the payload, or below the header
  const p = whole[0].payload.slice();
  assert.ok(usocket.rtattrs(p, 16).length > 0);
  new DataView(p.buffer).setUint16(16, p.length, true);
  assert.throws(() => usocket.rtattrs(p, 16), /claims/);
  new DataView(p.buffer).setUint16(16, 2, true);
  assert.throws(() => usocket.rtattrs(p, 16), /claims 2 bytes/);
  // arguments
  assert.throws(() => usocket.parse_nlmsgs([1, 2] as unknown as Uint8Array), TypeError);
  assert.throws(() => usocket.parse_nlmsgs(new Uint8Array(4), 5), /length must be an integer 0-4/);
  assert.throws(() => usocket.rtattrs(new Uint8Array(4), 5), /offset must be an integer 0-4/);
  assert.throws(() => usocket.nlmsg(0x10000, 0, 0), /type must be an integer 0-65535/);
  assert.throws(() => usocket.nlmsg(1, 0, -1), /seq must be an integer/);
  assert.throws(() => usocket.rtattr(1, new Uint8Array(0x10000)), /an rtattr holds at most/);
  assert.deepEqual(Array.from(usocket.rtattr(3, utf8("lo\0"))), [7, 0, 3, 0, 108, 111, 0, 0]);
});

test("examples/ip.ts --json agrees with iproute2's ip -j addr (indexes, names, MTUs, hardware and IP addresses)", {
  skip: !linux || !has("ip", ["-V"]),
}, () => {
  const ours = run(execPath, runtime(here("../examples/ip.ts"), "addr", "--json").slice(1));
  assert.equal(ours.status, 0, ours.stderr);
  const theirs = run("ip", ["-j", "addr"]);
  assert.equal(theirs.status, 0, theirs.stderr);
  type J = {
    ifindex: number;
    ifname: string;
    mtu: number;
    address?: string;
    addr_info: { family: string; local: string; prefixlen: number }[];
  };
  const key = (l: J) =>
    JSON.stringify([
      l.ifindex,
      l.ifname,
      l.mtu,
      l.address ?? "",
      l.addr_info.map((a) => [a.family, a.local, a.prefixlen]),
    ]);
  assert.deepEqual((JSON.parse(ours.stdout) as J[]).map(key), (JSON.parse(theirs.stdout) as J[]).map(key));
  const textOut = run(execPath, runtime(here("../examples/ip.ts")).slice(1));
  assert.match(
    textOut.stdout,
    /^1: lo: <UP,LOOPBACK,RUNNING,LOWER_UP> mtu \d+\n {4}link\/loopback 00:00:00:00:00:00\n {4}inet 127\.0\.0\.1\/8 scope host$/m,
  );
});

test("the tools' --help, and bad usage exits 2", () => {
  for (const tool of ["uping.ts", "ip.ts"]) {
    const help = run(execPath, runtime(here(`../examples/${tool}`), "--help").slice(1));
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^(uping|ip) — .*\n\nusage: /);
    const bad = run(execPath, runtime(here(`../examples/${tool}`), "--bogus").slice(1));
    assert.equal(bad.status, 2, `${tool}: ${bad.stdout}${bad.stderr}`);
    assert.match(bad.stderr, /unexpected argument --bogus/);
  }
  assert.equal(run(execPath, runtime(here("../examples/uping.ts"), "-s", "8", "127.0.0.1").slice(1)).status, 2);
});

test("uping's checksum: RFC 1071's example, odd lengths, and a message with its checksum in sums to 0", () => {
  assert.equal(checksum(new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])), 0x220d);
  assert.equal(checksum(new Uint8Array([0xff])), 0x00ff);
  assert.equal(checksum(new Uint8Array(0)), 0xffff);
  const m = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
  m[2] = m[3] = 0;
  const cs = checksum(m);
  m[2] = cs >> 8;
  m[3] = cs & 0xff;
  assert.equal(checksum(m), 0);
});

// ---------- SOCK_SEQPACKET and SO_BINDTODEVICE on this host (loopback, AF_UNIX) ----------

test(
  "SOCK_SEQPACKET (AF_UNIX): records keep their boundaries, a short buffer gives MSG_TRUNC and drops the rest of the record",
  { skip: !linux },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "usocket-seq-"));
    const path = join(dir, "s");
    try {
      using srv = usocket.socket(usocket.AF_UNIX, usocket.SOCK_SEQPACKET);
      srv.bind(path);
      srv.listen(1);
      srv.settimeout(5);
      using cli = usocket.socket(usocket.AF_UNIX, usocket.SOCK_SEQPACKET);
      cli.connect(path);
      const [conn] = srv.accept();
      using _conn = conn;
      conn.settimeout(5);
      assert.equal(conn.getsockopt(usocket.SOL_SOCKET, usocket.SO_TYPE), usocket.SOCK_SEQPACKET);
      for (const r of ["one", "two two", "three"]) cli.send(r);
      assert.equal(text(conn.recv(100)), "one");
      const [data, , flags] = conn.recvmsg(100);
      assert.equal(text(data), "two two");
      assert.equal(flags & usocket.MSG_TRUNC, 0, `flags ${flags}`); // (Linux sets no MSG_EOR on AF_UNIX)
      const [cut, , f2] = conn.recvmsg(2);
      assert.equal(text(cut), "th");
      assert.notEqual(f2 & usocket.MSG_TRUNC, 0, `flags ${f2}`);
      // the rest of a cut record is gone: the next read is the next record
      cli.sendmsg([utf8("four"), utf8("+five")]);
      assert.equal(text(conn.recv(100)), "four+five");
      cli.close();
      assert.equal(conn.recv(100).length, 0); // EOF
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "SO_BINDTODEVICE: bound to lo the socket still talks over 127.0.0.1; the name reads back; an unknown device is ENODEV",
  { skip: !linux },
  () => {
    using rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
    rx.bind(["127.0.0.1", 0]);
    rx.settimeout(5);
    using tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
    tx.setsockopt(usocket.SOL_SOCKET, usocket.SO_BINDTODEVICE, utf8("lo"));
    // qemu-user 7.2 does not translate getsockopt(SO_BINDTODEVICE): EINVAL (tools/qemu_limits.c)
    const readBack = !emulationSkip("reading SO_BINDTODEVICE back with getsockopt");
    if (readBack) {
      const back = tx.getsockopt(usocket.SOL_SOCKET, usocket.SO_BINDTODEVICE, 16) as Uint8Array;
      assert.equal(text(back.subarray(0, back.indexOf(0) < 0 ? back.length : back.indexOf(0))), "lo");
    }
    tx.sendto("bound", rx.getsockname());
    assert.equal(text(rx.recv(16)), "bound");
    assertOSError(
      () => tx.setsockopt(usocket.SOL_SOCKET, usocket.SO_BINDTODEVICE, utf8("nosuchdev0")),
      usocket.errno.ENODEV,
    );
    // an empty name unbinds
    tx.setsockopt(usocket.SOL_SOCKET, usocket.SO_BINDTODEVICE, new Uint8Array(0));
    if (readBack) {
      assert.equal((tx.getsockopt(usocket.SOL_SOCKET, usocket.SO_BINDTODEVICE, 16) as Uint8Array).length, 0);
    }
  },
);

// ---------- inside private network namespaces ----------

test(
  "in namespaces A ── R ── B: uping (raw ICMP/ICMPv6, a ping socket, through R), traceroute from the error queue, IP_PKTINFO, AF_PACKET, IP_HDRINCL, a netlink dump across reads",
  { skip: missing ? `network namespaces unavailable: ${missing}` : false },
  () => {
    const r = run(
      "unshare",
      ["-rn", "sh", here("peers/netns_topology.sh"), ...runtime(here("peers/netns_child.ts"))],
      120000,
    );
    const lines = r.stdout.trim().split("\n");
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(lines.filter((l) => l.startsWith("ok ")).length, 17, r.stdout);
    assert.ok(!lines.some((l) => l.startsWith("FAIL")), r.stdout);
  },
);

test("uping without CAP_NET_RAW falls back to a ping socket (in a namespace whose ping_group_range allows it)", {
  skip: missing || !has("setpriv", ["--version"]) ? `skipped: ${missing || "setpriv is not installed"}` : false,
}, () => {
  const argv = runtime(here("../examples/uping.ts"), "-c", "2", "127.0.0.1").map((a) => `'${a}'`).join(" ");
  const script = `ip link set lo up && echo "0 0" > /proc/sys/net/ipv4/ping_group_range && `
    + `exec setpriv --inh-caps=-net_raw --bounding-set=-net_raw -- ${argv}`;
  const r = run("unshare", ["-rn", "sh", "-c", script], 60000);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /uping: no raw socket \(\[Errno 1\] EPERM\); using a ping socket \(SOCK_DGRAM\)/);
  assert.match(
    r.stdout,
    /^PING 127\.0\.0\.1 \(127\.0\.0\.1\): 64 data bytes\n64 bytes from 127\.0\.0\.1: icmp_seq=1, ttl=64, time=\d+\.\d{6} ms\n64 bytes from 127\.0\.0\.1: icmp_seq=2, ttl=64, time=\d+\.\d{6} ms\n2 packets transmitted, 2 packets received\n$/,
  );
  // and where the range does not allow it either: uping says why and exits 1
  const denied = run("unshare", [
    "-rn",
    "sh",
    "-c",
    `exec setpriv --inh-caps=-net_raw --bounding-set=-net_raw -- ${argv}`,
  ], 60000);
  assert.equal(denied.status, 1, `${denied.stdout}\n${denied.stderr}`);
  assert.match(denied.stderr, /EACCES/);
});

test("a surplus argument is a TypeError naming the function, before any syscall — the low-level functions", () => {
  const [a, b] = usocket.socketpair();
  const fn = (f: unknown) => f as (...args: unknown[]) => unknown;
  const table: SurplusCase[] = [
    ["nlmsg(type, flags, seq, payload)", [1, 0, 0, new Uint8Array(0)], fn(usocket.nlmsg), null],
    ["rtattr(type, data)", [1, new Uint8Array(0)], fn(usocket.rtattr), null],
    ["parse_nlmsgs(buf, length)", [new Uint8Array(0), 0], fn(usocket.parse_nlmsgs), null],
    ["rtattrs(payload, offset)", [new Uint8Array(0), 0], fn(usocket.rtattrs), null],
    ["netlink_dump(sock, type, payload)", [a, 1, new Uint8Array(0)], fn(usocket.netlink_dump), null],
    ["listen_fds(unset_environment)", [false], fn(usocket.listen_fds), null],
    ["listen_fds_with_names(unset_environment)", [false], fn(usocket.listen_fds_with_names), null],
    ["notify(state, unset_environment)", ["READY=1", false], fn(usocket.notify), null],
    ["Socket.sendfile(file, offset, count)", ["/dev/null", 0, 0], fn(a.sendfile), a],
  ];
  try {
    assertSurplusRefused(table);
    b.setblocking(false);
    assertOSError(() => b.recv(1), usocket.errno.EAGAIN, "nothing was sent");
  } finally {
    a.close();
    b.close();
  }
});
