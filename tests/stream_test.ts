// The stream methods' arguments, as MicroPython's py/stream.c takes them:
// write(buf[, max_len]) and write(buf, off, max_len) send exactly the range
// MicroPython sends, readline(size) stops after size bytes. Over real
// loopback TCP and AF_UNIX sockets; the receiving side checks every byte.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { assertOSError, closeAll, tcpPair, text, utf8 } from "./helpers.ts";

const { errno } = usocket;

/** Everything the peer can read now (the writer has finished): drains without blocking. */
function drain(s: usocket.Socket): string {
  s.setblocking(false);
  let out = "";
  for (;;) {
    try {
      const b = s.recv(65536);
      if (b.length === 0) break;
      out += new TextDecoder().decode(b);
    } catch (e) {
      if (e instanceof usocket.OSError && e.errno === errno.EAGAIN) break;
      throw e;
    }
  }
  s.setblocking(true);
  return out;
}

test("write(buf, max_len) and write(buf, off, max_len) send exactly MicroPython's range", () => {
  const [a, b] = tcpPair();
  try {
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
      assert.equal(drain(b), expected, `write(buf, ${args.join(", ")}) sends ${JSON.stringify(expected)}`);
    }
    // strings: offsets and lengths count UTF-8 bytes, as MicroPython's buffer protocol does
    assert.equal(a.write("añb", 1, 2), 2);
    assert.equal(drain(b), "ñ");
    // any ArrayBufferView: bytes, not elements
    assert.equal(a.write(new Uint16Array([0x3130, 0x3332]), 1, 2), 2);
    assert.equal(drain(b), "12");
  } finally {
    closeAll(a, b);
  }
});

test("write(): umqtt.simple's CONNECT — write(premsg, i + 2) sends the fixed header and one zero byte", () => {
  // micropython-lib umqtt/simple.py connect(), line for line: premsg's byte
  // i + 1 (a zero) is the first byte of the protocol name's length, which
  // msg, b"\x04MQTT\x04\x02\0\0", leaves out. Sent whole, premsg would
  // put three stray zeros in the stream and the broker would drop the client.
  const [a, b] = tcpPair();
  try {
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
  } finally {
    closeAll(a, b);
  }
});

test("write(): bad ranges raise TypeError/RangeError naming the argument, and nothing is sent", () => {
  const [a, b] = usocket.socketpair();
  try {
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
    assert.equal(drain(b), "", "no bad call sent a byte");
    a.close();
    assertOSError(() => a.write("x", 0, 1), errno.EBADF, "closed");
  } finally {
    closeAll(a, b);
  }
});

