// MicroPython's own asyncio tests, ported one to one (tests/multi_net/ in the
// micropython repository; they run as two instances, a server and a client,
// and their .exp files give each instance's output):
// - asyncio_tcp_server_client.py: start_server + open_connection echo. Both
//   instances run here in one process, as two concurrent tasks: only a
//   non-blocking asyncio can run them so.
// - asyncio_tcp_client_rst.py: a client that resets the connection mid-read.
//   Its client instance is blocking code (time.sleep), so it runs in CPython.
// Each instance's printed lines are collected and compared with the .exp.
import assert from "node:assert/strict";
import process from "node:process";
import { test } from "node:test";
import * as usocket from "../mod.ts";
import { Child } from "./tls_helpers.ts";

const { asyncio, errno } = usocket;
const python = process.env.PYTHON ?? "python3";

/** Python's repr of bytes for the printable ASCII these tests send. */
const repr = (b: Uint8Array) => `b'${new TextDecoder().decode(b)}'`;

test("MicroPython asyncio_tcp_server_client.py: both instances, one process", async () => {
  const out0: string[] = [], out1: string[] = [];
  let port = 0;
  let ev: usocket.asyncio.Event;
  let serverUp!: () => void;
  const next = new Promise<void>((r) => (serverUp = r)); // multitest.next()

  async function handle_connection(reader: usocket.asyncio.Stream, writer: usocket.asyncio.Stream) {
    // Test that peername exists (but don't check its value, it changes)
    writer.get_extra_info("peername");

    const data = await reader.read(100);
    out0.push(`echo: ${repr(data)}`);
    writer.write(data);
    await writer.drain();

    out0.push("close");
    writer.close();
    await writer.wait_closed();

    out0.push("done");
    ev.set();
  }

  async function tcp_server() {
    ev = new asyncio.Event();
    const server = await asyncio.start_server(handle_connection, "127.0.0.1", 0);
    port = (server.sockets[0].getsockname() as [string, number])[1]; // PORT = 8000 there
    out0.push("server running");
    serverUp();
    await using _server = server; // async with server:
    await asyncio.wait_for(ev.wait(), 10);
  }

  async function tcp_client(message: Uint8Array) {
    const [reader, writer] = await asyncio.open_connection("127.0.0.1", port);
    out1.push(`write: ${repr(message)}`);
    writer.write(message);
    await writer.drain();
    const data = await reader.read(100);
    out1.push(`read: ${repr(data)}`);
    await writer.close(); // CPython and MicroPython close at exit; here the test closes it
  }

  const instance0 = asyncio.run(tcp_server());
  await next;
  const instance1 = asyncio.run(tcp_client(new TextEncoder().encode("client data")));
  await asyncio.wait_for(Promise.all([instance0, instance1]), 15);
  assert.deepEqual(out0, ["server running", "echo: b'client data'", "close", "done"]);
  assert.deepEqual(out1, ["write: b'client data'", "read: b'client data'"]);
});

test("MicroPython asyncio_tcp_client_rst.py: the server's read rejects with ECONNRESET after the client's RST", async () => {
  const out0: string[] = [];
  const ev = new asyncio.Event();

  async function handle_connection(reader: usocket.asyncio.Stream, writer: usocket.asyncio.Stream) {
    let data = await reader.read(10); // should succeed
    out0.push(repr(data));
    await asyncio.sleep(0.2); // wait for client to drop connection
    try {
      data = await reader.read(100);
      out0.push(repr(data));
      writer.close();
      await writer.wait_closed();
    } catch (er) {
      if (!(er instanceof usocket.OSError)) throw er;
      // the .exp prints "OSError True": the errno is ECONNRESET (or another reset code)
      out0.push(`OSError ${er.errno === errno.ECONNRESET ? "True" : "False"}`);
      await writer.close();
    }
    ev.set();
  }

  const server = await asyncio.start_server(handle_connection, "127.0.0.1", 0);
  const port = (server.sockets[0].getsockname() as [string, number])[1];
  // instance1, unchanged but for IP/PORT: blocking code, in CPython
  const instance1 = new Child(python, [
    "-c",
    `
import socket, struct, time
IP, PORT = "127.0.0.1", ${port}
s = socket.socket()
s.connect(socket.getaddrinfo(IP, PORT)[0][-1])
lgr_onoff = 1
lgr_linger = 0
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", lgr_onoff, lgr_linger))
s.send(b"GET / HTTP/1.0\\r\\n\\r\\n")
time.sleep(0.1)
s.close()  # This issues a TCP RST since we've set the linger option
`,
  ]);
  {
    await using _server = server;
    await asyncio.wait_for(ev.wait(), 10);
  }
  assert.equal((await instance1.done()).trim(), "");
  assert.deepEqual(out0, ["b'GET / HTTP'", "OSError True"]);
});
