/**
 * The runtime's own TLS as a peer for tests/ssl_test.ts (loopback only):
 * `Deno.listenTls`/`Deno.connectTls` on Deno, `Bun.listen`/`Bun.connect`
 * with `tls` on Bun.
 *
 *   runtime_tls.ts server CERT KEY   prints "PORT <n>", echoes one connection until EOF, prints "DONE <bytes>"
 *   runtime_tls.ts client PORT CA    connects to 127.0.0.1:PORT verifying it against CA (Bun for the
 *                                    name "localhost", Deno for the address),
 *                                    sends "ping\n", prints "GOT <line>" and exits
 *
 * Every wait is bounded: the process exits after 20 s whatever happens.
 */
import { readFileSync } from "node:fs";
import process from "node:process";

const [mode, a, b] = process.argv.slice(2);
setTimeout(() => {
  console.log("TIMEOUT");
  process.exit(3);
}, 20000);

interface BunSocket {
  write(data: Uint8Array | string): number;
  end(): void;
}
interface BunLike {
  listen(o: unknown): { port: number; stop(): void };
  connect(o: unknown): Promise<BunSocket>;
}
const bun = (globalThis as { Bun?: BunLike }).Bun;

if (mode === "server") {
  const cert = readFileSync(a, "utf8"), key = readFileSync(b, "utf8");
  if (bun) {
    let total = 0;
    const srv = bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert, key },
      socket: {
        data(s: BunSocket, d: Uint8Array) {
          total += d.length;
          s.write(d);
        },
        end(s: BunSocket) {
          s.end();
        },
        close() {
          console.log("DONE", total);
          srv.stop();
          process.exit(0);
        },
      },
    });
    console.log("PORT", srv.port);
  } else {
    const lsn = Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key });
    console.log("PORT", (lsn.addr as Deno.NetAddr).port);
    const conn = await lsn.accept();
    let total = 0;
    const buf = new Uint8Array(65536);
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch {
        n = null;
      }
      if (n === null) break;
      total += n;
      let off = 0;
      while (off < n) off += await conn.write(buf.subarray(off, n));
    }
    conn.close();
    lsn.close();
    console.log("DONE", total);
    process.exit(0);
  }
} else if (mode === "client") {
  const port = Number(a), ca = readFileSync(b, "utf8");
  let got = "";
  if (bun) {
    await new Promise<void>((resolve, reject) => {
      bun.connect({
        hostname: "127.0.0.1",
        port,
        tls: { ca, serverName: "localhost" },
        socket: {
          open(s: BunSocket) {
            s.write("ping\n");
          },
          data(_s: BunSocket, d: Uint8Array) {
            got += new TextDecoder().decode(d);
          },
          close() {
            resolve();
          },
          error(_s: BunSocket, e: Error) {
            reject(e);
          },
          connectError(_s: BunSocket, e: Error) {
            reject(e);
          },
        },
      }).catch(reject);
    });
  } else {
    // verified for 127.0.0.1 (the certificate also names the IP): Deno takes no separate server name
    const conn = await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [ca] });
    await conn.write(new TextEncoder().encode("ping\n"));
    const buf = new Uint8Array(100);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      got += new TextDecoder().decode(buf.subarray(0, n));
    }
    conn.close();
  }
  console.log("GOT", got.trim());
  process.exit(0);
} else {
  console.log("usage: runtime_tls.ts server CERT KEY | client PORT CA");
  process.exit(2);
}
