// Bad input: a table of wrong calls for every public function and method,
// then a seeded random fuzzer. Only TypeError, RangeError and OSError may
// come out; nothing crashes, hangs, or leaks a descriptor.
import assert from "node:assert/strict";
import { rmSync, statSync } from "node:fs";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { closeAll, listener, settledFdCount, tcpPair } from "./helpers.ts";

const { OSError } = usocket;
type Fn = () => unknown;

function detached(): Uint8Array {
  const b = new Uint8Array(16);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

function expectError(label: string, fn: Fn, re: RegExp): void {
  let err: unknown = undefined;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(
    err instanceof TypeError || err instanceof RangeError || err instanceof OSError,
    `${label}: expected TypeError/RangeError/OSError, got ${err === undefined ? "no error" : err}`,
  );
  assert.match((err as Error).message, re, `${label}: message ${(err as Error).message}`);
}

test("bad input: every public function refuses wrong arguments, naming them", () => {
  const cases: [string, Fn, RegExp][] = [
    ["socket af string", () => usocket.socket("x" as unknown as number), /af/],
    ["socket type NaN", () => usocket.socket(usocket.AF_INET, NaN), /type/],
    ["socket proto 1.5", () => usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, 1.5), /proto/],
    ["socketpair af", () => usocket.socketpair(undefined as unknown as number, "s" as unknown as number), /type/],
    ["getaddrinfo host number", () => usocket.getaddrinfo(1 as unknown as string, 80), /host/],
    ["getaddrinfo port 65536", () => usocket.getaddrinfo("127.0.0.1", 65536), /port/],
    ["getaddrinfo port -1", () => usocket.getaddrinfo("127.0.0.1", -1), /port/],
    ["getaddrinfo port NaN", () => usocket.getaddrinfo("127.0.0.1", NaN), /port/],
    ["getaddrinfo NUL", () => usocket.getaddrinfo("127.0.0.1\0", 80), /NUL/],
    ["getaddrinfo flags Infinity", () => usocket.getaddrinfo("127.0.0.1", 80, 0, 0, 0, Infinity), /flags/],
    ["inet_pton text", () => usocket.inet_pton(usocket.AF_INET, 5 as unknown as string), /text/],
    ["inet_pton bad v4", () => usocket.inet_pton(usocket.AF_INET, "1.2.3.4.5"), /text/],
    ["inet_pton bad v6", () => usocket.inet_pton(usocket.AF_INET6, ":::"), /text/],
    ["inet_pton af", () => usocket.inet_pton(99, "1.2.3.4"), /af/],
    ["inet_ntop length", () => usocket.inet_ntop(usocket.AF_INET, new Uint8Array(3)), /packed/],
    ["inet_ntop type", () => usocket.inet_ntop(usocket.AF_INET, [1, 2, 3, 4] as unknown as Uint8Array), /packed/],
    ["sockaddr type", () => usocket.sockaddr("raw" as unknown as Uint8Array), /raw/],
    ["fromfd negative", () => usocket.fromfd(-1, usocket.AF_INET, usocket.SOCK_STREAM), /fd/],
    ["fromfd fraction", () => usocket.fromfd(1.5, usocket.AF_INET, usocket.SOCK_STREAM), /fd/],
    [
      "create_connection address",
      () => usocket.create_connection("127.0.0.1:80" as unknown as [string, number]),
      /address/,
    ],
    ["create_connection port", () => usocket.create_connection(["127.0.0.1", 70000]), /port/],
    ["create_server port", () => usocket.create_server(["127.0.0.1", -1]), /port/],
    [
      "create_server dualstack v4",
      () => usocket.create_server(["127.0.0.1", 0], { dualstack_ipv6: true }),
      /dualstack/,
    ],
    ["linger seconds", () => usocket.linger(true, -1), /seconds/],
    ["parse_linger short", () => usocket.parse_linger(new Uint8Array(4)), /bytes/],
    ["ip_mreq group", () => usocket.ip_mreq("239.1.2", "0.0.0.0"), /text/],
    ["ipv6_mreq ifindex", () => usocket.ipv6_mreq("ff02::1", -1), /ifindex/],
    ["poll register obj", () => usocket.select.poll().register({} as unknown as number), /obj/],
    ["poll register fd -1", () => usocket.select.poll().register(-1), /obj/],
    ["poll register mask", () => usocket.select.poll().register(0, NaN), /eventmask/],
    ["poll poll NaN", () => usocket.select.poll().poll(NaN), /timeout/],
    ["poll modify unknown", () => usocket.select.poll().modify(5, usocket.select.POLLIN), /ENOENT/],
    ["select lists", () => usocket.select.select("r" as unknown as [], [], []), /rlist/],
    ["select timeout", () => usocket.select.select([], [], [], -1), /timeout/],
  ];
  for (const [label, fn, re] of cases) expectError(label, fn, re);
});

