// Reliability, bad input: every public function and Socket method, each of
// its arguments, against wrong types, undefined, NaN, ±Infinity, negative and
// fractional numbers, out-of-range integers, ports 65536 and -1, hosts with
// NUL bytes or 10 000 characters, malformed IPv4/IPv6 text, raw sockaddrs too
// short, too long or of the wrong family, detached buffers, and sizes beyond
// the buffer. Each call must raise TypeError/RangeError/OSError whose message
// names the argument, and the sockets must work afterwards. The last tests
// each pin one gap found this way.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { closeAll, listener, tcpPair, text } from "./helpers.ts";

const { OSError, select } = usocket;
type Fn = () => unknown;

/** A Uint8Array whose ArrayBuffer has been transferred away (detached). */
function detached(n = 16): Uint8Array {
  const b = new Uint8Array(n);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

/** What a call did: ok, or the error, its class and message. */
function run(fn: Fn): { ok: boolean; cls?: string; msg?: string; err?: unknown } {
  try {
    const r = fn();
    if (r instanceof usocket.Socket) r.close();
    if (Array.isArray(r)) { for (const x of r) if (x instanceof usocket.Socket) x.close(); }
    return { ok: true };
  } catch (err) {
    return { ok: false, cls: (err as Error)?.constructor?.name, msg: (err as Error)?.message, err };
  }
}

/**
 * Runs every `[label, fn, name]` case: each must throw TypeError, RangeError
 * or OSError whose message matches `name`. Returns the cases that did not.
 */
function refuse(cases: [string, Fn, RegExp][]): string[] {
  const bad: string[] = [];
  for (const [label, fn, name] of cases) {
    const r = run(fn);
    const allowed = r.err instanceof TypeError || r.err instanceof RangeError || r.err instanceof OSError;
    if (r.ok) bad.push(`${label}: no error`);
    else if (!allowed) bad.push(`${label}: ${r.cls} ${r.msg}`);
    else if (!name.test(r.msg ?? "")) bad.push(`${label}: message does not name it: ${r.cls} "${r.msg}"`);
  }
  return bad;
}

const NOT_INT: [string, unknown][] = [
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["1.5", 1.5],
  ["-0.5", -0.5],
  ["2**31", 2 ** 31],
  ["-(2**31)-1", -(2 ** 31) - 1],
  ["2**53", 2 ** 53],
  ["\"1\"", "1"],
  ["null", null],
  ["{}", {}],
  ["[]", []],
  ["true", true],
  ["1n", 1n],
  ["Symbol", Symbol("x")],
];

/** For each bad integer (and `extra`), a case calling `call(v)` whose error must match `name`. */
function ints(label: string, name: RegExp, call: (v: unknown) => unknown, extra: [string, unknown][] = []) {
  return [...NOT_INT, ...extra].map(([vl, v]): [string, Fn, RegExp] => [`${label}(${vl})`, () => call(v), name]);
}

/** Any value, typed to pass where the API expects something else. */
const u = (v: unknown): never => v as never;

test("bad input: module functions — every integer argument", () => {
  const { AF_INET, SOCK_STREAM } = usocket;
  const [srv] = listener();
  const fd = srv.fileno();
  const cases: [string, Fn, RegExp][] = [
    ...ints("socket af", /af/, (v) => usocket.socket(u(v))),
    ...ints("socket type", /type/, (v) => usocket.socket(AF_INET, u(v))),
    ...ints("socket proto", /proto/, (v) => usocket.socket(AF_INET, SOCK_STREAM, u(v))),
    ...ints("new Socket fileno", /fileno/, (v) => new usocket.Socket(AF_INET, SOCK_STREAM, 0, u(v)), [["-1", -1]])
      .filter(([label]) => label !== "new Socket fileno(null)"), // null fileno: create a socket (CPython's None)
    ...ints("socketpair af", /af/, (v) => usocket.socketpair(u(v))),
    ...ints("socketpair type", /type/, (v) => usocket.socketpair(usocket.AF_UNIX, u(v))),
    ...ints("socketpair proto", /proto/, (v) => usocket.socketpair(usocket.AF_UNIX, SOCK_STREAM, u(v))),
    ...ints("fromfd fd", /fd/, (v) => usocket.fromfd(u(v), AF_INET, SOCK_STREAM), [
      ["-1", -1],
      ["undefined", undefined],
    ]),
    ...ints("fromfd af", /af/, (v) => usocket.fromfd(fd, u(v), SOCK_STREAM), [["undefined", undefined]]),
    ...ints("fromfd type", /type/, (v) => usocket.fromfd(fd, AF_INET, u(v)), [["undefined", undefined]]),
    ...ints("fromfd proto", /proto/, (v) => usocket.fromfd(fd, AF_INET, SOCK_STREAM, u(v))),
    ...ints("getaddrinfo af", /af/, (v) => usocket.getaddrinfo("127.0.0.1", 80, u(v))),
    ...ints("getaddrinfo type", /type/, (v) => usocket.getaddrinfo("127.0.0.1", 80, 0, u(v))),
    ...ints("getaddrinfo proto", /proto/, (v) => usocket.getaddrinfo("127.0.0.1", 80, 0, 0, u(v))),
    ...ints("getaddrinfo flags", /flags/, (v) => usocket.getaddrinfo("127.0.0.1", 80, 0, 0, 0, u(v))),
    ...ints("linger seconds", /seconds/, (v) => usocket.linger(true, u(v)), [["-1", -1]]),
    ...ints("ipv6_mreq ifindex", /ifindex/, (v) => usocket.ipv6_mreq("ff02::1", u(v)), [["-1", -1], ["2**32", 2 ** 32]])
      .filter(([label]) => label !== "ipv6_mreq ifindex(2**31)"), // an unsigned 32-bit index
    ...ints("poll.register eventmask", /eventmask/, (v) => select.poll().register(0, u(v)), [
      ["-1", -1],
      ["65536", 65536],
    ]),
    ...ints("poll.modify eventmask", /eventmask/, (v) => {
      const p = select.poll();
      p.register(0);
      p.modify(0, u(v));
    }, [["-1", -1]]),
    ...ints("poll.register fd", /obj/, (v) => select.poll().register(u(v)), [["-1", -1], ["undefined", undefined]]),
    ...ints("ipoll flags", /flags/, (v) => select.poll().ipoll(0, u(v)), [["2", 2], ["-1", -1]]),
  ];
  // documented: poll timeouts take null/±Infinity/negatives as "forever", so only these are wrong
  for (const [vl, v] of [["NaN", NaN], ["1.5", 1.5], ["\"1\"", "1"], ["{}", {}], ["true", true]] as const) {
    cases.push([`poll timeout(${vl})`, () => select.poll().poll(u(v)), /timeout/]);
    cases.push([`ipoll timeout(${vl})`, () => select.poll().ipoll(u(v)), /timeout/]);
  }
  for (const [vl, v] of [["NaN", NaN], ["-1", -1], ["-Infinity", -Infinity], ["\"1\"", "1"], ["{}", {}]] as const) {
    cases.push([`select timeout(${vl})`, () => select.select([], [], [], u(v)), /timeout/]);
  }
  for (const [vl, v] of [["null", null], ["42", 42], ["\"abc\"", "abc"], ["{}", {}]] as const) {
    cases.push([`select rlist(${vl})`, () => select.select(u(v), [], []), /rlist/]);
    cases.push([`select wlist(${vl})`, () => select.select([], u(v), []), /wlist/]);
    cases.push([`select xlist(${vl})`, () => select.select([], [], u(v)), /xlist/]);
    if (v !== 42) cases.push([`select rlist item(${vl})`, () => select.select([u(v)], [], [], 0), /rlist\[0\]/]);
  }
  const bad = refuse(cases);
  srv.close();
  assert.deepEqual(bad, []);
});

test("bad input: module functions — hosts, ports, address text, packed and raw addresses", () => {
  const { AF_INET, AF_INET6 } = usocket;
  const NUMERIC = usocket.AI_NUMERICHOST;
  const cases: [string, Fn, RegExp][] = [];
  const badHosts: [string, unknown][] = [
    ["NUL", "127.0.0.1\0evil"],
    ["10 000 chars", "1".repeat(10000)],
    ["number", 127001],
    ["object", {}],
    ["array", ["127.0.0.1"]],
  ];
  for (const [hl, h] of badHosts) {
    cases.push([`getaddrinfo host ${hl}`, () => usocket.getaddrinfo(u(h), 80, 0, 0, 0, NUMERIC), /host/]);
  }
  const badPorts: [string, unknown][] = [
    ["65536", 65536],
    ["-1", -1],
    ["1.5", 1.5],
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["object", {}],
    ["boolean", true],
    ["NUL string", "80\0"],
  ];
  for (const [pl, p] of badPorts) {
    cases.push([`getaddrinfo port ${pl}`, () => usocket.getaddrinfo("127.0.0.1", u(p), 0, 0, 0, NUMERIC), /port/]);
    cases.push([`create_connection port ${pl}`, () => usocket.create_connection(["127.0.0.1", u(p)]), /port/]);
    if (typeof p !== "string") {
      cases.push([`create_server port ${pl}`, () => usocket.create_server(["127.0.0.1", u(p)]), /port/]);
    }
  }
  cases.push(["getaddrinfo null, null", () => usocket.getaddrinfo(null, null), /host|port/]);
  cases.push(["create_connection host NUL", () => usocket.create_connection(["127.0.0.1\0", 80]), /host/]);
  cases.push(["create_connection host 10 000", () => usocket.create_connection(["1".repeat(10000), 80]), /host/]);
  const shapes: [string, unknown][] = [
    ["string", "127.0.0.1:80"],
    ["1-tuple", ["127.0.0.1"]],
    ["3-tuple", ["127.0.0.1", 1, 2]],
    ["null", null],
    ["undefined", undefined],
    ["number", 80],
  ];
  for (const [al, a] of shapes) {
    cases.push([`create_connection address ${al}`, () => usocket.create_connection(u(a)), /address/]);
    cases.push([`create_server address ${al}`, () => usocket.create_server(u(a)), /address|AF_INET/]);
  }
  cases.push(["create_server host not numeric", () => usocket.create_server(["localhost", 0]), /address|numeric/]);
  cases.push(["create_server family", () => usocket.create_server(["127.0.0.1", 0], { family: u("x") }), /af|family/]);
  cases.push(["create_server backlog", () => usocket.create_server(["127.0.0.1", 0], { backlog: NaN }), /backlog/]);
  const badV4 = [
    "",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3.4 ",
    " 1.2.3.4",
    "1.2.3.4/8",
    "1..3.4",
    "::1",
    "0x7f.0.0.1",
    "1.2.3.-4",
    "1.2.3.4\0",
  ];
  const badV6 = [
    "",
    ":::",
    "1::2::3",
    "12345::",
    "g::1",
    "[::1]",
    "::ffff:1.2.3.256",
    "1:2:3:4:5:6:7:8:9",
    "::1 ",
    "fe80::1%",
    "::1\0",
  ];
  for (const t of badV4) cases.push([`inet_pton v4 ${JSON.stringify(t)}`, () => usocket.inet_pton(AF_INET, t), /text/]);
  for (const t of badV6) {
    cases.push([`inet_pton v6 ${JSON.stringify(t)}`, () => usocket.inet_pton(AF_INET6, t), /text/]);
  }
  cases.push(["inet_pton long", () => usocket.inet_pton(AF_INET6, "1".repeat(10000)), /text/]);
  cases.push(["inet_pton text type", () => usocket.inet_pton(AF_INET, u(42)), /text/]);
  cases.push(["inet_pton af", () => usocket.inet_pton(u(NaN), "1.2.3.4"), /af/]);
  cases.push(["inet_pton af unknown", () => usocket.inet_pton(12345, "1.2.3.4"), /af/]);
  const packed: [string, unknown][] = [
    ["3 bytes", new Uint8Array(3)],
    ["16 for v4", new Uint8Array(16)],
    ["detached", detached(4)],
    ["array", [1, 2, 3, 4]],
    ["string", "abcd"],
    ["Uint16Array", new Uint16Array(2)],
  ];
  for (const [pl, p] of packed) {
    cases.push([`inet_ntop v4 packed ${pl}`, () => usocket.inet_ntop(AF_INET, u(p)), /packed/]);
  }
  cases.push(["inet_ntop v6 packed 4", () => usocket.inet_ntop(AF_INET6, new Uint8Array(4)), /packed/]);
  cases.push(["inet_ntop af", () => usocket.inet_ntop(u("x"), new Uint8Array(4)), /af/]);
  for (const [rl, r] of [["string", "raw"], ["null", null], ["array", [2, 0]], ["ArrayBuffer", new ArrayBuffer(16)]]) {
    cases.push([`sockaddr raw ${rl}`, () => usocket.sockaddr(u(r)), /raw/]);
  }
  for (const [gl, g] of [["short", "239.1.2"], ["v6", "ff02::1"], ["NUL", "239.1.2.3\0"], ["number", 1]]) {
    cases.push([`ip_mreq group ${gl}`, () => usocket.ip_mreq(u(g)), /group|text/]);
    cases.push([`ip_mreq iface ${gl}`, () => usocket.ip_mreq("239.1.2.3", u(g)), /iface|text/]);
  }
  cases.push(["ipv6_mreq group v4", () => usocket.ipv6_mreq("239.1.2.3"), /group|text/]);
  for (
    const [bl, b] of [["4 bytes", new Uint8Array(4)], ["detached", detached(8)], ["string", "12345678"], ["null", null]]
  ) {
    cases.push([`parse_linger ${bl}`, () => usocket.parse_linger(u(b)), /bytes/]);
  }
  assert.deepEqual(refuse(cases), []);
});

/** A Linux raw sockaddr of `af` for the loopback address, port 9 (for the wrong-family cases). */
function sockaddrOf(af: number): Uint8Array {
  const v6 = af === usocket.AF_INET6;
  const raw = new Uint8Array(v6 ? 28 : 16);
  const dv = new DataView(raw.buffer);
  dv.setUint16(0, af, true); // sa_family, host order (little-endian x86_64/aarch64)
  dv.setUint16(2, 9, false); // port, network order
  raw.set(usocket.inet_pton(af, v6 ? "::1" : "127.0.0.1"), v6 ? 8 : 4);
  return raw;
}

test("bad input: Socket methods — every argument; the sockets work afterwards", () => {
  const [a, b] = tcpPair();
  const udp = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  udp.bind(["127.0.0.1", 0]);
  const u6 = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM);
  const ux = usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM);
  for (const s of [a, b, udp, u6, ux]) s.settimeout(0.05); // a call wrongly accepted cannot block long
  const buf = new Uint8Array(8);
  const cases: [string, Fn, RegExp][] = [
    ...ints("listen backlog", /backlog/, (v) => b.listen(u(v))),
    ...ints("shutdown how", /how/, (v) => b.shutdown(u(v)), [["3", 3], ["-1", -1], ["undefined", undefined]]),
    ...ints("setsockopt level", /level/, (v) => a.setsockopt(u(v), usocket.SO_REUSEADDR, 1)),
    ...ints("setsockopt optname", /optname/, (v) => a.setsockopt(usocket.SOL_SOCKET, u(v), 1)),
    ...ints("setsockopt value", /value/, (v) => a.setsockopt(usocket.SOL_SOCKET, usocket.SO_KEEPALIVE, u(v))),
    ...ints("getsockopt level", /level/, (v) => a.getsockopt(u(v), usocket.SO_TYPE)),
    ...ints("getsockopt optname", /optname/, (v) => a.getsockopt(usocket.SOL_SOCKET, u(v))),
    ...ints("getsockopt buflen", /buflen/, (v) => a.getsockopt(usocket.SOL_SOCKET, usocket.SO_TYPE, u(v)), [
      ["0", 0],
      ["257", 257],
    ]),
    ...ints("recv bufsize", /bufsize/, (v) => b.recv(u(v)), [["-1", -1], ["undefined", undefined]]),
    ...ints("recv flags", /flags/, (v) => b.recv(1, u(v))),
    ...ints("recvfrom bufsize", /bufsize/, (v) => udp.recvfrom(u(v)), [["-1", -1]]),
    ...ints("recvfrom flags", /flags/, (v) => udp.recvfrom(1, u(v))),
    ...ints("recv_into nbytes", /nbytes/, (v) => b.recv_into(buf, u(v)), [["-1", -1], ["9 > 8", 9]]),
    ...ints("recv_into flags", /flags/, (v) => b.recv_into(buf, 0, u(v))),
    ...ints("recvfrom_into nbytes", /nbytes/, (v) => udp.recvfrom_into(buf, u(v)), [["-1", -1], ["9 > 8", 9]]),
    ...ints("recvfrom_into flags", /flags/, (v) => udp.recvfrom_into(buf, 0, u(v))),
    // readinto's nbytes is MicroPython's: null is absent, a count past the buffer or negative is its length
    ...ints("readinto nbytes", /nbytes/, (v) => b.readinto(buf, u(v)))
      .filter(([label]) => !/\((2\*\*31|-\(2\*\*31\)-1|null)\)$/.test(label)),
    ...ints("read size", /size/, (v) => b.read(u(v))),
    ...ints("send flags", /flags/, (v) => a.send("x", u(v))),
    ...ints("sendall flags", /flags/, (v) => a.sendall("x", u(v))),
  ].filter(([label]) =>
    // documented: read(size) with size absent, null or negative reads to EOF; a boolean is a flag value
    !/^read size\((-0\.5|-Infinity|-\(2\*\*31\)-1|null)\)$/.test(label) && label !== "setsockopt value(true)"
  );
  for (
    const [vl, v] of [["-1", -1], ["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity], ["\"1\"", "1"], [
      "{}",
      {},
    ], ["true", true]] as const
  ) {
    cases.push([`settimeout(${vl})`, () => a.settimeout(u(v)), /timeout/]);
  }
  for (const [vl, v] of [["\"yes\"", "yes"], ["{}", {}], ["null", null], ["undefined", undefined]] as const) {
    cases.push([`setblocking(${vl})`, () => a.setblocking(u(v)), /flag/]);
  }
  for (const m of ["r", "w", "rb+", "", "RB"]) {
    cases.push([`makefile(${JSON.stringify(m)})`, () => a.makefile(m), /mode/]);
  }
  cases.push(["makefile mode number", () => a.makefile(u(1)), /mode/]);
  cases.push(["makefile buffering", () => a.makefile("rb", u("0")), /buffering/]);
  // data and buffers
  const notData: [string, unknown][] = [
    ["number", 42],
    ["null", null],
    ["undefined", undefined],
    ["object", {}],
    ["array", [1, 2]],
    ["boolean", true],
  ];
  for (const [dl, d] of notData) {
    cases.push([`send data ${dl}`, () => a.send(u(d)), /data/]);
    cases.push([`sendall data ${dl}`, () => a.sendall(u(d)), /data/]);
    cases.push([`write buf ${dl}`, () => a.write(u(d)), /buf/]);
    cases.push([`sendto data ${dl}`, () => udp.sendto(u(d), udp.getsockname()), /data/]);
    cases.push([`recv_into buf ${dl}`, () => b.recv_into(u(d)), /buf/]);
    cases.push([`recvfrom_into buf ${dl}`, () => udp.recvfrom_into(u(d)), /buf/]);
    cases.push([`readinto buf ${dl}`, () => b.readinto(u(d)), /buf/]);
    if (typeof d !== "number" && typeof d !== "boolean") {
      cases.push([`setsockopt value ${dl}`, () => a.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, u(d)), /value/]);
    }
  }
  // addresses, on every method that takes one, for each family
  const v4: [string, unknown][] = [
    ["host NUL", ["127.0.0.1\0", 0]],
    ["host 10 000 chars", ["1".repeat(10000), 0]],
    ["host name", ["localhost", 0]],
    ["malformed 256.1.1.1", ["256.1.1.1", 0]],
    ["malformed 1.2.3", ["1.2.3", 0]],
    ["IPv6 text", ["::1", 0]],
    ["port 65536", ["127.0.0.1", 65536]],
    ["port -1", ["127.0.0.1", -1]],
    ["port 1.5", ["127.0.0.1", 1.5]],
    ["port NaN", ["127.0.0.1", NaN]],
    ["port string", ["127.0.0.1", "80"]],
    ["port missing", ["127.0.0.1"]],
    ["3-tuple", ["127.0.0.1", 1, 0]],
    ["host number", [2130706433, 80]],
    ["empty tuple", []],
    ["null", null],
    ["undefined", undefined],
    ["object", {}],
    ["string", "127.0.0.1:80"],
    ["raw empty", new Uint8Array(0)],
    ["raw short", new Uint8Array(3)],
    ["raw too long", new Uint8Array(200)],
    ["raw detached", detached(16)],
    ["raw AF_INET6", sockaddrOf(usocket.AF_INET6)],
  ];
  const v6: [string, unknown][] = [
    ["malformed :::", [":::", 0]],
    ["malformed 1::2::3", ["1::2::3", 0]],
    ["IPv4 text", ["127.0.0.1", 0]],
    ["host NUL", ["::1\0", 0]],
    ["host 10 000 chars", [":".repeat(10000), 0]],
    ["unknown zone", ["fe80::1%nonexistent0", 0]],
    ["empty zone", ["fe80::1%", 0]],
    ["flowinfo -1", ["::1", 0, -1, 0]],
    ["flowinfo 2**20", ["::1", 0, 2 ** 20, 0]],
    ["scope_id 2**32", ["::1", 0, 0, 2 ** 32]],
    ["scope_id 1.5", ["::1", 0, 0, 1.5]],
    ["5-tuple", ["::1", 0, 0, 0, 0]],
    ["port 65536", ["::1", 65536]],
    ["raw AF_INET", sockaddrOf(usocket.AF_INET)],
  ];
  const unix: [string, unknown][] = [
    ["path NUL", "/tmp/a\0b"],
    ["path too long", "/tmp/" + "x".repeat(200)],
    ["tuple", ["127.0.0.1", 80]],
    ["number", 42],
  ];
  for (const [s, list, fam] of [[udp, v4, "v4"], [u6, v6, "v6"], [ux, unix, "unix"]] as const) {
    for (const [al, addr] of list) {
      cases.push([`${fam} bind ${al}`, () => s.bind(u(addr)), /address/]);
      cases.push([`${fam} connect ${al}`, () => s.connect(u(addr)), /address/]);
      cases.push([`${fam} connect_ex ${al}`, () => s.connect_ex(u(addr)), /address/]);
      cases.push([`${fam} sendto ${al}`, () => s.sendto("x", u(addr)), /address/]);
    }
  }
  for (const [ol, o] of [["object", {}], ["string", "3"], ["null", null], ["negative", -1], ["NaN", NaN]] as const) {
    cases.push([`poll.register obj ${ol}`, () => select.poll().register(u(o)), /obj/]);
    cases.push([`poll.modify obj ${ol}`, () => select.poll().modify(u(o), 1), /obj/]);
  }
  const bad = refuse(cases);
  // everything still works
  a.settimeout(5);
  b.settimeout(5);
  a.sendall("still");
  assert.equal(text(b.read(5)), "still");
  b.sendall("fine");
  assert.equal(text(a.recv(4)), "fine");
  udp.settimeout(5);
  udp.sendto("u", udp.getsockname());
  assert.equal(text(udp.recvfrom(4)[0]), "u");
  closeAll(a, b, udp, u6, ux);
  assert.deepEqual(bad, []);
});

