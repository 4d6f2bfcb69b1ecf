#!/usr/bin/env node
// The whole suite, as `npm test` runs it: format check, lint, both type
// checks, then tests/*_test.ts under Deno and under Bun. Ends with one line
// `N passed, N failed` counted over both runtimes; exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const only = process.argv[2]; // optional: "deno" or "bun" to run one runtime's tests

let passed = 0, failed = 0;
const problems = [];

function run(label, cmd, args, parse) {
  console.log(`\n== ${label}: ${[cmd.replace(root + "/", ""), ...args].join(" ")}`);
  const r = spawnSync(cmd, args, {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  // deno colours its summary even into a pipe: strip escape codes before parsing
  // deno-lint-ignore no-control-regex
  const out = ((r.stdout ?? "") + (r.stderr ?? "")).replace(/\x1b\[[0-9;]*m/g, "");
  process.stdout.write(out);
  if (parse) {
    const [p, f] = parse(out);
    passed += p;
    failed += f;
    if (r.status !== 0 && f === 0) {
      failed += 1; // the runner failed without counting a test (crash, load error)
      problems.push(`${label} exited ${r.status ?? r.signal} without a failing test count`);
    }
  } else if (r.status !== 0) {
    failed += 1;
  }
  if (r.status !== 0) problems.push(`${label} failed (exit ${r.status ?? r.signal})`);
}

function denoCounts(out) {
  // "ok | 12 passed (3 steps) | 0 failed (1s)" or "FAILED | 11 passed | 1 failed"
  const m = /(?:ok|FAILED) \| (\d+) passed(?: \([^)]*\))? \| (\d+) failed/.exec(out);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

function bunCounts(out) {
  const p = /^\s*(\d+) pass$/m.exec(out), f = /^\s*(\d+) fail$/m.exec(out);
  return [p ? Number(p[1]) : 0, f ? Number(f[1]) : 0];
}

if (!only) {
  run("format", bin("dprint"), ["check"]);
  run("lint", bin("deno"), ["lint"]);
  run("docs (every export documented)", bin("deno"), ["doc", "--lint", "mod.ts"]);
  const dirs = ["tests/", "examples/", "bench/", "tools/"].filter((d) => existsSync(join(root, d)));
  run("types (deno)", bin("deno"), ["check", "mod.ts", ...dirs]);
  run("types (tsc + bun-types)", bin("tsc"), ["-p", "tsconfig.bun.json"]);
}
if (!only || only === "deno") {
  run("tests (deno)", bin("deno"), [
    "test",
    "--allow-ffi",
    "--allow-read",
    "--allow-write",
    "--allow-run",
    "--allow-env",
    "--allow-net=127.0.0.1",
    "--v8-flags=--expose-gc",
    "tests/",
  ], denoCounts);
}
if (!only || only === "deno") {
  run("doc examples (deno)", bin("deno"), [
    "test",
    "--doc",
    "--allow-ffi",
    "--allow-read",
    "--allow-net=127.0.0.1",
    "mod.ts",
    "src/",
    "ffi/",
  ], denoCounts);
}
if (!only || only === "bun") {
  run("tests (bun)", bin("bun"), ["test", "--timeout", "120000"], bunCounts);
}

if (problems.length) console.log(`\nproblems:\n  ${problems.join("\n  ")}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(problems.length || failed ? 1 : 0);
