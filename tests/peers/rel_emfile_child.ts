/**
 * Child process of the EMFILE test, started under a low RLIMIT_NOFILE:
 * opens sockets until socket() raises OSError(EMFILE), then closes a few
 * and checks that socket() works again. Prints what happened; exit 0 on success.
 */
import process from "node:process";
import * as usocket from "../../mod.ts";

const socks: usocket.Socket[] = [];
let errno = 0;
for (let i = 0; i < 100000 && errno === 0; i++) {
  try {
    socks.push(usocket.socket());
  } catch (e) {
    errno = e instanceof usocket.OSError ? e.errno : -1;
    if (errno === -1) throw e;
  }
}
console.log(`opened ${socks.length}, then errno ${usocket.errno.errorcode[errno] ?? errno}`);
for (const s of socks.splice(0, 5)) s.close();
const again = usocket.socket();
console.log(`after closing 5: socket() works (fd ${again.fileno()})`);
again.close();
for (const s of socks) s.close();
process.exit(errno === usocket.errno.EMFILE ? 0 : 1);
