// Every TypeScript code block of README.md is a complete program that runs
// as written, on the runtime running this test, with the permissions the
// README gives (Deno: --allow-ffi --allow-read), and passes `deno check`.
// A block may hold several files, each starting with a `// file: NAME` line;
// the one named main.ts (or the block's only file) is run. Its import of
// "./mod.ts" is pointed at this checkout's mod.ts; nothing else is changed.
// A `console.log(...)` line that ends in a `// "text"` comment must print
// that text. (The sh blocks are the quick start and unc, which CI and
// tests/unc_test.ts run.)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { execPath, isBun } from "./helpers.ts";

const root = new URL("../", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
const modUrl = new URL("mod.ts", root).href;

/** The ```ts blocks, each as files: name → source. */
function blocks(): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  for (const m of readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const files = new Map<string, string>();
    let name = "main.ts", lines: string[] = [];
    for (const line of m[1].split("\n")) {
      const f = /^\/\/ file: (\S+)/.exec(line);
      if (f) {
        if (lines.some((l) => l.trim())) files.set(name, lines.join("\n"));
        name = f[1];
        lines = [];
      }
      lines.push(line);
    }
    files.set(name, lines.join("\n"));
    out.push(files);
  }
  return out;
}

const all = blocks();

test("README: there are TypeScript blocks to test", () => {
  assert.ok(all.length >= 3, `${all.length} blocks`);
});

all.forEach((files, i) => {
  const names = [...files.keys()];
  const main = files.has("main.ts") ? "main.ts" : names[0];
  const first = files.get(main)!.split("\n").find((l) => l.trim() && !l.startsWith("//")) ?? "";
  test(`README block ${i + 1} (${names.join(", ")}): runs as written and prints what its comments say`, () => {
    const dir = mkdtempSync(join(tmpdir(), "usocket-readme-"));
    try {
      for (const [name, source] of files) {
        assert.match(source, /from "\.\/mod\.ts"/, `${name} imports ./mod.ts, as a user's file next to it would`);
        writeFileSync(join(dir, name), source.replaceAll("from \"./mod.ts\"", `from "${modUrl}"`));
      }
      const file = join(dir, main);
      if (!isBun) {
        const check = spawnSync(execPath, ["check", "--no-config", ...names.map((n) => join(dir, n))], {
          encoding: "utf8",
          timeout: 60000,
        });
        assert.equal(check.status, 0, `deno check: ${check.stdout}${check.stderr}`);
      }
      const argv = isBun ? [file] : ["run", "--no-config", "--allow-ffi", "--allow-read", file];
      const r = spawnSync(execPath, argv, { encoding: "utf8", timeout: 30000, env: { ...process.env, NO_COLOR: "1" } });
      assert.equal(r.signal, null, `killed (${r.signal}): it hung — ${first}`);
      assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
      assert.ok(r.stdout.length > 0, "it prints something");
      for (const source of files.values()) {
        for (const m of source.matchAll(/console\.log\(.*\/\/ "((?:[^"\\]|\\.)*)"/g)) {
          assert.ok(r.stdout.includes(JSON.parse(`"${m[1]}"`)), `prints ${m[1]}; printed: ${r.stdout}`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
