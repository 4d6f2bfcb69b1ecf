"""TLS peer for tests/ssl_test.ts, on CPython's ssl module (loopback only).

    python3 tls_peer.py MODE CERT KEY [CAFILE]

Servers print "PORT <n>" once listening on 127.0.0.1, serve one connection,
print "DONE <summary>" and exit. Clients (MODE client-*) take the port from
the environment variable PORT. Every wait is bounded (10 s socket timeouts).

Modes:
  echo        TLS echo until EOF (close_notify), then unwrap: our close_notify back
  echo-nonotify  echo "hello" once, then close the TCP connection without close_notify
  mtls        require a client certificate signed by CAFILE, then echo one line
  garbage     a plain TCP server: answers the ClientHello with HTTP text, then closes
  reset       a plain TCP server: reads the ClientHello, then resets (SO_LINGER 0)
  silent      TLS handshake, then sends nothing for 1.5 s, then "late\n", then close_notify
  truncated   TLS handshake, "hello", then half an application-data record, then the TCP close
  sink        reads COUNT bytes (environment) without answering, then sends "ok\n" and
              waits for EOF
  client-line a TLS client verifying the server against CAFILE for "localhost":
              sends "ping\n", prints the line it gets back
  client-cert like client-line, presenting CERT/KEY as a client certificate
Clients offer the ALPN protocols of the environment variable ALPN (comma-separated)
when it is set, and print the one the server selected ("ALPN <name>" or "ALPN None").
"""
import os
import socket
import ssl
import struct
import sys
import time

mode, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
cafile = sys.argv[4] if len(sys.argv) > 4 else None


def listener():
    s = socket.socket()
    if mode == "sink":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # small buffers: the writer's TLS queue fills
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    s.settimeout(10)
    print("PORT", s.getsockname()[1], flush=True)
    return s


def server_ctx():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


if mode in ("echo", "echo-nonotify", "mtls", "silent", "sink", "truncated"):
    srv = listener()
    ctx = server_ctx()
    if mode == "mtls":
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile)
    raw, _ = srv.accept()
    raw.settimeout(10)
    try:
        conn = ctx.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError) as e:
        print("DONE handshake failed:", type(e).__name__, e, flush=True)
        sys.exit(0)
    if mode == "echo":
        total = 0
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)
            total += len(data)
        conn.unwrap().close()
        print("DONE echoed", total, flush=True)
    elif mode == "echo-nonotify":
        conn.recv(100)
        conn.sendall(b"hello")
        time.sleep(0.2)
        raw.close()  # no close_notify
        print("DONE", flush=True)
    elif mode == "mtls":
        peer = conn.getpeercert()
        line = conn.recv(100)
        conn.sendall(line)
        conn.unwrap().close()
        print("DONE client cert:", dict(x[0] for x in peer["subject"])["commonName"], flush=True)
    elif mode == "truncated":
        conn.sendall(b"hello")
        time.sleep(0.2)
        raw.sendall(b"\x17\x03\x03\x00\x40" + b"\xaa" * 20)  # a record header for 64 bytes, then 20 of them
        time.sleep(0.2)
        raw.close()
        print("DONE", flush=True)
    elif mode == "sink":
        time.sleep(0.5)  # let the writer fill every buffer first
        want, got = int(os.environ["COUNT"]), 0
        while got < want:
            data = conn.recv(65536)
            if not data:
                break
            got += len(data)
        conn.sendall(b"ok\n")
        try:
            while conn.recv(65536):
                pass
        except (ssl.SSLError, OSError):
            pass
        print("DONE got", got, flush=True)
    else:  # silent
        time.sleep(1.5)
        conn.sendall(b"late\n")
        conn.recv(100)  # until our close_notify or EOF
        print("DONE", flush=True)
elif mode in ("garbage", "reset"):
    srv = listener()
    raw, _ = srv.accept()
    raw.settimeout(10)
    raw.recv(4096)  # the ClientHello
    if mode == "garbage":
        raw.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        raw.close()
    else:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raw.close()
    print("DONE", flush=True)
elif mode in ("client-line", "client-cert"):
    ctx = ssl.create_default_context(cafile=cafile)
    if mode == "client-cert":
        ctx.load_cert_chain(cert, key)
    if os.environ.get("ALPN"):
        ctx.set_alpn_protocols(os.environ["ALPN"].split(","))
    port = int(os.environ["PORT"])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        try:
            with ctx.wrap_socket(raw, server_hostname="localhost") as conn:
                conn.sendall(b"ping\n")
                data = b""
                while not data.endswith(b"\n"):
                    chunk = conn.recv(100)
                    if not chunk:
                        break
                    data += chunk
                print("GOT", data.decode().strip(), conn.version(), flush=True)
                print("ALPN", conn.selected_alpn_protocol(), flush=True)
        except (ssl.SSLError, OSError) as e:
            print("FAILED", type(e).__name__, e, flush=True)
else:
    sys.exit("unknown mode " + mode)
