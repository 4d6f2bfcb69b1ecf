/**
 * Child process of the ancillary-data tests. Adopts the AF_UNIX stream
 * socket inherited as descriptor 3, receives a descriptor over it
 * (`recv_fds`), adopts that one (a UDP socket the parent connected to its
 * receiver) and sends its pid through it; then sends a datagram to the
 * parent's AF_UNIX datagram socket (argv: its path), whose receiver asks
 * for SCM_CREDENTIALS, and connects to the parent's AF_UNIX listener (argv:
 * its path) so the parent can read SO_PEERCRED. Prints one JSON line.
 */
import process from "node:process";
import * as usocket from "../../mod.ts";

const [dgramPath, listenPath] = process.argv.slice(-2);
const chan = new usocket.Socket(usocket.AF_UNIX, usocket.SOCK_STREAM, 0, 3);
chan.settimeout(10);
const [data, fds, flags] = usocket.recv_fds(chan, 64, 4);
const udp = new usocket.Socket(usocket.AF_INET, usocket.SOCK_DGRAM, 0, fds[0]);
udp.send(`child ${process.pid} got ${new TextDecoder().decode(data)}`);
udp.close();
const d = usocket.socket(usocket.AF_UNIX, usocket.SOCK_DGRAM);
d.sendto("credentials", dgramPath);
d.close();
const c = usocket.socket(usocket.AF_UNIX, usocket.SOCK_STREAM);
c.connect(listenPath);
c.close();
chan.close();
console.log(JSON.stringify({ pid: process.pid, fds: fds.length, flags }));
