"""CPython's ssl module as a benchmark client, the TLS workloads only:

    python3 bench/clients/python_client.py <workload> <port> <n> <warm> <size> [opt]

Same command line and result line ({"ops":…,"bytes":…,"seconds":…}, the timed
part only) as bench/clients/args.ts. Blocking sockets, one SSLContext per
process, time.perf_counter():

    tls_pingpong       TCP_NODELAY, handshake; sendall <size> bytes, recv_into   (peer --tls echo)
                       until <size> are back
    tls_bulk_send      TCP_NODELAY, handshake; sendall <size> bytes at a time,   (peer --tls sink)
                       no half-close, then the sink's 8-byte count
    tls_bulk_readinto  handshake; recv_into one reused <size>-byte buffer until  (peer --tls source)
                       the peer's close_notify
    tls_handshake      connect + wrap_socket (the handshake) + recv (EOF) +      (peer --tls accept-close)
                       close per op

The peer is verified against the PEM file BENCH_TLS_CA names
(ssl.create_default_context(cafile=…): the chain, and with server_hostname
127.0.0.1 the certificate's IP SAN). An EOF without close_notify is an error
(suppress_ragged_eofs=False). No socket timeouts (with one, CPython polls
before every call); signal.alarm(300) caps the run, as in the C client.
Any other workload: a message on stderr, exit status 2.
"""
import json
import os
import signal
import socket
import ssl
import sys
from time import perf_counter

HOST = "127.0.0.1"
TLS_NAME = "127.0.0.1"  # as args.ts: the name the peer's certificate is verified for


class Args:
    """A parsed command line, as parseArgs in args.ts."""

    def __init__(self, argv):
        if len(argv) < 5:
            raise ValueError("usage: <workload> <port> <n> <warm> <size> [opt]")

        def num(i):
            if not argv[i].isdigit():
                raise ValueError(f"argument {i + 1} must be an integer, got {argv[i]}")
            return int(argv[i])

        self.workload = argv[0]
        self.port, self.n, self.warm, self.size = num(1), num(2), num(3), num(4)
        self.opt = argv[5] if len(argv) > 5 else ""


def report(ops, nbytes, seconds):
    """The result line, as JSON.stringify prints it (no spaces, 1024 not 1024.0)."""
    ops = int(ops) if ops == int(ops) else ops
    return json.dumps({"ops": ops, "bytes": nbytes, "seconds": seconds}, separators=(",", ":"))


def tls_context():
    """A client context whose only CA is the PEM file BENCH_TLS_CA names; certificate and name required."""
    path = os.environ.get("BENCH_TLS_CA")
    if not path:
        raise RuntimeError("BENCH_TLS_CA (the TLS peer's CA certificate, PEM) is not set")
    ctx = ssl.create_default_context(cafile=path)
    if ctx.verify_mode != ssl.CERT_REQUIRED or not ctx.check_hostname:
        raise RuntimeError("the default context does not verify the peer")
    return ctx


def connect(ctx, port, nodelay=False):
    """TCP connect (TCP_NODELAY before the handshake if asked), then the verified TLS handshake."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if nodelay:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.connect((HOST, port))
        return ctx.wrap_socket(sock, server_hostname=TLS_NAME, suppress_ragged_eofs=False)
    except BaseException:
        sock.close()
        raise


def recv_exact(s, view):
    """recv_into until `view` is full; EOF first is an error."""
    got, want = 0, len(view)
    while got < want:
        r = s.recv_into(view if got == 0 else view[got:])
        if r == 0:
            raise EOFError(f"early EOF after {got} of {want} bytes")
        got += r


def tls_pingpong(a, ctx):
    s = connect(ctx, a.port, nodelay=True)
    msg, view = bytes(a.size), memoryview(bytearray(a.size))

    def rounds(k):
        for _ in range(k):
            s.sendall(msg)
            recv_exact(s, view)

    rounds(a.warm)
    t0 = perf_counter()
    rounds(a.n)
    t = perf_counter() - t0
    s.close()
    return report(a.n, a.n * a.size * 2, t)


def tls_bulk_send(a, ctx):
    s = connect(ctx, a.port, nodelay=True)
    chunk = memoryview(b"x" * a.size)

    def pump(nbytes):
        sent = 0
        while sent < nbytes:
            k = min(a.size, nbytes - sent)
            s.sendall(chunk if k == a.size else chunk[:k])
            sent += k

    pump(a.warm)
    t0 = perf_counter()
    pump(a.n)
    ack = bytearray(8)
    recv_exact(s, memoryview(ack))  # no half-close: the sink replies once it has warm + n bytes
    t = perf_counter() - t0
    s.close()
    counted = int.from_bytes(ack, "little")
    if counted != a.warm + a.n:
        raise RuntimeError(f"sink counted {counted} bytes, sent {a.warm + a.n}")
    return report(a.n / a.size, a.n, t)


def tls_bulk_readinto(a, ctx):
    s = connect(ctx, a.port)
    buf = bytearray(a.size)

    def receive(limit):
        """recv_into buf until `limit` bytes or EOF (the peer's close_notify); returns the bytes."""
        got = 0
        while got < limit:
            r = s.recv_into(buf)
            if r == 0:
                break
            got += r
        return got

    warm = receive(a.warm)
    t0 = perf_counter()
    timed = receive(float("inf"))
    t = perf_counter() - t0
    s.close()
    if warm + timed != a.warm + a.n:
        raise RuntimeError(f"received {warm + timed} bytes, expected {a.warm + a.n}")
    return report(timed / a.size, timed, t)


def tls_handshake(a, ctx):
    def once():
        s = connect(ctx, a.port)
        if s.recv(16) != b"":
            raise RuntimeError("expected EOF")
        s.close()

    for _ in range(a.warm):
        once()
    t0 = perf_counter()
    for _ in range(a.n):
        once()
    return report(a.n, 0, perf_counter() - t0)


WORKLOADS = {
    "tls_pingpong": tls_pingpong,
    "tls_bulk_send": tls_bulk_send,
    "tls_bulk_readinto": tls_bulk_readinto,
    "tls_handshake": tls_handshake,
}


def main():
    signal.alarm(300)
    try:
        a = Args(sys.argv[1:])
    except ValueError as e:
        print(f"python_client: {e}", file=sys.stderr)
        return 2
    run = WORKLOADS.get(a.workload)
    if run is None:
        print(f"python_client: workload {a.workload} has no Python form (TLS workloads only)", file=sys.stderr)
        return 2
    print(run(a, tls_context()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
