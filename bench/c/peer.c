/*
 * The one peer every benchmark client talks to (bench/run.mjs starts one per
 * workload and runs every client of that workload against it, one after
 * another). Loopback only: binds 127.0.0.1, port chosen by the kernel, and
 * prints "PORT <n>" on stdout.
 *
 *   peer echo [warm seg]       TCP: echo every byte back (TCP_NODELAY)
 *   peer udp-echo [warm seg total]  UDP: send every datagram back to its sender
 *   peer sink [warm]           TCP: read to EOF, then reply the byte count (8 bytes, little endian) and close
 *   peer source <bytes> [warm] TCP: send <bytes> in 64 KiB writes (TCP_NODELAY), then close
 *   peer accept-close          TCP: accept and close at once (the client reads EOF)
 *   peer concurrent-echo       TCP: many connections at once (epoll, non-blocking), each echoing
 *                              every byte back (TCP_NODELAY); a connection that never sends is
 *                              just held (the idle rows)
 *
 *   peer --tls <cert.pem> <key.pem> <mode> ...
 *                              the TCP modes over TLS (bench/c/tls.h; built with -DWITH_TLS):
 *                              echo, source (then close_notify), sink <warm> <total> (no
 *                              half-close in TLS here: the count is replied once <total>
 *                              bytes arrived), accept-close (the handshake, close_notify, close)
 *
 * Given [warm], the peer also times the transfer itself: after the first
 * [warm] bytes, each segment of [seg] bytes (64 MiB for sink and source; a
 * tail shorter than that is dropped), and prints "SEGS <seconds> ..." on
 * stdout at the end of each connection (udp-echo: once a sender's bytes reach
 * [total]; a new sender starts a new count). This host's speed switches
 * between modes every few tens of ms to seconds, within one connection (seen
 * with the C client: 64 MiB segments at ~3 600, then ~1 600, then ~3 600
 * MiB/s; 1 000 TCP round trips in 13.9 ms, then in 16-18 ms for a while), so
 * bench/run.mjs pools segments across runs instead of taking one figure per
 * run.
 *
 * Bounded everywhere: connections are served one at a time (concurrent-echo:
 * all at once, see serve_concurrent) with 30 s
 * SO_RCVTIMEO/SO_SNDTIMEO; between connections the peer checks stdin once a
 * second and exits when stdin reaches EOF (the runner closed it or died),
 * after 120 s without a client, or at the hard cap (alarm, default 1800 s,
 * PEER_MAX_SECONDS overrides).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <arpa/inet.h>
#include <unistd.h>
#ifdef WITH_TLS
#include "tls.h"
#endif

#define CHUNK 65536
#define IDLE_MS 120000
#define IO_TIMEOUT_S 30

static unsigned char buf[CHUNK];

/* Segment timing of one connection: bytes counted so far, the warm-up to skip. */
static int seg_on;
static uint64_t seg_warm, seg_size = 64ull << 20, seg_total, seg_count, seg_next;
static double seg_mark;
static char seg_line[1 << 16];
static size_t seg_len;

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void seg_start(void) {
  seg_count = 0;
  seg_next = seg_warm;
  seg_len = (size_t)snprintf(seg_line, sizeof seg_line, "SEGS");
}

/* Counts n more bytes moved; notes the time at the warm-up's end and at each segment's. */
static void seg_add(uint64_t n) {
  if (!seg_on) return;
  seg_count += n;
  if (seg_count < seg_next) return;
  double t = mono();
  if (seg_next > seg_warm && seg_len + 16 < sizeof seg_line) {
    seg_len += (size_t)snprintf(seg_line + seg_len, sizeof seg_line - seg_len, " %.6f", t - seg_mark);
  }
  seg_mark = t;
  while (seg_next <= seg_count) seg_next += seg_size;
}

static void seg_print(void) {
  if (!seg_on) return;
  printf("%s\n", seg_line);
  fflush(stdout);
}

static void die(const char *what) {
  perror(what);
  exit(2);
}