test("bad input: every Socket method refuses wrong arguments and stays usable", () => {
  const [cli, conn] = tcpPair();
  const udp = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const buf = new Uint8Array(8);
  const cases: [string, Fn, RegExp][] = [
    ["bind host name", () => udp.bind(["localhost", 0]), /getaddrinfo/],
    ["bind port", () => udp.bind(["127.0.0.1", 65536]), /port/],
    ["bind long host", () => udp.bind(["1".repeat(10000), 0]), /getaddrinfo/],
    ["bind raw wrong family", () => udp.bind(new Uint8Array(28).fill(0).map((_, i) => i === 0 ? 10 : 0)), /family/],
    ["bind raw short", () => udp.bind(new Uint8Array(3)), /raw sockaddr/],
    ["connect tuple size", () => cli.connect(["127.0.0.1"] as unknown as [string, number]), /address/],
    ["connect undefined", () => cli.connect(undefined as unknown as [string, number]), /address/],
    ["connect bad v6 text", () => usocket.socket(usocket.AF_INET6).connect(["::g", 1]), /IPv6/],
    ["listen string", () => conn.listen("5" as unknown as number), /backlog/],
    ["send object", () => cli.send({} as unknown as string), /data/],
    ["send flags", () => cli.send("x", 1.5), /flags/],
    ["sendall null", () => cli.sendall(null as unknown as string), /data/],
    ["sendto address", () => udp.sendto("x", null as unknown as [string, number]), /address/],
    ["sendto port", () => udp.sendto("x", ["127.0.0.1", -1]), /port/],
    ["recv 2**31", () => conn.recv(2 ** 31), /bufsize/],
    ["recv Infinity", () => conn.recv(Infinity), /bufsize/],
    ["recvfrom -1", () => udp.recvfrom(-1), /bufsize/],
    ["recv_into nbytes", () => conn.recv_into(buf, 9), /nbytes/],
    ["recv_into detached nbytes", () => conn.recv_into(detached(), 1), /nbytes|detached/],
    ["recvfrom_into buf", () => udp.recvfrom_into("x" as unknown as Uint8Array), /buf/],
    ["readinto nbytes NaN", () => conn.readinto(buf, NaN), /nbytes/],
    ["readinto detached", () => conn.readinto(detached(), 4), /nbytes|detached/],
    ["read fraction", () => conn.read(1.5), /size/],
    ["read too big", () => conn.read(2 ** 31), /size/],
    ["write number", () => cli.write(7 as unknown as string), /buf/],
    ["setsockopt level", () => cli.setsockopt("SOL" as unknown as number, 1, 1), /level/],
    [
      "setsockopt value",
      () => cli.setsockopt(usocket.SOL_SOCKET, usocket.SO_KEEPALIVE, [1] as unknown as number),
      /value/,
    ],
    ["getsockopt buflen 2**31", () => cli.getsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, 2 ** 31), /buflen/],
    ["settimeout negative", () => cli.settimeout(-0.5), /timeout/],
    ["setblocking string", () => cli.setblocking("no" as unknown as boolean), /flag/],
    ["makefile mode", () => cli.makefile("r+"), /mode/],
    ["makefile buffering", () => cli.makefile("rb", "0" as unknown as number), /buffering/],
    ["shutdown how", () => cli.shutdown(3), /how/],
  ];
  for (const [label, fn, re] of cases) expectError(label, fn, re);
  // still usable
  cli.sendall("ok");
  conn.settimeout(2);
  assert.deepEqual([...conn.recv(2)], [111, 107]);
  closeAll(cli, conn, udp);
  for (const [label, fn] of [["recv", () => conn.recv(1)], ["fileno", () => conn.fileno()]] as [string, Fn][]) {
    if (label === "fileno") assert.equal(fn(), -1);
    else expectError(`${label} closed`, fn, /EBADF/);
  }
});

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("fuzz: 20 000 random calls — only TypeError/RangeError/OSError, no hang, no fd leak", async () => {
  const seed = Number(process.env.USOCKET_FUZZ_SEED ?? 20261123);
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const before = await settledFdCount();
  const [srv, port] = listener();
  const created: usocket.Socket[] = [];
  const track = (v: unknown) => {
    if (v instanceof usocket.Socket) created.push(v);
    else if (Array.isArray(v)) v.forEach(track);
    return v;
  };
  const fresh = () => {
    const kind = pick(["tcp", "tcp6", "udp", "pair", "unixdgram"]);
    const s = kind === "pair"
      ? usocket.socketpair()[Math.floor(rnd() * 2)]
      : kind === "unixdgram"
      ? usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM)
      : usocket.socket(
        kind === "tcp6" ? usocket.AF_INET6 : usocket.AF_INET,
        kind === "udp" ? usocket.SOCK_DGRAM : usocket.SOCK_STREAM,
      );
    track(s);
    s.setblocking(false);
    return s;
  };
  const pool: usocket.Socket[] = Array.from({ length: 8 }, fresh);
  const poller = usocket.select.poll();
  const values: unknown[] = [
    undefined,
    null,
    0,
    -0,
    1,
    -1,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    2 ** 31,
    2 ** 32,
    65535,
    65536,
    port,
    "",
    "127.0.0.1",
    "::1",
    "localhost-ish\0",
    "x".repeat(10000),
    "1.2.3.256",
    "fe80::1%nonexistent0",
    true,
    false,
    {},
    [],
    ["127.0.0.1", port],
    ["127.0.0.1", 0],
    ["::1", port, 0, 0],
    ["127.0.0.1", -1],
    ["127.0.0.1"],
    new Uint8Array(0),
    new Uint8Array(16),
    new Uint8Array(200),
    new Uint16Array(3),
    new DataView(new ArrayBuffer(4)),
    "/tmp/usocket-fuzz-not-there.sock",
    usocket.MSG_PEEK,
    usocket.MSG_DONTWAIT,
    usocket.SOL_SOCKET,
    usocket.SO_REUSEADDR,
    usocket.IPPROTO_TCP,
  ];
  const arg = () => {
    const v = pick(values);
    return v instanceof Uint8Array && rnd() < 0.1 ? detached() : v;
  };
  const methods = [
    "bind",
    "listen",
    "accept",
    "connect",
    "connect_ex",
    "send",
    "sendall",
    "sendto",
    "recv",
    "recvfrom",
    "recv_into",
    "recvfrom_into",
    "read",
    "readinto",
    "readline",
    "write",
    "setsockopt",
    "getsockopt",
    "getsockname",
    "getpeername",
    "shutdown",
    "makefile",
    "fileno",
    "close",
    "detach",
  ] as const;
  const fns: (() => unknown)[] = [
    () => track(usocket.socket(arg() as number, arg() as number, arg() as number)),
    () => usocket.getaddrinfo(arg() as string, arg() as number, 0, 0, 0, usocket.AI_NUMERICHOST),
    () => usocket.inet_pton(arg() as number, arg() as string),
    () => usocket.inet_ntop(arg() as number, arg() as Uint8Array),
    () => usocket.sockaddr(arg() as Uint8Array),
    () => usocket.linger(arg() as boolean, arg() as number),
    () => usocket.ip_mreq(arg() as string, arg() as string),
    () => poller.register(pick(pool), arg() as number),
    () => poller.register(arg() as number, usocket.select.POLLIN),
    () => poller.modify(pick(pool), arg() as number),
    () => poller.unregister(arg() as number),
    () => poller.poll(0),
    () => usocket.select.select([pick(pool)], [pick(pool)], [], 0),
  ];
  const counts = { ok: 0, TypeError: 0, RangeError: 0, OSError: 0 };
  const deadline = performance.now() + 60000;
  let i = 0;
  try {
    for (; i < 20000; i++) {
      assert.ok(performance.now() < deadline, "fuzzing took over 60 s");
      if (rnd() < 0.02) pool[Math.floor(rnd() * pool.length)] = fresh();
      const call = rnd() < 0.2 ? pick(fns) : () => {
        const s = pick(pool);
        const m = pick(methods);
        const args = Array.from({ length: Math.floor(rnd() * 4) }, arg);
        const r = (s[m] as (...a: unknown[]) => unknown).apply(s, args);
        if (m === "detach" && typeof r === "number" && r >= 0) {
          new usocket.Socket(usocket.AF_INET, usocket.SOCK_STREAM, 0, r).close();
        }
        if (s.fileno() >= 0 && s.gettimeout() !== 0) s.setblocking(false);
        return track(r);
      };
      try {
        call();
        counts.ok++;
      } catch (e) {
        if (e instanceof OSError) counts.OSError++;
        else if (e instanceof RangeError) counts.RangeError++;
        else if (e instanceof TypeError) counts.TypeError++;
        else throw e;
      }
    }
  } catch (e) {
    throw new Error(`fuzz failed at call ${i} with USOCKET_FUZZ_SEED=${seed}: ${(e as Error).stack ?? e}`);
  }
  console.log(`fuzz seed ${seed}: ${JSON.stringify(counts)}`);
  for (const s of [...pool, ...created]) s.close();
  srv.close();
  // AF_UNIX sockets of the pool may have bound string values as paths (relative to the cwd): remove them
  for (const v of values) {
    if (typeof v === "string" && v !== "" && !v.includes("\0") && v.length < 200) {
      if (statSync(v, { throwIfNoEntry: false })?.isSocket()) rmSync(v, { force: true });
    }
  }
  assert.equal(await settledFdCount(), before, `descriptors leaked (seed ${seed})`);
});
