// Batched datagrams: sendmmsg/recvmmsg over DatagramBatch, UDP GSO
// (UDP_SEGMENT) and GRO (UDP_GRO) — over loopback (127.0.0.1, ::1), an
// AF_UNIX datagram pair, and CPython's socket module as an independent peer.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { assertOSError, closeAll, utf8 } from "./helpers.ts";

const linux = process.platform === "linux";
const python = process.env.PYTHON ?? "python3";
const WAIT = 5; // every receive below is bounded by this many seconds

function udp(af = usocket.AF_INET): [usocket.Socket, usocket.Address] {
  const s = usocket.socket(af, usocket.SOCK_DGRAM);
  s.bind([af === usocket.AF_INET ? "127.0.0.1" : "::1", 0]);
  s.settimeout(WAIT);
  return [s, s.getsockname()];
}

/** Deterministic bytes for message `i` of length `len`: every byte checked on arrival. */
function pattern(i: number, len: number, out?: Uint8Array): Uint8Array {
  const b = out ?? new Uint8Array(len);
  for (let k = 0; k < len; k++) b[k] = (i * 31 + k * 7 + (k >> 8)) & 0xff;
  return b;
}

function assertPattern(got: Uint8Array, i: number, len: number, label: string): void {
  assert.equal(got.length, len, `${label}: length`);
  const want = pattern(i, len);
  for (let k = 0; k < len; k++) {
    if (got[k] !== want[k]) assert.fail(`${label}: byte ${k} is ${got[k]}, expected ${want[k]}`);
  }
}

/** Receives `total` datagrams into `b` with as many recvmmsg calls as it takes; calls `each(i, slot, n)` per datagram. */
function drain(
  rx: usocket.Socket,
  b: usocket.DatagramBatch,
  total: number,
  each: (k: number, j: number) => void,
): number {
  let got = 0, calls = 0;
  while (got < total) {
    const n = rx.recvmmsg(b, Math.min(b.count, total - got));
    assert.ok(n >= 1 && n <= b.count, `recvmmsg returned ${n}`);
    for (let j = 0; j < n; j++) each(got + j, j);
    got += n;
    calls++;
  }
  return calls;
}

// Whether this kernel does UDP GSO/GRO (Linux 4.18/5.0 and later): asked of the kernel, not assumed.
function probeGso(): string | false {
  if (!linux) return "UDP GSO/GRO is Linux's";
  const s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  try {
    s.setsockopt(usocket.SOL_UDP, usocket.UDP_SEGMENT, 1000);
    s.setsockopt(usocket.SOL_UDP, usocket.UDP_GRO, 1);
    return false;
  } catch (e) {
    const why = `the kernel refuses UDP_SEGMENT/UDP_GRO (${(e as Error).message}): GSO/GRO tests skipped`;
    console.log(why);
    return why;
  } finally {
    s.close();
  }
}
const gsoSkip = probeGso();

test("sendmmsg then recvmmsg: 200 datagrams of 0-1 472 bytes, every byte, length, flag and sender checked", {
  skip: !linux,
}, () => {
  const [rx, addr] = udp();
  rx.setsockopt(usocket.SOL_SOCKET, usocket.SO_RCVBUF, 1 << 20);
  const [tx, txAddr] = udp();
  const out = new usocket.DatagramBatch(50, 1472, { addresses: false });
  const inb = new usocket.DatagramBatch(64, 1472);
  const lenOf = (i: number) => (i * 97) % 1473; // 0 … 1472, including empty datagrams
  for (let round = 0; round < 4; round++) {
    for (let j = 0; j < 50; j++) {
      const i = round * 50 + j;
      pattern(i, lenOf(i), out.slots[j]);
      out.lengths[j] = lenOf(i);
    }
    assert.equal(tx.sendmmsg(out, 50, 0, addr), 50);
  }
  const calls = drain(rx, inb, 200, (i, j) => {
    assertPattern(inb.slots[j].subarray(0, inb.lengths[j]), i, lenOf(i), `datagram ${i}`);
    assert.equal(inb.flags[j], 0, `datagram ${i}: flags`);
    assert.deepEqual(inb.address(j), txAddr, `datagram ${i}: sender`);
  });
  assert.ok(calls <= 200 / 2, `200 datagrams in ${calls} calls: batches of more than one`);
  // nothing more queued
  rx.setblocking(false);
  assertOSError(() => rx.recvmmsg(inb), usocket.errno.EAGAIN);
  closeAll(rx, tx);
});

