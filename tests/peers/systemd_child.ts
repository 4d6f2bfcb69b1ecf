/**
 * Started by a socket-activation launcher (CPython in tests/systemd_test.ts,
 * doing what systemd does: a TCP listener and a UDP socket at descriptors 3
 * and 4, LISTEN_PID = this process, LISTEN_FDS=2, LISTEN_FDNAMES=web:dns).
 * Adopts them with listen_fds_with_names(), prints what it got as one JSON
 * line, serves one TCP echo and one UDP echo, and exits.
 */
import process from "node:process";
import { libc } from "../../ffi/libc.ts";
import * as usocket from "../../mod.ts";
import { C } from "../../src/platform/mod.ts";

const got = usocket.listen_fds_with_names();
const desc = got.map(([name, s]) => ({
  name,
  fd: s.fileno(),
  family: s.family,
  type: s.type,
  proto: s.proto,
  cloexec: (libc.fcntl(s.fileno(), C.F_GETFD, 0) & C.FD_CLOEXEC) !== 0,
}));
console.log(
  JSON.stringify({
    got: desc,
    env: [process.env.LISTEN_PID ?? null, process.env.LISTEN_FDS ?? null, process.env.LISTEN_FDNAMES ?? null],
    again: usocket.listen_fds().length,
  }),
);
const web = got.find(([n]) => n === "web")![1], dns = got.find(([n]) => n === "dns")![1];
web.settimeout(10);
dns.settimeout(10);
const [conn] = web.accept();
conn.settimeout(10);
conn.sendall(conn.recv(100));
conn.close();
const [data, from] = dns.recvfrom(100);
dns.sendto(data, from!);
for (const [, s] of got) s.close();