test("bad input: a closed socket refuses every method with EBADF, and pollers refuse it", () => {
  const s = usocket.socket();
  s.close();
  const calls: [string, Fn][] = [
    ["bind", () => s.bind(["127.0.0.1", 0])],
    ["accept", () => s.accept()],
    ["recv(0)", () => s.recv(0)],
    ["readinto(empty)", () => s.readinto(new Uint8Array(0))],
    ["read(0)", () => s.read(0)],
    ["send(empty)", () => s.send("")],
    ["sendall(empty)", () => s.sendall(new Uint8Array(0))],
    ["write(empty)", () => s.write("")],
    ["sendto", () => s.sendto("", ["127.0.0.1", 9])],
    ["settimeout", () => s.settimeout(null)],
    ["makefile", () => s.makefile()],
    ["poll.register", () => select.poll().register(s)],
    ["select", () => select.select([s], [], [], 0)],
  ];
  const bad = calls.map(([l, fn]) => [l, run(fn)] as const)
    .filter(([, r]) => !(r.err instanceof OSError && r.err.errno === usocket.errno.EBADF))
    .map(([l, r]) => `${l}: ${r.ok ? "no error" : `${r.cls} ${r.msg}`}`);
  assert.deepEqual(bad, []);
  // argument errors still come first (the same as on an open socket)
  assert.throws(() => s.recv(-1), RangeError);
});

