// The FFI layer: runtime detection, the errors a user sees when FFI cannot
// load, errno read right after a failing call.
import assert from "node:assert/strict";
import { unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { backend } from "../ffi/backend.ts";
import { libc, libcPaths } from "../ffi/libc.ts";
import { openFirst } from "../ffi/open_first.ts";
import { detectRuntime, runtime } from "../ffi/runtime.ts";
import * as usocket from "../mod.ts";
import { now } from "../src/clock.ts";
import { gc, isBun, runScript } from "./helpers.ts";

test("runtime detection: this runtime is found; any other is refused naming Deno and Bun", () => {
  assert.equal(runtime, isBun ? "bun" : "deno");
  assert.equal(detectRuntime({ Bun: {} }), "bun");
  assert.equal(detectRuntime({ Deno: { build: {} } }), "deno");
  assert.equal(detectRuntime({ Bun: {}, Deno: { build: {} } }), "bun", "Bun is checked first");
  for (const g of [{}, { process: { versions: { node: "20" } } }, { Deno: {} }]) {
    assert.throws(() => detectRuntime(g), /Deno.*Bun/);
  }
});

test("libc not found: the error lists every path tried", () => {
  assert.throws(
    () =>
      openFirst(libcPaths, () => {
        throw new Error("cannot open");
      }),
    (e: unknown) => {
      assert.ok(e instanceof Error);
      for (const p of libcPaths) assert.ok(e.message.includes(p), `names ${p}`);
      return true;
    },
  );
});

test("Deno without --allow-ffi: the error says to pass it", { skip: isBun }, () => {
  const dir = tmpdir();
  const script = join(dir, `usocket_noffi_${process.pid}.ts`);
  writeFileSync(script, `import "${new URL("../mod.ts", import.meta.url).href}";\n`);
  const r = runScript(script, [], { denoFlags: ["--allow-read"] });
  unlinkSync(script);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--allow-ffi/);
});

test("errno is read right after the failing call", () => {
  assert.equal(libc.close(-1), -1);
  assert.equal(libc.errno(), usocket.errno.EBADF);
  assert.equal(libc.socket(9999, 1, 0), -1);
  assert.equal(libc.errno(), usocket.errno.EAFNOSUPPORT);
});

test("backend.open: a table of our own binds working functions, typed from the table", () => {
  const own = backend.open(
    {
      // pid_t getpid(void);
      getpid: { parameters: [], result: "i32" },
      // size_t strlen(const char *s);   (declared u64: a BigInt result)
      strlen: { parameters: ["buffer"], result: "u64" },
    } as const,
    libcPaths,
  );
  assert.equal(own.getpid(), process.pid);
  assert.equal(own.strlen(new TextEncoder().encode("hello\0")), 5n);
});

test("backend.open: a symbol the library lacks fails at open, naming it and every path tried", () => {
  assert.throws(
    () => backend.open({ no_such_function_here: { parameters: [], result: "void" } } as const, libcPaths),
    (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /no_such_function_here/);
      for (const p of libcPaths) assert.ok(e.message.includes(p), `names ${p}`);
      return true;
    },
  );
});

test("backend helpers: pointer and address round-trip, cstring reads library memory, NULL is null", () => {
  const p = libc.cstring(0n);
  assert.equal(p, null);
  assert.equal(backend.address(backend.pointer(0n)), 0n);
  assert.equal(backend.address(backend.pointer(0x1000n)), 0x1000n);
  assert.equal(libc.strerror(usocket.errno.EBADF), "Bad file descriptor");
});

test("the timeout clock (clock_gettime through FFI) never goes back and keeps pace with performance.now()", async () => {
  let last = now();
  for (let i = 0; i < 100000; i++) {
    const t = now();
    assert.ok(t >= last, `went back from ${last} to ${t}`);
    last = t;
  }
  const [c0, p0] = [now(), performance.now()];
  await new Promise((r) => setTimeout(r, 50));
  const [c1, p1] = [now(), performance.now()];
  assert.ok(c1 - c0 >= 45, `50 ms sleep measured ${c1 - c0} ms`);
  assert.ok(Math.abs((c1 - c0) - (p1 - p0)) < 5, `clock ${c1 - c0} ms, performance.now() ${p1 - p0} ms`);
});

test("a socket garbage-collected while open has its descriptor closed", async () => {
  const fds: number[] = [];
  (() => {
    for (let i = 0; i < 20; i++) fds.push(usocket.socket().fileno());
  })();
  const F_GETFD = 1;
  let open = fds.length;
  for (let round = 0; round < 50 && open > 0; round++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
    open = fds.filter((fd) => libc.fcntl(fd, F_GETFD, 0) >= 0).length;
  }
  assert.equal(open, 0, `${open} of ${fds.length} descriptors still open after GC`);
});
