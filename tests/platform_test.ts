// The platform table against the system headers: tools/probe.c prints every
// constant, errno, getaddrinfo code and struct layout the table holds.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { archName, platform } from "../src/platform/mod.ts";

const probeSource = fileURLToPath(new URL("../tools/probe.c", import.meta.url));
const sections = ["constants", "errno", "eai", "layout"] as const;
type Probed = Record<(typeof sections)[number] | "arch", Record<string, unknown>> & { machine: string };

function works(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30000 });
  return r.error === undefined && r.status === 0 ? r.stdout : null;
}

/**
 * How to build and run the probe for this process's CPU: `cc` when it
 * targets this CPU; else (an arm64 runtime under qemu-user on an x86_64
 * machine) the cross compiler `<cpu>-linux-gnu-gcc`, its output run by
 * `qemu-<cpu>-static`, since this host cannot exec it directly. Null when
 * neither is installed.
 */
function toolchain(): { cc: string; run: string[] } | null {
  const native = works("cc", ["-dumpmachine"]);
  if (native !== null && native.startsWith(`${archName}-`)) return { cc: "cc", run: [] };
  const cross = `${archName}-linux-gnu-gcc`;
  if (works(cross, ["--version"]) === null) return null;
  return { cc: cross, run: works("uname", ["-m"])?.trim() === archName ? [] : [`qemu-${archName}-static`] };
}

/** Compiles and runs tools/probe.c in a temp dir; null when there is no compiler for this CPU. */
function runProbe(): Probed | null {
  const tools = toolchain();
  // npm run test:arm64 sets USOCKET_REQUIRE_PROBE: there a missing compiler is a failure, not a skip
  if (tools === null && process.env.USOCKET_REQUIRE_PROBE) assert.fail(`no C compiler for ${archName}`);
  if (tools === null) return null;
  const dir = mkdtempSync(join(tmpdir(), "usocket-probe-"));
  try {
    const exe = join(dir, "probe");
    const cc = spawnSync(tools.cc, ["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Werror", "-o", exe, probeSource], {
      encoding: "utf8",
      timeout: 30000,
    });
    assert.equal(cc.status, 0, `${tools.cc} failed (${cc.error ?? cc.signal ?? cc.status}):\n${cc.stderr}`);
    const [cmd, ...args] = [...tools.run, exe];
    const run = spawnSync(cmd, args, { encoding: "utf8", timeout: 30000 });
    assert.equal(run.status, 0, `probe failed (${run.error ?? run.signal ?? run.status}):\n${run.stderr}`);
    const probed = JSON.parse(run.stdout) as Probed;
    assert.equal(probed.machine, archName, `${tools.cc} built a probe for ${probed.machine}, this CPU is ${archName}`);
    return probed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per key whose value differs (or is missing on one side). */
function mismatches(probed: Probed, section: (typeof sections)[number]): string[] {
  const table = platform[section] as unknown as Record<string, unknown>;
  const headers = probed[section] ?? {};
  return Object.keys({ ...table, ...headers })
    .filter((k) => JSON.stringify(table[k]) !== JSON.stringify(headers[k]))
    .map((k) => `${section}.${k}: table ${JSON.stringify(table[k])}, headers ${JSON.stringify(headers[k])}`);
}

let cached: { probed: Probed | null } | undefined;
function probe(): Probed | null {
  cached ??= { probed: runProbe() };
  return cached.probed;
}

test("platform table matches the system headers (tools/probe.c)", (t) => {
  if (platform.os !== "linux") {
    t.skip(`the ${platform.os} table is not compared here (only the linux table is checked)`);
    return;
  }
  const probed = probe();
  if (probed === null) {
    t.skip(`no C compiler for ${archName} (cc or ${archName}-linux-gnu-gcc): the table is not checked here`);
    return;
  }
  for (const section of sections) {
    const wrong = mismatches(probed, section);
    assert.deepEqual(wrong, [], `platform.${section} differs from the headers:\n${wrong.join("\n")}`);
    assert.deepEqual(probed[section], platform[section], `platform.${section} differs from the headers`);
  }
});

test("the table says whether it was verified on its OS", () => {
  if (platform.os === "linux") {
    assert.equal(platform.verified, true);
    return;
  }
  // darwin: the table may only claim verified when the probe matched it
  const probed = probe();
  const matched = probed !== null && sections.every((s) => mismatches(probed, s).length === 0);
  if (!matched) {
    assert.equal(platform.verified, false, "macOS values are unverified until the probe matches them");
  }
});

test("per-CPU layouts (struct epoll_event) match the headers for this CPU", (t) => {
  if (platform.os !== "linux") {
    t.skip(`the ${platform.os} table is not compared here`);
    return;
  }
  const probed = probe();
  if (probed === null) {
    t.skip(`no C compiler for ${archName} (cc or ${archName}-linux-gnu-gcc): the table is not checked here`);
    return;
  }
  assert.deepEqual(probed.arch, platform.arch[archName], `platform.arch.${archName} differs from the headers`);
});
