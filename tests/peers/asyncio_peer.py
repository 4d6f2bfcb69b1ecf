"""asyncio peer for tests/asyncio_test.ts, on CPython's asyncio (loopback only).

    python3 asyncio_peer.py server COUNT [CERT KEY]
    python3 asyncio_peer.py clients COUNT LINES PORT [CAFILE]
    python3 asyncio_peer.py hold COUNT PORT
    python3 asyncio_peer.py http COUNT PORT

server:  an asyncio.start_server line echo on 127.0.0.1 (TLS with CERT/KEY);
         prints "PORT <n>", serves COUNT connections (each until EOF), prints
         "DONE <lines echoed>" and exits.
clients: COUNT concurrent asyncio.open_connection clients (TLS verified for
         "localhost" against CAFILE when given); each sends LINES lines, one at
         a time, and checks each echo; prints "OK <lines checked>" and exits.
hold:    opens COUNT connections (500 at a time) and keeps them all open; then
         sends one line on each and checks each echo; prints "HELD <n>",
         closes them all and exits (raises its descriptor limit to the hard one).
http:    COUNT sequential HTTP GETs of http://127.0.0.1:PORT/ (urllib), each
         answer must be "ok"; prints "HTTP <n>".
Everything is bounded: the whole run by a 60 s timeout (times USOCKET_SLOW,
which `npm run test:arm64` sets under emulation).
"""
import asyncio
import os
import ssl
import sys


async def server(count, cert=None, key=None):
    ctx = None
    if cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
    done = asyncio.Event()
    served = 0
    lines = 0

    async def handle(reader, writer):
        nonlocal served, lines
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                lines += 1
                writer.write(line)
                await writer.drain()
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, ssl.SSLError):
                pass
            served += 1
            if served == count:
                done.set()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=ctx)
    print("PORT", srv.sockets[0].getsockname()[1], flush=True)
    await done.wait()
    srv.close()
    print("DONE", lines, flush=True)


async def clients(count, nlines, port, cafile=None):
    ctx = None
    if cafile:
        ctx = ssl.create_default_context(cafile=cafile)

    async def one(i):
        kw = {"ssl": ctx, "server_hostname": "localhost"} if ctx else {}
        reader, writer = await asyncio.open_connection("127.0.0.1", port, **kw)
        checked = 0
        for j in range(nlines):
            msg = f"client {i} line {j}\n".encode()
            writer.write(msg)
            await writer.drain()
            got = await reader.readline()
            if got != msg:
                raise SystemExit(f"client {i}: sent {msg!r}, got {got!r}")
            checked += 1
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, ssl.SSLError):
            pass
        return checked

    results = await asyncio.gather(*(one(i) for i in range(count)))
    print("OK", sum(results), flush=True)


async def hold(count, port):
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    conns = []
    for start in range(0, count, 500):
        batch = range(start, min(count, start + 500))
        conns += await asyncio.gather(*(asyncio.open_connection("127.0.0.1", port) for _ in batch))
    for i, (_, writer) in enumerate(conns):
        writer.write(f"{i}\n".encode())
    checked = 0
    for i, (reader, _) in enumerate(conns):
        got = await reader.readline()
        if got != f"{i}\n".encode():
            raise SystemExit(f"connection {i}: got {got!r}")
        checked += 1
    print("HELD", checked, flush=True)
    for _, writer in conns:
        writer.close()
    await asyncio.gather(*(w.wait_closed() for _, w in conns), return_exceptions=True)


def http(count, port):
    import urllib.request

    for i in range(count):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            body = r.read()
            if body != b"ok":
                raise SystemExit(f"request {i}: {body!r}")
    print("HTTP", count, flush=True)


async def main():
    if sys.argv[1] == "server":
        await server(int(sys.argv[2]), *sys.argv[3:5])
    elif sys.argv[1] == "hold":
        await hold(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "http":
        await asyncio.get_running_loop().run_in_executor(None, http, int(sys.argv[2]), int(sys.argv[3]))
    else:
        await clients(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), *sys.argv[5:6])


asyncio.run(asyncio.wait_for(main(), 60 * max(1.0, float(os.environ.get("USOCKET_SLOW") or 1))))