static void set_timeouts(int fd) {
  struct timeval tv = {IO_TIMEOUT_S, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

#ifdef WITH_TLS
static SSL_CTX *tls_ctx; /* --tls: the peer's context */
static SSL *tls;         /* the connection's TLS session, or NULL for plain TCP */
#define TLS_ON (tls != NULL)
#define TLS_PEER (tls_ctx != NULL)
#else
#define TLS_ON 0
#define TLS_PEER 0
#endif

/* One receive: recv(2), or SSL_read on a TLS connection (0 at close_notify or EOF). */
static ssize_t conn_recv(int c, unsigned char *p, size_t n) {
#ifdef WITH_TLS
  if (tls) {
    int r = SSL_read(tls, p, (int)n);
    return r > 0 ? r : SSL_get_error(tls, r) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
  }
#endif
  return recv(c, p, n, 0);
}

static int send_all(int fd, const unsigned char *p, size_t n) {
#ifdef WITH_TLS
  if (tls) return tls_write_all(tls, p, n);
#endif
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static void serve_echo(int c) {
  int one = 1;
  setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  for (;;) {
    ssize_t r = conn_recv(c, buf, CHUNK);
    if (r < 0 && errno == EINTR && !TLS_ON) continue;
    if (r <= 0) return;
    if (send_all(c, buf, (size_t)r) < 0) return;
    seg_add((uint64_t)r);
  }
}

/* Reads to EOF, or (limit > 0) until limit bytes arrived, then replies the count. */
static void serve_sink(int c, uint64_t limit) {
  uint64_t total = 0;
  while (limit == 0 || total < limit) {
    ssize_t r = conn_recv(c, buf, limit && limit - total < CHUNK ? (size_t)(limit - total) : CHUNK);
    if (r < 0 && errno == EINTR && !TLS_ON) continue;
    if (r < 0) return;
    if (r == 0) break;
    total += (uint64_t)r;
    seg_add((uint64_t)r);
  }
  unsigned char ack[8];
  for (int i = 0; i < 8; i++) ack[i] = (unsigned char)(total >> (8 * i));
  send_all(c, ack, 8);
}

static void serve_source(int c, uint64_t bytes) {
  int one = 1; /* a 64 KiB write is > the loopback MSS: without this Nagle holds each write's tail */
  setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  memset(buf, 'x', CHUNK);
  while (bytes > 0) {
    size_t n = bytes < CHUNK ? (size_t)bytes : CHUNK;
    if (send_all(c, buf, n) < 0) return;
    bytes -= n;
    seg_add(n);
  }
#ifdef WITH_TLS
  if (tls) SSL_shutdown(tls); /* close_notify: the client's EOF */
#endif
}

/*
 * Between operations the peer blocks in recvfrom()/accept() with a 1 s
 * SO_RCVTIMEO; each time it expires it checks stdin (EOF: exit) and the idle
 * time. So serving costs exactly the syscalls of the operation itself.
 */
static int idle_tick(int *idle_s) {
  struct pollfd p = {0, POLLIN, 0};
  if (poll(&p, 1, 0) > 0) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n <= 0) return 1; /* stdin closed: the runner is done */
  }
  return ++*idle_s * 1000 >= IDLE_MS;
}

static void serve_udp(int s) {
  int idle_s = 0, done = 0;
  struct sockaddr_in last = {0};
  for (;;) {
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(s, buf, CHUNK, 0, (struct sockaddr *)&from, &flen);
    if (n < 0) {
      if (errno == EINTR) continue;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && !idle_tick(&idle_s)) continue;
      return;
    }
    idle_s = 0;
    sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
    if (!seg_on) continue;
    if (from.sin_port != last.sin_port || from.sin_addr.s_addr != last.sin_addr.s_addr) {
      last = from; /* a new client: a new count */
      seg_start();
      done = 0;
    }
    seg_add((uint64_t)n);
    if (!done && seg_count >= seg_total) {
      seg_print();
      done = 1;
    }
  }
}

/*
 * concurrent-echo: one epoll set holds the listening socket, stdin and every
 * connection (all non-blocking, level-triggered). Readable connections are
 * read (up to 64 KiB) and echoed at once; bytes the socket does not take are
 * kept for that connection, which then waits for EPOLLOUT instead of
 * EPOLLIN until they are sent (so a client that does not read cannot make
 * the peer buffer without bound). Exits on stdin EOF, after IDLE_MS with no
 * event at all, or at the alarm cap.
 */
struct pend {
  unsigned char *p;
  size_t off, len;
};

static void serve_concurrent(int s) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");
  struct rlimit rl;
  size_t cap = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (size_t)rl.rlim_cur : 65536;
  struct pend *pend = calloc(cap, sizeof *pend); /* by descriptor number */
  if (!pend) die("calloc");
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = s}, evs[256];
  if (epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) < 0) die("epoll_ctl listen");
  ev.data.fd = 0;
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev); /* fails if stdin is a file: then only the idle limit and the cap end it */
  int one = 1, idle_ms = 0;
  for (;;) {
    int n = epoll_wait(ep, evs, 256, 1000);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("epoll_wait");
    if (n == 0 && (idle_ms += 1000) >= IDLE_MS) return;
    if (n > 0) idle_ms = 0;
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == 0) {
        if (read(0, buf, sizeof buf) <= 0) return; /* stdin closed: the runner is done */
      } else if (fd == s) {
        for (int c; (c = accept4(s, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0;) {
          ev.events = EPOLLIN;
          ev.data.fd = c;
          if ((size_t)c >= cap || epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev) < 0) {
            close(c);
            continue;
          }
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
      } else {
        struct pend *q = &pend[fd];
        ssize_t r = 0;
        if (q->len == 0) { /* readable: read and echo */
          r = recv(fd, buf, CHUNK, 0);
          if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
          if (r > 0) {
            ssize_t w = send(fd, buf, (size_t)r, MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN) r = -1;
            else if (w < r) { /* keep the rest; wait until writable */
              if (w < 0) w = 0;
              q->p = malloc((size_t)(r - w));
              if (!q->p) die("malloc");
              memcpy(q->p, buf + w, (size_t)(r - w));
              q->off = 0;
              q->len = (size_t)(r - w);
              ev.events = EPOLLOUT;
              ev.data.fd = fd;
              epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
            }
          }
        } else { /* writable: send what was kept */
          ssize_t w = send(fd, q->p + q->off, q->len - q->off, MSG_NOSIGNAL);
          if (w < 0 && errno != EAGAIN && errno != EINTR) r = -1;
          else if (w > 0 && (q->off += (size_t)w) == q->len) {
            free(q->p);
            *q = (struct pend){0};
            ev.events = EPOLLIN;
            ev.data.fd = fd;
            epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
          }
          r = r < 0 ? -1 : 1;
        }
        if (r <= 0) { /* EOF or error: drop the connection (close removes it from the set) */
          free(q->p);
          *q = (struct pend){0};
          close(fd);
        }
      }
    }
  }
}

