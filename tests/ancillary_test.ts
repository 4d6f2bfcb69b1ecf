// sendmsg/recvmsg with ancillary data, descriptor passing, credentials,
// packet info, the error queue, tcp_info and interface names — over
// loopback, AF_UNIX and a child process.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { libc } from "../ffi/libc.ts";
import * as usocket from "../mod.ts";
import { decodeControl } from "../src/msghdr.ts";
import { C, E, L } from "../src/platform/mod.ts";
import {
  assertOSError,
  closeAll,
  emulation,
  emulationSkip,
  execPath,
  inetSocketCount,
  isBun,
  listener,
  settledFdCount,
  text,
  utf8,
} from "./helpers.ts";

const linux = process.platform === "linux";
// this process's uid and gid, from id(1): Deno's process.getuid needs --allow-sys and /proc/self
// --allow-all, which the suite does not grant
let idCache: [number, number] | undefined;
function ids(): [uid: number, gid: number] {
  const id = (flag: string) => Number(spawnSync("id", [flag], { encoding: "utf8", timeout: 10000 }).stdout.trim());
  return idCache ??= [id("-u"), id("-g")];
}
const peer = (name: string) => new URL(`./peers/${name}`, import.meta.url).pathname;

function udpRx(af = usocket.AF_INET): [usocket.Socket, usocket.Address] {
  const rx = usocket.socket(af, usocket.SOCK_DGRAM);
  rx.bind([af === usocket.AF_INET ? "127.0.0.1" : "::1", 0]);
  rx.settimeout(5);
  return [rx, rx.getsockname()];
}

test("sendmsg gathers buffers (bytes, strings, views) and sends to an address; recvmsg returns data, flags and sender", () => {
  const [rx, addr] = udpRx();
  const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  tx.bind(["127.0.0.1", 0]);
  const n = tx.sendmsg([utf8("ab"), "cd", new Uint16Array([0x6665]), new ArrayBuffer(0)], [], 0, addr);
  assert.equal(n, 6);
  const [data, anc, flags, from] = rx.recvmsg(64);
  assert.equal(text(data), "abcdef");
  assert.deepEqual(anc, []);
  assert.equal(flags, 0);
  assert.deepEqual(from, tx.getsockname());
  // no buffers at all: an empty datagram
  assert.equal(tx.sendmsg([], null, 0, addr), 0);
  if (emulation) {
    // qemu-user 7.2's sendmsg returns 0 without sending when there is no iovec (tools/qemu_limits.c)
    console.log(`sendmsg with no buffers: its empty datagram not awaited under ${emulation}, which sends none`);
  } else {
    assert.equal(rx.recvmsg(8)[0].length, 0);
  }
  closeAll(rx, tx);
});

test("recvmsg_into scatters a datagram over buffers in order and reports MSG_TRUNC", () => {
  const [rx, addr] = udpRx();
  const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  tx.sendto("HEADbodyTAIL", addr);
  const head = new Uint8Array(4), body = new Uint8Array(4), rest = new Uint8Array(16);
  const [n, anc, flags, from] = rx.recvmsg_into([head, body, rest]);
  assert.equal(n, 12);
  assert.deepEqual([text(head), text(body), text(rest.subarray(0, 4))], ["HEAD", "body", "TAIL"]);
  assert.deepEqual(anc, []);
  assert.equal(flags & usocket.MSG_TRUNC, 0);
  assert.equal((from as [string, number])[0], "127.0.0.1");
  tx.sendto("0123456789", addr);
  const small = [new Uint8Array(3), new Uint8Array(2)];
  const r = rx.recvmsg_into(small);
  assert.equal(r[0], 5);
  assert.notEqual(r[2] & usocket.MSG_TRUNC, 0);
  assert.deepEqual(small.map(text), ["012", "34"]);
  // recvmsg: MSG_TRUNC too, only bufsize bytes returned
  tx.sendto("0123456789", addr);
  const [d, , f] = rx.recvmsg(4);
  assert.equal(text(d), "0123");
  assert.notEqual(f & usocket.MSG_TRUNC, 0);
  closeAll(rx, tx);
});

