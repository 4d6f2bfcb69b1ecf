// systemd's protocols without systemd: notify() to a NOTIFY_SOCKET the test
// listens on (a path and an abstract name, the sender's pid checked by
// SCM_CREDENTIALS), and listen_fds() in a child that a CPython launcher
// starts the way systemd does (descriptors 3 and 4, LISTEN_PID set to the
// child, which exec keeps).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { assertOSError, execPath, isBun, text } from "./helpers.ts";

const linux = process.platform === "linux";

function withEnv(vars: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) v === undefined ? delete process.env[k] : process.env[k] = v;
  try {
    fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : process.env[k] = v;
  }
}

test(
  "notify: one datagram with the state to NOTIFY_SOCKET (a path, an @abstract name), from this pid; false without it",
  { skip: !linux },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "usocket-notify-"));
    try {
      const abstract = `usocket-notify-${process.pid}-${Math.random().toString(36).slice(2)}`;
      for (const [name, bindTo] of [[join(dir, "notify"), join(dir, "notify")], [`@${abstract}`, `\0${abstract}`]]) {
        using rx = usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM);
        rx.bind(bindTo);
        rx.settimeout(5);
        rx.setsockopt(usocket.SOL_SOCKET, usocket.SO_PASSCRED, 1);
        withEnv({ NOTIFY_SOCKET: name }, () => {
          assert.equal(usocket.notify("READY=1\nSTATUS=serving"), true);
          const [data, anc] = rx.recvmsg(256, usocket.CMSG_SPACE(12));
          assert.equal(text(data), "READY=1\nSTATUS=serving");
          const cred = anc.map(usocket.decode_cmsg).find((d) => d?.kind === "credentials");
          assert.equal(cred?.kind === "credentials" && cred.pid, process.pid, JSON.stringify(cred));
          // unset_environment: sent, then the variable is gone
          assert.equal(usocket.notify("STOPPING=1", true), true);
          assert.equal(text(rx.recv(64)), "STOPPING=1");
          assert.equal(process.env.NOTIFY_SOCKET, undefined);
          assert.equal(usocket.notify("READY=1"), false);
        });
      }
      withEnv({ NOTIFY_SOCKET: undefined }, () => assert.equal(usocket.notify("READY=1"), false));
      withEnv(
        { NOTIFY_SOCKET: "vsock:2:1234" },
        () => assertOSError(() => usocket.notify("READY=1"), usocket.errno.EAFNOSUPPORT),
      );
      withEnv(
        { NOTIFY_SOCKET: join(dir, "nobody") },
        () => assertOSError(() => usocket.notify("READY=1"), usocket.errno.ENOENT),
      );
      assert.throws(() => usocket.notify(1 as unknown as string), /state must be a string/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("listen_fds: no variables, another process's LISTEN_PID, or malformed ones; the variables are unset", () => {
  withEnv({ LISTEN_PID: undefined, LISTEN_FDS: undefined }, () => assert.deepEqual(usocket.listen_fds(), []));
  withEnv({ LISTEN_PID: "1", LISTEN_FDS: "1", LISTEN_FDNAMES: "x" }, () => {
    assert.deepEqual(usocket.listen_fds(false), []);
    assert.equal(process.env.LISTEN_FDS, "1"); // kept with false
    assert.deepEqual(usocket.listen_fds(), []);
    assert.equal(process.env.LISTEN_FDS, undefined);
    assert.equal(process.env.LISTEN_PID, undefined);
    assert.equal(process.env.LISTEN_FDNAMES, undefined);
  });
  withEnv({ LISTEN_PID: String(process.pid), LISTEN_FDS: "two" }, () => {
    assertOSError(() => usocket.listen_fds(), usocket.errno.EINVAL);
  });
  assert.throws(
    () => usocket.listen_fds_with_names("yes" as unknown as boolean),
    /unset_environment must be a boolean/,
  );
});

test(
  "listen_fds_with_names: a child started as systemd starts services adopts its TCP and UDP sockets and serves on them",
  { skip: !linux },
  async () => {
    const child = new URL("./peers/systemd_child.ts", import.meta.url).pathname;
    const argv = isBun ? [execPath, child] : [execPath, "run", "--allow-ffi", "--allow-read", "--allow-env", child];
    // the launcher: what systemd does for a .socket unit with two sockets
    const launcher = `
import os, socket, sys, json
web = socket.socket(); web.bind(("127.0.0.1", 0)); web.listen(4)
dns = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); dns.bind(("::1", 0))
print(json.dumps([web.getsockname()[1], dns.getsockname()[1]]), flush=True)
os.dup2(web.fileno(), 3); os.dup2(dns.fileno(), 4)
os.set_inheritable(3, True); os.set_inheritable(4, True)
os.environ.update(LISTEN_PID=str(os.getpid()), LISTEN_FDS="2", LISTEN_FDNAMES="web:dns")
os.execv(sys.argv[1], sys.argv[1:])
`;
    const p = spawn("python3", ["-c", launcher, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => p.kill("SIGKILL"), 60000);
    let out = "", err = "";
    p.stderr!.on("data", (d) => err += d);
    const lines: string[] = [];
    const nextLine = () =>
      new Promise<string>((resolve, reject) => {
        const tick = () => {
          const i = out.indexOf("\n");
          if (i >= 0) {
            lines.push(out.slice(0, i));
            out = out.slice(i + 1);
            resolve(lines.at(-1)!);
          } else if (p.exitCode !== null) reject(new Error(`launcher exited ${p.exitCode}: ${err}`));
          else setTimeout(tick, 5);
        };
        tick();
      });
    p.stdout!.on("data", (d) => out += d);
    const exited = new Promise<number | null>((r) => p.on("exit", (code) => r(code)));
    try {
      const [webPort, dnsPort] = JSON.parse(await nextLine()) as [number, number];
      const report = JSON.parse(await nextLine());
      assert.deepEqual(report.env, [null, null, null], "the variables are unset for the child's own children");
      assert.equal(report.again, 0, "a second call finds nothing");
      assert.deepEqual(report.got, [
        {
          name: "web",
          fd: 3,
          family: usocket.AF_INET,
          type: usocket.SOCK_STREAM,
          proto: usocket.IPPROTO_TCP,
          cloexec: true,
        },
        {
          name: "dns",
          fd: 4,
          family: usocket.AF_INET6,
          type: usocket.SOCK_DGRAM,
          proto: usocket.IPPROTO_UDP,
          cloexec: true,
        },
      ]);
      using c = usocket.socket();
      c.settimeout(10);
      c.connect(["127.0.0.1", webPort]);
      c.sendall("over tcp");
      assert.equal(text(c.read(8)), "over tcp");
      using u = usocket.socket(usocket.AF_INET6, usocket.SOCK_DGRAM);
      u.settimeout(10);
      u.sendto("over udp", ["::1", dnsPort]);
      assert.equal(text(u.recv(64)), "over udp");
      assert.equal(await exited, 0, err);
    } finally {
      clearTimeout(timer);
      p.kill("SIGKILL");
    }
  },
);