test("IPv6 (::1): per-slot destinations and per-datagram senders", { skip: !linux }, () => {
  const [rxA, addrA] = udp(usocket.AF_INET6);
  const [rxB, addrB] = udp(usocket.AF_INET6);
  const [tx1, tx1Addr] = udp(usocket.AF_INET6);
  const [tx2, tx2Addr] = udp(usocket.AF_INET6);
  const out = new usocket.DatagramBatch(6, 32, { family: usocket.AF_INET6 });
  for (let i = 0; i < 6; i++) {
    out.setAddress(i, i % 2 === 0 ? addrA : addrB);
    out.slots[i].set(utf8(`m${i}`));
    out.lengths[i] = 2;
  }
  assert.deepEqual(out.address(1), addrB);
  assert.equal(tx1.sendmmsg(out, 3), 3); // m0 → A, m1 → B, m2 → A
  out.slots[0].set(utf8("n3"));
  out.slots[1].set(utf8("n4"));
  out.slots[2].set(utf8("n5"));
  assert.equal(tx2.sendmmsg(out, 3), 3); // n3 → A, n4 → B, n5 → A
  const inb = new usocket.DatagramBatch(8, 32);
  const seen: string[] = [];
  for (const [rx, want] of [[rxA, 4], [rxB, 2]] as const) {
    drain(rx, inb, want, (_i, j) => {
      const msg = new TextDecoder().decode(inb.slots[j].subarray(0, inb.lengths[j]));
      seen.push(msg);
      assert.deepEqual(inb.address(j), msg[0] === "m" ? tx1Addr : tx2Addr, `${msg}: its sender`);
    });
  }
  assert.deepEqual(seen.sort(), ["m0", "m1", "m2", "n3", "n4", "n5"]);
  closeAll(rxA, rxB, tx1, tx2);
});

test("recvmmsg then sendmmsg(batch, n) echoes each datagram to its own sender", { skip: !linux }, () => {
  const [srv, srvAddr] = udp();
  const clients = [udp(), udp(), udp()];
  clients.forEach(([c], i) => c.sendto(`hello ${i}`, srvAddr));
  const b = new usocket.DatagramBatch(8, 64);
  const n = srv.recvmmsg(b); // loopback delivers at once: all three are queued
  assert.equal(n, 3);
  assert.equal(srv.sendmmsg(b, n), n);
  clients.forEach(([c], i) => assert.equal(new TextDecoder().decode(c.recv(64)), `hello ${i}`));
  closeAll(srv, ...clients.map(([c]) => c));
});

test("one batch through every mode in turn: a call's address, per-slot addresses, receive, echo, again", {
  skip: !linux,
}, () => {
  const [a, aAddr] = udp();
  const [b, bAddr] = udp();
  for (const opts of [{}, { buffer: new Uint8Array(4 * 100 + 3).subarray(3) }]) {
    const batch = new usocket.DatagramBatch(4, 100, opts);
    const say = (n: number, tag: string) => {
      for (let i = 0; i < n; i++) {
        const m = utf8(`${tag}${i}`);
        batch.slots[i].set(m);
        batch.lengths[i] = m.length;
      }
    };
    const hear = (s: usocket.Socket, n: number, tag: string) => {
      const got: string[] = [];
      const inb = new usocket.DatagramBatch(8, 100);
      drain(s, inb, n, (_i, j) => got.push(new TextDecoder().decode(inb.slots[j].subarray(0, inb.lengths[j]))));
      assert.deepEqual(got, Array.from({ length: n }, (_, i) => `${tag}${i}`));
    };
    say(3, "x");
    assert.equal(a.sendmmsg(batch, 3, 0, bAddr), 3); // the call's address
    hear(b, 3, "x");
    say(2, "y");
    batch.setAddress(0, bAddr);
    batch.setAddress(1, bAddr);
    assert.equal(a.sendmmsg(batch, 2), 2); // per-slot addresses
    hear(b, 2, "y");
    say(4, "z");
    assert.equal(b.sendmmsg(batch, 4, 0, aAddr), 4);
    assert.equal(a.recvmmsg(batch), 4); // receive into the same batch: senders become the slots' addresses
    assert.deepEqual(batch.address(3), bAddr);
    assert.equal(a.sendmmsg(batch, 4), 4); // echo
    hear(b, 4, "z");
    say(1, "w");
    assert.equal(a.sendmmsg(batch, 1, 0, bAddr), 1); // the call's address again
    hear(b, 1, "w");
  }
  closeAll(a, b);
});

