#!/usr/bin/env node
// The tests on the arm64 (aarch64) builds of Deno and Bun, run by qemu-user
// on an x86_64 machine: `npm run test:arm64 [deno|bun] [files...]`.
// Installs what it needs: qemu-user-static, libc6:arm64, libssl3:arm64 and
// the cross compiler (apt, as root), and the runtimes' arm64 npm packages at
// the versions package.json pins, unpacked into .arm64/ (git-ignored; the
// lock file is not touched). First prints what qemu-user's system-call
// translation does differently (tools/qemu_limits.c, built for aarch64 and
// run under qemu): the tests skip exactly those checks under emulation, each
// saying why. Bun runs all of tests/; Deno (several times slower under qemu)
// runs DENO_FILES below, traced, and tools/ffi_coverage.ts checks that the
// run called every foreign function. Ends with one line `N passed, N failed`.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bin, bunCounts, denoCounts, denoTestFlags, root, Tally } from "./suite.mjs";

const started = Date.now();
const args = process.argv.slice(2);
const only = args[0] === "deno" || args[0] === "bun" ? args.shift() : undefined;
const files = args; // default: the whole of tests/
const dir = join(root, ".arm64");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const slow = process.env.USOCKET_SLOW ?? "10";

/**
 * The arm64 Deno run. The whole suite under Deno on qemu takes too long for
 * CI (a first choice of ten files was still running after 12 min: 2.5 min
 * for socket_test, 2.8 for asyncio_test, over 2.6 for ssl_test), so Deno runs
 * these files, chosen from a traced x86_64 run of the whole suite
 * as a cheap set that calls every foreign function and callback type the
 * library calls on Linux under Deno: checked on each run (tools/ffi_trace.ts
 * records the calls, tools/ffi_coverage.ts compares them with the tables of
 * ffi/symbols.ts and ffi/libssl.ts). platform_test.ts checks every constant
 * and struct layout of the aarch64 Linux table against the headers
 * (tools/probe.c cross-compiled); the others pass each layout through the
 * kernel (sockaddrs, addrinfo, pollfd, timeval, linger, ip_mreq, ipv6_mreq,
 * msghdr/cmsghdr/iovec and the control messages, if_nameindex, tcp_info,
 * epoll_event); timeout_test.ts checks deadlines. Bun runs all of tests/.
 */
const DENO_FILES = [
  "tests/platform_test.ts",
  "tests/address_codec_test.ts",
  "tests/address_test.ts",
  "tests/errors_test.ts",
  "tests/getaddrinfo_test.ts",
  "tests/arguments_test.ts",
  "tests/bad_input_test.ts",
  "tests/options_test.ts",
  "tests/ancillary_test.ts",
  "tests/timeout_test.ts",
  "tests/asyncio_micropython_test.ts",
  "tests/dtls_test.ts",
  "tests/ssl_test.ts",
  "tests/sendfile_test.ts", // open, pread, sendfile, pthread_sigmask, sigtimedwait
  "tests/mmsg_test.ts", // sendmmsg, recvmmsg
];
/** Bounds on each runtime's run (the whole of test:arm64 must stay under 30 minutes). */
const DENO_TIMEOUT_MS = 12 * 60 * 1000, BUN_TIMEOUT_MS = 15 * 60 * 1000;

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
const qemu = /version (\S+)/.exec(execFileSync("qemu-aarch64-static", ["--version"], { encoding: "utf8" }))?.[1];
const emulation = `qemu-user ${qemu ?? "(unknown version)"}`;
const t = new Tally();
const times = [];
mkdirSync(dir, { recursive: true });
// what the emulator does differently from the kernel, measured here: the tests skip exactly these under emulation
await t.run(`what ${emulation} translates differently (tools/qemu_limits.c, aarch64)`, "sh", [
  "-c",
  "aarch64-linux-gnu-gcc -O1 -Wall -o .arm64/qemu_limits tools/qemu_limits.c && qemu-aarch64-static .arm64/qemu_limits",
]);
const runtimes = [
  ["deno", "@deno/linux-arm64-glibc", pkg.devDependencies.deno, "deno"],
  ["bun", "@oven/bun-linux-aarch64", pkg.devDependencies.bun, "bin/bun"],
].filter(([n]) => !only || only === n);
const trace = join(dir, "ffi_trace.jsonl");
for (const [name, npmName, version, inPkg] of runtimes) {
  const exe = runtimePackage(npmName, version, inPkg);
  const run = wrapper(name, exe);
  const env = {
    USOCKET_EXEC_PATH: run,
    USOCKET_SLOW: slow,
    USOCKET_REQUIRE_PROBE: "1",
    USOCKET_EMULATION: emulation,
    USOCKET_FFI_TRACE: trace,
  };
  let r;
  if (name === "deno") {
    rmSync(trace, { force: true });
    // --no-check: the x86_64 run type-checks the same files; tsc under emulation takes minutes
    r = await t.run(`tests (deno ${version} aarch64, ${emulation})`, run, [
      "test",
      "--no-check",
      "--preload",
      "tools/ffi_trace.ts",
      ...denoTestFlags,
      ...(files.length ? files : DENO_FILES),
    ], { parse: denoCounts, env, timeoutMs: DENO_TIMEOUT_MS });
    if (!files.length) {
      await t.run("ffi coverage of the deno run (tools/ffi_coverage.ts)", bin("deno"), [
        "run",
        "--allow-read",
        "tools/ffi_coverage.ts",
        trace,
      ]);
    }
  } else {
    r = await t.run(`tests (bun ${version} aarch64, ${emulation})`, run, [
      "test",
      "--timeout",
      "300000",
      ...files.map((f) => `./${f}`),
    ], { parse: bunCounts, env, timeoutMs: BUN_TIMEOUT_MS });
  }
  times.push(`${name}: ${r.passed} passed, ${r.failed} failed in ${r.seconds} s`);
}
const total = ((Date.now() - started) / 1000).toFixed(0);
console.log(`\narm64 under ${emulation} (${total} s in all, installs included):\n  ${times.join("\n  ")}`);
t.report();
process.exit(t.exitCode);
