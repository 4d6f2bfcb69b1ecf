// Argument lists: every public function and method takes the arguments
// MicroPython's and CPython's callers pass (sendto's flags form, setsockopt's
// None form, getaddrinfo's bytes host), and refuses a surplus argument with a
// TypeError at run time — deno run and bun do not type-check, and a silently
// ignored argument sends the wrong bytes.
import assert from "node:assert/strict";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { assertOSError, assertSurplusRefused, closeAll, listener, portOf, udpPair, utf8 } from "./helpers.ts";

const { errno, select } = usocket;
type Fn = (...args: unknown[]) => unknown;

test("a surplus argument is a TypeError naming the function, before any syscall — every function and method", () => {
  const [a, b] = usocket.socketpair();
  const [srv] = listener();
  const [u1, u2] = udpPair();
  const p = select.poll();
  const closed = usocket.socket();
  closed.close();
  // [label, the call with exactly its most arguments (all valid), the object]
  const s = a as unknown as Record<string, Fn>;
  const table: [string, unknown[], Fn, unknown][] = [
    ["Socket.send(data, flags)", ["x", 0], s.send, a],
    ["Socket.sendall(data, flags)", ["x", 0], s.sendall, a],
    ["Socket.write(buf, off, max_len)", ["x", 0, 1], s.write, a],
    [
      "Socket.sendto(data, flags, address)",
      ["x", 0, u2.getsockname()],
      (u1 as unknown as Record<string, Fn>).sendto,
      u1,
    ],
    ["Socket.recv(bufsize, flags)", [1, 0], s.recv, a],
    ["Socket.recv_into(buf, nbytes, flags)", [new Uint8Array(1), 0, 0], s.recv_into, a],
    ["Socket.recvfrom(bufsize, flags)", [1, 0], s.recvfrom, a],
    ["Socket.recvfrom_into(buf, nbytes, flags)", [new Uint8Array(1), 0, 0], s.recvfrom_into, a],
    ["Socket.read(size)", [1], s.read, a],
    ["Socket.readinto(buf, nbytes)", [new Uint8Array(1), 1], s.readinto, a],
    ["Socket.readline(size)", [1], s.readline, a],
    ["Socket.bind(address)", [["127.0.0.1", 0]], s.bind, closed],
    ["Socket.listen(backlog)", [1], s.listen, srv],
    ["Socket.accept()", [], s.accept, srv],
    ["Socket.connect(address)", [["127.0.0.1", 1]], s.connect, closed],
    ["Socket.connect_ex(address)", [["127.0.0.1", 1]], s.connect_ex, closed],
    ["Socket.getsockname()", [], s.getsockname, a],
    ["Socket.getpeername()", [], s.getpeername, a],
    ["Socket.shutdown(how)", [usocket.SHUT_RD], s.shutdown, a],
    [
      "Socket.setsockopt(level, optname, value, optlen)",
      [usocket.SOL_SOCKET, usocket.SO_REUSEADDR, null, 4],
      s.setsockopt,
      a,
    ],
    ["Socket.getsockopt(level, optname, buflen)", [usocket.SOL_SOCKET, usocket.SO_TYPE, 4], s.getsockopt, a],
    ["Socket.settimeout(value)", [1], s.settimeout, a],
    ["Socket.gettimeout()", [], s.gettimeout, a],
    ["Socket.setblocking(flag)", [true], s.setblocking, a],
    ["Socket.makefile(mode, buffering)", ["rb", 0], s.makefile, a],
    ["Socket.fileno()", [], s.fileno, a],
    ["Socket.close()", [], s.close, a],
    ["Socket.detach()", [], s.detach, a],
    ["socket(af, type, proto)", [usocket.AF_INET, usocket.SOCK_STREAM, 0], usocket.socket as Fn, null],
    [
      "new Socket(af, type, proto, fileno)",
      [usocket.AF_INET, usocket.SOCK_STREAM, 0, undefined],
      (...x: unknown[]) => new (usocket.Socket as unknown as new(...y: unknown[]) => unknown)(...x),
      null,
    ],
    ["socketpair(af, type, proto)", [usocket.AF_UNIX, usocket.SOCK_STREAM, 0], usocket.socketpair as Fn, null],
    ["fromfd(fd, af, type, proto)", [a.fileno(), usocket.AF_UNIX, usocket.SOCK_STREAM, 0], usocket.fromfd as Fn, null],
    ["getaddrinfo(host, port, af, type, proto, flags)", ["127.0.0.1", 1, 0, 0, 0, 0], usocket.getaddrinfo as Fn, null],
    [
      "create_connection(address, timeout, source_address)",
      [["127.0.0.1", 1], 1, ["127.0.0.1", 0]],
      usocket.create_connection as Fn,
      null,
    ],
    ["create_server(address, options)", [["127.0.0.1", 0], {}], usocket.create_server as Fn, null],
    ["inet_pton(af, text)", [usocket.AF_INET, "1.2.3.4"], usocket.inet_pton as Fn, null],
    ["inet_ntop(af, packed)", [usocket.AF_INET, new Uint8Array(4)], usocket.inet_ntop as Fn, null],
    ["sockaddr(raw)", [new Uint8Array(16)], usocket.sockaddr as Fn, null],
    ["linger(onoff, seconds)", [true, 0], usocket.linger as Fn, null],
    ["parse_linger(bytes)", [new Uint8Array(8)], usocket.parse_linger as Fn, null],
    ["ip_mreq(group, iface)", ["239.1.2.3", "0.0.0.0"], usocket.ip_mreq as Fn, null],
    ["ipv6_mreq(group, ifindex)", ["ff02::1", 0], usocket.ipv6_mreq as Fn, null],
    ["select.poll()", [], select.poll as Fn, null],
    ["Poll.register(obj, eventmask)", [b, select.POLLIN], p.register as Fn, p],
    ["Poll.unregister(obj)", [b], p.unregister as Fn, p],
    ["Poll.modify(obj, eventmask)", [b, select.POLLIN], p.modify as Fn, p],
    ["Poll.poll(timeout_ms)", [0], p.poll as Fn, p],
    ["Poll.ipoll(timeout_ms, flags)", [0, 0], p.ipoll as Fn, p],
    ["select.select(rlist, wlist, xlist, timeout)", [[], [], [], 0], select.select as Fn, null],
  ];
  try {
    p.register(b, select.POLLIN);
    assertSurplusRefused(table);
    // before any syscall: nothing was sent, nothing received, a is still open
    assert.ok(a.fileno() >= 0, "close(0) did not close");
    b.setblocking(false);
    assertOSError(() => b.recv(1), errno.EAGAIN, "nothing was sent");
    u2.setblocking(false);
    assertOSError(() => u2.recv(1), errno.EAGAIN, "no datagram was sent");
  } finally {
    p.unregister(b);
    closeAll(a, b, srv, u1, u2);
  }
});

