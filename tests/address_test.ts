// Address tuples ↔ sockaddr bytes, raw sockaddrs, inet_pton/inet_ntop.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { closeAll, listener, portOf, text } from "./helpers.ts";

test("inet_pton/inet_ntop round trip IPv4 and IPv6 and validate lengths", () => {
  assert.deepEqual([...usocket.inet_pton(usocket.AF_INET, "127.0.0.1")], [127, 0, 0, 1]);
  assert.equal(usocket.inet_ntop(usocket.AF_INET, new Uint8Array([10, 1, 2, 3])), "10.1.2.3");
  const v6 = usocket.inet_pton(usocket.AF_INET6, "2001:db8::1");
  assert.equal(v6.length, 16);
  assert.equal(usocket.inet_ntop(usocket.AF_INET6, v6), "2001:db8::1");
  assert.equal(
    usocket.inet_ntop(usocket.AF_INET6, usocket.inet_pton(usocket.AF_INET6, "::ffff:127.0.0.1")),
    "::ffff:127.0.0.1",
  );
  for (const bad of ["1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "a.b.c.d", "", " 1.2.3.4", "1.2.3.4\0"]) {
    assert.throws(() => usocket.inet_pton(usocket.AF_INET, bad), TypeError, bad);
  }
  for (const bad of ["1::2::3", "12345::", "::g", "x".repeat(10000)]) {
    assert.throws(() => usocket.inet_pton(usocket.AF_INET6, bad), TypeError, bad.slice(0, 20));
  }
  assert.throws(() => usocket.inet_ntop(usocket.AF_INET, new Uint8Array(5)), RangeError);
  assert.throws(() => usocket.inet_ntop(usocket.AF_INET6, new Uint8Array(4)), RangeError);
  assert.throws(() => usocket.inet_pton(12345, "1.2.3.4"), RangeError);
});

test("raw sockaddr Uint8Array: sockaddr() decodes it; it works for bind/connect/sendto; wrong family or length refused", () => {
  const [srv, port] = listener();
  // struct sockaddr_in, Linux layout: family (host order u16), port (BE), addr
  const raw = new Uint8Array(16);
  const dv = new DataView(raw.buffer);
  if (usocket.AF_INET6 === 10) dv.setUint16(0, usocket.AF_INET, true);
  else (raw[0] = 16, raw[1] = usocket.AF_INET);
  dv.setUint16(2, port, false);
  raw.set([127, 0, 0, 1], 4);
  assert.deepEqual(usocket.sockaddr(raw), ["127.0.0.1", port]);
  const c = usocket.socket();
  c.connect(raw);
  const [conn] = srv.accept();
  c.sendall("raw");
  assert.equal(text(conn.recv(3)), "raw");
  const c6 = usocket.socket(usocket.AF_INET6);
  assert.throws(() => c6.connect(raw), (e: unknown) => e instanceof Error && /family|bytes/.test(e.message));
  assert.throws(() => c.connect(raw.subarray(0, 8)), RangeError);
  assert.throws(() => c.connect(new Uint8Array(200)), RangeError);
  closeAll(c, c6, conn, srv);
});

test("host names inside tuples are refused with advice to use getaddrinfo", () => {
  const s = usocket.socket();
  for (const host of ["localhost", "example.com", "x".repeat(10000)]) {
    assert.throws(() => s.connect([host, 80]), (e: unknown) => e instanceof TypeError && /getaddrinfo/.test(e.message));
  }
  const s6 = usocket.socket(usocket.AF_INET6);
  assert.throws(() => s6.connect(["127.0.0.1", 80]), /IPv6/);
  assert.throws(() => s6.connect(["::1", 80, -1]), /flowinfo/);
  assert.throws(() => s6.connect(["::1", 80, 0, 2 ** 32]), /scope_id/);
  closeAll(s, s6);
});

test("IPv6 tuples: 2- and 4-element forms; recvfrom returns 4-tuples", () => {
  const u = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM);
  u.bind(["::1", 0, 0, 0]);
  const port = portOf(u);
  u.sendto("a", ["::1", port]);
  u.sendto("b", ["::1", port, 0, 0]);
  assert.deepEqual(u.recvfrom(4), [new Uint8Array([97]), ["::1", port, 0, 0]]);
  assert.deepEqual(u.recvfrom(4)[1], ["::1", port, 0, 0]);
  u.close();
});

test("AF_UNIX stream sockets with a filesystem path and an abstract name", () => {
  const path = `/tmp/usocket_test_${Math.random().toString(36).slice(2)}.sock`;
  for (const addr of [path, `\0usocket_abstract_${Math.random().toString(36).slice(2)}`]) {
    const srv = usocket.socket(usocket.AF_UNIX, usocket.SOCK_STREAM);
    srv.bind(addr);
    srv.listen();
    assert.equal(srv.getsockname(), addr);
    const c = usocket.socket(usocket.AF_UNIX, usocket.SOCK_STREAM);
    c.connect(addr);
    const [conn, from] = srv.accept();
    assert.equal(from, "", "an unbound client's address is empty");
    c.sendall("unix");
    assert.equal(text(conn.recv(10)), "unix");
    closeAll(c, conn, srv);
  }
  assert.throws(() => usocket.socket(usocket.AF_UNIX).bind("x".repeat(200)), RangeError);
  const s = usocket.socket(usocket.AF_UNIX);
  assert.throws(() => s.bind(["127.0.0.1", 0] as unknown as string), TypeError);
  s.close();
  rmSync(path, { force: true });
});