// ---- gaps found by the tables above: one test each ----

test("bad input: detached buffers are refused naming the argument — never sent as 0 bytes, read as EOF, or waited on", () => {
  const [a, b] = usocket.socketpair();
  const udp = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  udp.bind(["127.0.0.1", 0]);
  const quiet = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  quiet.bind(["127.0.0.1", 0]);
  // a timeout, so that a call that waits on a 0-byte buffer (recvfrom_into) ends
  for (const s of [a, b, udp, quiet]) s.settimeout(0.2);
  const detachedBuffer = () => detached().buffer as ArrayBuffer;
  const cases: [string, Fn, RegExp][] = [
    ["send(detached view)", () => a.send(detached()), /data/],
    ["send(detached ArrayBuffer)", () => a.send(detachedBuffer()), /data/],
    ["sendall(detached)", () => a.sendall(detached()), /data/],
    ["write(detached)", () => a.write(detached()), /buf/],
    ["sendto(detached)", () => udp.sendto(detached(), udp.getsockname()), /data/],
    ["recv_into(detached): 0 looks like EOF", () => b.recv_into(detached()), /buf/],
    ["readinto(detached): 0 looks like EOF", () => b.readinto(detached()), /buf/],
    ["recvfrom_into(detached): waits (forever without a timeout)", () => quiet.recvfrom_into(detached()), /buf/],
    ["setsockopt(value detached)", () => a.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, detached()), /value/],
    ["sockaddr(detached)", () => usocket.sockaddr(detached()), /raw/],
  ];
  const bad = refuse(cases);
  closeAll(a, b, udp, quiet);
  assert.deepEqual(bad, []);
});

