#!/usr/bin/env node
// The whole suite, as `npm test` runs it: format check, lint, both type
// checks, then tests/*_test.ts under Deno and under Bun. Ends with one line
// `N passed, N failed` counted over both runtimes; exits non-zero on any failure.
// (tools/test_arm64.mjs runs the tests on the arm64 runtimes under qemu-user.)
import { existsSync } from "node:fs";
import { join } from "node:path";
import { bin, bunCounts, denoCounts, denoTestFlags, root, Tally } from "./suite.mjs";

const only = process.argv[2]; // optional: "deno" or "bun" to run one runtime's tests
const t = new Tally();

if (!only) {
  await t.run("format", bin("dprint"), ["check"]);
  await t.run("lint", bin("deno"), ["lint"]);
  await t.run("docs (every export documented)", bin("deno"), ["doc", "--lint", "mod.ts"]);
  const dirs = ["tests/", "examples/", "bench/", "tools/"].filter((d) => existsSync(join(root, d)));
  await t.run("types (deno)", bin("deno"), ["check", "mod.ts", ...dirs]);
  await t.run("types (tsc + bun-types)", bin("tsc"), ["-p", "tsconfig.bun.json"]);
}
if (!only || only === "deno") {
  await t.run("tests (deno)", bin("deno"), ["test", ...denoTestFlags, "tests/"], { parse: denoCounts });
}
if (!only || only === "deno") {
  await t.run("doc examples (deno)", bin("deno"), [
    "test",
    "--doc",
    "--allow-ffi",
    "--allow-read",
    "--allow-net=127.0.0.1",
    "--allow-env=LISTEN_PID,LISTEN_FDS,LISTEN_FDNAMES,NOTIFY_SOCKET", // systemd.ts's examples
    "mod.ts",
    "src/",
    "ffi/",
  ], { parse: denoCounts });
}
if (!only || only === "bun") {
  await t.run("tests (bun)", bin("bun"), ["test", "--timeout", "120000"], { parse: bunCounts });
}

t.report();
process.exit(t.exitCode);