int main(int argc, char **argv) {
#ifdef WITH_TLS
  if (argc > 4 && strcmp(argv[1], "--tls") == 0) {
    tls_ctx = tls_server_ctx(argv[2], argv[3]);
    argv += 3;
    argc -= 3;
  }
#else
  if (argc > 1 && strcmp(argv[1], "--tls") == 0) {
    fprintf(stderr, "peer: built without TLS (cc -DWITH_TLS ... -l:libssl.so.3 -l:libcrypto.so.3)\n");
    return 2;
  }
#endif
  if (argc < 2) {
    fprintf(stderr, "usage: peer [--tls cert key] echo [warm seg]|udp-echo [warm seg total]|sink [warm [total]]|source <bytes> [warm]|accept-close|concurrent-echo\n");
    return 2;
  }
  const char *mode = argv[1];
  const char *cap = getenv("PEER_MAX_SECONDS");
  alarm(cap ? (unsigned)atoi(cap) : 1800);

  int udp = strcmp(mode, "udp-echo") == 0;
  uint64_t source_bytes = 0, sink_limit = 0;
  if (strcmp(mode, "source") == 0) {
    if (argc < 3) die("source needs <bytes>");
    source_bytes = strtoull(argv[2], NULL, 10);
    if (argc > 3) seg_on = 1, seg_warm = strtoull(argv[3], NULL, 10);
  } else if (strcmp(mode, "sink") == 0) {
    if (argc > 2) seg_on = 1, seg_warm = strtoull(argv[2], NULL, 10);
    if (argc > 3) sink_limit = strtoull(argv[3], NULL, 10);
  } else if (strcmp(mode, "echo") == 0 || udp) {
    if (argc > 3) seg_on = 1, seg_warm = strtoull(argv[2], NULL, 10), seg_size = strtoull(argv[3], NULL, 10);
    if (udp && argc > 4) seg_total = strtoull(argv[4], NULL, 10);
    if (udp && seg_on && argc <= 4) die("udp-echo needs [warm seg total]");
    if (seg_on && seg_size == 0) die("seg must be > 0");
  } else if (strcmp(mode, "accept-close") && strcmp(mode, "concurrent-echo")) {
    fprintf(stderr, "peer: unknown mode %s\n", mode);
    return 2;
  }

  int s = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  if (s < 0) die("socket");
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  socklen_t alen = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &alen);
  if (!udp && listen(s, 4096) < 0) die("listen");
  printf("PORT %d\n", ntohs(a.sin_port));
  fflush(stdout);

  struct timeval tick = {1, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof tick);
  if (udp) {
    int big = 4 << 20;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    serve_udp(s);
    return 0;
  }

  if (strcmp(mode, "concurrent-echo") == 0) {
    if (TLS_PEER) die("concurrent-echo has no TLS form");
    if (fcntl(s, F_SETFL, O_NONBLOCK) < 0) die("fcntl"); /* accept until EAGAIN */
    serve_concurrent(s);
    return 0;
  }
  int accept_close = strcmp(mode, "accept-close") == 0;
  int idle_s = 0;
  for (;;) {
    int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && !idle_tick(&idle_s)) continue;
      return 0;
    }
    idle_s = 0;
    if (accept_close && !TLS_PEER) {
      close(c);
      continue;
    }
    set_timeouts(c);
#ifdef WITH_TLS
    if (tls_ctx) {
      tls = SSL_new(tls_ctx);
      if (!tls || SSL_set_fd(tls, c) != 1) tls_die("SSL_new");
      if (SSL_accept(tls) != 1) { /* a client that failed its handshake: the next one */
        ERR_print_errors_fp(stderr);
        SSL_free(tls);
        tls = NULL;
        close(c);
        continue;
      }
    }
#endif
    seg_start();
    if (accept_close) {
#ifdef WITH_TLS
      SSL_shutdown(tls);
#endif
    } else if (mode[0] == 'e') serve_echo(c);
    else if (mode[1] == 'i') serve_sink(c, sink_limit);
    else serve_source(c, source_bytes);
    if (!accept_close) seg_print();
#ifdef WITH_TLS
    if (tls) SSL_free(tls);
    tls = NULL;
#endif
    close(c);
  }
}
