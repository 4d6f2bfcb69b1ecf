// Reliability, descriptors: every error path of every function and method
// leaves the descriptor count unchanged at once (counted WITHOUT a garbage
// collection, so a socket left for the finalizer to close counts as a leak)
// and the socket usable; a closed socket's old object, its finalizer and its
// pollers never touch a new socket that reuses the fd number; a socket
// adopted from a descriptor blocks as gettimeout() says. Loopback only.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { libc } from "../ffi/libc.ts";
import * as usocket from "../mod.ts";
import { C } from "../src/platform/mod.ts";
import {
  closeAll,
  fdCount,
  gc,
  listener,
  nextMessage,
  portOf,
  settledFdCount,
  startWorker,
  tcpPair,
  text,
  udpPair,
} from "./helpers.ts";

const { errno, OSError, select } = usocket;
type Socket = usocket.Socket;

/** The error `fn` throws (or undefined), and what it returned. */
function outcome(fn: () => unknown): { err?: unknown; value?: unknown } {
  try {
    return { value: fn() };
  } catch (err) {
    return { err };
  }
}

function errName(code: number): string {
  return errno.errorcode[code] ?? String(code);
}

/** Whether descriptor `fd` is open in this process. */
function isOpen(fd: number): boolean {
  return libc.fcntl(fd, C.F_GETFD, 0) >= 0;
}

async function collect(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A TCP pair's round trip: the pair still carries bytes both ways. */
function roundTrip(a: Socket, b: Socket, label: string): void {
  a.settimeout(5);
  b.settimeout(5);
  a.sendall("ping");
  assert.equal(text(b.read(4)), "ping", `${label}: a → b`);
  b.sendall("pong");
  assert.equal(text(a.read(4)), "pong", `${label}: b → a`);
}

interface Ctx {
  socks: Socket[];
}

interface ErrorCase {
  name: string;
  /** Sockets the case needs, created before the count is taken. */
  setup: () => Ctx;
  /** The failing call. */
  act: (ctx: Ctx) => unknown;
  /** Accepted errno values. */
  expect: number[];
  /** Proves the sockets still work after the failure. */
  usable?: (ctx: Ctx) => void;
}

test("fd: every way to get a socket gives a close-on-exec descriptor in the mode gettimeout() says", () => {
  // Each row: how the socket is made, and the sockets to check. On macOS
  // (no SOCK_CLOEXEC, no MSG_NOSIGNAL) each must also carry SO_NOSIGPIPE.
  const made: Socket[] = [];
  const keep = <T extends Socket[]>(...s: T): T => (made.push(...s), s);
  const [srv] = keep(listener()[0]);
  const addr = srv.getsockname();
  const accepted = (mode: "blocking" | "non-blocking" | "timeout"): Socket[] => {
    if (mode === "non-blocking") srv.setblocking(false);
    if (mode === "timeout") srv.settimeout(5);
    const c = usocket.socket();
    c.connect(addr);
    const pollIn = select.poll();
    pollIn.register(srv, select.POLLIN);
    pollIn.poll(5000);
    pollIn.unregister(srv);
    const [conn] = srv.accept();
    srv.setblocking(true);
    return keep(c, conn);
  };
  const rows: [string, () => Socket[], number | null][] = [
    ["socket()", () => keep(usocket.socket()), null],
    ["new Socket(AF_INET6, SOCK_DGRAM)", () => keep(new usocket.Socket(usocket.AF_INET6, usocket.SOCK_DGRAM)), null],
    ["socketpair()", () => keep(...usocket.socketpair()), null],
    ["socketpair(AF_UNIX, SOCK_DGRAM)", () => keep(...usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_DGRAM)), null],
    ["accept() on a blocking listener", () => accepted("blocking"), null],
    ["accept() on a non-blocking listener", () => accepted("non-blocking"), null],
    ["accept() on a listener with a timeout", () => accepted("timeout"), null],
    ["fromfd()", () => keep(usocket.fromfd(srv.fileno(), usocket.AF_INET, usocket.SOCK_STREAM)), null],
    ["create_connection()", () => {
      const c = keep(usocket.create_connection(addr as usocket.IPv4Address));
      keep(srv.accept()[0]);
      return c;
    }, null],
    ["create_server()", () => keep(usocket.create_server(["127.0.0.1", 0])), null],
  ];
  if (C.SOCK_NONBLOCK !== 0) {
    rows.push([
      "socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK)",
      () => keep(usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM | C.SOCK_NONBLOCK)),
      0,
    ]);
    rows.push([
      "socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)",
      () => keep(...usocket.socketpair(usocket.AF_UNIX, usocket.SOCK_STREAM | C.SOCK_NONBLOCK)),
      0,
    ]);
  }
  try {
    for (const [label, make, timeout] of rows) {
      const socks = make();
      for (const s of socks) {
        const fd = s.fileno();
        const fdFlags = libc.fcntl(fd, C.F_GETFD, 0), flFlags = libc.fcntl(fd, C.F_GETFL, 0);
        assert.ok(fdFlags >= 0 && flFlags >= 0, `${label}: fcntl`);
        assert.ok((fdFlags & C.FD_CLOEXEC) !== 0, `${label}: FD_CLOEXEC`);
        assert.equal(s.gettimeout(), timeout, `${label}: gettimeout()`);
        assert.equal((flFlags & C.O_NONBLOCK) !== 0, s.gettimeout() === 0, `${label}: O_NONBLOCK as gettimeout() says`);
        if (s.gettimeout() === null) {
          const rcv = s.getsockopt(usocket.SOL_SOCKET, usocket.SO_RCVTIMEO, 16);
          assert.ok(rcv.every((b) => b === 0), `${label}: no SO_RCVTIMEO inherited`);
        }
        if (C.MSG_NOSIGNAL === 0) {
          assert.equal(s.getsockopt(usocket.SOL_SOCKET, C.SO_NOSIGPIPE), 1, `${label}: SO_NOSIGPIPE`);
        }
      }
    }
  } finally {
    closeAll(...made);
  }
});

