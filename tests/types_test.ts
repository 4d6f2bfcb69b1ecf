// Type-level checks (deno check and tsc run them): an editor catches wrong
// argument types. Each @ts-expect-error line must be an error, or the type
// check fails.
import assert from "node:assert/strict";
import { test } from "node:test";
import { libc } from "../ffi/libc.ts";
import * as usocket from "../mod.ts";
import { C, E, L } from "../src/platform/mod.ts";

/** Never called: only type-checked. */
function wrongCalls(s: usocket.Socket): void {
  // @ts-expect-error a port passed as a string
  s.connect(["127.0.0.1", "80"]);
  // @ts-expect-error a host passed as a number (in an IPv6 tuple: [number, number] is a netlink [pid, groups])
  s.bind([127, 80, 0, 0]);
  // @ts-expect-error recv's bufsize is a number
  s.recv("1024");
  // @ts-expect-error readinto needs a buffer
  s.readinto("buf");
  // @ts-expect-error settimeout takes seconds or null
  s.settimeout("1");
  // @ts-expect-error setsockopt's value is a number, boolean or bytes
  s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, "1");
  // @ts-expect-error getaddrinfo's family is a number
  usocket.getaddrinfo("127.0.0.1", 80, "AF_INET");
  // @ts-expect-error socket() takes numbers
  usocket.socket("AF_INET");
  // @ts-expect-error stream methods are typed too: write's offset is a number
  s.write("x", "1", 2);
}

/** Never called: the FFI layer and the platform tables are typed from their tables. */
function wrongInternals(fd: number, buf: Uint8Array): void {
  // @ts-expect-error a misspelt libc function
  libc.recvv(fd, buf, 1, 0);
  // @ts-expect-error recv's length is a u32: a number, not a BigInt
  libc.recv(fd, buf, 1n, 0);
  // @ts-expect-error recv takes four arguments
  libc.recv(fd, buf, 1);
  // @ts-expect-error a misspelt constant
  void C.SO_NOSIGPIPEE;
  // @ts-expect-error a misspelt errno
  void E.EAGAINN;
  // @ts-expect-error a misspelt struct field
  void L.sockaddr_in.sin_portt;
}

// The functions above are the test: `deno check` and `tsc -p
// tsconfig.bun.json` (both part of `npm test`) fail if an @ts-expect-error
// line is not an error. Referenced here only so that lint keeps them.
void wrongCalls;
void wrongInternals;

test("types: results are precise (tuples, Uint8Array, number | null)", () => {
  const [a, b] = usocket.socketpair();
  const n: number = a.send("x");
  const data: Uint8Array = b.recv(1);
  b.setblocking(false);
  const got: number | null = b.readinto(new Uint8Array(1)); // nothing left: null
  const addr: usocket.Address = a.getsockname();
  const ai: usocket.AddrInfo[] = usocket.getaddrinfo("127.0.0.1", 80, usocket.AF_INET, usocket.SOCK_STREAM);
  const [family, type, proto, canonname, sockaddr] = ai[0];
  assert.equal(typeof family + typeof type + typeof proto + typeof canonname, "numbernumbernumberstring");
  assert.deepEqual(sockaddr, ["127.0.0.1", 80]);
  assert.equal(n, 1);
  assert.equal(data.length, 1);
  assert.equal(got, null);
  assert.equal(typeof addr, "string");
  a.close();
  b.close();
});
