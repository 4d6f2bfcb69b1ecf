// Reliability, bytes: nothing lost, duplicated, reordered or merged — 256 MiB
// through non-blocking sockets driven by poll against a blocking peer in a
// Worker (both directions, partial writes counted), UDP boundaries on IPv4
// and IPv6 with every receive method, MSG_PEEK, every mix of receive methods
// over readline's buffer, and readline at every split point. Loopback only.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { closeAll, nextMessage, startWorker, tcpPair } from "./helpers.ts";
import { fnv1a, pattern } from "./peers/rel_pattern.ts";

const { errno, OSError, select } = usocket;
type Socket = usocket.Socket;
const MiB = 1 << 20;
const FNV = 0x811c9dc5;

/** mulberry32: a small seeded PRNG; `rnd(n)` is an integer 0 … n-1. */
function prng(seed: number): (n: number) => number {
  return (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function isEAGAIN(e: unknown): boolean {
  return e instanceof OSError && e.errno === errno.EAGAIN;
}

test("bytes: 256 MiB from a non-blocking poll-driven sender (partial sends) to a blocking Worker reader", async () => {
  const size = 256 * MiB;
  const [w, { port }] = await startWorker<{ port: number }>("./peers/rel_bulk_worker.ts", { mode: "sink" });
  // Chunks are one pattern stamped with their index (each chunk differs), so
  // the loop below only copies bytes into the kernel; the checksum is
  // computed first. A fast sender against a reader that checksums in
  // JavaScript fills the socket buffers: sends come back partial.
  const chunk = new Uint8Array(4 * MiB);
  pattern(chunk, 12345);
  const stamp = (k: number) => {
    new DataView(chunk.buffer).setUint32(0, k);
    new DataView(chunk.buffer).setUint32(chunk.length - 4, ~k);
  };
  const chunks = size / chunk.length;
  let sum = FNV;
  for (let k = 0; k < chunks; k++) {
    stamp(k);
    sum = fnv1a(sum, chunk);
  }
  const s = usocket.socket();
  s.setsockopt(usocket.SOL_SOCKET, usocket.SO_SNDBUF, 65536);
  s.settimeout(10);
  s.connect(["127.0.0.1", port]);
  s.setblocking(false);
  const p = select.poll<Socket>();
  p.register(s, select.POLLOUT);
  let sent = 0, partial = 0, eagain = 0, waits = 0, k = -1;
  const deadline = performance.now() + 60000;
  while (sent < size) {
    assert.ok(performance.now() < deadline, `stalled at ${sent} of ${size}`);
    const ready = p.poll(5000);
    waits++;
    assert.equal(ready.length, 1, "poll timed out");
    if (Math.floor(sent / chunk.length) !== k) stamp(k = Math.floor(sent / chunk.length));
    const view = chunk.subarray(sent % chunk.length);
    try {
      const n = s.send(view);
      assert.ok(n > 0 && n <= view.length, `send returned ${n}`);
      if (n < view.length) partial++;
      sent += n;
    } catch (e) {
      if (!isEAGAIN(e)) throw e;
      eagain++;
    }
  }
  p.unregister(s);
  s.close();
  const got = await nextMessage<{ bytes: number; sum: number; error?: string }>(w, 60000);
  w.terminate();
  assert.deepEqual(got, { bytes: size, sum });
  console.log(`non-blocking sender: ${waits} polls, ${partial} partial sends, ${eagain} EAGAIN`);
  assert.ok(partial > 0, "some sends were partial");
});

test("bytes: 256 MiB from a blocking Worker writer to a non-blocking poll-driven reader (readinto/recv_into)", async () => {
  const size = 256 * MiB;
  const [w, { port }] = await startWorker<{ port: number }>("./peers/rel_bulk_worker.ts", {
    mode: "source",
    bytes: size,
  });
  const s = usocket.socket();
  s.settimeout(10);
  s.connect(["127.0.0.1", port]);
  s.setblocking(false);
  const p = select.poll<Socket>();
  p.register(s, select.POLLIN);
  const buf = new Uint8Array(256 * 1024);
  let got = 0, sum = FNV, empty = 0, reads = 0;
  const deadline = performance.now() + 60000;
  for (;;) {
    assert.ok(performance.now() < deadline, `stalled at ${got} of ${size}`);
    assert.equal(p.poll(5000).length, 1, "poll timed out");
    // alternate readinto (null when nothing) and recv_into (EAGAIN when nothing)
    let n: number | null;
    if (reads++ & 1) {
      n = s.readinto(buf);
    } else {
      try {
        n = s.recv_into(buf);
      } catch (e) {
        if (!isEAGAIN(e)) throw e;
        n = null;
      }
    }
    if (n === null) {
      empty++;
      continue;
    }
    if (n === 0) break;
    sum = fnv1a(sum, buf.subarray(0, n));
    got += n;
  }
  p.unregister(s);
  s.close();
  const sent = await nextMessage<{ bytes: number; sum: number }>(w, 60000);
  w.terminate();
  assert.deepEqual({ bytes: got, sum }, sent);
  assert.equal(got, size);
  console.log(`non-blocking reader: ${reads} reads, ${empty} found nothing`);
});

test("bytes: UDP boundaries on IPv4 and IPv6 for 0, 1, MTU-sized and maximal datagrams, every receive method", () => {
  const cases: [number, string, number[]][] = [
    [usocket.AF_INET, "127.0.0.1", [0, 1, 1472, 65507]],
    [usocket.AF_INET6, "::1", [0, 1, 1452, 65527]],
  ];
  const fill = (d: Uint8Array, seed: number) => {
    for (let i = 0; i < d.length; i++) d[i] = (i * 7 + seed * 13 + (i >> 8)) & 255;
    return d;
  };
  for (const [af, host, sizes] of cases) {
    const a = usocket.socket(af, usocket.SOCK_DGRAM);
    const b = usocket.socket(af, usocket.SOCK_DGRAM);
    a.bind([host, 0]);
    b.bind([host, 0]);
    a.setsockopt(usocket.SOL_SOCKET, usocket.SO_SNDBUF, 4 * MiB);
    b.setsockopt(usocket.SOL_SOCKET, usocket.SO_RCVBUF, 4 * MiB);
    b.settimeout(5);
    const to = b.getsockname();
    const rnd = prng(af);
    const big = new Uint8Array(70000);
    // 200 datagrams of the four sizes in random order, 8 in flight at a time,
    // each received by a random method
    for (let round = 0; round < 25; round++) {
      const batch = Array.from({ length: 8 }, (_, k) => fill(new Uint8Array(sizes[rnd(4)]), round * 8 + k));
      for (const d of batch) assert.equal(a.sendto(d, to), d.length);
      for (const d of batch) {
        const how = rnd(5);
        let got: Uint8Array;
        if (how === 0) got = b.recv(70000);
        else if (how === 1) got = b.recvfrom(70000)[0];
        else if (how === 2) got = big.slice(0, b.recv_into(big));
        else if (how === 3) {
          const [n, from] = b.recvfrom_into(big);
          assert.equal((from as [string, number])[1], (a.getsockname() as [string, number])[1]);
          got = big.slice(0, n);
        } else {
          const peek = b.recv(70000, usocket.MSG_PEEK);
          got = b.recv(70000);
          assert.deepEqual(peek, got, "MSG_PEEK then recv: the same datagram");
        }
        assert.equal(got.length, d.length, `${host}: datagram of ${d.length} came back as ${got.length}`);
        assert.ok(got.every((x, i) => x === d[i]), `${host}: datagram of ${d.length} altered`);
      }
    }
    // a datagram larger than the buffer is truncated, and the next one is intact
    a.sendto(fill(new Uint8Array(1000), 1), to);
    a.sendto(fill(new Uint8Array(3), 2), to);
    assert.equal(b.recv(10).length, 10);
    assert.deepEqual(b.recv(100), fill(new Uint8Array(3), 2));
    closeAll(a, b);
  }
});

test("bytes: every mix of receive methods over readline's buffer gives back the stream, in order", () => {
  for (const kind of ["socketpair", "tcp"]) {
    const [a, b] = kind === "tcp" ? tcpPair() : usocket.socketpair();
    b.settimeout(5);
    const rnd = prng(kind === "tcp" ? 7 : 11);
    const total = 2 * MiB;
    const stream = new Uint8Array(total);
    for (let i = 0; i < total; i++) stream[i] = rnd(24) === 0 ? 10 : rnd(256);
    let sent = 0, taken = 0;
    const counts: Record<string, number> = {};
    const take = (got: Uint8Array | null, label: string, exact?: number) => {
      assert.ok(got !== null, label);
      if (exact !== undefined) assert.equal(got.length, exact, `${label}: length`);
      for (let i = 0; i < got.length; i++) {
        if (got[i] !== stream[taken + i]) assert.fail(`${kind} ${label}: byte ${taken + i} differs`);
      }
      taken += got.length;
      counts[label] = (counts[label] ?? 0) + 1;
    };
    const buf = new Uint8Array(8192);
    for (let op = 0; taken < total; op++) {
      assert.ok(op < 200000, "too many operations");
      if (sent < total && sent - taken < 65536) {
        const n = Math.min(1 + rnd(6000), total - sent);
        a.sendall(stream.subarray(sent, sent + n));
        sent += n;
      }
      const pending = sent - taken;
      if (pending === 0) continue;
      const n = 1 + rnd(Math.min(pending, 5000));
      switch (rnd(9)) {
        case 0: {
          const nl = stream.indexOf(10, taken);
          if (nl >= 0 && nl < sent) take(b.readline(), "readline", nl + 1 - taken);
          break;
        }
        case 1:
          take(b.read(n), "read(n)", n);
          break;
        case 2: {
          const m = b.readinto(buf, Math.min(n, buf.length));
          take(buf.subarray(0, m!), "readinto", Math.min(n, buf.length));
          break;
        }
        case 3:
          take(b.recv(n), "recv");
          break;
        case 4: {
          const m = b.recv_into(buf, Math.min(n, buf.length));
          take(buf.subarray(0, m), "recv_into");
          break;
        }
        case 5:
          take(b.recvfrom(n)[0], "recvfrom");
          break;
        case 6: {
          const peek = b.recv(n, usocket.MSG_PEEK);
          for (let i = 0; i < peek.length; i++) {
            if (peek[i] !== stream[taken + i]) assert.fail(`${kind} MSG_PEEK: byte ${taken + i} differs`);
          }
          take(b.recv(peek.length, usocket.MSG_WAITALL), "peek+recv", peek.length);
          break;
        }
        case 7: {
          b.setblocking(false);
          const line = b.readline(); // a whole line or null, never a part
          b.settimeout(5);
          const nl = stream.indexOf(10, taken);
          if (nl >= 0 && nl < sent) take(line, "readline non-blocking", nl + 1 - taken);
          else assert.equal(line, null);
          break;
        }
        default: {
          b.setblocking(false);
          const m = b.readinto(buf);
          b.settimeout(5);
          if (m !== null) take(buf.subarray(0, m), "readinto non-blocking");
        }
      }
    }
    assert.equal(taken, total);
    assert.equal(b._pending(), 0);
    closeAll(a, b);
    assert.ok(Object.keys(counts).length >= 8, `${kind}: methods used ${JSON.stringify(counts)}`);
  }
});

test("bytes: MSG_PEEK then recv give the same bytes, from the kernel and from readline's buffer", () => {
  const [a, b] = tcpPair();
  b.settimeout(5);
  const rnd = prng(3);
  for (let i = 0; i < 300; i++) {
    const line = new Uint8Array(1 + rnd(3000)).map(() => 32 + rnd(90));
    const rest = new Uint8Array(1 + rnd(3000)).map(() => 32 + rnd(90));
    line[line.length - 1] = 10;
    a.sendall(line);
    a.sendall(rest);
    const want = rest.length;
    assert.deepEqual(b.readline(), line);
    // what readline buffered beyond the line comes first, then the kernel's
    const have = b._pending();
    const peek = b.recv(want, usocket.MSG_PEEK);
    assert.ok(peek.length >= 1 && peek.length <= want);
    if (have > 0) assert.equal(peek.length, Math.min(have, want), "buffered bytes are peeked first");
    const again = b.recv(want, usocket.MSG_PEEK);
    assert.deepEqual(again, peek, "peeking twice gives the same bytes");
    const got = b.recv(peek.length);
    assert.deepEqual(got, peek);
    const left = b.read(want - got.length)!;
    assert.deepEqual(new Uint8Array([...got, ...left]), rest);
  }
  closeAll(a, b);
});

/** Lines of random bytes (anything but "\n"), some empty, many with \r, \0 and 0xff. */
function randomLines(seed: number, count: number, maxLen: number): Uint8Array[] {
  const rnd = prng(seed);
  const byte = () => {
    const pick = rnd(10);
    if (pick < 3) return [13, 0, 255][pick];
    let x = rnd(256);
    while (x === 10) x = rnd(256);
    return x;
  };
  return Array.from({ length: count }, () => {
    const n = rnd(4) === 0 ? 0 : rnd(maxLen);
    const line = new Uint8Array(n + 1);
    for (let i = 0; i < n; i++) line[i] = byte();
    line[n] = 10;
    return line;
  });
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Sends `lines` in two writes split at each of `cuts`; the reader reads
 * every complete line between the writes, then the rest. Modes rotate:
 * blocking, non-blocking (a partial line must give null and stay buffered)
 * and a short timeout (ETIMEDOUT, the partial line kept).
 */
function splitRounds(a: Socket, b: Socket, lines: Uint8Array[], cuts: number[], label: string): void {
  const input = concatAll(lines);
  const ends: number[] = [];
  let off = 0;
  for (const l of lines) ends.push(off += l.length);
  for (const [k, cut] of cuts.entries()) {
    const mode = k % 17 === 16 ? "timeout" : k % 2 === 0 ? "blocking" : "non-blocking";
    a.sendall(input.subarray(0, cut));
    const complete = ends.filter((e) => e <= cut).length;
    const got: (Uint8Array | null)[] = [];
    if (mode === "non-blocking") b.setblocking(false);
    else b.settimeout(mode === "timeout" ? 0.002 : 5);
    for (let i = 0; i < complete; i++) got.push(b.readline());
    const lineStart = complete ? ends[complete - 1] : 0;
    const partial = cut > lineStart;
    if (mode === "non-blocking") {
      assert.equal(b.readline(), null, `${label} cut ${cut}: nothing more (non-blocking)`);
    } else if (mode === "timeout" && partial) {
      assert.throws(() => b.readline(), (e) => e instanceof OSError && e.errno === errno.ETIMEDOUT);
    }
    if (partial && mode !== "blocking") assert.equal(b._pending(), cut - lineStart, `${label} cut ${cut}: kept`);
    b.settimeout(5);
    a.sendall(input.subarray(cut));
    for (let i = complete; i < lines.length; i++) got.push(b.readline());
    for (let i = 0; i < lines.length; i++) {
      const g = got[i], l = lines[i];
      if (g === null || g.length !== l.length || !g.every((x, j) => x === l[j])) {
        assert.fail(`${label} cut ${cut} (${mode}): line ${i} is ${g?.length} bytes, expected ${l.length}`);
      }
    }
    assert.equal(b._pending(), 0);
  }
}

test("bytes: readline over random binary lines split at every segment boundary (blocking, non-blocking, timeout)", () => {
  const lines = randomLines(42, 40, 50);
  const total = lines.reduce((n, l) => n + l.length, 0);
  const cuts = Array.from({ length: total + 1 }, (_, i) => i);
  for (const kind of ["tcp", "socketpair"]) {
    const [a, b] = kind === "tcp" ? tcpPair() : usocket.socketpair();
    splitRounds(a, b, lines, cuts, kind);
    // EOF: a last line without "\n" comes back whole, then empty
    a.sendall("tail");
    a.shutdown(usocket.SHUT_WR);
    assert.deepEqual(b.readline(), new TextEncoder().encode("tail"));
    assert.equal(b.readline()!.length, 0);
    closeAll(a, b);
  }
});

test("bytes: readline over long lines, split around the 16 KiB receive chunks and at random", () => {
  const rnd = prng(9);
  const lines = [50000, 16383, 16384, 16385, 0, 70000, 3].map((n, k) => {
    const l = new Uint8Array(n + 1).map((_, i) => (i * 31 + k) % 251 === 10 ? 11 : (i * 31 + k) % 251);
    l[n] = 10;
    return l;
  });
  const total = lines.reduce((n, l) => n + l.length, 0);
  const cuts = new Set<number>([0, total]);
  for (let k = 1; k * 16384 < total; k++) for (const d of [-2, -1, 0, 1, 2]) cuts.add(k * 16384 + d);
  let off = 0;
  for (const l of lines) {
    off += l.length;
    for (const d of [-1, 0, 1]) if (off + d >= 0 && off + d <= total) cuts.add(off + d);
  }
  for (let i = 0; i < 60; i++) cuts.add(rnd(total + 1));
  const [a, b] = tcpPair();
  splitRounds(a, b, lines, [...cuts].sort((x, y) => x - y), "long lines");
  closeAll(a, b);
});
