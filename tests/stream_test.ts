// The stream contract: MicroPython's stream methods (py/stream.c) — read,
// readinto, readline, write — with their arguments and rules, checked
// against every implementation of Stream over real loopback connections:
// the plain socket over TCP/IPv4, TCP/IPv6 and an AF_UNIX socketpair, and
// the TLS socket over TCP and AF_UNIX. Both ends are the implementation
// under test, and the tests use only what every stream has: the stream
// methods, setblocking/settimeout, fileno, close and polling.
//
// One rule reads differently for TLS and is stated so for all: a
// non-blocking write counts the bytes it took, and a TLS end may hold their
// ciphertext until its next call, so a test that checks their arrival keeps
// calling the writer (`pump`) rather than closing it at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { assertOSError, closeAll, tcpPair, text, utf8 } from "./helpers.ts";
import { tlsPair } from "./tls_helpers.ts";

const { errno, select } = usocket;

/** What every stream implementation offers besides the stream methods. */
type Conn = usocket.Stream & usocket.Pollable & {
  setblocking(flag: boolean): void;
  settimeout(value: number | null): void;
  gettimeout(): number | null;
  close(): void;
};

/** An implementation under test: how to make a connected pair of it. */
interface Impl {
  name: string;
  pair(): [Conn, Conn];
  /** A non-blocking write may count bytes it still holds (TLS: encrypted, queued): no short count is promised. */
  holdsWrites?: boolean;
}

const impls: Impl[] = [
  { name: "TCP/IPv4 socket", pair: () => tcpPair() },
  { name: "TCP/IPv6 socket", pair: () => tcpPair(usocket.AF_INET6) },
  { name: "AF_UNIX socketpair", pair: () => usocket.socketpair() },
  { name: "TLS over TCP", pair: () => tlsPair(() => tcpPair()), holdsWrites: true },
  { name: "TLS over AF_UNIX", pair: () => tlsPair(), holdsWrites: true },
];

/** One test per implementation: `body` gets a fresh connected pair and closes nothing itself. */
function contract(title: string, body: (a: Conn, b: Conn, impl: Impl) => void): void {
  for (const impl of impls) {
    test(`stream (${impl.name}): ${title}`, () => {
      const [a, b] = impl.pair();
      try {
        body(a, b, impl);
      } finally {
        closeAll(a as usocket.Socket, b as usocket.Socket);
      }
    });
  }
}

/** Waits (at most 2 s) until `s` polls readable: bytes the peer wrote have arrived. */
function waitReadable(s: Conn): void {
  const p = select.poll();
  p.register(s, select.POLLIN);
  const ready = p.poll(2000).length;
  p.unregister(s);
  assert.equal(ready, 1, "the peer's bytes arrived within 2 s");
}

/**
 * The first non-null result of `read` on non-blocking `s`, waiting (at most
 * 2 s) for the kernel between tries: bytes the peer wrote may be on their way
 * (Nagle holds a small segment until the last one is acknowledged), and a
 * poll returns at once while `s` holds buffered bytes.
 */
function eventually<T>(s: Conn, read: () => T | null): T | null {
  for (let round = 0; round < 200; round++) {
    const r = read();
    if (r !== null) return r;
    const p = select.poll();
    p.register(s.fileno(), select.POLLIN);
    p.poll(10);
    p.unregister(s.fileno());
  }
  return null;
}

const pumpBuf = new Uint8Array(16);

/**
 * Lets writer `a` send what it still holds: a non-blocking read on it sends
 * a TLS end's queued ciphertext first (and finds nothing to read: the peer
 * writes nothing in these tests). A no-op for a plain socket.
 */
function pump(a: Conn): void {
  const t = a.gettimeout();
  a.setblocking(false);
  assert.equal(a.readinto(pumpBuf), null, "the writer has nothing to read");
  a.settimeout(t);
}

/**
 * What `s` receives of `expected`: waits (at most 2 s) until that many bytes
 * came, then takes whatever else is ready too, without blocking.
 */
