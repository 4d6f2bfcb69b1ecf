// getaddrinfo: numeric hosts, localhost and AI_NUMERICHOST failures only (never DNS).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as usocket from "../mod.ts";

test("numeric IPv4 with no hints: one entry per socket type (glibc: stream, dgram, raw)", () => {
  const res = usocket.getaddrinfo("127.0.0.1", 80);
  assert.ok(res.length >= 1);
  for (const [family, , , canon, addr] of res) {
    assert.equal(family, usocket.AF_INET);
    assert.equal(canon, "");
    assert.deepEqual(addr, ["127.0.0.1", 80]);
  }
  const types = res.map((r) => r[1]);
  assert.ok(types.includes(usocket.SOCK_STREAM));
  assert.ok(types.includes(usocket.SOCK_DGRAM));
});

test("hints: family, type and proto narrow the results", () => {
  const res = usocket.getaddrinfo("::1", 443, usocket.AF_INET6, usocket.SOCK_STREAM);
  assert.equal(res.length, 1);
  assert.deepEqual(res[0], [usocket.AF_INET6, usocket.SOCK_STREAM, usocket.IPPROTO_TCP, "", ["::1", 443, 0, 0]]);
  const udp = usocket.getaddrinfo("127.0.0.1", 53, usocket.AF_INET, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP);
  assert.deepEqual(udp, [[usocket.AF_INET, usocket.SOCK_DGRAM, usocket.IPPROTO_UDP, "", ["127.0.0.1", 53]]]);
});

test("localhost resolves to loopback addresses", () => {
  const res = usocket.getaddrinfo("localhost", 8080, 0, usocket.SOCK_STREAM);
  assert.ok(res.length >= 1);
  for (const r of res) {
    const host = (r[4] as [string, number])[0];
    assert.ok(host === "127.0.0.1" || host === "::1", host);
    assert.equal((r[4] as [string, number])[1], 8080);
  }
});

test("a service name is accepted as port; null host with AI_PASSIVE gives the wildcard", () => {
  const [ai] = usocket.getaddrinfo("127.0.0.1", "80", usocket.AF_INET, usocket.SOCK_STREAM);
  assert.deepEqual(ai[4], ["127.0.0.1", 80]);
  const [p] = usocket.getaddrinfo(null, 9000, usocket.AF_INET, usocket.SOCK_STREAM, 0, usocket.AI_PASSIVE);
  assert.deepEqual(p[4], ["0.0.0.0", 9000]);
});

test("failure: OSError with the NEGATIVE getaddrinfo code and gai_strerror's text", () => {
  try {
    usocket.getaddrinfo("not-a-number.invalid", 80, 0, 0, 0, usocket.AI_NUMERICHOST);
    assert.fail("resolved");
  } catch (e) {
    assert.ok(e instanceof usocket.OSError);
    assert.ok(e.errno < 0, `errno ${e.errno} is negative`);
    assert.equal(e.errno, usocket.EAI_NONAME);
    assert.equal(e.args[0], e.errno);
    assert.match(e.message, new RegExp(`^\\[Errno ${e.errno}\\] \\S`));
  }
  assert.throws(
    () => usocket.getaddrinfo("127.0.0.1", "no-such-service-xyz", 0, usocket.SOCK_STREAM, 0, usocket.AI_NUMERICSERV),
    (e: unknown) => e instanceof usocket.OSError && e.errno < 0,
  );
});

test("bad arguments: TypeError/RangeError naming the argument, no lookup", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => usocket.getaddrinfo(5 as unknown as string, 80), /host/],
    [() => usocket.getaddrinfo("127.0.0.1", 65536), /port/],
    [() => usocket.getaddrinfo("127.0.0.1", -1), /port/],
    [() => usocket.getaddrinfo("127.0.0.1", {} as unknown as number), /port/],
    [() => usocket.getaddrinfo("127.0.0.1\0evil", 80), /NUL/],
    [() => usocket.getaddrinfo("127.0.0.1", 80, NaN), /af/],
    [() => usocket.getaddrinfo("127.0.0.1", 80, 0, 1.5), /type/],
    [() => usocket.getaddrinfo(null, null), /host and port/],
    [() => usocket.getaddrinfo("x".repeat(10000), 80, 0, 0, 0, usocket.AI_NUMERICHOST), /host/],
  ];
  for (const [fn, re] of cases) {
    assert.throws(fn, (e: unknown) => (e instanceof TypeError || e instanceof RangeError) && re.test(e.message));
  }
});

test("1 000 AI_NUMERICHOST failures leak nothing and keep working", () => {
  for (let i = 0; i < 1000; i++) {
    assert.throws(() => usocket.getaddrinfo(`bad${i}`, 80, 0, 0, 0, usocket.AI_NUMERICHOST), usocket.OSError);
  }
  assert.equal(usocket.getaddrinfo("127.0.0.1", 1, usocket.AF_INET, usocket.SOCK_STREAM).length, 1);
});