test("fd: every error path of every function and method — count unchanged at once, socket usable", async () => {
  const start = await settledFdCount();
  const dir = mkdtempSync(join(tmpdir(), "usocket-rel-fd-"));
  const [busy, busyPort] = listener();
  const [gone] = listener();
  const refusedPort = portOf(gone);
  gone.close();
  const tcp = () => usocket.socket();
  const udp = () => usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const none = (): Ctx => ({ socks: [] });
  /** An unconnected TCP socket that still works: it connects and carries bytes. */
  const usableTcp = (s: Socket) => {
    s.settimeout(5);
    s.connect(["127.0.0.1", busyPort]);
    const [conn] = busy.accept();
    roundTrip(s, conn, "after the error");
    conn.close();
  };
  const usableUdp = (s: Socket) => {
    if ((s.getsockname() as [string, number])[1] === 0) s.bind(["127.0.0.1", 0]);
    s.settimeout(5);
    s.sendto("u", s.getsockname());
    assert.equal(text(s.recvfrom(8)[0]), "u");
  };
  const usableListener = ({ socks: [l] }: Ctx) => {
    const c = usocket.socket();
    c.connect(l.getsockname());
    l.settimeout(5);
    const [conn] = l.accept();
    roundTrip(c, conn, "accepted after the error");
    closeAll(c, conn);
  };
  const timedListener = (t: number): Ctx => {
    const [l] = listener();
    l.settimeout(t);
    return { socks: [l] };
  };
  const readers = ["recv", "recv_into", "recvfrom", "recvfrom_into", "read", "readinto", "readline"] as const;
  const cases: ErrorCase[] = [
    { name: "socket(): unknown family", setup: none, act: () => usocket.socket(12345), expect: [errno.EAFNOSUPPORT] },
    {
      name: "socket(): unknown type",
      setup: none,
      act: () => usocket.socket(usocket.AF_INET, 77),
      expect: [errno.EINVAL, 94 /* ESOCKTNOSUPPORT (Linux) */],
    },
    {
      name: "socket(): unknown protocol",
      setup: none,
      act: () => usocket.socket(usocket.AF_INET, usocket.SOCK_STREAM, 250),
      expect: [errno.EPROTONOSUPPORT],
    },
    {
      name: "socketpair(AF_INET)",
      setup: none,
      act: () => usocket.socketpair(usocket.AF_INET),
      expect: [errno.EOPNOTSUPP, errno.EAFNOSUPPORT],
    },
    {
      name: "fromfd(): descriptor not open",
      setup: none,
      act: () => usocket.fromfd(4000, usocket.AF_INET, usocket.SOCK_STREAM),
      expect: [errno.EBADF],
    },
    {
      name: "new Socket(fileno): descriptor not open",
      setup: none,
      act: () => new usocket.Socket(usocket.AF_INET, usocket.SOCK_STREAM, 0, 4000),
      expect: [errno.EBADF],
    },
    {
      name: "getaddrinfo(): not numeric with AI_NUMERICHOST",
      setup: none,
      act: () => usocket.getaddrinfo("no-such-host.invalid", 80, 0, 0, 0, usocket.AI_NUMERICHOST),
      expect: [-2, -3, -5, -8], // EAI_NONAME and friends: negative
    },
    {
      name: "create_connection(): refused (its socket must be closed, not left to GC)",
      setup: none,
      act: () => usocket.create_connection(["127.0.0.1", refusedPort]),
      expect: [errno.ECONNREFUSED],
    },
    {
      name: "create_connection(): refused with a timeout",
      setup: none,
      act: () => usocket.create_connection(["127.0.0.1", refusedPort], 2),
      expect: [errno.ECONNREFUSED],
    },
    {
      name: "create_connection(): source address in use",
      setup: none,
      act: () => usocket.create_connection(["127.0.0.1", busyPort], 2, ["127.0.0.1", busyPort]),
      expect: [errno.EADDRINUSE],
    },
    {
      name: "create_server(): port in use (its socket must be closed)",
      setup: none,
      act: () => usocket.create_server(["127.0.0.1", busyPort]),
      expect: [errno.EADDRINUSE],
    },
    {
      name: "bind(): twice",
      setup: () => {
        const s = tcp();
        s.bind(["127.0.0.1", 0]);
        return { socks: [s] };
      },
      act: ({ socks: [s] }) => s.bind(["127.0.0.1", 0]),
      expect: [errno.EINVAL],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "bind(): address in use",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s.bind(["127.0.0.1", busyPort]),
      expect: [errno.EADDRINUSE],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "bind(): address not local",
      setup: () => ({ socks: [udp()] }),
      act: ({ socks: [s] }) => s.bind(["192.0.2.1", 0]),
      expect: [errno.EADDRNOTAVAIL],
      usable: ({ socks: [s] }) => usableUdp(s),
    },
    {
      name: "bind(): AF_UNIX path in a missing directory",
      setup: () => ({ socks: [usocket.socket(usocket.AF_UNIX)] }),
      act: ({ socks: [s] }) => s.bind(join(dir, "missing", "x.sock")),
      expect: [errno.ENOENT],
      usable: ({ socks: [s] }) => s.bind(join(dir, "ok.sock")),
    },
    {
      name: "listen(): on UDP",
      setup: () => ({ socks: [udp()] }),
      act: ({ socks: [s] }) => s.listen(),
      expect: [errno.EOPNOTSUPP],
      usable: ({ socks: [s] }) => usableUdp(s),
    },
    {
      name: "accept(): not listening",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s.accept(),
      expect: [errno.EINVAL],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "accept(): non-blocking, nothing pending",
      setup: () => timedListener(0),
      act: ({ socks: [l] }) => l.accept(),
      expect: [errno.EAGAIN],
      usable: usableListener,
    },
    {
      name: "accept(): timeout",
      setup: () => timedListener(0.05),
      act: ({ socks: [l] }) => l.accept(),
      expect: [errno.ETIMEDOUT],
      usable: usableListener,
    },
    {
      name: "connect(): refused",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s.connect(["127.0.0.1", refusedPort]),
      expect: [errno.ECONNREFUSED],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "connect(): refused with a timeout",
      setup: () => {
        const s = tcp();
        s.settimeout(2);
        return { socks: [s] };
      },
      act: ({ socks: [s] }) => s.connect(["127.0.0.1", refusedPort]),
      expect: [errno.ECONNREFUSED],
      // Linux: after a failed non-blocking connect (how a timed connect works,
      // as in CPython) the next connect() reports ECONNABORTED once; then it works
      usable: ({ socks: [s] }) => {
        const code = s.connect_ex(["127.0.0.1", busyPort]);
        assert.ok(code === 0 || code === errno.ECONNABORTED, errName(code));
        if (code === 0) busy.accept()[0].close();
        else usableTcp(s);
      },
    },
    {
      name: "connect(): already connected",
      setup: () => ({ socks: tcpPair() }),
      act: ({ socks: [s] }) => s.connect(["127.0.0.1", busyPort]),
      expect: [errno.EISCONN],
      usable: ({ socks: [a, b] }) => roundTrip(a, b, "EISCONN"),
    },
    {
      name: "connect(): AF_UNIX path not there",
      setup: () => ({ socks: [usocket.socket(usocket.AF_UNIX)] }),
      act: ({ socks: [s] }) => s.connect(join(dir, "nobody.sock")),
      expect: [errno.ENOENT],
    },
    {
      name: "connect_ex(): refused (returned, not thrown)",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => {
        throw new OSError(s.connect_ex(["127.0.0.1", refusedPort]));
      },
      expect: [errno.ECONNREFUSED],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    ...readers.map((m): ErrorCase => ({
      name: `${m}(): TCP not connected`,
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => {
        switch (m) {
          case "recv":
          case "recvfrom":
          case "read":
            return s[m](8);
          case "readline":
            return s.readline();
          default:
            return s[m](new Uint8Array(8));
        }
      },
      expect: [errno.ENOTCONN],
      usable: ({ socks: [s] }) => usableTcp(s),
    })),
    {
      name: "recv(): non-blocking, nothing ready",
      setup: () => {
        const [a, b] = tcpPair();
        b.setblocking(false);
        return { socks: [a, b] };
      },
      act: ({ socks: [, b] }) => b.recv(8),
      expect: [errno.EAGAIN],
      usable: ({ socks: [a, b] }) => roundTrip(a, b, "after EAGAIN"),
    },
    {
      name: "recv(): timeout",
      setup: () => {
        const [a, b] = tcpPair();
        b.settimeout(0.05);
        return { socks: [a, b] };
      },
      act: ({ socks: [, b] }) => b.recv(8),
      expect: [errno.ETIMEDOUT],
      usable: ({ socks: [a, b] }) => roundTrip(a, b, "after ETIMEDOUT"),
    },
    {
      name: "recvfrom(): UDP timeout",
      setup: () => {
        const s = udp();
        s.bind(["127.0.0.1", 0]);
        s.settimeout(0.05);
        return { socks: [s] };
      },
      act: ({ socks: [s] }) => s.recvfrom(8),
      expect: [errno.ETIMEDOUT],
      usable: ({ socks: [s] }) => usableUdp(s),
    },
    ...(["send", "sendall", "write"] as const).map((m): ErrorCase => ({
      name: `${m}(): TCP not connected`,
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s[m]("x"),
      expect: [errno.EPIPE, errno.ENOTCONN],
      usable: ({ socks: [s] }) => usableTcp(s),
    })),
    {
      name: "sendto(): TCP not connected",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s.sendto("x", ["127.0.0.1", busyPort]),
      expect: [errno.EPIPE, errno.ENOTCONN],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "send(): UDP with no destination",
      setup: () => ({ socks: [udp()] }),
      act: ({ socks: [s] }) => s.send("x"),
      expect: [errno.EDESTADDRREQ],
      usable: ({ socks: [s] }) => usableUdp(s),
    },
    {
      name: "sendto(): port 0",
      setup: () => ({ socks: [udp()] }),
      act: ({ socks: [s] }) => s.sendto("x", ["127.0.0.1", 0]),
      expect: [errno.EINVAL],
      usable: ({ socks: [s] }) => usableUdp(s),
    },
    {
      name: "sendto(): datagram too large",
      setup: () => ({ socks: [udp()] }),
      act: ({ socks: [s] }) => s.sendto(new Uint8Array(65508), ["127.0.0.1", 9]),
      expect: [errno.EMSGSIZE],
      usable: ({ socks: [s] }) => usableUdp(s),
    },
    {
      name: "sendto(): broadcast without SO_BROADCAST",
      setup: () => ({ socks: [udp()] }),
      act: ({ socks: [s] }) => s.sendto("x", ["127.255.255.255", 9]),
      expect: [errno.EACCES],
      usable: ({ socks: [s] }) => usableUdp(s),
    },
    {
      name: "sendto(): AF_UNIX datagram to a path not there",
      setup: () => ({ socks: [usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM)] }),
      act: ({ socks: [s] }) => s.sendto("x", join(dir, "nobody.dgram")),
      expect: [errno.ENOENT],
    },
    {
      name: "getpeername(): not connected",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s.getpeername(),
      expect: [errno.ENOTCONN],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "shutdown(): TCP not connected",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s.shutdown(usocket.SHUT_RDWR),
      expect: [errno.ENOTCONN],
      // Linux records the shutdown even though it fails (inet_shutdown), so a
      // later connection could not send: check only that the socket still answers
      usable: ({ socks: [s] }) => assert.deepEqual(s.getsockname(), ["0.0.0.0", 0]),
    },
    {
      name: "shutdown(): UDP not connected",
      setup: () => ({ socks: [udp()] }),
      act: ({ socks: [s] }) => s.shutdown(usocket.SHUT_RD),
      expect: [errno.ENOTCONN],
      usable: ({ socks: [s] }) => assert.deepEqual(s.getsockname(), ["0.0.0.0", 0]),
    },
    {
      name: "setsockopt(): unknown option",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s.setsockopt(usocket.SOL_SOCKET, 12345, 1),
      expect: [errno.ENOPROTOOPT],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "setsockopt(): unknown level",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s.setsockopt(12345, 1, 1),
      expect: [errno.ENOPROTOOPT, errno.EOPNOTSUPP, errno.EINVAL],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "setsockopt(): SO_LINGER with 1 byte",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, new Uint8Array(1)),
      expect: [errno.EINVAL],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "setsockopt(): TCP option on UDP",
      setup: () => ({ socks: [udp()] }),
      act: ({ socks: [s] }) => s.setsockopt(usocket.IPPROTO_TCP, usocket.TCP_NODELAY, 1),
      expect: [errno.ENOPROTOOPT, errno.EOPNOTSUPP],
      usable: ({ socks: [s] }) => usableUdp(s),
    },
    {
      name: "getsockopt(): unknown option",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => s.getsockopt(usocket.SOL_SOCKET, 12345),
      expect: [errno.ENOPROTOOPT],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "select.poll().modify(): not registered",
      setup: () => ({ socks: [tcp()] }),
      act: ({ socks: [s] }) => select.poll().modify(s, select.POLLIN),
      expect: [errno.ENOENT],
      usable: ({ socks: [s] }) => usableTcp(s),
    },
    {
      name: "select.select(): a descriptor that is not open",
      setup: none,
      act: () => select.select([4000], [], [], 0),
      expect: [errno.EBADF],
    },
  ];
  const failures: string[] = [];
  for (const c of cases) {
    const ctx = c.setup();
    const before = fdCount();
    const { err } = outcome(() => c.act(ctx));
    const after = fdCount();
    if (!(err instanceof OSError)) {
      failures.push(`${c.name}: expected OSError, got ${err === undefined ? "no error" : String(err)}`);
    } else if (!c.expect.includes(err.errno)) {
      failures.push(`${c.name}: errno ${errName(err.errno)}, expected ${c.expect.map(errName).join("/")}`);
    }
    if (after !== before) failures.push(`${c.name}: ${after - before} descriptor(s) left open by the failing call`);
    try {
      c.usable?.(ctx);
    } catch (e) {
      failures.push(`${c.name}: not usable afterwards: ${e}`);
    }
    for (const s of ctx.socks) s.close();
    for (const s of ctx.socks) assert.equal(s.fileno(), -1);
  }
  busy.close();
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(failures, []);
  assert.equal(await settledFdCount(), start);
});