function drain(s: Conn, expected: string): string {
  const want = utf8(expected).length;
  const got: Uint8Array[] = [];
  let n = 0;
  s.setblocking(false);
  try {
    for (let round = 0; round < 200; round++) {
      const r = s.read();
      if (r !== null) (got.push(r), n += r.length);
      if (n >= want) break;
      const p = select.poll();
      p.register(s, select.POLLIN);
      p.poll(10);
      p.unregister(s);
    }
    const rest = s.read();
    if (rest !== null) got.push(rest);
  } finally {
    s.setblocking(true);
  }
  return got.map((b) => text(b)).join("");
}

contract("write(buf, max_len) and write(buf, off, max_len) send exactly MicroPython's range", (a, b) => {
  const buf = utf8("0123456789");
  // [arguments after buf, what is sent] — py/stream.c's stream_write_method
  const table: [unknown[], string][] = [
    [[], "0123456789"],
    [[4], "0123"],
    [[0], ""],
    [[10], "0123456789"],
    [[99], "0123456789"], // max_len past the end: the whole buffer
    [[-1], "0123456789"], // negative max_len: no limit (size_t in C)
    [[2, 3], "234"],
    [[2, 99], "23456789"],
    [[2, -1], "23456789"],
    [[10, 5], ""], // off at the end
    [[11, 5], ""], // off past the end: clamped, nothing sent
    [[0, 0], ""],
    [[9, 1], "9"],
    [[undefined, 3], "012"], // undefined: the argument is absent
  ];
  for (const [args, expected] of table) {
    const n = (a.write as (...x: unknown[]) => number | null)(buf, ...args);
    assert.equal(n, utf8(expected).length, `write(buf, ${args.join(", ")}) returns the count`);
    assert.equal(drain(b, expected), expected, `write(buf, ${args.join(", ")}) sends ${JSON.stringify(expected)}`);
  }
  // strings: offsets and lengths count UTF-8 bytes, as MicroPython's buffer protocol does
  assert.equal(a.write("añb", 1, 2), 2);
  assert.equal(drain(b, "ñ"), "ñ");
  // any ArrayBufferView: bytes, not elements
  assert.equal(a.write(new Uint16Array([0x3130, 0x3332]), 1, 2), 2);
  assert.equal(drain(b, "12"), "12");
});

contract("write(): umqtt.simple's CONNECT — write(premsg, i + 2) sends the fixed header and one zero byte", (a, b) => {
  // micropython-lib umqtt/simple.py connect(), line for line: premsg's byte
  // i + 1 (a zero) is the first byte of the protocol name's length, which
  // msg, b"\x04MQTT\x04\x02\0\0", leaves out. Sent whole, premsg would
  // put three stray zeros in the stream and the broker would drop the client.
  const clientId = utf8("umqtt1");
  const premsg = new Uint8Array([0x10, 0, 0, 0, 0, 0]);
  const msg = new Uint8Array([0x04, ...utf8("MQTT"), 0x04, 0x02, 0, 0]);
  let sz = 10 + 2 + clientId.length;
  msg[7] |= 60 >> 8; // keepalive 60
  msg[8] |= 60 & 0x00ff;
  let i = 1;
  while (sz > 0x7f) {
    premsg[i] = (sz & 0x7f) | 0x80;
    sz >>= 7;
    i += 1;
  }
  premsg[i] = sz;
  a.write(premsg, i + 2);
  a.write(msg);
  a.write(new Uint8Array([0, clientId.length])); // _send_str: struct.pack("!H", len(s))
  a.write(clientId);
  b.settimeout(5);
  const expected = [0x10, 18, 0, 4, ...utf8("MQTT"), 4, 2, 0, 60, 0, 6, ...utf8("umqtt1")];
  assert.deepEqual([...b.read(expected.length)!], expected, "a well-formed MQTT 3.1.1 CONNECT packet");
});