test("on a stream socket sendmsg sends every buffer, and recvmsg serves the readline buffer first", () => {
  const [a, b] = usocket.socketpair();
  b.settimeout(5);
  assert.equal(a.sendmsg(["line one\nrest", "!"]), 14);
  assert.equal(text(b.readline()), "line one\n");
  const [data, anc, flags, from] = b.recvmsg(64);
  assert.equal(text(data), "rest!");
  assert.deepEqual([anc, flags, from], [[], 0, null]);
  a.sendall("x\nyz");
  b.readline();
  const buf = new Uint8Array(8);
  assert.equal(b.recvmsg_into([buf])[0], 2);
  assert.equal(text(buf.subarray(0, 2)), "yz");
  closeAll(a, b);
});

// The leak checks below count IPv4/IPv6 sockets only (every descriptor passed
// here is one), after earlier tests' garbage is collected (settledFdCount). A
// count of all descriptors failed in Bun's one-process suite under load (in
// CI, and twice in fresh-clone runs here: 14 open where 16 were counted
// before): the runtime closes descriptors of its own (child processes' stdio
// pairs, collected native objects) at any allocation, which such a count
// cannot tell from a leak.
test("SCM_RIGHTS: descriptors passed over a socketpair are new, close-on-exec and usable; the sender's stay open", async () => {
  await settledFdCount();
  const before = inetSocketCount();
  const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  b.settimeout(5);
  const [rx, addr] = udpRx();
  const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  tx.connect(addr);
  assert.equal(usocket.send_fds(a, ["two fds"], [tx.fileno(), rx.fileno()]), 7);
  const [data, fds, flags, from] = usocket.recv_fds(b, 64, 4);
  assert.equal(text(data), "two fds");
  assert.equal(flags & usocket.MSG_CTRUNC, 0);
  assert.equal(from, null);
  assert.equal(fds.length, 2);
  for (const fd of fds) {
    assert.ok(![tx.fileno(), rx.fileno()].includes(fd));
    assert.equal(libc.fcntl(fd, C.F_GETFD, 0) & C.FD_CLOEXEC, C.FD_CLOEXEC, `fd ${fd} close-on-exec`);
  }
  const tx2 = new usocket.Socket(usocket.AF_INET, usocket.SOCK_DGRAM, 0, fds[0]);
  tx2.send("via the passed fd");
  assert.equal(text(rx.recv(64)), "via the passed fd");
  new usocket.Socket(usocket.AF_INET, usocket.SOCK_DGRAM, 0, fds[1]).close();
  tx.send("original still open");
  assert.equal(text(rx.recv(64)), "original still open");
  // the same through sendmsg + decode_cmsg
  a.sendmsg(["m"], [usocket.cmsg_rights([rx.fileno()])]);
  const [, anc] = b.recvmsg(8, usocket.CMSG_SPACE(4));
  const d = usocket.decode_cmsg(anc[0]);
  assert.equal(d?.kind, "rights");
  libc.close((d as { fds: number[] }).fds[0]);
  closeAll(tx2, a, b, rx, tx);
  assert.equal(inetSocketCount(), before);
});

test("SCM_RIGHTS truncated: descriptors beyond maxfds are closed by the kernel (MSG_CTRUNC), none leak", {
  skip: emulationSkip(
    "SCM_RIGHTS truncation (qemu-user receives into a larger buffer of its own: no MSG_CTRUNC, the rest stay open)",
  ),
}, async () => {
  await settledFdCount();
  const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  b.settimeout(5);
  const extra = [usocket.socket(), usocket.socket(), usocket.socket()];
  const before = inetSocketCount();
  usocket.send_fds(a, ["3"], extra.map((s) => s.fileno()));
  const [, fds, flags] = usocket.recv_fds(b, 8, 1);
  assert.equal(fds.length, 1);
  assert.notEqual(flags & usocket.MSG_CTRUNC, 0);
  libc.close(fds[0]);
  assert.equal(inetSocketCount(), before);
  // no room at all: every descriptor dropped
  usocket.send_fds(a, ["0"], extra.map((s) => s.fileno()));
  const [data, none, f0] = usocket.recv_fds(b, 8, 0);
  assert.equal(text(data), "0");
  assert.deepEqual(none, []);
  assert.notEqual(f0 & usocket.MSG_CTRUNC, 0);
  assert.equal(inetSocketCount(), before);
  closeAll(...extra, a, b);
});

