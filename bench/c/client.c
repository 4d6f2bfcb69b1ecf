/*
 * The C baseline client: plain blocking BSD sockets, what every other client
 * is compared with. Same command line and output as the clients in bench/clients/:
 *
 *   client <workload> <port> <n> <warm> <size> [opt]
 *
 * and prints one line {"ops":…,"bytes":…,"seconds":…} for the timed part.
 * Workloads (n = timed ops or bytes, warm = untimed ops or bytes first):
 *
 *   tcp_pingpong   send <size> bytes, read <size> back; TCP_NODELAY     (peer echo)
 *   udp_pingpong   sendto <size> bytes, recvfrom the echo              (peer udp-echo)
 *   bulk_send      send in <size>-byte writes (TCP_NODELAY), shutdown,  (peer sink)
 *                  read the 8-byte count the sink replies
 *   bulk_readinto  recv(<size>, MSG_WAITALL) into one buffer until EOF  (peer source)
 *   bulk_recv      recv(<size>) into one buffer until EOF               (peer source)
 *   churn          socket + connect + recv (EOF) + close per op         (peer accept-close)
 *   poll           poll(0) on <n> sockets (socketpairs), nothing ready  (no peer)
 *   concurrent_echo  <size> connections at once (non-blocking, epoll), each   (peer concurrent-echo)
 *                  sending 64 bytes and reading 64 back, again, until warm + n
 *                  requests are done in all; n timed (from the warm-th reply)
 *
 *   udp_send       UDP send throughput, <size>-byte datagrams, the send side  (no peer)
 *   udp_recv       UDP receive throughput, the receive side                   (no peer)
 *                  opt: one (send/recv, one datagram per call), mmsg (sendmmsg/
 *                  recvmmsg, 64 per call) or gso (send of a UDP_SEGMENT buffer /
 *                  GRO recvmmsg of coalesced buffers). n and warm count datagrams,
 *                  in rounds (udp_round): a connected pair on loopback, the
 *                  receiver's queue big enough for a round (SO_RCVBUFFORCE); the
 *                  side measured is timed alone, the other side (fill or drain,
 *                  untimed) runs before or after it in the same process
 *
 * and, built with -DWITH_TLS (bench/c/tls.h), over OpenSSL 3 with the peer
 * verified against the CA file $BENCH_TLS_CA for IP 127.0.0.1:
 *
 *   tls_pingpong       tcp_pingpong over TLS: SSL_write, SSL_read until <size>   (peer --tls echo)
 *   tls_bulk_send      SSL_write <size> bytes at a time, read the sink's count    (peer --tls sink)
 *   tls_bulk_readinto  SSL_read until <size> bytes fill the buffer, to EOF        (peer --tls source)
 *   tls_handshake      connect + SSL_connect + SSL_read (close_notify) + close    (peer --tls accept-close)
 *
 * Bounded: sockets have a 10 s SO_RCVTIMEO/SO_SNDTIMEO (not the churn
 * ones, to keep their op to the four syscalls) and alarm(300) caps the run.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/udp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#ifdef WITH_TLS
#include "tls.h"
#endif

static struct sockaddr_in peer;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what) {
  fprintf(stderr, "client: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void timeouts(int fd) {
  struct timeval tv = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static int tcp_connect(int with_timeouts) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  if (with_timeouts) timeouts(fd);
  if (connect(fd, (struct sockaddr *)&peer, sizeof peer) < 0) die("connect");
  return fd;
}

static void nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void send_all(int fd, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      die("send");
    }
    p += w;
    n -= (size_t)w;
  }
}

static void recv_exact(int fd, unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t r = recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die("recv");
    if (r == 0) {
      errno = ECONNRESET;
      die("recv: early EOF");
    }
    p += r;
    n -= (size_t)r;
  }
}

static void report(uint64_t ops, uint64_t bytes, double seconds) {
  printf("{\"ops\":%llu,\"bytes\":%llu,\"seconds\":%.9f}\n", (unsigned long long)ops, (unsigned long long)bytes,
         seconds);
}

static void tcp_pingpong(uint64_t n, uint64_t warm, size_t size) {
  int fd = tcp_connect(1);
  nodelay(fd);
  unsigned char *msg = calloc(1, size), *in = malloc(size);
  double t0 = 0;
  for (uint64_t i = 0; i < warm + n; i++) {
    if (i == warm) t0 = now();
    send_all(fd, msg, size);
    recv_exact(fd, in, size);
  }
  double t = now() - t0;
  close(fd);
  report(n, n * size * 2, t);
}

static void udp_pingpong(uint64_t n, uint64_t warm, size_t size) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  timeouts(fd);
  struct sockaddr_in me = {0};
  me.sin_family = AF_INET;
  me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&me, sizeof me) < 0) die("bind");
  unsigned char *msg = calloc(1, size), *in = malloc(size);
  double t0 = 0;
  for (uint64_t i = 0; i < warm + n; i++) {
    if (i == warm) t0 = now();
    if (sendto(fd, msg, size, 0, (struct sockaddr *)&peer, sizeof peer) != (ssize_t)size) die("sendto");
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    if (recvfrom(fd, in, size, 0, (struct sockaddr *)&from, &flen) != (ssize_t)size) die("recvfrom");
  }
  double t = now() - t0;
  close(fd);
  report(n, n * size * 2, t);
}

static void bulk_send(uint64_t n, uint64_t warm, size_t size) {
  int fd = tcp_connect(1);
  nodelay(fd); /* as every client: a 64 KiB write is > the loopback MSS, Nagle would hold its tail */
  unsigned char *chunk = malloc(size);
  memset(chunk, 'x', size);
  double t0 = 0;
  for (uint64_t sent = 0, total = warm + n; sent < total;) {
    if (sent >= warm && t0 == 0) t0 = now();
    size_t k = total - sent < size ? (size_t)(total - sent) : size;
    send_all(fd, chunk, k);
    sent += k;
  }
  shutdown(fd, SHUT_WR);
  unsigned char ack[8];
  recv_exact(fd, ack, 8);
  double t = now() - t0;
  uint64_t got = 0;
  for (int i = 0; i < 8; i++) got |= (uint64_t)ack[i] << (8 * i);
  if (got != warm + n) {
    fprintf(stderr, "client: sink counted %llu bytes, sent %llu\n", (unsigned long long)got,
            (unsigned long long)(warm + n));
    exit(1);
  }
  close(fd);
  report(n / size, n, t);
}

