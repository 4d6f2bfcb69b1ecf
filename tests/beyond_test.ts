// Issue 7: the socket features beyond MicroPython (CPython's names), on loopback.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { closeAll, execPath, isBun, listener, portOf, tcpPair, text, udpPair } from "./helpers.ts";

const { errno } = usocket;
const peer = (name: string) => new URL(`./peers/${name}`, import.meta.url).pathname;
const denoRun = ["run", "--allow-ffi", "--allow-read", "--allow-env"];

test("getsockopt/setsockopt round trips, table-driven", () => {
  const tcp = usocket.socket();
  const tcp6 = usocket.socket(usocket.AF_INET6);
  const udp = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const table: [string, usocket.Socket, number, number, number[]][] = [
    ["SO_REUSEADDR", tcp, usocket.SOL_SOCKET, usocket.SO_REUSEADDR, [1, 0]],
    ["SO_REUSEPORT", tcp, usocket.SOL_SOCKET, usocket.SO_REUSEPORT, [1, 0]],
    ["SO_KEEPALIVE", tcp, usocket.SOL_SOCKET, usocket.SO_KEEPALIVE, [1, 0]],
    ["SO_BROADCAST", udp, usocket.SOL_SOCKET, usocket.SO_BROADCAST, [1, 0]],
    ["TCP_NODELAY", tcp, usocket.IPPROTO_TCP, usocket.TCP_NODELAY, [1, 0]],
    ["IPV6_V6ONLY", tcp6, usocket.IPPROTO_IPV6, usocket.IPV6_V6ONLY, [1, 0]],
    ["IP_TTL", udp, usocket.IPPROTO_IP, usocket.IP_TTL, [7, 64]],
    ["IP_MULTICAST_TTL", udp, usocket.IPPROTO_IP, usocket.IP_MULTICAST_TTL, [3, 1]],
  ];
  for (const [name, s, level, opt, values] of table) {
    for (const v of values) {
      s.setsockopt(level, opt, v);
      assert.equal(s.getsockopt(level, opt), v, `${name} = ${v}`);
    }
  }
  // buffer sizes: Linux doubles the value it stores
  tcp.setsockopt(usocket.SOL_SOCKET, usocket.SO_RCVBUF, 65536);
  assert.ok(tcp.getsockopt(usocket.SOL_SOCKET, usocket.SO_RCVBUF) >= 65536);
  tcp.setsockopt(usocket.SOL_SOCKET, usocket.SO_SNDBUF, 65536);
  assert.ok(tcp.getsockopt(usocket.SOL_SOCKET, usocket.SO_SNDBUF) >= 65536);
  // read-only ones
  assert.equal(tcp.getsockopt(usocket.SOL_SOCKET, usocket.SO_ERROR), 0);
  assert.equal(udp.getsockopt(usocket.SOL_SOCKET, usocket.SO_TYPE), usocket.SOCK_DGRAM);
  // SO_LINGER as bytes (struct linger)
  tcp.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, usocket.linger(true, 7));
  const raw = tcp.getsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, 8);
  assert.ok(raw instanceof Uint8Array && raw.length === 8);
  assert.deepEqual(usocket.parse_linger(raw), [true, 7]);
  closeAll(tcp, tcp6, udp);
});

test("shutdown(SHUT_WR): the peer reads EOF while the other direction still works", () => {
  const [cli, conn] = tcpPair();
  cli.sendall("last words");
  cli.shutdown(usocket.SHUT_WR);
  conn.settimeout(2);
  assert.equal(text(conn.read()), "last words");
  conn.sendall("reply");
  cli.settimeout(2);
  assert.equal(text(cli.recv(10)), "reply");
  assert.throws(() => cli.shutdown(7), RangeError);
  closeAll(cli, conn);
});

test("family, type and proto are read-only properties", () => {
  const s = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP);
  assert.deepEqual([s.family, s.type, s.proto], [usocket.AF_INET6, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP]);
  assert.throws(() => ((s as unknown as { family: number }).family = 1), TypeError);
  s.close();
});

test("AF_UNIX datagram sockets with paths and abstract names; addresses come back as strings", () => {
  const tag = Math.random().toString(36).slice(2);
  const pa = `/tmp/usocket_${tag}_a.sock`, pb = `\0usocket_${tag}_b`;
  const a = usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  const b = usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  a.bind(pa);
  b.bind(pb);
  assert.equal(a.sendto("to b", pb), 4);
  const [d1, from1] = b.recvfrom(100);
  assert.equal(text(d1), "to b");
  assert.equal(from1, pa);
  b.sendto("to a", pa);
  const [d2, from2] = a.recvfrom(100);
  assert.equal(text(d2), "to a");
  assert.equal(from2, pb);
  closeAll(a, b);
  rmSync(pa, { force: true });
});

