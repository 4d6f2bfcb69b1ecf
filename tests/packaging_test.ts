// Packaging: import from a URL (Deno), install from an `npm pack` tarball
// and import by package name (Bun), and JSR's publish check.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import process from "node:process";
import { test } from "node:test";

const root = new URL("..", import.meta.url).pathname;
const bin = (name: string) => join(root, "node_modules", ".bin", name);

const ECHO = (spec: string) => `
import * as usocket from "${spec}";
const srv = usocket.socket();
srv.bind(["127.0.0.1", 0]);
srv.listen();
const cli = usocket.socket();
cli.settimeout(5);
cli.connect(srv.getsockname());
const [conn] = srv.accept();
cli.sendall("echo over loopback");
conn.sendall(conn.recv(100));
console.log(new TextDecoder().decode(cli.recv(100)));
for (const s of [cli, conn, srv]) s.close();
`;

/** Runs a command asynchronously (the caller's event loop keeps serving), bounded by `ms`. */
function run(cmd: string, args: string[], cwd: string, ms = 60000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (out += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), ms);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test("Deno imports http://127.0.0.1:PORT/mod.ts and completes a loopback echo", async () => {
  const server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url!, "http://x").pathname)));
    if (!path.startsWith(root) || !statSync(path, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/typescript" }).end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), "usocket-url-"));
  try {
    const script = join(dir, "main.ts");
    writeFileSync(script, ECHO(`http://127.0.0.1:${port}/mod.ts`));
    const r = await run(bin("deno"), [
      "run",
      "--no-config",
      "--reload",
      `--allow-import=127.0.0.1:${port}`,
      "--allow-ffi",
      script,
    ], dir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /echo over loopback/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("npm pack → install the tarball in a fresh folder → Bun imports 'usocket' by name", async () => {
  const dir = mkdtempSync(join(tmpdir(), "usocket-npm-"));
  try {
    const pack = await run("npm", ["pack", "--pack-destination", dir, "--silent"], root);
    assert.equal(pack.code, 0, pack.out);
    const tarball = join(dir, pack.out.trim().split("\n").pop()!);
    const app = join(dir, "app");
    spawnSync("mkdir", [app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const inst = await run("npm", ["install", "--no-audit", "--no-fund", "--silent", tarball], app);
    assert.equal(inst.code, 0, inst.out);
    writeFileSync(
      join(app, "main.ts"),
      ECHO("usocket") + "import * as select from 'usocket/select';\nconsole.log(typeof select.poll);\n",
    );
    const r = await run(bin("bun"), ["main.ts"], app);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /echo over loopback\nfunction/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deno publish --dry-run passes (JSR: no slow types)", async () => {
  const r = await run(bin("deno"), ["publish", "--dry-run", "--allow-dirty"], root, 120000);
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /missing-explicit|error\[/, "no slow-type diagnostics");
  assert.match(r.out, /Success Dry run complete/);
});
