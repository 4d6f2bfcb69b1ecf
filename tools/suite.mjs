// Shared by tools/test.mjs (the x86_64 suite) and tools/test_arm64.mjs (the
// same tests on arm64 runtimes under qemu-user): runs one step, prints its
// output, and counts the tests it passed and failed from the runner's summary.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** A tool installed by `npm ci` (node_modules/.bin/<name>). */
export const bin = (name) => join(root, "node_modules", ".bin", name);

/** The flags `deno test` runs tests/ with (the files or folders follow). */
export const denoTestFlags = [
  "--allow-ffi",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-net=127.0.0.1",
  "--v8-flags=--expose-gc",
];

/** `deno test`'s summary: "ok | 12 passed (3 steps) | 0 failed (1s)" or "FAILED | 11 passed | 1 failed". */
export function denoCounts(out) {
  const m = /(?:ok|FAILED) \| (\d+) passed(?: \([^)]*\))? \| (\d+) failed/.exec(out);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** `bun test`'s summary: " 12 pass" and " 1 fail" lines. */
export function bunCounts(out) {
  const p = /^\s*(\d+) pass$/m.exec(out), f = /^\s*(\d+) fail$/m.exec(out);
  return [p ? Number(p[1]) : 0, f ? Number(f[1]) : 0];
}

/** Counts over several steps, and the steps that went wrong. */
export class Tally {
  passed = 0;
  failed = 0;
  problems = [];

  /**
   * Runs `cmd args` in the repository root in its own process group, prints
   * what it wrote, and adds its counts (`parse(out)` gives [passed, failed]).
   * `timeoutMs` bounds it: then the whole group (runtime, qemu, the tests'
   * children) is killed. The group is killed after a normal exit too, so
   * that nothing a test started outlives the step.
   */
  async run(label, cmd, args, { parse, env, timeoutMs } = {}) {
    console.log(`\n== ${label}: ${[cmd.replace(root + "/", ""), ...args].join(" ")}`);
    const started = Date.now();
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...env },
      detached: true,
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (s) => out += s);
    child.stderr.setEncoding("utf8").on("data", (s) => out += s);
    const killGroup = () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch { /* the group is gone */ }
    };
    let timedOut = false;
    const timer = timeoutMs
      ? setTimeout(() => {
        timedOut = true;
        killGroup();
      }, timeoutMs)
      : undefined;
    const [code, signal, spawnError] = await new Promise((resolve) => {
      child.on("error", (e) => resolve([null, null, e]));
      child.on("close", (c, s) => resolve([c, s, null]));
    });
    clearTimeout(timer);
    killGroup();
    // deno colours its summary even into a pipe: strip escape codes before parsing
    // deno-lint-ignore no-control-regex
    out = out.replace(/\x1b\[[0-9;]*m/g, "");
    process.stdout.write(out);
    const status = spawnError
      ? `error ${spawnError.message}`
      : timedOut
      ? `timeout after ${timeoutMs} ms`
      : code ?? signal;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    let p = 0, f = 0;
    if (parse) {
      [p, f] = parse(out);
      if (code !== 0 && f === 0) {
        f = 1; // the runner failed without counting a test (crash, load error, timeout)
        this.problems.push(`${label} exited ${status} without a failing test count`);
      }
    } else if (code !== 0) {
      f = 1;
    }
    this.passed += p;
    this.failed += f;
    if (code !== 0) this.problems.push(`${label} failed (exit ${status})`);
    return { code, out, passed: p, failed: f, seconds };
  }

  /** Prints the problems and the `N passed, N failed` line. */
  report() {
    if (this.problems.length) console.log(`\nproblems:\n  ${this.problems.join("\n  ")}`);
    console.log(`\n${this.passed} passed, ${this.failed} failed`);
  }

  /** The exit code: non-zero on any failure. */
  get exitCode() {
    return this.problems.length || this.failed ? 1 : 0;
  }
}