test("send_fds with a closed descriptor raises EBADF and sends nothing; bad fds are a RangeError/TypeError first", () => {
  const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  const s = usocket.socket();
  const dead = s.fileno();
  s.close();
  assertOSError(() => usocket.send_fds(a, ["x"], [dead]), E.EBADF, "closed fd");
  b.setblocking(false);
  assertOSError(() => b.recv(8), E.EAGAIN, "nothing was sent");
  assert.throws(() => usocket.send_fds(a, ["x"], [1.5]), RangeError);
  assert.throws(() => usocket.send_fds(a, ["x"], ["3" as unknown as number]), TypeError);
  closeAll(a, b);
});

test("a descriptor passed to a child process is used there; its credentials and SO_PEERCRED name the child's pid", () => {
  const dir = mkdtempSync(join(tmpdir(), "usocket-anc-"));
  const [p, c] = usocket.socketpair();
  const [rx, addr] = udpRx();
  const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  tx.connect(addr);
  const creds = usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  const lst = usocket.socket(usocket.AF_UNIX, usocket.SOCK_STREAM);
  try {
    creds.bind(join(dir, "d"));
    creds.setsockopt(usocket.SOL_SOCKET, usocket.SO_PASSCRED, 1);
    creds.settimeout(5);
    lst.bind(join(dir, "l"));
    lst.listen(1);
    lst.settimeout(5);
    usocket.send_fds(p, ["hello"], [tx.fileno()]);
    const flags = ["--allow-ffi", "--allow-read", "--allow-env"];
    const script = peer("ancillary_child.ts");
    const args = isBun
      ? [script, join(dir, "d"), join(dir, "l")]
      : ["run", ...flags, script, join(dir, "d"), join(dir, "l")];
    const r = spawnSync(execPath, args, {
      stdio: ["ignore", "pipe", "pipe", c.fileno()],
      timeout: 30000,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    assert.equal(out.pid, r.pid);
    assert.equal(out.fds, 1);
    assert.equal(text(rx.recv(64)), `child ${r.pid} got hello`);
    const [data, anc] = creds.recvmsg(64, usocket.CMSG_SPACE(L.ucred!.size));
    assert.equal(text(data), "credentials");
    assert.deepEqual(usocket.decode_cmsg(anc[0]), {
      kind: "credentials",
      pid: r.pid,
      uid: ids()[0],
      gid: ids()[1],
    });
    const [conn] = lst.accept();
    assert.deepEqual(usocket.peercred(conn), [r.pid, ...ids()]);
    conn.close();
  } finally {
    closeAll(p, c, rx, tx, creds, lst);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("peercred and SO_PEERCRED's raw bytes; SCM_CREDENTIALS sent explicitly", { skip: !linux }, () => {
  const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  b.settimeout(5);
  const me: [number, number, number] = [process.pid, ...ids()];
  assert.deepEqual(usocket.peercred(a), me);
  const raw = a.getsockopt(usocket.SOL_SOCKET, usocket.SO_PEERCRED, 12);
  assert.equal(raw.length, 12);
  assert.equal(new DataView(raw.buffer, raw.byteOffset).getInt32(0, true), process.pid);
  b.setsockopt(usocket.SOL_SOCKET, usocket.SO_PASSCRED, 1);
  a.sendmsg(["c"], [usocket.cmsg_credentials(...me)]);
  const [, anc] = b.recvmsg(8, 64);
  assert.deepEqual(usocket.decode_cmsg(anc[0]), { kind: "credentials", pid: me[0], uid: me[1], gid: me[2] });
  // another pid is refused unless privileged (root may claim any)
  if (me[1] !== 0) assertOSError(() => a.sendmsg(["c"], [usocket.cmsg_credentials(1, 0, 0)]), E.EPERM);
  closeAll(a, b);
});

test("IP_PKTINFO reports the arrival interface (lo) and addresses; cmsg_pktinfo picks the source on send", () => {
  const [rx, addr] = udpRx();
  rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_PKTINFO, 1);
  const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  tx.sendmsg(["x"], [usocket.cmsg_pktinfo(0, "127.0.0.1")], 0, addr);
  const [, anc, , from] = rx.recvmsg(8, usocket.CMSG_SPACE(L.in_pktinfo.size));
  assert.deepEqual(usocket.decode_cmsg(anc[0]), {
    kind: "pktinfo",
    ifindex: usocket.if_nametoindex("lo"),
    spec_dst: "127.0.0.1",
    addr: "127.0.0.1",
  });
  assert.equal((from as [string, number])[0], "127.0.0.1");
  closeAll(rx, tx);
});

test("IPV6_PKTINFO and IPV6_HOPLIMIT on ::1; IP_RECVTTL gives the sender's TTL", () => {
  const [rx6, addr6] = udpRx(usocket.AF_INET6);
  rx6.setsockopt(usocket.IPPROTO_IPV6, usocket.IPV6_RECVPKTINFO, 1);
  rx6.setsockopt(usocket.IPPROTO_IPV6, usocket.IPV6_RECVHOPLIMIT, 1);
  const tx6 = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM);
  tx6.setsockopt(usocket.IPPROTO_IPV6, usocket.IPV6_UNICAST_HOPS, 9);
  tx6.sendmsg(["x"], [usocket.cmsg_pktinfo6("::1", 0)], 0, addr6);
  const [, anc6] = rx6.recvmsg(8, 128);
  const decoded = anc6.map(usocket.decode_cmsg);
  assert.deepEqual(decoded.find((d) => d?.kind === "pktinfo6"), {
    kind: "pktinfo6",
    addr: "::1",
    ifindex: usocket.if_nametoindex("lo"),
  });
  assert.deepEqual(decoded.find((d) => d?.kind === "hoplimit"), { kind: "hoplimit", hoplimit: 9 });
  const [rx, addr] = udpRx();
  rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_RECVTTL, 1);
  const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  tx.setsockopt(usocket.IPPROTO_IP, usocket.IP_TTL, 7);
  tx.sendto("x", addr);
  const [, anc] = rx.recvmsg(8, usocket.CMSG_SPACE(4));
  assert.deepEqual(usocket.decode_cmsg(anc[0]), { kind: "ttl", ttl: 7 });
  closeAll(rx6, tx6, rx, tx);
});

test("SO_TIMESTAMPNS: arrival time near now; a control buffer too small gives MSG_CTRUNC and a short item, never more", () => {
  const [rx, addr] = udpRx();
  try {
    rx.setsockopt(usocket.SOL_SOCKET, usocket.SO_TIMESTAMPNS, 1);
  } catch (e) {
    // qemu-user 7.2 does not translate SO_TIMESTAMPNS (tools/qemu_limits.c); natively it must work
    if (!emulation || !(e instanceof usocket.OSError) || e.errno !== usocket.errno.ENOPROTOOPT) throw e;
    console.log(`SO_TIMESTAMPNS: ENOPROTOOPT from ${emulation}; the rest of this test skipped`);
    rx.close();
    return;
  }
  const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  tx.sendto("t", addr);
  const [, anc, flags] = rx.recvmsg(8, usocket.CMSG_SPACE(L.timespec.size));
  assert.equal(flags & usocket.MSG_CTRUNC, 0);
  const ts = usocket.decode_cmsg(anc[0]) as { kind: string; sec: number; nsec: number };
  assert.equal(ts.kind, "timestampns");
  assert.ok(Math.abs(ts.sec + ts.nsec / 1e9 - Date.now() / 1000) < 60, `timestamp ${ts.sec}`);
  assert.ok(ts.nsec >= 0 && ts.nsec < 1e9);
  for (const room of [usocket.CMSG_LEN(0), usocket.CMSG_LEN(4), usocket.CMSG_LEN(0) - 1, 1]) {
    tx.sendto("t", addr);
    const [d, items, f] = rx.recvmsg(8, room);
    assert.equal(text(d), "t");
    assert.notEqual(f & usocket.MSG_CTRUNC, 0, `room ${room}`);
    for (const [, , data] of items) assert.ok(data.length <= Math.max(0, room - usocket.CMSG_LEN(0)));
    for (const item of items) assert.equal(usocket.decode_cmsg(item), null);
  }
  closeAll(rx, tx);
});

test("IP_RECVERR: a refused datagram's ICMP error is read from the error queue (MSG_ERRQUEUE) with its offender", {
  skip: !linux,
}, () => {
  // a port with nothing bound: bind one, note it, close it
  const probe = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  probe.bind(["127.0.0.1", 0]);
  const dead = probe.getsockname();
  probe.close();
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  s.setsockopt(usocket.IPPROTO_IP, usocket.IP_RECVERR, 1);
  s.settimeout(5);
  s.sendto("anyone?", dead);
  // the error arrives asynchronously: poll until the queue has it (POLLERR), bounded
  const p = usocket.select.poll();
  p.register(s, usocket.select.POLLIN);
  assert.ok(p.poll(5000).length > 0, "no error within 5 s");
  const [data, anc, flags, from] = s.recvmsg(64, 512, usocket.MSG_ERRQUEUE);
  assert.notEqual(flags & usocket.MSG_ERRQUEUE, 0);
  assert.equal(text(data), "anyone?"); // the datagram that failed
  assert.deepEqual(from, dead);
  const err = anc.map(usocket.decode_cmsg).find((d) => d?.kind === "recverr");
  assert.deepEqual(err, {
    kind: "recverr",
    errno: E.ECONNREFUSED,
    origin: usocket.SO_EE_ORIGIN_ICMP,
    type: 3, // destination unreachable
    code: 3, // port unreachable
    info: 0,
    data: 0,
    offender: ["127.0.0.1", 0],
  });
  s.close();
});

test("decoding a control buffer never reads past the length or the buffer (random bytes)", () => {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 2000; i++) {
    const size = Math.floor(rnd() * 200);
    const buf = new Uint8Array(size);
    for (let j = 0; j < size; j++) buf[j] = rnd() < 0.5 ? Math.floor(rnd() * 256) : Math.floor(rnd() * 40);
    const len = Math.floor(rnd() * (size + 40));
    const items = decodeControl(buf, len);
    let total = 0;
    for (const item of items) {
      total += item[2].length + usocket.CMSG_LEN(0);
      usocket.decode_cmsg(item); // must not throw
    }
    assert.ok(total <= Math.min(len, size) + items.length * 8, `${total} > ${len}`);
  }
});

test("bad arguments are TypeError/RangeError naming the argument, before any syscall", () => {
  const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  b.setblocking(false);
  const cases: [() => unknown, RegExp, typeof TypeError][] = [
    [() => a.sendmsg("abc" as unknown as string[]), /buffers/, TypeError],
    [() => a.sendmsg(new Uint8Array(4) as unknown as Uint8Array[]), /buffers/, TypeError],
    [() => a.sendmsg([1 as unknown as string]), /buffers\[0\]/, TypeError],
    [() => a.sendmsg(Array(1025).fill("x")), /1024 buffers/, RangeError],
    [() => a.sendmsg(["x"], 5 as unknown as []), /ancdata/, TypeError],
    [() => a.sendmsg(["x"], [[1, 2] as unknown as [number, number, string]]), /ancdata\[0\]/, TypeError],
    [() => a.sendmsg(["x"], [[1.5, 2, "d"]]), /ancdata\[0\]\[0\] \(level\)/, RangeError],
    [() => a.sendmsg(["x"], [[1, 2, 3 as unknown as string]]), /ancdata\[0\]\[2\]/, TypeError],
    [() => a.sendmsg(["x"], [[1, 2, new Uint8Array(1 << 20)]]), /control data/, RangeError],
    [() => a.sendmsg(["x"], [], 0.5), /flags/, RangeError],
    [() => b.recvmsg(-1), /bufsize/, RangeError],
    [() => b.recvmsg(8, -1), /ancbufsize/, RangeError],
    [() => b.recvmsg(8, 2 ** 31), /ancbufsize/, RangeError],
    [() => b.recvmsg(8, 1.5), /ancbufsize/, RangeError],
    [() => b.recvmsg_into([new Uint8Array(1)], 1 << 21), /ancbufsize/, RangeError],
    [() => b.recvmsg_into(["x" as unknown as Uint8Array]), /buffers\[0\]/, TypeError],
    [() => b.recvmsg_into(null as unknown as Uint8Array[]), /buffers/, TypeError],
    [() => usocket.recv_fds(b, 8, -1), /maxfds/, RangeError],
    [() => usocket.CMSG_LEN(-1), /length/, RangeError],
    [() => usocket.CMSG_SPACE(2 ** 40), /length/, RangeError],
    [() => usocket.decode_cmsg([1, 2] as unknown as usocket.AncItem), /item/, TypeError],
    [() => usocket.if_indextoname(0), /index/, RangeError],
    [() => usocket.if_nametoindex(5 as unknown as string), /name/, TypeError],
  ];
  for (const [fn, msg, kind] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof kind && msg.test((e as Error).message), String(fn));
  }
  assertOSError(() => b.recv(8), E.EAGAIN, "nothing was sent by a refused call");
  closeAll(a, b);
});

