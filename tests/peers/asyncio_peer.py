"""asyncio peer for tests/asyncio_test.ts, on CPython's asyncio (loopback only).

    python3 asyncio_peer.py server COUNT [CERT KEY]
    python3 asyncio_peer.py clients COUNT LINES PORT [CAFILE]

server:  an asyncio.start_server line echo on 127.0.0.1 (TLS with CERT/KEY);
         prints "PORT <n>", serves COUNT connections (each until EOF), prints
         "DONE <lines echoed>" and exits.
clients: COUNT concurrent asyncio.open_connection clients (TLS verified for
         "localhost" against CAFILE when given); each sends LINES lines, one at
         a time, and checks each echo; prints "OK <lines checked>" and exits.
Everything is bounded: the whole run by a 60 s timeout.
"""
import asyncio
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


async def main():
    if sys.argv[1] == "server":
        await server(int(sys.argv[2]), *sys.argv[3:5])
    else:
        await clients(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), *sys.argv[5:6])


asyncio.run(asyncio.wait_for(main(), 60))