test("write(buf, off, max_len) on a non-blocking socket: a partial count of the range, then null, no byte lost", () => {
  const [a, b] = tcpPair();
  try {
    a.setblocking(false);
    const big = new Uint8Array(8 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 0xff;
    // write the range [100, 100 + 6 MiB) in as many calls as it takes, reading in between
    const start = 100, total = 6 << 20;
    const got = new Uint8Array(total);
    let sent = 0, recvd = 0, nulls = 0;
    b.settimeout(5);
    for (let round = 0; sent < total && round < 100000; round++) {
      const n = a.write(big, start + sent, total - sent);
      if (n === null) nulls++;
      else {
        assert.ok(n > 0 && n <= total - sent, `count ${n}`);
        sent += n;
      }
      while (recvd < sent) recvd += b.recv_into(got.subarray(recvd), sent - recvd);
    }
    assert.equal(sent, total);
    assert.ok(nulls + 1 > 0);
    assert.deepEqual(got, big.subarray(start, start + total), "the peer received exactly the range, in order");
  } finally {
    closeAll(a, b);
  }
});

test("readline(size) stops after size bytes (MicroPython, CPython); the rest stays buffered", () => {
  const [a, b] = usocket.socketpair();
  try {
    a.sendall("one\ntwo\nthree\n");
    a.shutdown(usocket.SHUT_WR);
    assert.equal(text(b.readline(2)), "on");
    assert.equal(text(b.readline(5)), "e\n", "the line ends first");
    assert.equal(text(b.readline(0)), "", "size 0: empty at once");
    assert.equal(text(b.readline(3)), "two");
    assert.equal(text(b.readline(1)), "\n");
    assert.equal(text(b.readline(-1)), "three\n", "negative: no limit");
    assert.equal(text(b.readline(10)), "", "EOF");
  } finally {
    closeAll(a, b);
  }
  const [c, d] = usocket.socketpair();
  try {
    c.sendall("abcdef");
    c.close();
    assert.equal(text(d.readline(4)), "abcd");
    assert.equal(text(d.readline(null)), "ef", "null: no limit; EOF ends the last line");
    assert.equal(text(d.readline()), "");
  } finally {
    closeAll(c, d);
  }
});

test("readline(size) over every split point: the pieces concatenate to the stream, none too long", () => {
  const input = "alpha\nbeta\n\ngamma delta epsilon\nz";
  for (const size of [1, 2, 3, 5, 7, 100]) {
    for (let cut = 0; cut <= input.length; cut++) {
      const [a, b] = usocket.socketpair();
      try {
        const pieces: string[] = [];
        const take = (line: string | null) => {
          if (line === null || line === "") return false;
          assert.ok(line.length <= size, `a piece of ${line.length} > ${size}`);
          assert.ok(!line.slice(0, -1).includes("\n"), "a piece holds at most one newline, at its end");
          pieces.push(line);
          return true;
        };
        a.sendall(input.slice(0, cut));
        b.setblocking(false); // what the first part holds: whole pieces, then null
        while (take(text(b.readline(size))));
        a.sendall(input.slice(cut));
        a.close();
        b.settimeout(5);
        while (take(text(b.readline(size))));
        assert.equal(pieces.join(""), input, `size ${size}, cut ${cut}`);
      } finally {
        closeAll(a, b);
      }
    }
  }
});

test("readline(size), non-blocking: fewer than size bytes and no newline → null, kept; then the piece", () => {
  const [a, b] = usocket.socketpair();
  try {
    b.setblocking(false);
    assert.equal(b.readline(4), null);
    a.sendall("ab");
    assert.equal(b.readline(4), null, "2 of 4 bytes, no newline: null");
    a.sendall("cdef");
    assert.equal(text(b.readline(4)), "abcd");
    assert.equal(text(b.readline(4)), null, "ef is kept");
    assert.equal(text(b.recv(10)), "ef", "and served first by recv");
  } finally {
    closeAll(a, b);
  }
});

test("readline(size) with a timeout: ETIMEDOUT keeps the partial piece for the next read", () => {
  const [a, b] = usocket.socketpair();
  try {
    a.sendall("xy");
    b.settimeout(0.05);
    assertOSError(() => b.readline(3), errno.ETIMEDOUT);
    a.sendall("z\n");
    assert.equal(text(b.readline(3)), "xyz");
    assert.equal(text(b.readline(3)), "\n");
  } finally {
    closeAll(a, b);
  }
});

test("readline(size): bad sizes raise before any syscall; a closed socket raises EBADF", () => {
  const [a, b] = usocket.socketpair();
  try {
    const r = b.readline as (...x: unknown[]) => Uint8Array | null;
    assert.throws(() => r.call(b, "3"), TypeError);
    assert.throws(() => r.call(b, 1.5), RangeError);
    assert.throws(() => r.call(b, NaN), RangeError);
    assert.throws(() => r.call(b, 1, 2), /at most 1 argument/);
    b.close();
    assertOSError(() => b.readline(0), errno.EBADF);
  } finally {
    closeAll(a, b);
  }
});

test("readinto(buf, nbytes): MicroPython's nbytes — past the buffer or negative means the buffer's length", () => {
  const [a, b] = usocket.socketpair();
  b.settimeout(5);
  try {
    a.sendall("0123456789");
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
  } finally {
    closeAll(a, b);
  }
});
