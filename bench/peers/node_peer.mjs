// Fallback peer for machines without a C compiler: the modes of bench/c/peer.c
// (echo, udp-echo, sink, source <bytes>, accept-close, concurrent-echo) with Node's net/dgram,
// same "PORT <n>" line, same exits (stdin EOF, 120 s idle, hard cap).
// The C peer is preferred: this one adds its event loop to every round trip.
import dgram from "node:dgram";
import net from "node:net";
import process from "node:process";

const [mode, arg] = process.argv.slice(2);
const IDLE_MS = 120_000;
const cap = setTimeout(() => process.exit(3), Number(process.env.PEER_MAX_SECONDS ?? 1800) * 1000);
cap.unref();
const idle = setTimeout(() => process.exit(0), IDLE_MS);
const touch = () => idle.refresh();
process.stdin.on("data", () => {});
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));

if (mode === "udp-echo") {
  const s = dgram.createSocket("udp4");
  s.on("message", (msg, rinfo) => {
    touch();
    s.send(msg, rinfo.port, rinfo.address);
  });
  s.bind(0, "127.0.0.1", () => console.log(`PORT ${s.address().port}`));
} else if (["echo", "concurrent-echo", "sink", "source", "accept-close"].includes(mode)) {
  const chunk = Buffer.alloc(65536, 120);
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (c) => {
    touch();
    if (mode === "accept-close") return c.destroy();
    if (mode !== "concurrent-echo") c.setTimeout(30_000, () => c.destroy()); // the idle rows hold theirs open
    if (mode === "echo" || mode === "concurrent-echo") {
      c.setNoDelay(true);
      c.on("data", (d) => c.write(d));
      c.on("end", () => c.end());
    } else if (mode === "sink") {
      let total = 0n;
      c.on("data", (d) => void (total += BigInt(d.length)));
      c.on("end", () => {
        const ack = Buffer.alloc(8);
        ack.writeBigUInt64LE(total);
        c.end(ack);
      });
    } else {
      let left = Number(arg);
      const pump = () => {
        while (left > 0) {
          const k = Math.min(left, chunk.length);
          left -= k;
          if (!c.write(k === chunk.length ? chunk : chunk.subarray(0, k))) return void c.once("drain", pump);
        }
        c.end();
      };
      pump();
    }
    c.on("error", () => c.destroy());
  });
  server.listen(0, "127.0.0.1", 4096, () => console.log(`PORT ${server.address().port}`));
} else {
  console.error("usage: node_peer.mjs echo|udp-echo|sink|source <bytes>|accept-close|concurrent-echo");
  process.exit(2);
}