test("recvmsg blocks with the socket's timeout (ETIMEDOUT) and returns EAGAIN when non-blocking; closed: EBADF", () => {
  const [rx] = udpRx();
  rx.settimeout(0.2);
  const t0 = performance.now();
  assertOSError(() => rx.recvmsg(8, 64), E.ETIMEDOUT);
  assert.ok(performance.now() - t0 >= 190);
  rx.setblocking(false);
  assertOSError(() => rx.recvmsg_into([new Uint8Array(4)]), E.EAGAIN);
  rx.close();
  assertOSError(() => rx.recvmsg(8), E.EBADF);
  assertOSError(() => rx.sendmsg(["x"]), E.EBADF);
});

test("sendmsg/recvmsg_into of many small fresh buffers stay correct across garbage collections", () => {
  const [a, b] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  b.settimeout(5);
  for (let i = 0; i < 5000; i++) {
    const parts = [new Uint8Array([i & 255]), new Uint8Array([(i >> 8) & 255, 7]), new Uint8Array(i % 5)];
    const junk = Array.from({ length: 20 }, () => new Uint8Array(64)); // churn the young generation
    assert.equal(a.sendmsg(parts), 3 + (i % 5));
    const x = new Uint8Array(1), y = new Uint8Array(2), z = new Uint8Array(8);
    const [n] = b.recvmsg_into([x, y, z]);
    assert.equal(n, 3 + (i % 5));
    assert.deepEqual([x[0], y[0], y[1]], [i & 255, (i >> 8) & 255, 7], `round ${i}`);
    junk.length = 0;
  }
  closeAll(a, b);
});