contract("write(): bad ranges raise TypeError/RangeError naming the argument, and nothing is sent", (a, b) => {
  const w = a.write as (...x: unknown[]) => number | null;
  const bad: [unknown[], typeof TypeError | typeof RangeError, RegExp][] = [
    [["x", "1"], TypeError, /max_len/],
    [["x", 1.5], RangeError, /max_len/],
    [["x", NaN], RangeError, /max_len/],
    [["x", -1, 1], RangeError, /off/], // negative off: RangeError (MicroPython: past the end)
    [["x", 0.5, 1], RangeError, /off/],
    [["x", 0, "1"], TypeError, /max_len/],
    [["x", 0, 1, 2], TypeError, /at most 3 arguments/],
  ];
  for (const [args, type, re] of bad) {
    assert.throws(() => w.apply(a, args), (e: unknown) => e instanceof type && re.test((e as Error).message));
  }
  assert.equal(drain(b, ""), "", "no bad call sent a byte");
  a.close();
  assertOSError(() => a.write("x", 0, 1), errno.EBADF, "closed");
});

contract("write(buf, off, max_len) non-blocking: a partial count of the range, then null, no byte lost", (a, b) => {
  a.setblocking(false);
  const big = new Uint8Array(8 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 0xff;
  // write the range [100, 100 + 6 MiB) in as many calls as it takes, reading in between
  const start = 100, total = 6 << 20;
  const got = new Uint8Array(total);
  let sent = 0, recvd = 0, nulls = 0;
  b.setblocking(false);
  for (let round = 0; (sent < total || recvd < sent) && round < 100000; round++) {
    if (sent < total) {
      const n = a.write(big, start + sent, total - sent);
      if (n === null) nulls++;
      else {
        assert.ok(n > 0 && n <= total - sent, `count ${n}`);
        sent += n;
      }
    } else pump(a);
    for (let r; recvd < sent && (r = b.readinto(got.subarray(recvd), sent - recvd)) !== null;) recvd += r;
  }
  assert.equal(sent, total);
  assert.equal(recvd, total);
  assert.ok(nulls + 1 > 0);
  assert.deepEqual(got, big.subarray(start, start + total), "the peer received exactly the range, in order");
});

contract("readline(size) stops after size bytes (MicroPython, CPython); the rest stays buffered", (a, b) => {
  a.write("one\ntwo\nthree\n");
  a.close();
  assert.equal(text(b.readline(2)), "on");
  assert.equal(text(b.readline(5)), "e\n", "the line ends first");
  assert.equal(text(b.readline(0)), "", "size 0: empty at once");
  assert.equal(text(b.readline(3)), "two");
  assert.equal(text(b.readline(1)), "\n");
  assert.equal(text(b.readline(-1)), "three\n", "negative: no limit");
  assert.equal(text(b.readline(10)), "", "EOF");
});

contract("readline(size): EOF ends the last piece; null is no limit", (a, b) => {
  a.write("abcdef");
  a.close();
  assert.equal(text(b.readline(4)), "abcd");
  assert.equal(text(b.readline(null)), "ef", "null: no limit; EOF ends the last line");
  assert.equal(text(b.readline()), "");
});

for (const impl of impls) {
  test(`stream (${impl.name}): readline(size) over every split point: the pieces concatenate to the stream, none too long`, () => {
    const input = "alpha\nbeta\n\ngamma delta epsilon\nz";
    for (const size of [1, 2, 3, 5, 7, 100]) {
      for (let cut = 0; cut <= input.length; cut++) {
        const [a, b] = impl.pair();
        try {
          const pieces: string[] = [];
          const take = (line: string | null) => {
            if (line === null || line === "") return false;
            assert.ok(line.length <= size, `a piece of ${line.length} > ${size}`);
            assert.ok(!line.slice(0, -1).includes("\n"), "a piece holds at most one newline, at its end");
            pieces.push(line);
            return true;
          };
          a.write(input.slice(0, cut));
          if (cut > 0) waitReadable(b);
          b.setblocking(false); // what the first part holds: whole pieces, then null
          while (take(text(b.readline(size))));
          a.write(input.slice(cut));
          a.close();
          b.settimeout(5);
          while (take(text(b.readline(size))));
          assert.equal(pieces.join(""), input, `size ${size}, cut ${cut}`);
        } finally {
          closeAll(a as usocket.Socket, b as usocket.Socket);
        }
      }
    }
  });
}

contract("readline(size), non-blocking: fewer than size bytes and no newline → null, kept; then the piece", (a, b) => {
  b.setblocking(false);
  assert.equal(b.readline(4), null);
  a.write("ab");
  waitReadable(b);
  assert.equal(b.readline(4), null, "2 of 4 bytes, no newline: null");
  a.write("cdef");
  assert.equal(text(eventually(b, () => b.readline(4))), "abcd");
  assert.equal(text(b.readline(4)), null, "ef is kept");
  assert.equal(text(b.read(10)), "ef", "and served first by read");
});

contract("readline(size) with a timeout: ETIMEDOUT keeps the partial piece for the next read", (a, b) => {
  a.write("xy");
  b.settimeout(0.05);
  assertOSError(() => b.readline(3), errno.ETIMEDOUT);
  a.write("z\n");
  assert.equal(text(b.readline(3)), "xyz");
  assert.equal(text(b.readline(3)), "\n");
});

contract("bad sizes raise before any syscall; every stream method on a closed stream raises EBADF", (_a, b) => {
  const r = b.readline as (...x: unknown[]) => Uint8Array | null;
  assert.throws(() => r.call(b, "3"), TypeError);
  assert.throws(() => r.call(b, 1.5), RangeError);
  assert.throws(() => r.call(b, NaN), RangeError);
  assert.throws(() => r.call(b, 1, 2), /at most 1 argument/);
  b.close();
  assertOSError(() => b.readline(0), errno.EBADF);
  for (
    const [name, fn] of [
      ["read", () => b.read(1)],
      ["read()", () => b.read()],
      ["readinto", () => b.readinto(new Uint8Array(1))],
      ["readline", () => b.readline()],
      ["write", () => b.write("x")],
      ["write(empty)", () => b.write("")],
    ] as const
  ) assertOSError(fn, errno.EBADF, `${name} on a closed stream`);
});

contract(
  "readinto(buf, nbytes): MicroPython's nbytes — past the buffer or negative means the buffer's length",
  (a, b) => {
    b.settimeout(5);
    a.write("0123456789");
    const buf = new Uint8Array(4);
    assert.equal(b.readinto(buf, 99), 4, "99 > 4: reads 4");
    assert.equal(text(buf), "0123");
    assert.equal(b.readinto(buf, -1), 4, "-1 (size_t in C): reads 4");
    assert.equal(text(buf), "4567");
    assert.equal(b.readinto(buf, 1), 1);
    assert.equal(text(buf.subarray(0, 1)), "8");
    a.close();
    assert.equal(b.readinto(buf, null as unknown as number), 1, "null: absent; what is left before EOF");
    assert.throws(() => b.readinto(buf, 1.5), RangeError);
    assert.throws(() => b.readinto(buf, "1" as unknown as number), TypeError);
  },
);

contract("EOF: readinto gives 0, readline and read() and read(n) empty", (a, b) => {
  a.close();
  assert.equal(b.readinto(new Uint8Array(4)), 0);
  assert.equal(b.readline()!.length, 0);
  assert.equal(b.read()!.length, 0);
  assert.equal(b.read(5)!.length, 0);
});

contract("read(n) loops until n bytes; read() reads to EOF", (a, b) => {
  for (let i = 0; i < 5; i++) a.write(`chunk${i};`);
  a.write("end");
  a.close();
  assert.equal(text(b.read(7)), "chunk0;");
  assert.equal(text(b.read()), "chunk1;chunk2;chunk3;chunk4;end");
});

contract("non-blocking: read/readinto/readline return null with nothing ready, then what they got", (a, b) => {
  b.setblocking(false);
  assert.equal(b.read(10), null);
  assert.equal(b.read(), null);
  assert.equal(b.readinto(new Uint8Array(10)), null);
  assert.equal(b.readline(), null);
  a.write("abc");
  waitReadable(b);
  assert.equal(text(b.read(10)), "abc", "what it got");
  a.write("xyz");
  waitReadable(b);
  const buf = new Uint8Array(10);
  assert.equal(b.readinto(buf), 3);
  assert.equal(text(buf.subarray(0, 3)), "xyz");
});

contract("non-blocking write: a short count once the buffers fill, then null; no byte lost", (a, b, impl) => {
  a.setblocking(false);
  const big = new Uint8Array(1 << 20);
  let sawNull = false, sawShort = false, sent = 0;
  for (let i = 0; i < 1000 && !sawNull; i++) {
    const n = a.write(big);
    if (n === null) sawNull = true;
    else {
      if (n < big.length) sawShort = true;
      sent += n;
    }
  }
  assert.ok(sawNull, "write returned null once the buffers were full");
  // a plain socket's last count before null is short; a TLS end may have taken the whole buffer
  if (!impl.holdsWrites) assert.ok(sawShort, "a short write returned its count");
  b.setblocking(false);
  let got = 0;
  for (let round = 0; got < sent && round < 100000; round++) {
    pump(a);
    for (let r; (r = b.read(65536)) !== null && r.length > 0;) got += r.length;
  }
  assert.equal(got, sent, "the peer reads exactly the bytes counted");
});

contract(
  "non-blocking readline: a whole line or null; a partial line stays buffered until its newline or EOF",
  (a, b) => {
    b.setblocking(false);
    a.write("par");
    waitReadable(b);
    assert.equal(b.readline(), null);
    a.write("tial\nnext");
    assert.equal(text(eventually(b, () => b.readline())), "partial\n");
    assert.equal(b.readline(), null, "'next' has no newline yet");
    a.close();
    b.settimeout(2);
    assert.equal(text(b.readline()), "next", "EOF ends the last line");
    assert.equal(b.readline()!.length, 0);
  },
);

contract(
  "readline's buffer: served first by read and readinto, and pollers see it (POLLIN) while the kernel has nothing",
  (a, b) => {
    a.write("line1\nABCDEF");
    b.settimeout(2);
    assert.equal(text(b.readline()), "line1\n");
    assert.equal(b._pending(), 6, "the rest arrived with the line");
    const p = select.poll();
    p.register(b, select.POLLIN);
    assert.deepEqual(p.poll(0), [[b, select.POLLIN]], "poll reports the buffered bytes at once");
    assert.deepEqual(select.select([b], [], [], 0)[0], [b], "and so does select()");
    assert.equal(text(b.read(2)), "AB");
    const buf = new Uint8Array(2);
    assert.equal(b.readinto(buf), 2);
    assert.equal(text(buf), "CD");
    assert.equal(text(b.read(2)), "EF");
    assert.equal(b._pending(), 0);
    assert.deepEqual(p.poll(0), [], "nothing left: nothing reported");
    p.unregister(b);
    a.write("tail");
    assert.equal(text(b.read(4)), "tail");
  },
);

for (const impl of impls) {
  test(`stream (${impl.name}): readline: no byte lost or reordered across every split of the input`, () => {
    const input = "a\nbb\n\nccc\ndddd";
    for (let cut = 0; cut <= input.length; cut++) {
      const [a, b] = impl.pair();
      try {
        b.settimeout(5);
        a.write(input.slice(0, cut));
        const lines: string[] = [];
        // read one line while the second half is not yet sent, when possible
        if (input.slice(0, cut).includes("\n")) lines.push(text(b.readline())!);
        a.write(input.slice(cut));
        a.close();
        for (let i = 0; i < 10; i++) {
          const l = text(b.readline())!;
          if (l === "") break;
          lines.push(l);
        }
        assert.deepEqual(lines, ["a\n", "bb\n", "\n", "ccc\n", "dddd"], `cut at ${cut}`);
      } finally {
        closeAll(a as usocket.Socket, b as usocket.Socket);
      }
    }
  });
}

contract("a timed-out read keeps what it received for the next read; so do readinto and readline", (a, b) => {
  a.write("abc");
  waitReadable(b);
  b.settimeout(0.05);
  assertOSError(() => b.read(10), errno.ETIMEDOUT, "read(10)");
  assertOSError(() => b.readinto(new Uint8Array(10)), errno.ETIMEDOUT, "readinto");
  assertOSError(() => b.read(), errno.ETIMEDOUT, "read()");
  a.write("defghij");
  a.close();
  b.settimeout(5);
  assert.equal(text(b.read()), "abcdefghij", "every byte, in order");
});
