// The platform table against the system headers: tools/probe.c prints every
// constant, errno, getaddrinfo code and struct layout the table holds.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { archName, platform } from "../src/platform/mod.ts";

const probeSource = fileURLToPath(new URL("../tools/probe.c", import.meta.url));
const sections = ["constants", "errno", "eai", "layout"] as const;
type Probed = Record<(typeof sections)[number] | "arch", Record<string, unknown>>;

function hasCompiler(): boolean {
  const r = spawnSync("cc", ["--version"], { timeout: 30000 });
  return r.error === undefined && r.status === 0;
}

/** Compiles and runs tools/probe.c in a temp dir; null when there is no `cc`. */
function runProbe(): Probed | null {
  if (!hasCompiler()) return null;
  const dir = mkdtempSync(join(tmpdir(), "usocket-probe-"));
  try {
    const exe = join(dir, "probe");
    const cc = spawnSync("cc", ["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Werror", "-o", exe, probeSource], {
      encoding: "utf8",
      timeout: 30000,
    });
    assert.equal(cc.status, 0, `cc failed (${cc.error ?? cc.signal ?? cc.status}):\n${cc.stderr}`);
    const run = spawnSync(exe, [], { encoding: "utf8", timeout: 30000 });
    assert.equal(run.status, 0, `probe failed (${run.error ?? run.signal ?? run.status}):\n${run.stderr}`);
    return JSON.parse(run.stdout) as Probed;
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
    t.skip("no C compiler (cc): the table is not checked on this machine");
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
    t.skip("no C compiler (cc): the table is not checked on this machine");
    return;
  }
  assert.deepEqual(probed.arch, platform.arch[archName], `platform.arch.${archName} differs from the headers`);
});
