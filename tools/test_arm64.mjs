#!/usr/bin/env node
// tests/*_test.ts on the arm64 (aarch64) builds of Deno and Bun, run by
// qemu-user on an x86_64 machine: `npm run test:arm64 [deno|bun] [files...]`.
// Installs what it needs: qemu-user-static, libc6:arm64, libssl3:arm64 and
// the cross compiler (apt, as root), and the runtimes' arm64 npm packages at
// the versions package.json pins, unpacked into .arm64/ (git-ignored; the
// lock file is not touched). Ends with one line `N passed, N failed`.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bunCounts, denoCounts, denoTestFlags, root, Tally } from "./suite.mjs";

const args = process.argv.slice(2);
const only = args[0] === "deno" || args[0] === "bun" ? args.shift() : undefined;
const files = args; // default: the whole of tests/
const dir = join(root, ".arm64");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const slow = process.env.USOCKET_SLOW ?? "10";

const has = (cmd, a = ["--version"]) => spawnSync(cmd, a, { stdio: "ignore" }).status === 0;
const dpkgHas = (p) =>
  spawnSync("dpkg-query", ["-W", "-f=${Status}", p], { encoding: "utf8" }).stdout?.includes("ok installed");

function aptInstall() {
  const want = ["qemu-user-static", "libc6:arm64", "libssl3:arm64", "gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"];
  const missing = want.filter((p) => !dpkgHas(p));
  if (!missing.length) return;
  if (process.getuid?.() !== 0) {
    console.error(`test:arm64 needs ${missing.join(", ")}; as root it installs them with apt:
  dpkg --add-architecture arm64 && apt-get update && apt-get install -y ${missing.join(" ")}`);
    process.exit(2);
  }
  if (!spawnSync("dpkg", ["--print-foreign-architectures"], { encoding: "utf8" }).stdout.includes("arm64")) {
    execFileSync("dpkg", ["--add-architecture", "arm64"], { stdio: "inherit" });
  }
  execFileSync("apt-get", ["update"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...missing], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

/** The arm64 runtime `name@version`, unpacked under .arm64/; returns its executable. */
function runtimePackage(name, version, exeInPackage) {
  const dest = join(dir, `${name.replace(/[@/]/g, "_")}-${version}`);
  const exe = join(dest, "package", exeInPackage);
  if (existsSync(exe)) return exe;
  mkdirSync(dest, { recursive: true });
  const tgz = execFileSync("npm", ["pack", "--silent", `${name}@${version}`], { cwd: dest, encoding: "utf8" }).trim();
  execFileSync("tar", ["-xzf", tgz], { cwd: dest });
  return exe;
}

/** A script that starts `exe` under qemu: what the tests spawn as their runtime (USOCKET_EXEC_PATH). */
function wrapper(name, exe) {
  const path = join(dir, "bin", name);
  mkdirSync(join(dir, "bin"), { recursive: true });
  writeFileSync(path, `#!/bin/sh\nexec qemu-aarch64-static '${exe}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

aptInstall();
if (!has("qemu-aarch64-static")) throw new Error("qemu-aarch64-static is not installed");
const t = new Tally();
const times = [];
const runtimes = [
  ["deno", "@deno/linux-arm64-glibc", pkg.devDependencies.deno, "deno"],
  ["bun", "@oven/bun-linux-aarch64", pkg.devDependencies.bun, "bin/bun"],
].filter(([n]) => !only || only === n);
for (const [name, npmName, version, inPkg] of runtimes) {
  const exe = runtimePackage(npmName, version, inPkg);
  const run = wrapper(name, exe);
  const env = { USOCKET_EXEC_PATH: run, USOCKET_SLOW: slow, USOCKET_REQUIRE_PROBE: "1" };
  const timeoutMs = 25 * 60 * 1000;
  // --no-check: the x86_64 run type-checks the same files; tsc under emulation takes minutes
  const r = name === "deno"
    ? await t.run(`tests (deno ${version} aarch64, qemu)`, run, [
      "test",
      "--no-check",
      ...denoTestFlags,
      ...(files.length ? files : ["tests/"]),
    ], { parse: denoCounts, env, timeoutMs })
    : await t.run(`tests (bun ${version} aarch64, qemu)`, run, [
      "test",
      "--timeout",
      "300000",
      ...files.map((f) => `./${f}`),
    ], { parse: bunCounts, env, timeoutMs });
  times.push(`${name}: ${r.passed} passed, ${r.failed} failed in ${r.seconds} s`);
}
console.log(`\narm64 under qemu-user:\n  ${times.join("\n  ")}`);
t.report();
process.exit(t.exitCode);