test("fd: 1 000 failed create_connection / create_server calls and 1 000 failed accepts leak nothing", async () => {
  const before = await settledFdCount();
  const [busy, busyPort] = listener();
  const [gone] = listener();
  const refused = portOf(gone);
  gone.close();
  const counted = fdCount();
  for (let i = 0; i < 1000; i++) {
    assert.throws(() => usocket.create_connection(["127.0.0.1", refused], i & 1 ? 1 : undefined), OSError);
    assert.throws(() => usocket.create_server(["127.0.0.1", busyPort]), OSError);
    busy.settimeout(i % 10 === 0 ? 0.001 : 0); // 100 timed out, 900 EAGAIN
    assert.throws(() => busy.accept(), OSError);
  }
  assert.equal(fdCount(), counted, "descriptors left open (before any GC)");
  busy.close();
  assert.equal(await settledFdCount(), before);
});

test("fd: a closed socket's old object never touches a new socket on the same fd number — any method", () => {
  // the new sockets are connected, so "untouched" means bytes still flow
  const old = usocket.socket();
  const oldUdp = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const fds = [old.fileno(), oldUdp.fileno()];
  old.close();
  oldUdp.close();
  const [a, b] = tcpPair(); // reuses the freed numbers (lowest free first)
  const u = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
  const reused = [a.fileno(), b.fileno(), u.fileno()];
  assert.ok(fds.every((fd) => reused.includes(fd)), `fds ${fds} reused by ${reused}`);
  const buf = new Uint8Array(8);
  for (const s of [old, oldUdp]) {
    const calls: [string, () => unknown][] = [
      ["bind", () => s.bind(["127.0.0.1", 0])],
      ["listen", () => s.listen()],
      ["accept", () => s.accept()],
      ["connect", () => s.connect(["127.0.0.1", 1])],
      ["send", () => s.send("x")],
      ["sendall", () => s.sendall("x")],
      ["sendto", () => s.sendto("x", ["127.0.0.1", 9])],
      ["write", () => s.write("x")],
      ["recv", () => s.recv(8)],
      ["recv(0)", () => s.recv(0)],
      ["recv_into", () => s.recv_into(buf)],
      ["recvfrom", () => s.recvfrom(8)],
      ["recvfrom_into", () => s.recvfrom_into(buf)],
      ["read", () => s.read(8)],
      ["read()", () => s.read()],
      ["readinto", () => s.readinto(buf)],
      ["readline", () => s.readline()],
      ["setsockopt", () => s.setsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, usocket.linger(true, 0))],
      ["getsockopt", () => s.getsockopt(usocket.SOL_SOCKET, usocket.SO_TYPE)],
      ["getsockname", () => s.getsockname()],
      ["getpeername", () => s.getpeername()],
      ["shutdown", () => s.shutdown(usocket.SHUT_RDWR)],
      ["settimeout", () => s.settimeout(0)],
      ["setblocking", () => s.setblocking(false)],
      ["makefile", () => s.makefile("rwb")],
    ];
    for (const [name, fn] of calls) {
      const { err } = outcome(fn);
      assert.ok(err instanceof OSError && err.errno === errno.EBADF, `${name} on a closed socket: ${err}`);
    }
    assert.equal(s.connect_ex(["127.0.0.1", 1]), errno.EBADF);
    s.close();
    s[Symbol.dispose]();
    assert.equal(s.detach(), -1);
    assert.equal(s.fileno(), -1);
  }
  // the new sockets are untouched: blocking, no linger/RST, connected, carrying bytes
  assert.equal(a.gettimeout(), null);
  assert.deepEqual(usocket.parse_linger(a.getsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, 8)), [false, 0]);
  assert.deepEqual(usocket.parse_linger(b.getsockopt(usocket.SOL_SOCKET, usocket.SO_LINGER, 8)), [false, 0]);
  roundTrip(a, b, "new pair");
  u.bind(["127.0.0.1", 0]);
  u.settimeout(5);
  u.sendto("still", u.getsockname());
  assert.equal(text(u.recv(8)), "still");
  closeAll(a, b, u);
});

