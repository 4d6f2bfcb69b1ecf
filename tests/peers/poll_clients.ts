/**
 * Load-test clients, run as a child process by tests/select_test.ts:
 * `poll_clients.ts <port> <count> [timeoutMs]`.
 *
 * Opens `count` non-blocking TCP connections to 127.0.0.1:<port> at once and
 * waits until every one is connected, so they are all open together; then
 * each sends its own payload (client 0: 1 MiB, the others 1 B to 64 KiB, a
 * pattern unique to the client) while reading the echo back, checks every
 * byte, and closes. One thread, one poller. Prints one JSON line and exits 0
 * when every client got its payload back intact, 1 otherwise. Every wait is
 * bounded by `timeoutMs` (default 40 000).
 */
import process from "node:process";
import * as usocket from "../../mod.ts";

const { select, errno, OSError } = usocket;
type Socket = usocket.Socket;

const [portArg, countArg, timeoutArg] = process.argv.slice(2);
const port = Number(portArg), count = Number(countArg);
const deadline = performance.now() + Number(timeoutArg ?? 40000);

/** The payload byte `k` of client `i`. */
function byteOf(i: number, k: number): number {
  return (i * 131 + k * 7 + (k >> 9)) & 255;
}

function sizeOf(i: number): number {
  return i === 0 ? 1 << 20 : 1 + ((i * 7919) % 65536);
}

interface Client {
  i: number;
  sock: Socket;
  payload: Uint8Array;
  sent: number;
  got: number;
  done: boolean;
}

const errors: string[] = [];
const clients: Client[] = [];
const p = select.poll<Socket>();
const bySock = new Map<Socket, Client>();
let connected = 0, finished = 0, bytes = 0;

function fail(c: Client, why: string): void {
  if (errors.length < 20) errors.push(`client ${c.i}: ${why}`);
  finish(c);
}

function finish(c: Client): void {
  if (c.done) return;
  c.done = true;
  p.unregister(c.sock);
  c.sock.close();
  finished++;
}

function left(): number {
  return Math.max(0, Math.ceil(deadline - performance.now()));
}

try {
  // 1. Connect all, non-blocking.
  for (let i = 0; i < count; i++) {
    const sock = usocket.socket();
    sock.setblocking(false);
    const r = sock.connect_ex(["127.0.0.1", port]);
    if (r !== 0 && r !== errno.EINPROGRESS) throw new OSError(r);
    const payload = new Uint8Array(sizeOf(i));
    for (let k = 0; k < payload.length; k++) payload[k] = byteOf(i, k);
    const c: Client = { i, sock, payload, sent: 0, got: 0, done: false };
    clients.push(c);
    bySock.set(sock, c);
    p.register(sock, select.POLLOUT);
  }
  // 2. Wait until every connection is established (one-shot: each reported once).
  while (connected + finished < count && left() > 0) {
    for (const [sock] of p.ipoll(left(), 1)) {
      const c = bySock.get(sock)!;
      const err = sock.getsockopt(usocket.SOL_SOCKET, usocket.SO_ERROR);
      if (err !== 0) fail(c, `connect failed: errno ${err}`);
      else connected++;
    }
  }
  // 3. Send and read back, all at once.
  for (const c of clients) if (!c.done) p.modify(c.sock, select.POLLIN | select.POLLOUT);
  const rbuf = new Uint8Array(65536);
  while (finished < count && left() > 0) {
    for (const [sock, ev] of p.poll(left())) {
      const c = bySock.get(sock)!;
      if (c.done) continue;
      try {
        if (ev & select.POLLOUT && c.sent < c.payload.length) {
          try {
            c.sent += sock.send(c.payload.subarray(c.sent, c.sent + 65536));
          } catch (e) {
            if (!(e instanceof OSError && e.errno === errno.EAGAIN)) throw e;
          }
          if (c.sent === c.payload.length) p.modify(sock, select.POLLIN);
        }
        if (ev & (select.POLLIN | select.POLLHUP | select.POLLERR)) {
          let n: number;
          try {
            n = sock.recv_into(rbuf);
          } catch (e) {
            if (e instanceof OSError && e.errno === errno.EAGAIN) continue;
            throw e;
          }
          if (n === 0) {
            fail(c, `EOF after ${c.got} of ${c.payload.length} bytes`);
            continue;
          }
          for (let k = 0; k < n; k++) {
            if (rbuf[k] !== byteOf(c.i, c.got + k)) {
              fail(c, `byte ${c.got + k} is ${rbuf[k]}, expected ${byteOf(c.i, c.got + k)}`);
              break;
            }
          }
          if (c.done) continue;
          c.got += n;
          bytes += n;
          if (c.got > c.payload.length) fail(c, `got ${c.got} bytes, sent ${c.payload.length}`);
          else if (c.got === c.payload.length) finish(c);
        }
      } catch (e) {
        fail(c, String(e));
      }
    }
  }
} catch (e) {
  errors.push(`setup: ${e}`);
}

const incomplete = clients.filter((c) => !c.done || c.got !== c.payload.length).length;
if (incomplete > 0 && errors.length === 0) errors.push(`${incomplete} clients timed out`);
for (const c of clients) if (!c.done) finish(c);
const ok = errors.length === 0 && incomplete === 0 && clients.length === count;
const expected = clients.reduce((a, c) => a + c.payload.length, 0);
console.log(JSON.stringify({ ok, count, connected, bytes, expected, errors }));
process.exit(ok ? 0 : 1);
