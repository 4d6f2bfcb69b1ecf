/**
 * Child process of the EMFILE test, started as
 * `sh -c 'ulimit -n 64 && exec RUNTIME rel_emfile64_child.ts'`.
 *
 * With a client connected but not yet accepted, it opens sockets until
 * socket() raises OSError(EMFILE); then, with no descriptor free, every call
 * that needs one (accept, socketpair, fromfd, create_connection,
 * create_server, socket) must raise EMFILE and leave the count unchanged;
 * with one free, socketpair (which needs two) must still fail without
 * leaking the one; after closing a few, accept() returns the waiting client
 * and bytes flow; at the end the count is what it was at the start.
 * Prints one line per check and a final JSON line; exits 0 when all held.
 */
import process from "node:process";
import { libc } from "../../ffi/libc.ts";
import * as usocket from "../../mod.ts";
import { C } from "../../src/platform/mod.ts";

const { OSError, errno } = usocket;

/** Open descriptors below `limit` (an inherited one above the limit is not counted). */
function fdCount(limit = 1024): number {
  let n = 0;
  for (let fd = 0; fd < limit; fd++) if (libc.fcntl(fd, C.F_GETFD, 0) >= 0) n++;
  return n;
}

let failed = 0;
function check(name: string, ok: boolean, detail = ""): void {
  console.log(`${ok ? "ok" : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
  if (!ok) failed++;
}

function errName(fn: () => unknown): string {
  try {
    const r = fn();
    if (r instanceof usocket.Socket) r.close();
    if (Array.isArray(r)) { for (const x of r) if (x instanceof usocket.Socket) x.close(); }
    return "no error";
  } catch (e) {
    return e instanceof OSError ? errno.errorcode[e.errno] ?? String(e.errno) : String(e);
  }
}

const start = fdCount();
const l = usocket.socket();
l.bind(["127.0.0.1", 0]);
l.listen(4);
const client = usocket.socket();
client.connect(l.getsockname()); // completed by the kernel, waiting in the backlog
const filler: usocket.Socket[] = [];
let stop = "";
for (let i = 0; i < 2000 && stop === ""; i++) {
  try {
    filler.push(
      usocket.socket(i & 1 ? usocket.AF_INET6 : usocket.AF_INET, i & 2 ? usocket.SOCK_DGRAM : usocket.SOCK_STREAM),
    );
  } catch (e) {
    stop = e instanceof OSError ? errno.errorcode[e.errno] ?? String(e.errno) : String(e);
  }
}
check("socket() until the limit", stop === "EMFILE", `${filler.length} sockets, then ${stop}`);
const full = fdCount();
check("every descriptor below the limit is in use", fdCount(64) === 64, `${fdCount(64)} of 0-63 open`);

const calls: [string, () => unknown][] = [
  ["socket()", () => usocket.socket()],
  ["accept()", () => l.accept()],
  ["socketpair()", () => usocket.socketpair()],
  ["fromfd()", () => usocket.fromfd(l.fileno(), usocket.AF_INET, usocket.SOCK_STREAM)],
  ["create_connection()", () => usocket.create_connection(["127.0.0.1", 1])],
  ["create_server()", () => usocket.create_server(["127.0.0.1", 0])],
];
for (const [name, fn] of calls) {
  const got = errName(fn);
  check(`${name} with no descriptor free`, got === "EMFILE" && fdCount() === full, `${got}, ${fdCount()} open`);
}

filler.pop()!.close();
const pair = errName(() => usocket.socketpair());
check("socketpair() with one descriptor free", pair === "EMFILE" && fdCount() === full - 1, `${pair}`);
const one = errName(() => usocket.socket());
check("socket() with one descriptor free", one === "no error", one);

for (const s of filler.splice(0, 4)) s.close();
const acc = (() => {
  try {
    return l.accept()[0];
  } catch (e) {
    return String(e);
  }
})();
check("accept() after closing some returns the waiting client", acc instanceof usocket.Socket, String(acc));
if (acc instanceof usocket.Socket) {
  client.sendall("after EMFILE");
  acc.settimeout(5);
  const got = new TextDecoder().decode(acc.read(12)!);
  check("bytes flow on it", got === "after EMFILE", got);
  acc.close();
}
const sp = errName(() => usocket.socketpair());
check("socketpair() works again", sp === "no error", sp);

for (const s of filler) s.close();
client.close();
l.close();
const end = fdCount();
check("count back to the start", end === start, `${start} → ${end}`);
console.log(JSON.stringify({ failed, start, full, end }));
process.exit(failed === 0 ? 0 : 1);