test("truncation: MSG_TRUNC per message, and the real lengths with the MSG_TRUNC flag", { skip: !linux }, () => {
  const [rx, addr] = udp();
  const [tx] = udp();
  const sizes = [10, 16, 17, 300, 5];
  const b = new usocket.DatagramBatch(8, 16);
  sizes.forEach((len, i) => tx.sendto(pattern(i, len), addr));
  drain(rx, b, sizes.length, (i, j) => {
    const len = sizes[i], cut = Math.min(len, 16);
    assert.equal(b.flags[j] & usocket.MSG_TRUNC, len > 16 ? usocket.MSG_TRUNC : 0, `message ${i}: MSG_TRUNC`);
    assert.equal(b.lengths[j], cut, `message ${i}: length`);
    assertPattern(b.slots[j].subarray(0, cut), i, cut, `message ${i}`);
  });
  // with the MSG_TRUNC flag asked for: each message's real length
  sizes.forEach((len, i) => tx.sendto(pattern(i, len), addr));
  let got = 0;
  while (got < sizes.length) {
    const n = rx.recvmmsg(b, 8, usocket.MSG_TRUNC);
    for (let j = 0; j < n; j++) {
      const i = got + j, cut = Math.min(sizes[i], 16);
      assert.equal(b.lengths[j], sizes[i], `MSG_TRUNC: message ${i}'s real length`);
      assertPattern(b.slots[j].subarray(0, cut), i, cut, `MSG_TRUNC: message ${i}`);
    }
    got += n;
  }
  closeAll(rx, tx);
});

test(
  "count bounds a receive; MSG_WAITFORONE: a blocking call returns what is queued, not count",
  { skip: !linux },
  () => {
    const [rx, addr] = udp();
    rx.settimeout(null); // blocking: with datagrams queued it must not wait for more
    const [tx] = udp();
    for (let i = 0; i < 5; i++) tx.sendto(pattern(i, 20), addr);
    const b = new usocket.DatagramBatch(16, 64);
    // loopback delivers synchronously: all 5 are queued before the first call
    assert.equal(rx.recvmmsg(b, 2), 2);
    assertPattern(b.slots[1].subarray(0, b.lengths[1]), 1, 20, "second");
    const t0 = performance.now();
    assert.equal(rx.recvmmsg(b), 3); // 16 asked, 3 queued: returns at once
    assert.ok(performance.now() - t0 < 1000);
    assertPattern(b.slots[0].subarray(0, b.lengths[0]), 2, 20, "third");
    assert.equal(rx.recvmmsg(b, 0), 0); // no syscall
    closeAll(rx, tx);
  },
);

test("non-blocking and timeouts: EAGAIN, MSG_DONTWAIT, ETIMEDOUT within the timeout", { skip: !linux }, () => {
  const [rx, addr] = udp();
  const b = new usocket.DatagramBatch(4, 64);
  rx.setblocking(false);
  assertOSError(() => rx.recvmmsg(b), usocket.errno.EAGAIN, "non-blocking");
  rx.setblocking(true);
  assertOSError(() => rx.recvmmsg(b, 4, usocket.MSG_DONTWAIT), usocket.errno.EAGAIN, "MSG_DONTWAIT");
  for (const t of [0.05, 0.3]) {
    rx.settimeout(t);
    const t0 = performance.now();
    assertOSError(() => rx.recvmmsg(b), usocket.errno.ETIMEDOUT, `timeout ${t}`);
    const ms = performance.now() - t0;
    assert.ok(ms >= t * 1000 - 5 && ms < t * 1000 + 1500, `timeout ${t} s took ${ms.toFixed(0)} ms`);
  }
  // a timed socket with a datagram queued returns it at once
  const [tx] = udp();
  tx.sendto("x", addr);
  assert.equal(rx.recvmmsg(b), 1);
  // sendmmsg on a non-blocking socket whose peer's queue is full: a partial count, then EAGAIN (AF_UNIX datagrams)
  const [a, z] = usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  a.setblocking(false);
  const out = new usocket.DatagramBatch(1024, 2048, { addresses: false });
  for (let i = 0; i < 1024; i++) {
    pattern(i, 2048, out.slots[i]);
    out.lengths[i] = 2048;
  }
  const sent = a.sendmmsg(out);
  assert.ok(sent >= 1 && sent < 1024, `sent ${sent} of 1 024 into a bounded queue`);
  assertOSError(() => a.sendmmsg(out), usocket.errno.EAGAIN, "full queue");
  z.settimeout(WAIT);
  const inb = new usocket.DatagramBatch(64, 2048, { addresses: false });
  drain(z, inb, sent, (i, j) => assertPattern(inb.slots[j].subarray(0, inb.lengths[j]), i, 2048, `unix ${i}`));
  z.setblocking(false);
  assertOSError(() => z.recvmmsg(inb), usocket.errno.EAGAIN, "all read");
  closeAll(rx, tx, a, z);
});