static void bulk_recv(uint64_t n, uint64_t warm, size_t size, int waitall) {
  int fd = tcp_connect(1);
  unsigned char *buf = malloc(size);
  uint64_t total = 0, mark = 0;
  double t0 = 0;
  for (;;) {
    if (t0 == 0 && total >= warm) {
      t0 = now();
      mark = total;
    }
    ssize_t r = recv(fd, buf, size, waitall ? MSG_WAITALL : 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die("recv");
    if (r == 0) break;
    total += (uint64_t)r;
  }
  double t = now() - t0;
  close(fd);
  if (total != warm + n) {
    fprintf(stderr, "client: received %llu bytes, expected %llu\n", (unsigned long long)total,
            (unsigned long long)(warm + n));
    exit(1);
  }
  report((total - mark) / size, total - mark, t);
}

static void churn(uint64_t n, uint64_t warm) {
  unsigned char b[16];
  double t0 = 0;
  for (uint64_t i = 0; i < warm + n; i++) {
    if (i == warm) t0 = now();
    int fd = tcp_connect(0); /* churn: no extra syscalls per op; alarm() bounds it */
    ssize_t r;
    while ((r = recv(fd, b, sizeof b, 0)) < 0 && errno == EINTR) {}
    if (r != 0) die("churn: expected EOF");
    close(fd);
  }
  report(n, 0, now() - t0);
}

#ifdef WITH_TLS
static SSL_CTX *tls_ctx(void) {
  const char *ca = getenv("BENCH_TLS_CA");
  if (!ca) {
    fprintf(stderr, "client: BENCH_TLS_CA is not set\n");
    exit(2);
  }
  return tls_client_ctx(ca);
}

static void tls_fail(const char *what) {
  fprintf(stderr, "client: %s failed\n", what);
  ERR_print_errors_fp(stderr);
  exit(1);
}

static void tls_pingpong(uint64_t n, uint64_t warm, size_t size) {
  SSL_CTX *ctx = tls_ctx();
  int fd = tcp_connect(1);
  nodelay(fd);
  SSL *ssl = tls_connect(ctx, fd, "127.0.0.1");
  unsigned char *msg = calloc(1, size), *in = malloc(size);
  double t0 = 0;
  for (uint64_t i = 0; i < warm + n; i++) {
    if (i == warm) t0 = now();
    if (tls_write_all(ssl, msg, size) < 0) tls_fail("SSL_write");
    if (tls_read_exact(ssl, in, size) < 0) tls_fail("SSL_read");
  }
  double t = now() - t0;
  SSL_free(ssl);
  close(fd);
  report(n, n * size * 2, t);
}

static void tls_bulk_send(uint64_t n, uint64_t warm, size_t size) {
  SSL_CTX *ctx = tls_ctx();
  int fd = tcp_connect(1);
  nodelay(fd);
  SSL *ssl = tls_connect(ctx, fd, "127.0.0.1");
  unsigned char *chunk = malloc(size);
  memset(chunk, 'x', size);
  double t0 = 0;
  for (uint64_t sent = 0, total = warm + n; sent < total;) {
    if (sent >= warm && t0 == 0) t0 = now();
    size_t k = total - sent < size ? (size_t)(total - sent) : size;
    if (tls_write_all(ssl, chunk, k) < 0) tls_fail("SSL_write");
    sent += k;
  }
  unsigned char ack[8];
  if (tls_read_exact(ssl, ack, 8) < 0) tls_fail("SSL_read (the sink's count)");
  double t = now() - t0;
  uint64_t got = 0;
  for (int i = 0; i < 8; i++) got |= (uint64_t)ack[i] << (8 * i);
  if (got != warm + n) {
    fprintf(stderr, "client: sink counted %llu bytes, sent %llu\n", (unsigned long long)got,
            (unsigned long long)(warm + n));
    exit(1);
  }
  SSL_free(ssl);
  close(fd);
  report(n / size, n, t);
}

/* SSL_read into the buffer until it is full (a blocking readinto), to close_notify. */
static void tls_bulk_readinto(uint64_t n, uint64_t warm, size_t size) {
  SSL_CTX *ctx = tls_ctx();
  int fd = tcp_connect(1);
  SSL *ssl = tls_connect(ctx, fd, "127.0.0.1");
  unsigned char *buf = malloc(size);
  uint64_t total = 0, mark = 0;
  double t0 = 0;
  for (int eof = 0; !eof;) {
    if (t0 == 0 && total >= warm) {
      t0 = now();
      mark = total;
    }
    for (size_t got = 0; got < size;) {
      int r = SSL_read(ssl, buf + got, (int)(size - got));
      if (r <= 0) {
        if (SSL_get_error(ssl, r) != SSL_ERROR_ZERO_RETURN) tls_fail("SSL_read");
        eof = 1;
        break;
      }
      got += (size_t)r;
      total += (uint64_t)r;
    }
  }
  double t = now() - t0;
  SSL_free(ssl);
  close(fd);
  if (total != warm + n) {
    fprintf(stderr, "client: received %llu bytes, expected %llu\n", (unsigned long long)total,
            (unsigned long long)(warm + n));
    exit(1);
  }
  report((total - mark) / size, total - mark, t);
}

static void tls_handshake(uint64_t n, uint64_t warm) {
  SSL_CTX *ctx = tls_ctx();
  unsigned char b[16];
  double t0 = 0;
  for (uint64_t i = 0; i < warm + n; i++) {
    if (i == warm) t0 = now();
    int fd = tcp_connect(1);
    SSL *ssl = tls_connect(ctx, fd, "127.0.0.1");
    int r = SSL_read(ssl, b, sizeof b);
    if (r > 0 || SSL_get_error(ssl, r) != SSL_ERROR_ZERO_RETURN) tls_fail("SSL_read (close_notify)");
    SSL_free(ssl);
    close(fd);
  }
  report(n, 0, now() - t0);
}
#endif

static void poll_bench(uint64_t n) {
  struct pollfd *fds = calloc(n + 1, sizeof *fds);
  for (uint64_t i = 0; i < n; i += 2) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) die("socketpair");
    fds[i] = (struct pollfd){sv[0], POLLIN, 0};
    if (i + 1 < n) fds[i + 1] = (struct pollfd){sv[1], POLLIN, 0};
    else close(sv[1]);
  }
  /* 100 ms untimed, then batches of doubling size for 300 ms */
  for (double w0 = now(); now() - w0 < 0.1;) poll(fds, n, 0);
  uint64_t calls = 0, batch = 1;
  double t0 = now(), t = t0;
  while (t - t0 < 0.3) {
    for (uint64_t i = 0; i < batch; i++) {
      if (poll(fds, n, 0) != 0) die("poll: something ready");
    }
    calls += batch;
    t = now();
    if (batch < 65536) batch *= 2;
  }
  report(calls, 0, t - t0);
}