test("sendto(data, flags, address): CPython's and MicroPython's flags form; bad flags name the argument", () => {
  const [u1, u2] = udpPair();
  try {
    assert.equal(u1.sendto("ping", usocket.MSG_DONTWAIT, u2.getsockname()), 4);
    u2.settimeout(5);
    const [data, from] = u2.recvfrom(16);
    assert.equal(new TextDecoder().decode(data), "ping");
    assert.deepEqual(from, u1.getsockname());
    assert.throws(() => u1.sendto("x", "0" as unknown as number, u2.getsockname()), /flags must be a number/);
    assert.throws(() => u1.sendto("x", 0.5, u2.getsockname()), RangeError);
    // a full send buffer with MSG_DONTWAIT raises EAGAIN at once, even on a blocking socket
    const a = usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM);
    const b = usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM);
    try {
      const name = `\0usocket-sendto-flags-${process.pid}`;
      b.bind(name); // a receiver that never reads: its queue fills
      let stopped = -1;
      for (let i = 0; i < 100000 && stopped < 0; i++) {
        try {
          a.sendto(new Uint8Array(1024), usocket.MSG_DONTWAIT, name);
        } catch (e) {
          stopped = (e as usocket.OSError).errno;
        }
      }
      assert.equal(stopped, errno.EAGAIN, "MSG_DONTWAIT reached the kernel");
    } finally {
      closeAll(a, b);
    }
  } finally {
    closeAll(u1, u2);
  }
});

test("setsockopt(level, optname, null, optlen): CPython's NULL-value form reaches the kernel", () => {
  using s = usocket.socket();
  // SO_REUSEADDR copies an int from the NULL pointer: EFAULT proves NULL and optlen got there
  assertOSError(() => s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, null, 4), errno.EFAULT, "NULL, 4");
  assertOSError(() => s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, null, 0), errno.EINVAL, "NULL, 0");
  assert.throws(() => s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, null as unknown as number), /optlen/);
  assert.throws(
    () => (s.setsockopt as Fn).call(s, usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1, 4),
    /value must be null when optlen is given/,
  );
  assert.throws(() => s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, null, -1), RangeError);
  s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
  assert.equal(s.getsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR), 1, "the socket works afterwards");
});

test("connect(getaddrinfo(...)[0][-1]): the error says to use [4] or .at(-1)", () => {
  using s = usocket.socket();
  const ai = usocket.getaddrinfo("127.0.0.1", 1)[0];
  const pythonIdiom = (ai as unknown as Record<number, usocket.Address>)[-1];
  for (const call of [() => s.connect(pythonIdiom), () => s.bind(pythonIdiom), () => s.sendto("x", pythonIdiom)]) {
    assert.throws(
      call,
      (e: unknown) => e instanceof TypeError && /ai\[4\]/.test(e.message) && /at\(-1\)/.test(e.message),
    );
  }
  assert.equal(s.connect_ex(ai.at(-1) as usocket.Address), errno.ECONNREFUSED, ".at(-1) is the address");
});

test("options objects: a misspelt option is a TypeError naming it, not ignored", () => {
  assert.throws(
    () => usocket.create_server(["127.0.0.1", 0], { reuseport: true } as unknown as usocket.CreateServerOptions),
    /unknown option "reuseport"/,
  );
  assert.throws(() => usocket.create_server(["127.0.0.1", 0], 5 as unknown as usocket.CreateServerOptions), TypeError);
  using srv = usocket.create_server(["127.0.0.1", 0], { backlog: 4 });
  assert.ok(portOf(srv) > 0);
});

test("getaddrinfo takes a bytes host and port (MicroPython's b\"host\"), as strings", () => {
  for (const host of ["127.0.0.1", "::1", "localhost"]) {
    assert.deepEqual(usocket.getaddrinfo(utf8(host), 80), usocket.getaddrinfo(host, 80), host);
  }
  assert.deepEqual(usocket.getaddrinfo("127.0.0.1", utf8("80")), usocket.getaddrinfo("127.0.0.1", 80));
  assert.throws(() => usocket.getaddrinfo(utf8("127.0.0.1\0evil"), 80), /host must not contain NUL/);
  for (const [bad, type] of [[new Uint16Array(2), "Uint16Array"], [{}, "Object"], [[], "array"], [5, "number"]]) {
    assert.throws(
      () => usocket.getaddrinfo(bad as string, 80),
      (e: unknown) => e instanceof TypeError && e.message.includes(`got ${type}`),
      String(type),
    );
  }
});