test("errors from the kernel are OSError with its errno: ECONNREFUSED after an ICMP port unreachable, EMSGSIZE", {
  skip: !linux,
}, () => {
  // a port nobody listens on: bind one, note it, close it
  const [gone, goneAddr] = udp();
  gone.close();
  const [s] = udp();
  s.connect(goneAddr);
  const b = new usocket.DatagramBatch(4, 64, { addresses: false });
  b.lengths.fill(8);
  assert.equal(s.sendmmsg(b, 1), 1); // sent; the ICMP error comes back on loopback at once
  assertOSError(() => s.recvmmsg(b), usocket.errno.ECONNREFUSED, "recvmmsg");
  assert.equal(s.sendmmsg(b, 1), 1);
  assertOSError(() => s.sendmmsg(b, 1), usocket.errno.ECONNREFUSED, "sendmmsg");
  // a datagram over UDP's 65 507-byte limit
  const [rx, addr] = udp();
  const big = new usocket.DatagramBatch(1, 70000, { addresses: false });
  big.lengths[0] = 70000;
  assertOSError(() => rx.sendmmsg(big, 1, 0, addr), usocket.errno.EMSGSIZE, "EMSGSIZE");
  closeAll(s, rx);
});

test("bad arguments: TypeError/RangeError naming the argument, before any syscall", { skip: !linux }, () => {
  const [rx, addr] = udp();
  rx.setblocking(false);
  const [tx] = udp();
  const b = new usocket.DatagramBatch(4, 16);
  const bad = (fn: () => unknown, type: typeof TypeError | typeof RangeError, re: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof type && re.test((e as Error).message));
  bad(() => tx.sendmmsg({} as usocket.DatagramBatch), TypeError, /batch must be a DatagramBatch/);
  bad(() => rx.recvmmsg(null as unknown as usocket.DatagramBatch), TypeError, /batch must be a DatagramBatch/);
  bad(() => rx.recvmmsg(b, 5), RangeError, /count must be an integer 0-4/);
  bad(() => rx.recvmmsg(b, 1.5), RangeError, /count/);
  bad(() => rx.recvmmsg(b, "2" as unknown as number), TypeError, /count must be a number/);
  bad(() => rx.recvmmsg(b, 1, "x" as unknown as number), TypeError, /flags/);
  bad(() => tx.sendmmsg(b, 1, 0, ["127.0.0.1"] as unknown as usocket.Address), TypeError, /address/);
  bad(() => (rx.recvmmsg as (...a: unknown[]) => number)(b, 1, 0, 0), TypeError, /at most 3 arguments/);
  bad(() => (tx.sendmmsg as (...a: unknown[]) => number)(b, 1, 0, addr, 0), TypeError, /at most 4 arguments/);
  // a length over the slot, or a negative one: nothing is sent
  b.lengths.set([1, 17, 1, 1]);
  bad(() => tx.sendmmsg(b, 4, 0, addr), RangeError, /batch\.lengths\[1\] must be 0-16/);
  b.lengths[1] = -1;
  bad(() => tx.sendmmsg(b, 4, 0, addr), RangeError, /batch\.lengths\[1\]/);
  const s = new usocket.DatagramBatch(2, 16, { segments: true });
  s.segments![0] = 70000;
  bad(() => tx.sendmmsg(s, 1, 0, addr), RangeError, /batch\.segments\[0\] must be 0-65535/);
  assertOSError(() => rx.recvmmsg(b), usocket.errno.EAGAIN, "nothing was sent");
  // the batch itself
  const B = usocket.DatagramBatch as unknown as new(...a: unknown[]) => usocket.DatagramBatch;
  bad(() => new B(0, 16), RangeError, /count must be an integer 1-1024/);
  bad(() => new B(1025, 16), RangeError, /count/);
  bad(() => new B(4, 0), RangeError, /size must be an integer 1-/);
  bad(() => new B(1024, 1 << 21), RangeError, /count × size/);
  bad(() => new B(4, 16, { adresses: false }), TypeError, /unknown option "adresses"/);
  bad(() => new B(4, 16, { addresses: 1 }), TypeError, /options\.addresses must be a boolean/);
  bad(() => new B(4, 16, { segments: "yes" }), TypeError, /options\.segments must be a boolean/);
  bad(() => new B(4, 16, { ancbufsize: -1 }), RangeError, /options\.ancbufsize/);
  bad(() => new B(4, 16, { buffer: new Uint8Array(63) }), RangeError, /at least count × size = 64 bytes/);
  bad(() => new B(4, 16, { buffer: [1, 2] }), TypeError, /options\.buffer/);
  bad(() => new B(4, 16, {}, 1), TypeError, /at most 3 arguments/);
  bad(() => b.address(4), RangeError, /i must be an integer 0-3/);
  bad(() => new usocket.DatagramBatch(2, 8, { addresses: false }).setAddress(0, addr), TypeError, /keeps no addresses/);
  bad(() => b.setAddress(0, ["::1", 1]), TypeError, /./); // an IPv6 host for an AF_INET batch
  bad(
    () => (b.address as (...a: unknown[]) => unknown)(0, 1),
    TypeError,
    /DatagramBatch\.address\(i\) takes at most 1/,
  );
  bad(() => (b.setAddress as (...a: unknown[]) => unknown)(0, null, 1), TypeError, /at most 2 arguments/);
  bad(() => (b.ancdata as (...a: unknown[]) => unknown)(0, 1), TypeError, /at most 1 argument/);
  bad(() => usocket.cmsg_udp_segment(0), RangeError, /size must be an integer 1-65535/);
  bad(() => usocket.cmsg_udp_segment(65536), RangeError, /size/);
  // a UDP_GRO item too short for its int: not decoded
  assert.equal(usocket.decode_cmsg([usocket.SOL_UDP, usocket.UDP_GRO, new Uint8Array(2)]), null);
  assert.deepEqual(usocket.decode_cmsg([usocket.SOL_UDP, usocket.UDP_GRO, new Uint8Array([0xb0, 4, 0, 0])]), {
    kind: "gro",
    segment: 1200,
  });
  // a closed socket: EBADF, as every call
  rx.close();
  assertOSError(() => rx.recvmmsg(b), usocket.errno.EBADF);
  assertOSError(() => rx.sendmmsg(b), usocket.errno.EBADF);
  tx.close();
});