test("fd: finalizers — dropped open sockets are closed; dropped closed/detached ones never close a reused number", async () => {
  const start = await settledFdCount();
  // 1. forgotten open sockets of every kind are closed by the finalizer
  (() => {
    for (let i = 0; i < 50; i++) usocket.socket();
    for (let i = 0; i < 20; i++) usocket.socketpair();
    for (let i = 0; i < 10; i++) tcpPair();
    const [l] = listener();
    for (let i = 0; i < 10; i++) {
      const c = usocket.socket();
      c.connect(l.getsockname());
      l.accept();
    }
    for (let i = 0; i < 10; i++) usocket.fromfd(l.fileno(), usocket.AF_INET, usocket.SOCK_STREAM);
  })();
  assert.ok(fdCount() > start + 100);
  assert.equal(await settledFdCount(), start, "forgotten sockets are closed by the finalizer");

  // 2. 200 closed objects dropped while 200 new sockets hold their numbers
  let olds: Socket[] = Array.from({ length: 200 }, () => usocket.socket());
  const oldFds = olds.map((s) => s.fileno());
  for (const s of olds) s.close();
  const news = Array.from({ length: 100 }, () => tcpPair()).flat();
  const newFds = new Set(news.map((s) => s.fileno()));
  assert.ok(oldFds.filter((fd) => newFds.has(fd)).length >= 150, "the new sockets reuse the old numbers");
  olds = [];
  // 3. detached sockets dropped: their descriptors stay open (now owned by the caller)
  let detached: Socket[] = Array.from({ length: 20 }, () => usocket.socket());
  const detachedFds = detached.map((s) => s.detach());
  detached = [];
  await collect();
  assert.equal(olds.length + detached.length, 0);
  for (const fd of detachedFds) assert.ok(isOpen(fd), `detached fd ${fd} was closed by a finalizer`);
  for (let i = 0; i < news.length; i += 2) {
    assert.ok(isOpen(news[i].fileno()) && isOpen(news[i + 1].fileno()));
    roundTrip(news[i], news[i + 1], `pair ${i / 2}`);
  }
  for (const fd of detachedFds) new usocket.Socket(usocket.AF_INET, usocket.SOCK_STREAM, 0, fd).close();
  closeAll(...news);
  assert.equal(await settledFdCount(), start);
});

