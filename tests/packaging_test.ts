// Packaging, each through a real child process with a timeout, in temp dirs
// that are always removed:
// (a) Deno imports mod.ts from an http://127.0.0.1 URL (a static file server
//     over the repository, in this process) and completes a loopback echo;
// (b) `npm pack` → `npm install <tarball>` in a fresh folder → Bun imports
//     `usocket` (and `usocket/select`) by package name and completes an echo;
// (c) `deno publish --dry-run` (JSR) passes and publishes only the library.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize, sep } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { isBun } from "./helpers.ts";

const root = realpathSync(new URL("..", import.meta.url).pathname);
const bin = (name: string) => join(root, "node_modules", ".bin", name);

/** The library's files, as published to npm and JSR (npm also has ffi/node.cjs, Node's refusal). */
const LIBRARY = /^(LICENSE|README\.md|mod\.ts|(ffi|src)\/.+\.ts)$/;
const NPM_ONLY = ["ffi/node.cjs"];

/** A script completing a loopback echo with the module imported from `spec`. */
const ECHO = (spec: string) => `
import * as usocket from "${spec}";
import usocketDefault from "${spec}";
const srv = usocket.socket();
srv.bind(["127.0.0.1", 0]);
srv.listen();
srv.settimeout(5);
const cli = usocket.socket();
cli.settimeout(5);
cli.connect(usocket.getaddrinfo("127.0.0.1", srv.getsockname()[1])[0][4]);
const [conn] = srv.accept();
conn.settimeout(5);
cli.sendall("echo over loopback");
conn.sendall(conn.recv(100));
console.log(new TextDecoder().decode(cli.recv(100)));
console.log("default export:", usocketDefault === usocket);
for (const s of [cli, conn, srv]) s.close();
`;

/** Runs a command asynchronously (this thread's event loop keeps serving), killed after `ms`. */
function run(
  cmd: string,
  args: string[],
  cwd: string,
  ms = 60000,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let stdout = "", stderr = "";
    p.stdout!.on("data", (d) => (stdout += d));
    p.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), ms);
    p.on("error", (e) => (stderr += String(e)));
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test("(a) Deno imports http://127.0.0.1:PORT/mod.ts and completes a loopback echo", {
  skip: isBun && "spawns Deno; runs under deno test",
}, async () => {
  const served: string[] = [];
  const server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url!, "http://x").pathname);
    const path = normalize(join(root, url));
    if (!path.startsWith(root + sep) || !statSync(path, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    served.push(url);
    res.writeHead(200, { "content-type": "application/typescript" }).end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), "usocket-url-"));
  try {
    writeFileSync(join(dir, "main.ts"), ECHO(`http://127.0.0.1:${port}/mod.ts`));
    const r = await run(
      bin("deno"),
      [
        "run",
        "--no-config",
        "--allow-ffi",
        `--allow-import=127.0.0.1:${port}`,
        "--allow-net=127.0.0.1",
        "main.ts",
      ],
      dir,
      60000,
      { DENO_DIR: join(dir, "deno_dir") },
    ); // an empty cache: every module comes over HTTP
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, "echo over loopback\ndefault export: true\n");
    assert.ok(served.includes("/mod.ts"), `served: ${served.join(" ")}`);
    assert.ok(served.includes("/src/socket.ts") && served.includes("/ffi/deno.ts"), `served: ${served.join(" ")}`);
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("(b) npm pack → npm install the tarball in a fresh folder → Bun imports 'usocket' by name", async () => {
  const dir = mkdtempSync(join(tmpdir(), "usocket-npm-"));
  try {
    const pack = await run("npm", ["pack", "--json", "--pack-destination", dir], root);
    assert.equal(pack.code, 0, pack.stdout + pack.stderr);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info.files.map((f) => f.path);
    assert.deepEqual(
      files.filter((f) => !LIBRARY.test(f) && f !== "package.json" && !NPM_ONLY.includes(f)),
      [],
      "only the library is packed",
    );
    for (const f of ["mod.ts", "src/socket.ts", "src/select.ts", "ffi/bun.ts", "LICENSE"]) {
      assert.ok(files.includes(f), f);
    }

    const app = join(dir, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const inst = await run("npm", ["install", "--no-audit", "--no-fund", join(dir, info.filename)], app);
    assert.equal(inst.code, 0, inst.stdout + inst.stderr);
    writeFileSync(
      join(app, "main.ts"),
      ECHO("usocket") + "import * as select from 'usocket/select';\nconsole.log('select.poll:', typeof select.poll);\n",
    );
    const r = await run(bin("bun"), ["main.ts"], app);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, "echo over loopback\ndefault export: true\nselect.poll: function\n");

    // Node.js (this machine's, which package.json's engines allow) gets the promised refusal,
    // naming Deno and Bun, for import and require of both entries
    const node = process.env.NODE ?? "node";
    for (
      const [label, code] of [
        ["import", "await import('usocket')"],
        ["import select", "await import('usocket/select')"],
        ["require", "require('usocket')"],
      ]
    ) {
      const type = label.startsWith("import") ? "--input-type=module" : "--input-type=commonjs";
      const n = await run(node, [type, "-e", code], app);
      assert.notEqual(n.code, 0, `${label}: ${n.stdout}${n.stderr}`);
      assert.match(n.stderr, /usocket runs on Deno \(with --allow-ffi\) or on Bun: this runtime is Node\.js/, label);
      assert.doesNotMatch(n.stderr, /ERR_UNKNOWN_FILE_EXTENSION/, label);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("(c) deno publish --dry-run passes: no slow types, only the library published", async () => {
  const r = await run(bin("deno"), ["publish", "--dry-run", "--allow-dirty"], root, 120000);
  const out = r.stdout + r.stderr;
  assert.equal(r.code, 0, out);
  assert.doesNotMatch(out, /^error/m, "no errors (slow types or others)");
  assert.match(out, /Success Dry run complete/);
  const files = [...out.matchAll(/file:\/\/(\S+) \(/g)].map((m) => m[1].slice(root.length + 1));
  assert.ok(files.includes("mod.ts") && files.includes("src/select.ts"), out);
  assert.deepEqual(files.filter((f) => !LIBRARY.test(f) && f !== "deno.json"), [], "only the library is published");
});