test("options.buffer: the slots are the caller's memory; ancdata per message (IP_RECVTTL)", { skip: !linux }, () => {
  const [rx, addr] = udp();
  rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_RECVTTL, 1);
  const [tx] = udp();
  const mine = new Uint8Array(4 * 32 + 7);
  const b = new usocket.DatagramBatch(4, 32, { buffer: mine, ancbufsize: usocket.CMSG_SPACE(4) });
  assert.equal(b.data.buffer, mine.buffer);
  tx.sendto("first", addr);
  assert.equal(rx.recvmmsg(b), 1);
  assert.equal(b.lengths[0], 5);
  assert.equal(new TextDecoder().decode(mine.subarray(0, 5)), "first");
  const anc = b.ancdata(0);
  assert.equal(anc.length, 1);
  assert.deepEqual(usocket.decode_cmsg(anc[0]), { kind: "ttl", ttl: 64 });
  assert.deepEqual(b.ancdata(1), []); // a slot this receive did not fill
  // a receive served from the readline buffer carries no items (not the last datagram's)
  tx.sendto("x\ny", addr);
  assert.equal(new TextDecoder().decode(rx.readline()!), "x\n");
  assert.equal(rx.recvmmsg(b), 1);
  assert.equal(b.lengths[0], 1);
  assert.deepEqual(b.ancdata(0), []);
  // nor does a batch just sent
  tx.sendto("again", addr);
  assert.equal(rx.recvmmsg(b), 1);
  assert.equal(b.ancdata(0).length, 1);
  assert.equal(tx.sendmmsg(b, 1, 0, addr), 1);
  assert.deepEqual(b.ancdata(0), []);
  assert.equal(new TextDecoder().decode(rx.recv(16)), "again");
  assert.deepEqual(new usocket.DatagramBatch(1, 8).ancdata(0), []); // no control buffers
  closeAll(rx, tx);
});