test("fd: pollers — a socket closed while registered never makes the poller touch its reused number", () => {
  const p = select.poll<Socket>();
  const [x1, x2] = tcpPair();
  const [l] = listener();
  const old = usocket.socket();
  p.register(old, select.POLLIN | select.POLLOUT);
  p.register(x1, select.POLLIN);
  const oldFd = old.fileno();
  old.close();
  // the number is reused by a connected socket with data waiting
  const reuser = usocket.socket();
  assert.equal(reuser.fileno(), oldFd, "the number is reused");
  reuser.connect(l.getsockname());
  const [other] = l.accept();
  l.close();
  other.sendall("data");
  // not registered: the poller reports the old object as POLLNVAL only, never the newcomer's POLLIN
  assert.deepEqual(p.poll(0), [[old, select.POLLNVAL]]);
  assert.deepEqual([...p.ipoll(0)], [[old, select.POLLNVAL]]);
  // registered too: each object gets its own events
  p.register(reuser, select.POLLIN);
  const res = new Map(p.poll(0));
  assert.equal(res.get(old), select.POLLNVAL);
  assert.equal(res.get(reuser)! & select.POLLIN, select.POLLIN);
  assert.equal(res.has(x1), false);
  // modify() on the closed one does not arm the number; unregister() drops only it
  p.modify(old, select.POLLOUT);
  assert.equal(new Map(p.poll(0)).get(old), select.POLLNVAL);
  p.unregister(old);
  assert.deepEqual(p.poll(0).map(([s]) => s), [reuser]);
  // select() refuses the closed object instead of polling the number
  assert.throws(() => select.select([old], [], [], 0), (e) => e instanceof OSError && e.errno === errno.EBADF);
  assert.deepEqual(select.select([reuser], [], [], 0)[0], [reuser]);
  // and the newcomer still works, its data intact
  reuser.settimeout(5);
  assert.equal(text(reuser.read(4)), "data");
  p.unregister(reuser);
  p.unregister(x1);
  closeAll(x1, x2, reuser, other);
});