test("socketpair: stream and datagram, both directions", () => {
  const [a, b] = usocket.socketpair();
  a.sendall("ab");
  b.sendall("ba");
  assert.equal(text(b.recv(10)), "ab");
  assert.equal(text(a.recv(10)), "ba");
  closeAll(a, b);
  const [x, y] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  x.send("one");
  x.send("two");
  assert.equal(text(y.recv(100)), "one", "datagram boundaries kept");
  assert.equal(text(y.recv(100)), "two");
  closeAll(x, y);
});

test("SO_LINGER 0 makes close() reset: the peer's recv raises ECONNRESET", () => {
  const [cli, conn] = tcpPair();
  cli.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, usocket.linger(true, 0));
  cli.sendall("x");
  cli.close();
  conn.settimeout(2);
  assert.throws(() => {
    for (let i = 0; i < 10; i++) conn.recv(10);
  }, (e: unknown) => e instanceof usocket.OSError && e.errno === errno.ECONNRESET);
  conn.close();
});

test("SO_BROADCAST: sendto 127.255.255.255 needs it (EACCES without), then arrives", () => {
  const rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  rx.bind(["0.0.0.0", 0]);
  rx.settimeout(2);
  const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const to: [string, number] = ["127.255.255.255", portOf(rx)];
  assert.throws(() => tx.sendto("b", to), (e: unknown) => e instanceof usocket.OSError && e.errno === errno.EACCES);
  tx.setsockopt(usocket.SOL_SOCKET, usocket.SO_BROADCAST, 1);
  assert.equal(tx.sendto("bcast", to), 5);
  assert.equal(text(rx.recv(10)), "bcast");
  closeAll(rx, tx);
});

test("SO_REUSEPORT: two listeners on one port both accept", () => {
  const a = usocket.create_server(["127.0.0.1", 0], { reuse_port: true });
  const port = portOf(a);
  const b = usocket.create_server(["127.0.0.1", port], { reuse_port: true });
  a.setblocking(false);
  b.setblocking(false);
  const clients: usocket.Socket[] = [];
  const accepted = new Map<usocket.Socket, number>([[a, 0], [b, 0]]);
  for (let i = 0; i < 64 && (accepted.get(a)! === 0 || accepted.get(b)! === 0); i++) {
    const c = usocket.socket();
    c.connect(["127.0.0.1", port]);
    clients.push(c);
    for (const l of [a, b]) {
      try {
        l.accept()[0].close();
        accepted.set(l, accepted.get(l)! + 1);
      } catch (e) {
        if ((e as usocket.OSError).errno !== errno.EAGAIN) throw e;
      }
    }
  }
  assert.ok(accepted.get(a)! > 0 && accepted.get(b)! > 0, `accepted ${[...accepted.values()]}`);
  closeAll(a, b, ...clients);
});

test("flags: MSG_PEEK, MSG_DONTWAIT and MSG_WAITALL on recv and recvfrom", () => {
  const [cli, conn] = tcpPair();
  assert.throws(
    () => conn.recv(10, usocket.MSG_DONTWAIT),
    (e: unknown) => (e as usocket.OSError).errno === errno.EAGAIN,
  );
  assert.equal(conn.gettimeout(), null, "MSG_DONTWAIT does not change the socket's mode");
  cli.sendall("0123456789");
  conn.settimeout(2);
  assert.equal(text(conn.recv(3, usocket.MSG_PEEK)), "012");
  assert.equal(text(conn.recv(10, usocket.MSG_WAITALL)), "0123456789");
  const [u1, u2] = udpPair();
  u1.sendto("dgram", u2.getsockname());
  u2.settimeout(2);
  const [peek, from] = u2.recvfrom(10, usocket.MSG_PEEK);
  assert.equal(text(peek), "dgram");
  assert.deepEqual(from, u1.getsockname());
  assert.equal(text(u2.recvfrom(10)[0]), "dgram");
  assert.throws(
    () => u2.recvfrom(10, usocket.MSG_DONTWAIT),
    (e: unknown) => (e as usocket.OSError).errno === errno.EAGAIN,
  );
  closeAll(cli, conn, u1, u2);
});

