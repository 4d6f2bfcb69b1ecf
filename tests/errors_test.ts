// OSError and the errno namespace.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as usocket from "../mod.ts";

test("OSError: errno, args[0], MicroPython-style message", () => {
  const e = new usocket.OSError(usocket.errno.ECONNREFUSED);
  assert.ok(e instanceof Error);
  assert.equal(e.name, "OSError");
  assert.equal(e.errno, usocket.errno.ECONNREFUSED);
  assert.equal(e.args[0], e.errno);
  assert.equal(e.message, `[Errno ${usocket.errno.ECONNREFUSED}] ECONNREFUSED`);
});

test("errno namespace: host values and errorcode maps numbers to names", () => {
  const { errno } = usocket;
  for (
    const name of ["EAGAIN", "ETIMEDOUT", "ECONNREFUSED", "EINPROGRESS", "EPIPE", "EBADF", "ENOENT", "EMFILE"] as const
  ) {
    assert.equal(typeof errno[name], "number");
    assert.equal(errno.errorcode[errno[name]], name);
  }
  assert.equal(errno.EWOULDBLOCK, errno.EAGAIN);
});

test("constants: the host's own values (Linux), never lwIP's", { skip: usocket.AF_INET6 !== 10 }, () => {
  assert.equal(usocket.SOL_SOCKET, 1);
  assert.equal(usocket.SO_REUSEADDR, 2);
  assert.equal(usocket.IPPROTO_TCP, 6);
  assert.equal(usocket.IPPROTO_UDP, 17);
  assert.equal(usocket.EAI_NONAME, -2);
});