test("fd: a socket adopted from a descriptor that carries a timeout blocks as gettimeout() says", async () => {
  // settimeout(t) keeps the timeout in the descriptor (SO_RCVTIMEO/SO_SNDTIMEO).
  // A socket adopted from such a descriptor (detach() + new Socket(fileno),
  // fromfd(), a descriptor inherited from a parent) reports gettimeout() ===
  // null: its recv must block until the data comes (0.7 s later, from a
  // worker), not raise OSError(EAGAIN) when the old timeout runs out.
  const results: string[] = [];
  for (const how of ["detach + new Socket(fileno)", "fromfd + settimeout(null)"]) {
    const [l, port] = listener();
    const [w] = await startWorker<{ connected: boolean }>("./peers/rel_fault_worker.ts", {
      mode: "late-sender",
      port,
      delayMs: 700,
    });
    const [conn] = l.accept();
    l.close();
    conn.settimeout(0.2);
    let s: Socket;
    if (how.startsWith("detach")) {
      s = new usocket.Socket(usocket.AF_INET, usocket.SOCK_STREAM, 0, conn.detach());
    } else {
      s = usocket.fromfd(conn.fileno(), usocket.AF_INET, usocket.SOCK_STREAM);
      conn.close();
      s.settimeout(null);
    }
    assert.equal(s.gettimeout(), null);
    const t0 = performance.now();
    const { err, value } = outcome(() => s.recv(16));
    const ms = Math.round(performance.now() - t0);
    results.push(`${how}: ${err ? String(err) : text(value as Uint8Array)}${ms < 500 ? ` after ${ms} ms` : ""}`);
    await nextMessage(w, 20000);
    w.terminate();
    s.close();
  }
  assert.deepEqual(results, ["detach + new Socket(fileno): late", "fromfd + settimeout(null): late"]);
});