test("tcp_info decodes a connection's state within the length the kernel returned", { skip: !linux }, () => {
  const [srv, port] = listener();
  const c = usocket.socket();
  c.connect(["127.0.0.1", port]);
  const [conn] = srv.accept();
  c.sendall(new Uint8Array(10000));
  conn.settimeout(5);
  let got = 0;
  while (got < 10000) got += conn.recv(65536).length;
  const info = usocket.tcp_info(c);
  assert.equal(info.tcpi_state, 1); // TCP_ESTABLISHED
  const length = c.getsockopt(usocket.IPPROTO_TCP, C.TCP_INFO, L.tcp_info!.size).length;
  if (emulation && length < L.tcp_info!.size) {
    // qemu-user 7.2 copies TCP_INFO back as an int: 4 bytes (tools/qemu_limits.c). Then only
    // what lies in them is decoded.
    console.log(`tcp_info: ${emulation} returned ${length} of ${L.tcp_info!.size} bytes; nothing past them decoded`);
    const offsets = L.tcp_info as unknown as Record<string, number>;
    for (const key of Object.keys(info)) assert.ok(offsets[key] < length, `${key} at ${offsets[key]} decoded`);
    assert.equal(info.tcpi_rtt, undefined);
    assert.equal(info.tcpi_bytes_acked, undefined);
    assert.equal(usocket.tcp_info(srv).tcpi_state, 10); // TCP_LISTEN
    closeAll(c, conn, srv);
    return;
  }
  assert.ok(
    info.tcpi_snd_mss! > 0 && info.tcpi_rtt! > 0,
    JSON.stringify(info, (_, v) => typeof v === "bigint" ? String(v) : v),
  );
  assert.equal(typeof info.tcpi_bytes_acked, "bigint");
  assert.ok(info.tcpi_bytes_acked! >= 10000n);
  assert.ok(info.tcpi_snd_wscale! >= 0 && info.tcpi_snd_wscale! <= 14);
  assert.equal(usocket.tcp_info(srv).tcpi_state, 10); // TCP_LISTEN
  const u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  assert.throws(() => usocket.tcp_info(u), usocket.OSError);
  closeAll(c, conn, srv, u);
});

test("if_nameindex lists lo; if_indextoname and if_nametoindex agree; unknown names and indexes are OSError", () => {
  const all = usocket.if_nameindex();
  const lo = usocket.if_nametoindex("lo");
  assert.ok(all.some(([i, name]) => i === lo && name === "lo"), JSON.stringify(all));
  for (const [i, name] of all) {
    assert.equal(usocket.if_indextoname(i), name);
    assert.equal(usocket.if_nametoindex(name), i);
  }
  assertOSError(() => usocket.if_nametoindex("no-such-if0"), E.ENODEV);
  assertOSError(() => usocket.if_nametoindex("x".repeat(40)), E.ENODEV);
  const unused = Math.max(...all.map(([i]) => i)) + 1000;
  assertOSError(() => usocket.if_indextoname(unused), E.ENXIO);
});