static void concurrent_echo(uint64_t n, uint64_t warm, size_t conns) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");
  int *fds = calloc(conns, sizeof *fds);
  size_t *got = calloc(conns, sizeof *got);
  unsigned char msg[64] = {0}, in[64];
  for (size_t i = 0; i < conns; i++) {
    fds[i] = tcp_connect(1); /* blocking connect (loopback: at once), then non-blocking */
    nodelay(fds[i]);
    fcntl(fds[i], F_SETFL, O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) die("epoll_ctl");
  }
  uint64_t total = warm + n, issued = 0, done = 0;
  double t0 = warm == 0 ? now() : 0, t1 = 0;
  /* 64 bytes always fit in an empty send buffer: a send is never short */
  for (size_t i = 0; i < conns && issued < total; i++, issued++) send_all(fds[i], msg, 64);
  struct epoll_event evs[256];
  while (done < total) {
    int k = epoll_wait(ep, evs, 256, 10000);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) die("epoll_wait (10 s with no reply)");
    for (int e = 0; e < k; e++) {
      size_t i = (size_t)evs[e].data.u64;
      ssize_t r = recv(fds[i], in, 64 - got[i], 0);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r <= 0) die("recv (early EOF or error)");
      if ((got[i] += (size_t)r) < 64) continue;
      got[i] = 0;
      if (++done == warm) t0 = now();
      if (issued < total) {
        issued++;
        send_all(fds[i], msg, 64);
      }
    }
  }
  t1 = now();
  for (size_t i = 0; i < conns; i++) close(fds[i]);
  report(n, n * 64 * 2, t1 - t0);
}