test("MSG_TRUNC: recv/recvfrom return only the bytes received; recv_into/recvfrom_into report the datagram's length", () => {
  const [u1, u2] = udpPair();
  u2.settimeout(2);
  const to = u2.getsockname();
  // bufsizes up to 256, 4 KiB, 64 KiB and beyond: each place recv() receives into (new array, pool, scratch, own array)
  for (const size of [3, 1000, 10000, 60000]) {
    const dgram = new Uint8Array(size + 7).map((_, i) => (i * 7 + size) & 0xff);
    for (const bufsize of [size, Math.max(1, size >> 1), 100000]) {
      const want = Math.min(bufsize, dgram.length);
      u1.sendto(dgram, to);
      const data = u2.recv(bufsize, usocket.MSG_TRUNC);
      assert.equal(data.length, want, `recv(${bufsize}, MSG_TRUNC) of a ${dgram.length}-byte datagram`);
      assert.deepEqual(data, dgram.subarray(0, want));
      u1.sendto(dgram, to);
      const [d2, from] = u2.recvfrom(bufsize, usocket.MSG_TRUNC);
      assert.deepEqual(d2, dgram.subarray(0, want));
      assert.deepEqual(from, u1.getsockname());
      // the earlier result is untouched by the later receive into shared memory
      assert.deepEqual(data, dgram.subarray(0, want));
    }
    u1.sendto(dgram, to);
    const buf = new Uint8Array(size + 16).fill(0xee);
    assert.equal(u2.recv_into(buf, 2, usocket.MSG_TRUNC), dgram.length, "recv_into reports the full length");
    assert.deepEqual([...buf.subarray(0, 3)], [dgram[0], dgram[1], 0xee], "and writes only nbytes");
    u1.sendto(dgram, to);
    assert.equal(u2.recvfrom_into(buf, 2, usocket.MSG_TRUNC)[0], dgram.length);
  }
  closeAll(u1, u2);
});

test("small recv() results stay intact while many later receives reuse shared memory", () => {
  const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  b.settimeout(2);
  const kept: [Uint8Array, number][] = [];
  for (let i = 0; i < 3000; i++) { // ~2 MiB in all: the 64 KiB pool is replaced many times
    const n = [1, 64, 255, 256, 257, 1000, 4096][i % 7];
    a.send(new Uint8Array(n).fill(i & 0xff));
    const got = b.recv(i % 2 ? n : 4096);
    assert.equal(got.length, n);
    kept.push([got, i & 0xff]);
  }
  for (const [got, v] of kept) assert.ok(got.every((x) => x === v), "a kept result changed");
  closeAll(a, b);
});

test("bulk recv(): kept results stay intact across arenas, short reads included, and the stream is whole", () => {
  const [a, b] = usocket.socketpair();
  a.setblocking(false);
  b.settimeout(5);
  const data = new Uint8Array(3 << 20).map((_, i) => (i * 31 + (i >> 16)) & 0xff);
  const kept: Uint8Array[] = [];
  let sent = 0, got = 0;
  for (let turns = 0; got < data.length && turns < 100000; turns++) {
    if (sent < data.length) {
      try {
        sent += a.send(data.subarray(sent, Math.min(data.length, sent + (turns % 3 ? 65536 : 1000))));
      } catch (e) {
        if ((e as usocket.OSError).errno !== errno.EAGAIN) throw e;
      }
    }
    // full 64 KiB reads (bulk), reads bigger than what is there (short), and 100 KiB ones
    const chunk = b.recv(turns % 5 === 4 ? 100000 : 65536);
    kept.push(chunk);
    got += chunk.length;
  }
  assert.equal(got, data.length);
  assert.ok(kept.some((c) => c.length === 65536 && c.buffer.byteLength > 65536), "no result came from a shared arena");
  const short = kept.filter((c) => c.length <= 4096);
  assert.ok(short.length > 0, "no short read happened");
  assert.ok(short.every((c) => c.buffer.byteLength <= 65536), "a short result keeps the 1 MiB arena alive");
  let off = 0;
  for (const c of kept) {
    assert.deepEqual(c, data.subarray(off, off + c.length), `chunk at ${off} changed`);
    off += c.length;
  }
  closeAll(a, b);
});

test("recv_into and recvfrom_into fill the caller's buffer (offset views too)", () => {
  const [u1, u2] = udpPair();
  u1.sendto("abcdef", u2.getsockname());
  const buf = new Uint8Array(16);
  const [n, from] = u2.recvfrom_into(buf.subarray(4), 3);
  assert.equal(n, 3, "truncated to nbytes");
  assert.equal(text(buf.subarray(4, 7)), "abc");
  assert.deepEqual([...buf.subarray(0, 4)], [0, 0, 0, 0], "nothing written before the view");
  assert.equal(buf[7], 0, "nothing written past nbytes");
  assert.deepEqual(from, u1.getsockname());
  const [cli, conn] = tcpPair();
  cli.sendall("xyz");
  assert.equal(conn.recv_into(buf, 2), 2);
  assert.equal(text(buf.subarray(0, 2)), "xy");
  assert.throws(() => conn.recv_into(buf, 17), RangeError);
  closeAll(u1, u2, cli, conn);
});

