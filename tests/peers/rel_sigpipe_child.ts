/**
 * Child process of the EPIPE test. The runtimes start with SIGPIPE ignored,
 * which would hide a missing MSG_NOSIGNAL; this child first puts SIGPIPE
 * back to its default action (terminate) with libc's signal(2), then writes
 * to dead connections with every send method. Each must raise
 * OSError(EPIPE) (or ECONNRESET) and the process must live: it prints one
 * line per case and exits 0.
 *
 * `rel_sigpipe_child.ts control` instead calls libc's send(2) WITHOUT
 * MSG_NOSIGNAL on a shut-down socket: that must kill the process with
 * SIGPIPE, which proves the default action really was restored.
 */
import process from "node:process";
import * as usocket from "../../mod.ts";

import { backend } from "../../ffi/backend.ts";
import { libcPaths } from "../../ffi/libc.ts";

const SIGPIPE = 13;

// Two libc functions the module itself never calls, opened through the
// module's own backend (Deno.dlopen or bun:ffi).
const raw = backend.open(
  {
    // sighandler_t signal(int signum, sighandler_t handler);   (SIG_DFL is NULL)
    signal: { parameters: ["i32", "pointer"], result: "pointer" },
    // ssize_t send(int sockfd, const void *buf, size_t len, int flags);
    send: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  } as const,
  libcPaths,
);
raw.signal(SIGPIPE, null);

/** A TCP pair over loopback whose far end is closed, and the near end has seen it. */
function deadTcp(): usocket.Socket {
  const srv = usocket.socket();
  srv.bind(["127.0.0.1", 0]);
  srv.listen(1);
  const c = usocket.socket();
  c.connect(srv.getsockname());
  const [conn] = srv.accept();
  srv.close();
  conn.close();
  return c;
}

if (process.argv.includes("control")) {
  const c = deadTcp();
  c.shutdown(usocket.SHUT_WR);
  console.log("control: raw send(2) without MSG_NOSIGNAL");
  raw.send(c.fileno(), new Uint8Array([1]), 1, 0); // flags 0: no MSG_NOSIGNAL
  console.log("control: still alive (SIGPIPE was not delivered)");
  process.exit(3);
}

const { errno, OSError } = usocket;
const shutWr = (): usocket.Socket => {
  const c = deadTcp();
  c.shutdown(usocket.SHUT_WR);
  return c;
};
const cases: [string, () => usocket.Socket, (s: usocket.Socket) => unknown][] = [
  ["send after own SHUT_WR", shutWr, (s) => s.send("x")],
  ["sendall after own SHUT_WR", shutWr, (s) => s.sendall(new Uint8Array(100000))],
  ["write after own SHUT_WR", shutWr, (s) => s.write("x")],
  ["send to a closed TCP peer", deadTcp, (s) => {
    for (let i = 0; i < 100; i++) s.send("x");
  }],
  ["sendall to a closed TCP peer", deadTcp, (s) => {
    for (let i = 0; i < 100; i++) s.sendall(new Uint8Array(65536));
  }],
  ["write to a closed TCP peer (timeout set)", () => {
    const c = deadTcp();
    c.settimeout(5);
    return c;
  }, (s) => {
    for (let i = 0; i < 100; i++) s.write(new Uint8Array(65536));
  }],
  ["send to a closed AF_UNIX stream peer", () => {
    const [a, b] = usocket.socketpair();
    b.close();
    return a;
  }, (s) => s.send("x")],
  ["sendfile after own SHUT_WR", shutWr, (s) => s.sendfile(new URL(import.meta.url).pathname)],
  ["sendfile to a closed TCP peer", deadTcp, (s) => {
    for (let i = 0; i < 100; i++) s.sendfile(new URL(import.meta.url).pathname);
  }],
  ["sendfile to a closed AF_UNIX peer (timeout set)", () => {
    const [a, b] = usocket.socketpair();
    b.close();
    a.settimeout(5);
    return a;
  }, (s) => s.sendfile(new URL(import.meta.url).pathname)],
  ["sendall to a closed AF_UNIX peer (non-blocking)", () => {
    const [a, b] = usocket.socketpair();
    b.close();
    a.setblocking(false);
    return a;
  }, (s) => s.sendall("x")],
];
let failed = 0;
for (const [name, make, act] of cases) {
  const s = make();
  let result: string;
  try {
    act(s);
    result = "no error";
  } catch (e) {
    result = e instanceof OSError ? errno.errorcode[e.errno] ?? String(e.errno) : String(e);
  }
  const ok = result === "EPIPE" || result === "ECONNRESET";
  if (!ok) failed++;
  console.log(`${ok ? "ok" : "FAIL"} ${name}: ${result}`);
  s.close();
}
console.log(`alive after ${cases.length} cases`);
process.exit(failed === 0 ? 0 : 1);