test("GSO: UDP_SEGMENT (option, cmsg, sendmmsg segments) arrives at a plain recv loop as datagrams of that size", {
  skip: gsoSkip,
}, () => {
  const [rx, addr] = udp();
  const [tx] = udp();
  const recvAll = (lens: number[], label: string) => {
    let k = 0;
    for (const len of lens) {
      const d = rx.recv(65536);
      assertPattern(d, k, len, `${label} segment ${k}`);
      k++;
    }
    rx.setblocking(false);
    assertOSError(() => rx.recv(65536), usocket.errno.EAGAIN, `${label}: no more segments`);
    rx.settimeout(WAIT);
  };
  // build one buffer whose segment k has pattern(k): what GSO must cut at exactly `seg` bytes
  const gsoBuffer = (seg: number, lens: number[]) => {
    const buf = new Uint8Array(lens.reduce((a, b) => a + b, 0));
    let off = 0;
    lens.forEach((len, k) => (buf.set(pattern(k, len), off), off += len));
    assert.equal(off, buf.length);
    assert.ok(lens.every((l, k) => k === lens.length - 1 ? l <= seg : l === seg));
    return buf;
  };
  // 1. the socket option: every send is cut
  const lens1 = [...Array(10).fill(1200), 345];
  tx.setsockopt(usocket.SOL_UDP, usocket.UDP_SEGMENT, 1200);
  assert.equal(tx.getsockopt(usocket.SOL_UDP, usocket.UDP_SEGMENT), 1200);
  assert.equal(tx.sendto(gsoBuffer(1200, lens1), addr), 12345);
  recvAll(lens1, "option");
  tx.setsockopt(usocket.SOL_UDP, usocket.UDP_SEGMENT, 0);
  // 2. a per-call control message
  const lens2 = Array(40).fill(64);
  tx.sendmsg([gsoBuffer(64, lens2)], [usocket.cmsg_udp_segment(64)], 0, addr);
  recvAll(lens2, "cmsg");
  // 3. sendmmsg with per-message segment sizes (0: not cut)
  const b = new usocket.DatagramBatch(3, 8000, { segments: true, addresses: false });
  const plan = [[1000, [1000, 1000, 1000, 500]], [0, [700]], [256, [256, 256, 100]]] as const;
  plan.forEach(([seg, lens], i) => {
    const buf = gsoBuffer(seg === 0 ? 700 : seg, [...lens]);
    b.slots[i].set(buf);
    b.lengths[i] = buf.length;
    b.segments![i] = seg;
  });
  assert.equal(tx.sendmmsg(b, 3, 0, addr), 3);
  for (const [, lens] of plan) {
    lens.forEach((len, k) => assertPattern(rx.recv(65536), k, len, `sendmmsg segment ${k}`));
  }
  // a GSO send of more bytes than segments the kernel allows: EINVAL, from the one place
  assertOSError(
    () => tx.sendmsg([new Uint8Array(65000)], [usocket.cmsg_udp_segment(100)], 0, addr),
    usocket.errno.EINVAL,
  );
  closeAll(rx, tx);
});

test("GRO: a UDP_GRO receiver gets a GSO send coalesced, with its segment size (recvmmsg and recvmsg)", {
  skip: gsoSkip,
}, () => {
  const [rx, addr] = udp();
  rx.setsockopt(usocket.SOL_UDP, usocket.UDP_GRO, 1);
  assert.equal(rx.getsockopt(usocket.SOL_UDP, usocket.UDP_GRO), 1);
  const [tx] = udp();
  const whole = (seg: number, total: number) => pattern(seg, total);
  tx.sendmsg([whole(1200, 1200 * 20 + 77)], [usocket.cmsg_udp_segment(1200)], 0, addr);
  tx.sendmsg([whole(64, 64 * 50)], [usocket.cmsg_udp_segment(64)], 0, addr);
  tx.sendto(whole(1, 300), addr); // not GSO: segment size 0
  const b = new usocket.DatagramBatch(4, 65535, { segments: true });
  const expect = [[1200, 1200 * 20 + 77], [64, 64 * 50], [0, 300]];
  drain(rx, b, 3, (i, j) => {
    const [seg, total] = expect[i];
    assert.equal(b.segments![j], seg, `message ${i}: GRO segment size`);
    assertPattern(b.slots[j].subarray(0, b.lengths[j]), seg || 1, total, `message ${i}`);
    assert.equal(b.flags[j], 0);
  });
  // recvmsg and decode_cmsg report the same
  tx.sendmsg([whole(1000, 3500)], [usocket.cmsg_udp_segment(1000)], 0, addr);
  const [data, anc] = rx.recvmsg(65535, usocket.CMSG_SPACE(4));
  assertPattern(data, 1000, 3500, "recvmsg");
  assert.deepEqual(anc.map(usocket.decode_cmsg), [{ kind: "gro", segment: 1000 }]);
  closeAll(rx, tx);
});