test("bad input: -0 is taken as 0 or refused naming the argument (Deno's FFI rejects -0 as an i32)", () => {
  const s = usocket.socket();
  const cases: [string, Fn, RegExp][] = [
    ["listen(-0)", () => s.listen(-0), /backlog/],
    ["shutdown(-0)", () => s.shutdown(-0), /how/],
    ["setsockopt(-0, …)", () => s.setsockopt(-0, usocket.SO_REUSEADDR, 1), /level/],
    ["setsockopt(…, -0, …)", () => s.setsockopt(usocket.SOL_SOCKET, -0, 1), /optname/],
    ["getsockopt(-0, …)", () => s.getsockopt(-0, usocket.SO_TYPE), /level/],
    ["socket(-0)", () => usocket.socket(-0), /af/],
    ["socket(AF_INET, SOCK_STREAM, -0)", () => usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, -0), /proto/],
    ["socketpair(-0)", () => usocket.socketpair(-0), /af/],
    ["fromfd(-0, …)", () => usocket.fromfd(-0, usocket.AF_INET, usocket.SOCK_STREAM), /fd/],
  ];
  const bad: string[] = [];
  for (const [label, fn, name] of cases) {
    const r = run(fn);
    // fine: success (as 0), an OSError from the syscall, or an argument error naming it
    if (r.ok || r.err instanceof OSError) continue;
    if ((r.err instanceof TypeError || r.err instanceof RangeError) && name.test(r.msg ?? "")) continue;
    bad.push(`${label}: ${r.cls} "${r.msg}"`);
  }
  s.close();
  assert.deepEqual(bad, []);
});