test("fd: 10 000 IPv4/IPv6/UDP/AF_UNIX socket cycles, 1 000 socketpairs and 1 000 fromfd dups: count unchanged", async () => {
  const before = await settledFdCount();
  const kinds: [number, number][] = [
    [usocket.AF_INET, usocket.SOCK_STREAM],
    [usocket.AF_INET6, usocket.SOCK_STREAM],
    [usocket.AF_INET, usocket.SOCK_DGRAM],
    [usocket.AF_UNIX, usocket.SOCK_STREAM],
  ];
  for (let i = 0; i < 10000; i++) {
    const [af, type] = kinds[i & 3];
    usocket.socket(af, type).close();
  }
  for (let i = 0; i < 1000; i++) for (const s of usocket.socketpair()) s.close();
  const [u, v] = udpPair();
  for (let i = 0; i < 1000; i++) usocket.fromfd(u.fileno(), usocket.AF_INET, usocket.SOCK_DGRAM).close();
  closeAll(u, v);
  assert.equal(await settledFdCount(), before);
});

test("fd: 1 000 connect/accept/close cycles and 1 000 getaddrinfo failures: count unchanged", async () => {
  const before = await settledFdCount();
  const [srv, port] = listener(usocket.AF_INET, 64);
  for (let i = 0; i < 1000; i++) {
    const c = usocket.socket();
    c.connect(["127.0.0.1", port]);
    const [conn] = srv.accept();
    closeAll(conn, c);
  }
  srv.close();
  for (let i = 0; i < 1000; i++) {
    const { err } = outcome(() => usocket.getaddrinfo(`no-such-host-${i}`, 80, 0, 0, 0, usocket.AI_NUMERICHOST));
    // getaddrinfo's EAI_* codes are negative errno values
    assert.ok(err instanceof OSError && err.errno < 0, String(err));
  }
  assert.equal(await settledFdCount(), before);
});