/** Runs a CPython script with `args`; resolves with its stdout lines. Bounded: killed after 20 s. */
function pythonLines(script: string, args: string[], onLine: (line: string) => void): Promise<number | null> {
  const child = spawn(python, ["-c", script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
    for (let nl; (nl = out.indexOf("\n")) >= 0; out = out.slice(nl + 1)) onLine(out.slice(0, nl));
  });
  return new Promise((resolve) => child.once("exit", (code) => (clearTimeout(timer), resolve(code))));
}

const PY_PATTERN = "def pattern(i, n): return bytes((i * 31 + k * 7 + (k >> 8)) & 0xff for k in range(n))";
const hasPython = spawnSync(python, ["-c", "import socket"], { timeout: 10000 }).status === 0;

test("CPython sends 300 datagrams; recvmmsg gets every one, with its bytes and CPython's address", {
  skip: !linux ? "Linux only" : !hasPython && "python3 not found",
}, () => {
  const [rx, addr] = udp();
  rx.setsockopt(usocket.SOL_SOCKET, usocket.SO_RCVBUF, 1 << 20);
  const [, port] = addr as [string, number];
  const script = `import socket, sys
${PY_PATTERN}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
for i in range(300):
    s.sendto(pattern(i, (i * 13) % 1200), ("127.0.0.1", int(sys.argv[1])))
print(s.getsockname()[1])`;
  const r = spawnSync(python, ["-c", script, String(port)], { encoding: "utf8", timeout: 20000 });
  assert.equal(r.status, 0, r.stderr);
  const pyPort = Number(r.stdout.trim());
  const b = new usocket.DatagramBatch(128, 1500);
  const calls = drain(rx, b, 300, (i, j) => {
    assertPattern(b.slots[j].subarray(0, b.lengths[j]), i, (i * 13) % 1200, `from CPython ${i}`);
    assert.deepEqual(b.address(j), ["127.0.0.1", pyPort]);
  });
  assert.ok(calls <= 3, `300 queued datagrams in ${calls} calls of up to 128`);
  rx.close();
});

test("sendmmsg to CPython: it receives every datagram, in order, byte for byte", {
  skip: !linux ? "Linux only" : !hasPython && "python3 not found",
}, async () => {
  const script = `import socket, zlib
${PY_PATTERN}
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::1", 0))
s.settimeout(10)
print(s.getsockname()[1], flush=True)
bad = 0
for i in range(100):
    data, _ = s.recvfrom(4096)
    if data != pattern(i, (i * 41) % 1400): bad += 1
print("ok" if bad == 0 else "bad %d" % bad, flush=True)`;
  const [tx] = udp(usocket.AF_INET6);
  const lines: string[] = [];
  let sent = 0;
  const done = pythonLines(script, [], (line) => {
    lines.push(line);
    if (lines.length !== 1) return;
    const out = new usocket.DatagramBatch(25, 1400, { family: usocket.AF_INET6, addresses: false });
    for (let round = 0; round < 4; round++) {
      for (let j = 0; j < 25; j++) {
        const i = round * 25 + j, len = (i * 41) % 1400;
        pattern(i, len, out.slots[j]);
        out.lengths[j] = len;
      }
      sent += tx.sendmmsg(out, 25, 0, ["::1", Number(line)]);
    }
  });
  const code = await done;
  assert.equal(sent, 100);
  assert.equal(code, 0);
  assert.deepEqual(lines.slice(1), ["ok"]);
  tx.close();
});

test("macOS has no sendmmsg/recvmmsg: ENOSYS, not a crash", { skip: linux && "Linux has them" }, () => {
  assertOSError(() => new usocket.DatagramBatch(1, 1), usocket.errno.ENOSYS);
});
