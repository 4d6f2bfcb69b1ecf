// OSError and the errno namespace.
import assert from "node:assert/strict";
import { test } from "node:test";
import { libc } from "../ffi/libc.ts";
import { os } from "../ffi/runtime.ts";
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

test("constants: the host's own values (Linux), never lwIP's", { skip: os !== "linux" && "Linux's values" }, () => {
  assert.equal(usocket.AF_INET6, 10);
  assert.equal(usocket.SOL_SOCKET, 1);
  assert.equal(usocket.SO_REUSEADDR, 2);
  assert.equal(usocket.IPPROTO_TCP, 6);
  assert.equal(usocket.IPPROTO_UDP, 17);
  assert.equal(usocket.EAI_NONAME, -2);
});

test("OSError messages read well for every number: names, strerror, getaddrinfo codes, and neither", () => {
  const msg = (n: number) => new usocket.OSError(n).message;
  assert.equal(
    msg(usocket.errno.EPIPE),
    `[Errno ${usocket.errno.EPIPE}] EPIPE`,
    "a named errno: its name (MicroPython)",
  );
  // an errno this module has no name for: libc's text, never "errno N"
  const unnamed = [...Array(200).keys()].find((n) => n > 0 && usocket.errno.errorcode[n] === undefined)!;
  assert.equal(msg(unnamed), `[Errno ${unnamed}] ${libc.strerror(unnamed)}`);
  assert.doesNotMatch(msg(unnamed), /errno \d/);
  assert.match(msg(99999), /^\[Errno 99999\] Unknown error 99999$/, "glibc's text for a number it does not know");
  // negative: a getaddrinfo code gets its name and gai_strerror's text
  assert.match(msg(usocket.EAI_NONAME), new RegExp(`^\\[Errno ${usocket.EAI_NONAME}\\] EAI_NONAME: \\S`));
  // negative and not a getaddrinfo code (-1 is EAI_BADFLAGS on glibc, -5 is no code here)
  const notGai = [-5, -999].find((n) => !Object.values(usocket).includes(n))!;
  assert.equal(
    msg(notGai),
    `[Errno ${notGai}] unknown error ${notGai} (neither an errno nor a getaddrinfo code of this system)`,
  );
  assert.equal(msg(0), "[Errno 0] no error (errno 0)");
  assert.equal(new usocket.OSError(5, "custom").message, "[Errno 5] custom", "an explicit text wins");
});
