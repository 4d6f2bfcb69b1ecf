/**
 * Runs inside a private network namespace (`unshare -rn`, loopback up with
 * multicast on): joins 239.255.42.1 on 127.0.0.1, sends one datagram to the
 * group through loopback and receives it. Prints what it received (and,
 * under emulation, an option the emulator refused).
 */
import process from "node:process";
import * as usocket from "../../mod.ts";

const GROUP = "239.255.42.1";
const rx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
rx.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
rx.bind(["0.0.0.0", 0]);
const port = (rx.getsockname() as [string, number])[1];
rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_ADD_MEMBERSHIP, usocket.ip_mreq(GROUP, "127.0.0.1"));
rx.settimeout(5);

const tx = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
try {
  tx.setsockopt(usocket.IPPROTO_IP, usocket.IP_MULTICAST_IF, usocket.inet_pton(usocket.AF_INET, "127.0.0.1"));
} catch (e) {
  // qemu-user 7.2 does not translate IP_MULTICAST_IF (tools/qemu_limits.c); natively this must work
  const emulation = process.env.USOCKET_EMULATION;
  if (!emulation || !(e instanceof usocket.OSError) || e.errno !== usocket.errno.ENOPROTOOPT) throw e;
  console.log(
    `IP_MULTICAST_IF not set: ENOPROTOOPT from ${emulation}; the group's route (224.0.0.0/4 dev lo) picks lo`,
  );
}
tx.setsockopt(usocket.IPPROTO_IP, usocket.IP_MULTICAST_LOOP, 1);
tx.sendto("hello group", [GROUP, port]);

const [data, from] = rx.recvfrom(100);
console.log(`received ${JSON.stringify(new TextDecoder().decode(data))} from ${(from as [string, number])[0]}`);
rx.setsockopt(usocket.IPPROTO_IP, usocket.IP_DROP_MEMBERSHIP, usocket.ip_mreq(GROUP, "127.0.0.1"));
rx.close();
tx.close();
