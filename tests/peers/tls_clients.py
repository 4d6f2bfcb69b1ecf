"""Many concurrent TLS clients for the poll-driven TLS echo server test.

    python3 tls_clients.py PORT CAFILE CLIENTS BYTES

Each client (a thread) connects to 127.0.0.1:PORT, verifies the server
against CAFILE for "localhost", sends BYTES pseudo-random bytes in pieces
while reading the echo, checks every byte, and closes with close_notify.
Prints "OK <clients> <total bytes>" or "FAIL <reason>"; every wait is bounded.
"""
import os
import socket
import ssl
import sys
import threading

port, cafile, clients, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ctx = ssl.create_default_context(cafile=cafile)
start = threading.Barrier(clients, timeout=30)
errors = []
total = [0]
lock = threading.Lock()


def client(i):
    try:
        data = os.urandom(size)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            start.wait()  # all connected before any sends
            with ctx.wrap_socket(raw, server_hostname="localhost") as conn:
                back = bytearray()
                off = 0
                while len(back) < size:
                    if off < size:
                        conn.sendall(data[off : off + 16384])
                        off += 16384
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    back += chunk
                if bytes(back) != data:
                    raise Exception(f"client {i}: echo differs ({len(back)} of {size} bytes)")
                conn.unwrap()
        with lock:
            total[0] += size
    except Exception as e:  # noqa: BLE001 - reported to the test
        errors.append(f"{type(e).__name__}: {e}")


threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join(60)
if errors or any(t.is_alive() for t in threads):
    print("FAIL", len(errors), errors[:3], flush=True)
else:
    print("OK", clients, total[0], flush=True)