/* ---- UDP throughput: one per call, sendmmsg/recvmmsg batches, GSO/GRO ---- */

#define UDP_BATCH 64
#define GRO_SLOTS 8
#define GRO_SLOT 65536

/* datagrams per GSO send: 64 (every kernel's UDP_MAX_SEGMENTS at least), within 65 507 bytes */
static size_t gso_segs(size_t size) {
  size_t k = 65507 / size;
  return k < 64 ? k : 64;
}

/* datagrams per round: a multiple of the batch and of the GSO send */
static uint64_t udp_round(size_t size) { return (uint64_t)gso_segs(size) * UDP_BATCH * 8; }

struct udp_bench {
  int tx, rx;
  size_t size, segs;
  unsigned char *buf; /* UDP_BATCH slots of size bytes; the GSO buffer; GRO_SLOTS slots of GRO_SLOT */
  struct mmsghdr msgs[UDP_BATCH];
  struct iovec iov[UDP_BATCH];
  char ctl[GRO_SLOTS][CMSG_SPACE(sizeof(int))];
};

static void udp_setup(struct udp_bench *b, size_t size, int gro) {
  b->size = size;
  b->segs = gso_segs(size);
  b->rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  b->tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (b->rx < 0 || b->tx < 0) die("socket");
  timeouts(b->rx);
  timeouts(b->tx);
  int big = 256 << 20;
  if (setsockopt(b->rx, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0) die("SO_RCVBUFFORCE (needs CAP_NET_ADMIN)");
  if (gro) {
    int on = 1;
    if (setsockopt(b->rx, SOL_UDP, UDP_GRO, &on, sizeof on) < 0) die("UDP_GRO");
    int seg = (int)size; /* every send of the tx socket leaves as size-byte datagrams */
    if (setsockopt(b->tx, SOL_UDP, UDP_SEGMENT, &seg, sizeof seg) < 0) die("UDP_SEGMENT");
  }
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof a;
  if (bind(b->rx, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(b->rx, (struct sockaddr *)&a, &alen) < 0) die("bind");
  if (connect(b->tx, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
  if (getsockname(b->tx, (struct sockaddr *)&a, &alen) < 0 || connect(b->rx, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
  b->buf = calloc(1, GRO_SLOTS * GRO_SLOT > UDP_BATCH * size ? GRO_SLOTS * GRO_SLOT : UDP_BATCH * size);
  memset(b->buf, 'x', UDP_BATCH * size);
}

/* the UDP_BATCH message headers, slot k at buf + k * size (rewritten before each call, as the kernel updates them) */
static void udp_headers(struct udp_bench *b) {
  for (int k = 0; k < UDP_BATCH; k++) {
    b->iov[k].iov_base = b->buf + k * b->size;
    b->iov[k].iov_len = b->size;
    memset(&b->msgs[k].msg_hdr, 0, sizeof b->msgs[k].msg_hdr);
    b->msgs[k].msg_hdr.msg_iov = &b->iov[k];
    b->msgs[k].msg_hdr.msg_iovlen = 1;
  }
}

/* sends `count` datagrams: one send(2) each, sendmmsg(2) of UDP_BATCH, or send(2) of a GSO buffer */
static void udp_fill(struct udp_bench *b, const char *mode, uint64_t count) {
  if (!strcmp(mode, "one")) {
    for (uint64_t i = 0; i < count; i++)
      if (send(b->tx, b->buf, b->size, MSG_NOSIGNAL) != (ssize_t)b->size) die("send");
  } else if (!strcmp(mode, "mmsg")) {
    for (uint64_t i = 0; i < count; i += UDP_BATCH) {
      udp_headers(b);
      for (int done = 0; done < UDP_BATCH;) {
        int r = sendmmsg(b->tx, b->msgs + done, UDP_BATCH - done, MSG_NOSIGNAL);
        if (r < 0) die("sendmmsg");
        done += r;
      }
    }
  } else {
    size_t len = b->segs * b->size;
    for (uint64_t i = 0; i < count; i += b->segs)
      if (send(b->tx, b->buf, len, MSG_NOSIGNAL) != (ssize_t)len) die("send (GSO)");
  }
}

/* receives `count` datagrams: one recv(2) each, recvmmsg(2) of up to UDP_BATCH, or GRO recvmmsg of coalesced buffers */
static void udp_drain(struct udp_bench *b, const char *mode, uint64_t count) {
  if (!strcmp(mode, "one")) {
    for (uint64_t i = 0; i < count; i++)
      if (recv(b->rx, b->buf, b->size, 0) != (ssize_t)b->size) die("recv");
  } else if (!strcmp(mode, "mmsg")) {
    for (uint64_t got = 0; got < count;) {
      udp_headers(b);
      int r = recvmmsg(b->rx, b->msgs, UDP_BATCH, MSG_WAITFORONE, NULL);
      if (r < 0) die("recvmmsg");
      for (int k = 0; k < r; k++)
        if (b->msgs[k].msg_len != b->size) die("recvmmsg: a datagram of the wrong size");
      got += (uint64_t)r;
    }
  } else {
    for (uint64_t got = 0; got < count;) {
      for (int k = 0; k < GRO_SLOTS; k++) {
        b->iov[k].iov_base = b->buf + (size_t)k * GRO_SLOT;
        b->iov[k].iov_len = GRO_SLOT;
        memset(&b->msgs[k].msg_hdr, 0, sizeof b->msgs[k].msg_hdr);
        b->msgs[k].msg_hdr.msg_iov = &b->iov[k];
        b->msgs[k].msg_hdr.msg_iovlen = 1;
        b->msgs[k].msg_hdr.msg_control = b->ctl[k];
        b->msgs[k].msg_hdr.msg_controllen = sizeof b->ctl[k];
      }
      int r = recvmmsg(b->rx, b->msgs, GRO_SLOTS, MSG_WAITFORONE, NULL);
      if (r < 0) die("recvmmsg (GRO)");
      for (int k = 0; k < r; k++) {
        size_t len = b->msgs[k].msg_len, seg = len;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&b->msgs[k].msg_hdr); c; c = CMSG_NXTHDR(&b->msgs[k].msg_hdr, c))
          if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) seg = (size_t)*(int *)CMSG_DATA(c);
        if (seg != b->size) {
          fprintf(stderr, "len %zu seg %zu controllen %zu\n", len, seg, (size_t)b->msgs[k].msg_hdr.msg_controllen);
          die("GRO: a segment size other than the datagram size");
        }
        got += (len + seg - 1) / seg;
      }
    }
  }
}

/* send side (`sending`) or receive side timed, in rounds of udp_round datagrams; the other side untimed */
static void udp_throughput(int sending, const char *mode, uint64_t n, uint64_t warm, size_t size) {
  struct udp_bench b;
  int gso = !strcmp(mode, "gso");
  if (!gso && strcmp(mode, "one") && strcmp(mode, "mmsg")) {
    fprintf(stderr, "client: udp mode must be one, mmsg or gso, got %s\n", mode);
    exit(2);
  }
  udp_setup(&b, size, gso);
  uint64_t round = udp_round(size);
  /* the untimed side: the batched calls (GSO/GRO for the gso rows: a GRO socket needs GSO packets to coalesce) */
  const char *other = gso ? "gso" : "mmsg";
  double t = 0, *segs = calloc((n + round - 1) / round + 1, sizeof(double));
  uint64_t timed = 0;
  size_t nseg = 0;
  for (uint64_t done = 0; done < warm + n; done += round) {
    int timing = done >= warm;
    double t0 = now();
    if (sending) udp_fill(&b, mode, round);
    else udp_fill(&b, other, round);
    double t1 = now();
    if (sending) udp_drain(&b, other, round);
    else udp_drain(&b, mode, round);
    double t2 = now();
    if (timing) {
      segs[nseg++] = sending ? t1 - t0 : t2 - t1;
      t += segs[nseg - 1];
      timed += round;
    }
  }
  close(b.tx);
  close(b.rx);
  /* report() with each timed round's seconds as "segs" (the runner's segment statistics) */
  printf("{\"ops\":%llu,\"bytes\":%llu,\"seconds\":%.9f,\"segs\":[", (unsigned long long)timed,
         (unsigned long long)(timed * size), t);
  for (size_t i = 0; i < nseg; i++) printf("%s%.9f", i ? "," : "", segs[i]);
  printf("]}\n");
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: client <workload> <port> <n> <warm> <size> [opt]\n");
    return 2;
  }
  const char *w = argv[1];
  peer.sin_family = AF_INET;
  peer.sin_port = htons((uint16_t)atoi(argv[2]));
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uint64_t n = strtoull(argv[3], NULL, 10), warm = strtoull(argv[4], NULL, 10);
  size_t size = (size_t)strtoull(argv[5], NULL, 10);
  alarm(300);
  if (!strcmp(w, "tcp_pingpong")) tcp_pingpong(n, warm, size);
  else if (!strcmp(w, "udp_pingpong")) udp_pingpong(n, warm, size);
  else if (!strcmp(w, "bulk_send")) bulk_send(n, warm, size);
  else if (!strcmp(w, "bulk_readinto")) bulk_recv(n, warm, size, 1);
  else if (!strcmp(w, "bulk_recv")) bulk_recv(n, warm, size, 0);
  else if (!strcmp(w, "churn")) churn(n, warm);
  else if (!strcmp(w, "poll")) poll_bench(n);
  else if (!strcmp(w, "concurrent_echo")) concurrent_echo(n, warm, size);
  else if (!strcmp(w, "udp_send")) udp_throughput(1, argc > 6 ? argv[6] : "one", n, warm, size);
  else if (!strcmp(w, "udp_recv")) udp_throughput(0, argc > 6 ? argv[6] : "one", n, warm, size);
#ifdef WITH_TLS
  else if (!strcmp(w, "tls_pingpong")) tls_pingpong(n, warm, size);
  else if (!strcmp(w, "tls_bulk_send")) tls_bulk_send(n, warm, size);
  else if (!strcmp(w, "tls_bulk_readinto")) tls_bulk_readinto(n, warm, size);
  else if (!strcmp(w, "tls_handshake")) tls_handshake(n, warm);
#endif
  else {
    fprintf(stderr, "client: unknown workload %s\n", w);
    return 2;
  }
  return 0;
}
