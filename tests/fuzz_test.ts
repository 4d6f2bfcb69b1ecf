// Reliability, fuzzing: 20 000 seeded random calls of every public function
// and Socket method with random argument mixes, on a pool of real sockets
// (connected TCP pairs over IPv4 and IPv6, listeners, UDP, AF_UNIX stream and
// datagram sockets, closed ones). Every socket is non-blocking or has a
// 10 ms timeout before each call, so nothing can wait long. Checks: only
// TypeError, RangeError or OSError is thrown; what returns has the promised
// shape (recv → Uint8Array ≤ bufsize, send → count ≤ length, fileno() -1
// exactly when closed, …); no descriptor is left open once the pool is
// closed; nothing is written outside a temporary directory.
// Replay with USOCKET_FUZZ_SEED=<seed> (printed on failure and at the end).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { settledFdCount } from "./helpers.ts";

const { OSError, select } = usocket;
type Socket = usocket.Socket;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function detached(): Uint8Array {
  const b = new Uint8Array(16);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

function show(v: unknown): string {
  if (typeof v === "string") return v.length > 24 ? `"${v.slice(0, 12)}…"(${v.length})` : JSON.stringify(v);
  if (v instanceof usocket.Socket) return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.byteLength})`;
  if (typeof v === "bigint" || typeof v === "symbol") return String(v);
  if (typeof v === "number" && Object.is(v, -0)) return "-0";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

test("fuzz: 20 000 seeded random calls on real sockets — only TypeError/RangeError/OSError, promised shapes, no leak", async () => {
  const seed = Number(process.env.USOCKET_FUZZ_SEED ?? 5052026);
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const before = await settledFdCount();
  const cwdBefore = new Set(readdirSync("."));
  const dir = mkdtempSync(join(tmpdir(), "usocket-fuzz-"));
  const abstract = `\0usocket-fuzz-${process.pid}`;

  // ---- the pool ----
  const everything: Socket[] = [];
  const track = <T>(v: T): T => {
    if (v instanceof usocket.Socket) everything.push(v);
    else if (Array.isArray(v)) v.forEach(track);
    return v;
  };
  const srv = track(usocket.socket());
  srv.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
  srv.bind(["127.0.0.1", 0]);
  srv.listen(64);
  const port = (srv.getsockname() as [string, number])[1];
  const srv6 = track(usocket.socket(usocket.AF_INET6));
  srv6.bind(["::1", 0]);
  srv6.listen(64);
  const port6 = (srv6.getsockname() as [string, number])[1];
  // connected pairs come from two listeners the fuzzer never touches
  const own = [usocket.AF_INET, usocket.AF_INET6].map((af) => {
    const l = track(usocket.socket(af));
    l.bind([af === usocket.AF_INET6 ? "::1" : "127.0.0.1", 0]);
    l.listen(8);
    return l;
  });
  const pair = (v6: boolean): Socket[] => {
    const l = own[v6 ? 1 : 0];
    const c = track(usocket.socket(l.family));
    c.connect(l.getsockname());
    return [c, track(l.accept()[0])];
  };
  const udp = track(usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM));
  udp.bind(["127.0.0.1", 0]);
  const udp6 = track(usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM));
  udp6.bind(["::1", 0]);
  const unixDgram = track(usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM));
  unixDgram.bind(join(dir, "dgram.sock"));
  const closed = track(usocket.socket());
  closed.close();
  const pool: Socket[] = [
    ...pair(false),
    ...pair(false),
    ...pair(true),
    srv,
    srv6,
    udp,
    udp6,
    unixDgram,
    ...track(usocket.socketpair()),
    ...track(usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM)),
    closed,
    track(usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM)),
  ];
  // each socket keeps one safe mode: non-blocking, or a 10 ms timeout
  const safeMode = new Map<Socket, number>();
  const makeSafe = (s: Socket) => {
    if (s.fileno() < 0) return;
    let mode = safeMode.get(s);
    if (mode === undefined) safeMode.set(s, mode = rnd() < 0.5 ? 0 : 0.01);
    if (s.gettimeout() !== mode) s.settimeout(mode);
  };
  pool.forEach(makeSafe);

  // ---- argument values: loopback addresses only; AF_UNIX paths only in `dir` ----
  const raw4 = new Uint8Array(16);
  new DataView(raw4.buffer).setUint16(0, usocket.AF_INET, true);
  new DataView(raw4.buffer).setUint16(2, port, false);
  raw4.set([127, 0, 0, 1], 4);
  const udpAddr = udp.getsockname(), udp6Addr = udp6.getsockname();
  // Not in the list on purpose: SO_RCVTIMEO/SO_SNDTIMEO (a raw write can make
  // a timed socket wait forever: see faults_test.ts), and hosts
  // that are not loopback ("", "<broadcast>", "0.0.0.0").
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
    0.01,
    "",
    "127.0.0.1",
    "::1",
    "127.0.0.1\0",
    "1".repeat(10000),
    "1.2.3.256",
    "::g",
    "fe80::1%nonexistent0",
    "rb",
    "rwb",
    abstract,
    join(dir, "a.sock"),
    join(dir, "dgram.sock"),
    true,
    false,
    {},
    [],
    1n,
    ["127.0.0.1", port],
    ["127.0.0.1", 0],
    ["127.0.0.1", 9],
    ["::1", port6, 0, 0],
    ["::1", 0],
    ["127.0.0.1", -1],
    ["127.0.0.1", 70000],
    ["127.0.0.1"],
    ["localhost", 80],
    udpAddr,
    udp6Addr,
    raw4,
    new Uint8Array(0),
    new Uint8Array(1),
    new Uint8Array(3),
    new Uint8Array(16),
    new Uint8Array(200),
    new Uint8Array(70000),
    new Uint16Array(3),
    new Float64Array(2),
    new DataView(new ArrayBuffer(4)),
    new ArrayBuffer(8),
    "hello\n",
    usocket.linger(true, 0),
    usocket.MSG_PEEK,
    usocket.MSG_DONTWAIT,
    usocket.MSG_WAITALL,
    usocket.MSG_PEEK | usocket.MSG_DONTWAIT,
    usocket.SOL_SOCKET,
    usocket.SO_REUSEADDR,
    usocket.SO_KEEPALIVE,
    usocket.SO_LINGER,
    usocket.SO_TYPE,
    usocket.SO_ERROR,
    usocket.SO_RCVBUF,
    usocket.IPPROTO_TCP,
    usocket.TCP_NODELAY,
    usocket.AF_INET,
    usocket.AF_INET6,
    usocket.AF_UNIX,
    usocket.SOCK_STREAM,
    usocket.SOCK_DGRAM,
    usocket.SHUT_RD,
    usocket.SHUT_WR,
    select.POLLIN,
    select.POLLOUT,
  ];
  const arg = (): unknown => {
    const v = pick(values);
    return v instanceof Uint8Array && rnd() < 0.1 ? detached() : v;
  };
  /** AF_UNIX: a path string that would land outside `dir` is moved into it. */
  const addrFor = (s: Socket, v: unknown): unknown => {
    if (s.family !== usocket.AF_UNIX || typeof v !== "string" || v.startsWith("\0") || v.includes("\0")) return v;
    if (v.startsWith(dir) || v.length > 100) return v;
    return join(dir, `p${v.length}-${v.replace(/[^A-Za-z0-9]/g, "_").slice(0, 20)}`);
  };
  /** Wait times for poll (milliseconds) and select (seconds): never "forever" and never long. */
  const waitArg = () => pick([0, 1, 5, -0, NaN, 1.5, "1", {}]);
  const waitSeconds = () => pick([0, 0.001, 0.005, -0, NaN, "1", {}]);

  // ---- the calls, with the shape each promises when it returns ----
  type Check = (r: unknown, args: unknown[], s: Socket) => string | null;
  const bytesUpTo = (max: (a: unknown[]) => number): Check => (r, a) =>
    r instanceof Uint8Array && r.length <= max(a) ? null : `expected Uint8Array ≤ ${max(a)}, got ${show(r)}`;
  const countUpTo = (max: (a: unknown[]) => number): Check => (r, a) =>
    isInt(r) && r >= 0 && r <= max(a) ? null : `expected a count 0-${max(a)}, got ${show(r)}`;
  const lenOf = (v: unknown) =>
    typeof v === "string"
      ? new TextEncoder().encode(v).length
      : ArrayBuffer.isView(v)
      ? v.byteLength
      : v instanceof ArrayBuffer
      ? v.byteLength
      : 0;
  const nbytesMax = (a: unknown[]) => (isInt(a[1]) && a[1] > 0 ? a[1] : lenOf(a[0]));
  const isAddress = (v: unknown) =>
    v === null || typeof v === "string" || v instanceof Uint8Array
    || (Array.isArray(v) && typeof v[0] === "string" && isInt(v[1]));
  const methods: [string, number, Check | null][] = [
    ["bind", 1, (r) => (r === undefined ? null : `returned ${show(r)}`)],
    ["listen", 1, null],
    ["accept", 0, (r) =>
      Array.isArray(r) && r[0] instanceof usocket.Socket && r[0].fileno() >= 0 && isAddress(r[1])
        ? null
        : `expected [Socket, address], got ${show(r)}`],
    ["connect", 1, null],
    ["connect_ex", 1, (r) => (isInt(r) && r >= 0 ? null : `expected an errno, got ${show(r)}`)],
    ["send", 2, countUpTo((a) => lenOf(a[0]))],
    ["sendall", 2, (r) => (r === undefined ? null : `returned ${show(r)}`)],
    ["sendto", 2, countUpTo((a) => lenOf(a[0]))],
    ["write", 1, (r, a) => r === null || (isInt(r) && r >= 0 && r <= lenOf(a[0])) ? null : `write → ${show(r)}`],
    ["recv", 2, bytesUpTo((a) => a[0] as number)],
    [
      "recvfrom",
      2,
      (r, a) =>
        Array.isArray(r) && r[0] instanceof Uint8Array && r[0].length <= (a[0] as number) && isAddress(r[1])
          ? null
          : `recvfrom → ${show(r)}`,
    ],
    ["recv_into", 3, countUpTo(nbytesMax)],
    [
      "recvfrom_into",
      3,
      (r, a) =>
        Array.isArray(r) && isInt(r[0]) && r[0] <= nbytesMax(a) && isAddress(r[1])
          ? null
          : `recvfrom_into → ${show(r)}`,
    ],
    ["read", 1, (r, a) =>
      r === null || (r instanceof Uint8Array && (!isInt(a[0]) || a[0] < 0 || r.length <= a[0]))
        ? null
        : `read → ${show(r)}`],
    ["readinto", 2, (r, a) => r === null || (isInt(r) && r >= 0 && r <= nbytesMax(a)) ? null : `readinto → ${show(r)}`],
    ["readline", 0, (r) => (r === null || r instanceof Uint8Array ? null : `readline → ${show(r)}`)],
    ["setsockopt", 3, null],
    [
      "getsockopt",
      3,
      (r, a) =>
        (a[2] === undefined ? isInt(r) : r instanceof Uint8Array && r.length <= (a[2] as number))
          ? null
          : `getsockopt → ${show(r)}`,
    ],
    ["getsockname", 0, (r) => (isAddress(r) ? null : `getsockname → ${show(r)}`)],
    ["getpeername", 0, (r) => (isAddress(r) ? null : `getpeername → ${show(r)}`)],
    ["shutdown", 1, null],
    [
      "settimeout",
      1,
      (_r, a, s) =>
        s.gettimeout() === (a[0] === undefined || a[0] === null ? null : a[0]) ? null : `gettimeout ${s.gettimeout()}`,
    ],
    ["setblocking", 1, (_r, a, s) => (s.gettimeout() === (a[0] ? null : 0) ? null : `gettimeout ${s.gettimeout()}`)],
    ["gettimeout", 0, (r) => (r === null || (typeof r === "number" && r >= 0) ? null : `gettimeout → ${show(r)}`)],
    ["makefile", 2, (r, _a, s) => (r === s ? null : "makefile did not return the socket")],
    ["fileno", 0, (r) => (isInt(r) && r >= -1 ? null : `fileno → ${show(r)}`)],
    ["close", 0, (_r, _a, s) => (s.fileno() === -1 ? null : "fileno() after close")],
    ["detach", 0, (r, _a, s) => (isInt(r) && s.fileno() === -1 ? null : `detach → ${show(r)}`)],
    ["toString", 0, (r) => (typeof r === "string" && r.startsWith("<socket fd=") ? null : `toString → ${show(r)}`)],
  ];
  // Half the method calls get arguments of the right types (so the calls go
  // deep: real syscalls on real states), half get the random mix above.
  const addrs = (): unknown =>
    pick([
      ["127.0.0.1", port],
      ["::1", port6],
      udpAddr,
      udp6Addr,
      ["127.0.0.1", 9],
      ["::1", 9, 0, 0],
      raw4,
      join(dir, "dgram.sock"),
      join(dir, "b.sock"),
      abstract,
    ]);
  const data = () =>
    pick<unknown>(["", "x", "hello\n", new Uint8Array(1), new Uint8Array(1500), new Uint8Array(70000)]);
  const flag = () => pick([0, 0, usocket.MSG_PEEK, usocket.MSG_DONTWAIT, usocket.MSG_WAITALL]);
  const size = () => pick([0, 1, 10, 4096, 65536, 70000]);
  const into = () => {
    const b = new Uint8Array(pick([0, 1, 16, 4096, 70000]));
    return [b, Math.floor(rnd() * (b.length + 1)), flag()];
  };
  const plausible: Record<string, (s: Socket) => unknown[]> = {
    bind: (s) => [addrFor(s, s.family === usocket.AF_UNIX ? join(dir, `b${Math.floor(rnd() * 4)}.sock`) : addrs())],
    listen: () => [pick([0, 1, 128])],
    connect: (s) => [addrFor(s, addrs())],
    connect_ex: (s) => [addrFor(s, addrs())],
    send: () => [data(), flag() & ~usocket.MSG_PEEK],
    sendall: () => [data()],
    sendto: (s) => [data(), addrFor(s, addrs())],
    write: () => [data()],
    recv: () => [size(), flag()],
    recvfrom: () => [size(), flag()],
    recv_into: into,
    recvfrom_into: into,
    read: () => [pick([undefined, 0, 1, 100, 5000])],
    readinto: () => into().slice(0, 2),
    setsockopt: () =>
      pick([
        [usocket.SOL_SOCKET, usocket.SO_REUSEADDR, pick([0, 1, true])],
        [usocket.SOL_SOCKET, usocket.SO_KEEPALIVE, 1],
        [usocket.SOL_SOCKET, usocket.SO_RCVBUF, pick([1, 4096, 1 << 20])],
        [usocket.SOL_SOCKET, usocket.SO_LINGER, usocket.linger(rnd() < 0.5, pick([0, 1]))],
        [usocket.IPPROTO_TCP, usocket.TCP_NODELAY, 1],
      ]),
    getsockopt: () => [
      usocket.SOL_SOCKET,
      pick([usocket.SO_TYPE, usocket.SO_ERROR, usocket.SO_LINGER]),
      pick([undefined, 4, 8]),
    ],
    shutdown: () => [pick([usocket.SHUT_RD, usocket.SHUT_WR, usocket.SHUT_RDWR])],
    settimeout: () => [pick([null, 0, 0.01, 5])],
    setblocking: () => [pick([true, false])],
    makefile: () => [pick(["rb", "wb", "rwb"])],
  };
  const poller = select.poll<usocket.select.PollTarget>();
  const functions: [string, () => unknown][] = [
    ["socket", () => track(usocket.socket(arg() as number, arg() as number, arg() as number))],
    ["socketpair", () => track(usocket.socketpair(arg() as number, arg() as number))],
    ["fromfd", () => {
      const fd = rnd() < 0.6 ? pick(pool).fileno() : arg();
      return track(usocket.fromfd(fd as number, arg() as number, arg() as number));
    }],
    ["getaddrinfo", () => {
      const flags = arg();
      return usocket.getaddrinfo(
        arg() as string,
        arg() as number,
        arg() as number,
        arg() as number,
        arg() as number,
        isInt(flags) ? flags | usocket.AI_NUMERICHOST : (flags as number), // never a DNS query
      );
    }],
    ["create_connection", () => {
      const host = pick(["127.0.0.1", "::1", "127.0.0.1\0", "1".repeat(10000), arg()]);
      const p = pick([port, port6, 0, 9, 65536, -1, arg()]);
      const timeout = pick([0.01, 0, NaN, -1, "1"]); // never blocking: a full backlog would hold it for minutes
      return track(usocket.create_connection([host as string, p as number], timeout as number));
    }],
    ["create_server", () => {
      const host = pick(["127.0.0.1", "::1", "127.0.0.1\0", "::g", arg()]);
      const fam = pick([undefined, usocket.AF_INET, usocket.AF_INET6, arg()]);
      return track(usocket.create_server([host as string, pick([0, port, -1, 1.5, arg()]) as number], {
        family: fam as number,
        backlog: pick([undefined, 1, -1, NaN, arg()]) as number,
        reuse_port: pick([undefined, true, false]),
        dualstack_ipv6: pick([undefined, true, false]),
      }));
    }],
    ["inet_pton", () => usocket.inet_pton(arg() as number, arg() as string)],
    ["inet_ntop", () => usocket.inet_ntop(arg() as number, arg() as Uint8Array)],
    ["sockaddr", () => usocket.sockaddr(arg() as Uint8Array)],
    ["linger", () => usocket.linger(arg() as boolean, arg() as number)],
    ["parse_linger", () => usocket.parse_linger(arg() as Uint8Array)],
    ["ip_mreq", () => usocket.ip_mreq(arg() as string, arg() as string)],
    ["ipv6_mreq", () => usocket.ipv6_mreq(arg() as string, arg() as number)],
    ["poll.register", () => poller.register(rnd() < 0.7 ? pick(pool) : arg() as number, arg() as number)],
    ["poll.modify", () => poller.modify(rnd() < 0.7 ? pick(pool) : arg() as number, arg() as number)],
    ["poll.unregister", () => poller.unregister(rnd() < 0.7 ? pick(pool) : arg() as number)],
    ["poll.poll", () => {
      const r = poller.poll(waitArg() as number);
      if (!r.every(([, ev]) => isInt(ev) && ev > 0)) throw new Error(`broken promise: poll → ${show(r)}`);
    }],
    ["poll.ipoll", () => [...poller.ipoll(waitArg() as number, pick([0, 1, 2, NaN]))]],
    ["select", () => {
      const list = () => Array.from({ length: Math.floor(rnd() * 3) }, () => (rnd() < 0.8 ? pick(pool) : arg()));
      return select.select(list() as Socket[], list() as Socket[], list() as Socket[], waitSeconds() as number);
    }],
  ];

  const counts: Record<string, number> = { ok: 0, TypeError: 0, RangeError: 0, OSError: 0 };
  const t0 = performance.now();
  let i = 0, last = "";
  try {
    for (; i < 20000; i++) {
      assert.ok(performance.now() - t0 < 50000, "fuzzing took over 50 s");
      if (rnd() < 0.01) {
        // replace a pool entry: a fresh connected pair end, a UDP socket, or the closed socket
        const k = Math.floor(rnd() * pool.length);
        const kind = rnd();
        pool[k] = kind < 0.4
          ? pick(pair(rnd() < 0.5))
          : kind < 0.8
          ? track(usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM))
          : closed;
        makeSafe(pool[k]);
      }
      let call: () => unknown;
      if (rnd() < 0.25) {
        const [name, fn] = pick(functions);
        last = name;
        call = fn;
      } else {
        const s = pick(pool);
        const [name, arity, check] = pick(methods);
        const n = rnd() < 0.15 ? Math.floor(rnd() * 5) : arity; // sometimes too few or too many
        const args = rnd() < 0.5 && Object.hasOwn(plausible, name)
          ? plausible[name](s)
          : Array.from({ length: n }, arg);
        if (["bind", "connect", "connect_ex"].includes(name)) args[0] = addrFor(s, args[0]);
        if (name === "sendto") args[1] = addrFor(s, args[1]);
        last = `${name}(${args.map(show).join(", ")}) on ${s}`;
        call = () => {
          const wasOpen = s.fileno() >= 0;
          const r = (s[name as keyof Socket] as (...a: unknown[]) => unknown).apply(s, args);
          if (name === "detach" && isInt(r) && r >= 0) {
            new usocket.Socket(s.family, s.type, s.proto, r).close();
          } else track(r);
          const problem = check?.(r, args, s);
          if (problem) throw new Error(`broken promise: ${problem}`);
          const inert = ["close", "detach", "fileno", "toString", "gettimeout", "connect_ex"];
          if (!wasOpen && !inert.includes(name)) throw new Error(`a call on a closed socket returned ${show(r)}`);
          if ((s.fileno() === -1) !== String(s).endsWith("[closed]>")) {
            throw new Error("fileno() and toString() disagree");
          }
          return r;
        };
      }
      try {
        call();
        counts.ok++;
      } catch (e) {
        if (e instanceof OSError) counts.OSError++;
        else if (e instanceof RangeError) counts.RangeError++;
        else if (e instanceof TypeError) counts.TypeError++;
        else throw e;
      } finally {
        pool.forEach(makeSafe);
      }
    }
  } catch (e) {
    throw new Error(`fuzz failed at call ${i} (${last}) with USOCKET_FUZZ_SEED=${seed}: ${(e as Error).stack ?? e}`);
  }
  const ms = performance.now() - t0;
  console.log(`fuzz seed ${seed}: ${JSON.stringify(counts)} in ${ms.toFixed(0)} ms`);
  for (const s of [...pool, ...everything]) s.close();
  const stray = readdirSync(".").filter((f) => !cwdBefore.has(f));
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(stray, [], "files created outside the temporary directory");
  assert.equal(await settledFdCount(), before, `descriptors leaked (seed ${seed})`);
});
