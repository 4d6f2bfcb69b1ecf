// The platform table against the system headers: tools/probe.c prints every
// constant, errno, getaddrinfo code and struct layout the table holds.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { platform } from "../src/platform/mod.ts";

const probeSource = new URL("../tools/probe.c", import.meta.url).pathname;

function hasCompiler(): boolean {
  const r = spawnSync("cc", ["--version"], { timeout: 10000 });
  return r.status === 0;
}

test("platform table matches the system headers (tools/probe.c)", (t) => {
  if (!hasCompiler()) {
    t.skip("no C compiler (cc): the table is not checked on this machine");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "usocket-probe-"));
  try {
    const exe = join(dir, "probe");
    const cc = spawnSync("cc", ["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Werror", "-o", exe, probeSource], {
      encoding: "utf8",
      timeout: 30000,
    });
    assert.equal(cc.status, 0, `cc failed:\n${cc.stderr}`);
    const run = spawnSync(exe, [], { encoding: "utf8", timeout: 30000 });
    assert.equal(run.status, 0, run.stderr);
    const probed = JSON.parse(run.stdout) as Record<string, Record<string, unknown>>;
    for (const section of ["constants", "errno", "eai", "layout"] as const) {
      const table = platform[section] as Record<string, unknown>;
      const wrong = Object.keys({ ...table, ...probed[section] }).filter((k) =>
        JSON.stringify(table[k]) !== JSON.stringify(probed[section][k])
      );
      assert.deepEqual(
        wrong.map((k) =>
          `${section}.${k}: table ${JSON.stringify(table[k])}, headers ${JSON.stringify(probed[section][k])}`
        ),
        [],
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the table says whether it was verified on its OS", () => {
  if (platform.os === "linux") assert.equal(platform.verified, true);
  else assert.equal(platform.verified, false, "macOS values are unverified until the probe runs there");
});
