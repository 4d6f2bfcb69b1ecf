/**
 * Child process of the "raw SO_RCVTIMEO/SO_SNDTIMEO" test
 * (tests/faults_test.ts): `rel_rawtimeo_child.ts <case>`.
 * A socket with settimeout(0.2) whose descriptor timeout is then set by hand
 * with setsockopt (the raw option API) must still time out after about
 * 0.2 s. The parent kills this process after a few seconds, so a call that
 * waits forever shows up as a kill. Prints `<case> <errno> <ms>`.
 *
 * - rcv-zero: SO_RCVTIMEO set to {0, 0} ("none"), then recv;
 * - rcv-long: SO_RCVTIMEO set to 3 s, then settimeout(0.2) again, then recv;
 * - snd-zero: SO_SNDTIMEO set to {0, 0}, then sendall to a peer that never reads.
 */
import process from "node:process";
import * as usocket from "../../mod.ts";

const which = process.argv[process.argv.length - 1];
const [a, b] = usocket.socketpair();
a.settimeout(0.2);
const tv = (sec: number) => {
  const t = new Uint8Array(16); // struct timeval on 64-bit Linux
  new DataView(t.buffer).setInt32(0, sec, true);
  return t;
};
const t0 = performance.now();
let outcome = "no error";
try {
  if (which === "rcv-zero") {
    a.setsockopt(usocket.SOL_SOCKET, usocket.SO_RCVTIMEO, tv(0));
    a.recv(1);
  } else if (which === "rcv-long") {
    a.setsockopt(usocket.SOL_SOCKET, usocket.SO_RCVTIMEO, tv(3));
    a.settimeout(0.2);
    a.recv(1);
  } else {
    a.setsockopt(usocket.SOL_SOCKET, usocket.SO_SNDTIMEO, tv(0));
    a.sendall(new Uint8Array(64 << 20));
  }
} catch (e) {
  outcome = e instanceof usocket.OSError ? usocket.errno.errorcode[e.errno] ?? String(e.errno) : String(e);
}
console.log(`${which} ${outcome} ${Math.round(performance.now() - t0)}`);
a.close();
b.close();