test("detach() gives up ownership; fromfd() adopts a duplicate", () => {
  const [cli, conn] = tcpPair();
  const fd = cli.detach();
  assert.equal(cli.fileno(), -1);
  assert.equal(cli.detach(), -1);
  const adopted = new usocket.Socket(usocket.AF_INET, usocket.SOCK_STREAM, 0, fd);
  adopted.sendall("adopted");
  assert.equal(text(conn.recv(20)), "adopted");
  const dup = usocket.fromfd(adopted.fileno(), usocket.AF_INET, usocket.SOCK_STREAM);
  assert.notEqual(dup.fileno(), adopted.fileno());
  adopted.close();
  dup.sendall("dup lives");
  assert.equal(text(conn.recv(20)), "dup lives");
  assert.throws(() => usocket.fromfd(-1, usocket.AF_INET, usocket.SOCK_STREAM), RangeError);
  closeAll(dup, conn);
});

test("fromfd() in a child process adopts a descriptor inherited from the parent", () => {
  const [cli, conn] = tcpPair();
  const args = isBun ? [peer("fromfd_child.ts"), "3"] : [...denoRun, peer("fromfd_child.ts"), "3"];
  const r = spawnSync(execPath, args, {
    stdio: ["ignore", "pipe", "pipe", cli.fileno()],
    timeout: 30000,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  cli.close();
  conn.settimeout(5);
  assert.equal(text(conn.read()), "hello from the child\n");
  conn.close();
});

test("IPv6 dual stack: a '::' listener with IPV6_V6ONLY 0 accepts an IPv4 client as ::ffff:127.0.0.1", () => {
  const srv = usocket.create_server(["::", 0], { family: usocket.AF_INET6, dualstack_ipv6: true });
  assert.equal(srv.getsockopt(usocket.IPPROTO_IPV6, usocket.IPV6_V6ONLY), 0);
  const c = usocket.socket(usocket.AF_INET);
  c.connect(["127.0.0.1", portOf(srv)]);
  const [conn, addr] = srv.accept();
  assert.equal((addr as [string, number])[0], "::ffff:127.0.0.1");
  assert.equal((addr as [string, number])[1], portOf(c));
  closeAll(c, conn, srv);
});

test("create_connection resolves localhost and tries each address; create_server binds and listens", () => {
  const [srv4, port] = listener();
  const c = usocket.create_connection(["localhost", port], 2);
  assert.equal(c.gettimeout(), 2);
  const [conn] = srv4.accept();
  c.sendall("cc");
  assert.equal(text(conn.recv(2)), "cc");
  closeAll(c, conn);
  srv4.close();
  assert.throws(
    () => usocket.create_connection(["127.0.0.1", port], 1),
    (e: unknown) => e instanceof usocket.OSError && e.errno === errno.ECONNREFUSED,
  );
  const srv = usocket.create_server(["127.0.0.1", 0], { backlog: 4 });
  assert.equal(srv.getsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR), 1);
  assert.equal(srv.getsockopt(usocket.SOL_SOCKET, usocket.SO_ACCEPTCONN), 1);
  const src = usocket.create_connection(["127.0.0.1", portOf(srv)], null, ["127.0.0.1", 0]);
  assert.equal((src.getsockname() as [string, number])[0], "127.0.0.1");
  closeAll(src, srv);
});

test("multicast: join/leave round trip; send and receive inside a private network namespace", () => {
  const rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  rx.bind(["0.0.0.0", 0]);
  // On the host: join and leave on loopback (no datagram is sent toward a group here).
  let joined = false;
  try {
    rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_ADD_MEMBERSHIP, usocket.ip_mreq("239.255.42.1", "127.0.0.1"));
    joined = true;
    rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_DROP_MEMBERSHIP, usocket.ip_mreq("239.255.42.1", "127.0.0.1"));
  } catch (e) {
    // lo without MULTICAST: the kernel may refuse (ENODEV); the namespace part still runs
    assert.ok(e instanceof usocket.OSError, String(e));
  }
  rx.close();
  const probe = spawnSync("unshare", ["-rn", "true"], { timeout: 10000 });
  if (probe.status !== 0) {
    console.log(`multicast: network namespaces unavailable; send/receive skipped (joined on host: ${joined})`);
    return;
  }
  const run = isBun
    ? `'${execPath}' '${peer("multicast_child.ts")}'`
    : `'${execPath}' ${denoRun.join(" ")} '${peer("multicast_child.ts")}'`;
  const script = `ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && exec ${run}`;
  const r = spawnSync("unshare", ["-rn", "sh", "-c", script], { timeout: 30000, encoding: "utf8" });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /received "hello group" from 127\.0\.0\.1/);
});