test("bad input: sockaddr() refuses raw buffers too short for their family instead of decoding them as ''", () => {
  const cases: [string, Fn, RegExp][] = [
    ["empty", () => usocket.sockaddr(new Uint8Array(0)), /raw/],
    ["1 byte", () => usocket.sockaddr(new Uint8Array(1)), /raw/],
    ["AF_INET, 4 bytes", () => usocket.sockaddr(new Uint8Array([usocket.AF_INET, 0, 0, 80])), /raw/],
    ["AF_INET6, 8 bytes", () => usocket.sockaddr(new Uint8Array([usocket.AF_INET6, 0, 0, 80, 0, 0, 0, 0])), /raw/],
  ];
  assert.deepEqual(refuse(cases), []);
});

test("bad input: linger(onoff) and setblocking(flag) refuse values that are not flags", () => {
  const cases: [string, Fn, RegExp][] = [
    ["linger(\"false\", 0) turns lingering ON", () => usocket.linger(u("false"), 0), /onoff/],
    ["linger({}, 0)", () => usocket.linger(u({}), 0), /onoff/],
    ["setblocking(NaN) makes the socket non-blocking", () => {
      const s = usocket.socket();
      try {
        s.setblocking(u(NaN));
      } finally {
        s.close();
      }
    }, /flag/],
  ];
  assert.deepEqual(refuse(cases), []);
});

test("bad input: ip_mreq/ipv6_mreq name their own arguments (group, iface), not inet_pton's", () => {
  const cases: [string, Fn, RegExp][] = [
    ["ip_mreq group", () => usocket.ip_mreq("239.1.2"), /group/],
    ["ip_mreq iface", () => usocket.ip_mreq("239.1.2.3", "1.2.3"), /iface/],
    ["ipv6_mreq group", () => usocket.ipv6_mreq("ff02::1::1"), /group/],
  ];
  assert.deepEqual(refuse(cases), []);
});
