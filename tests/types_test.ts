// Type-level checks (deno check and tsc run them): an editor catches wrong
// argument types. Each @ts-expect-error line must be an error, or the type
// check fails.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as usocket from "../mod.ts";

/** Never called: only type-checked. */
function wrongCalls(s: usocket.Socket): void {
  // @ts-expect-error a port passed as a string
  s.connect(["127.0.0.1", "80"]);
  // @ts-expect-error a host passed as a number
  s.bind([127, 80]);
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
}

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
  assert.equal(typeof wrongCalls, "function");
  a.close();
  b.close();
});
