/*
 * What qemu-user's system-call translation does differently from the kernel,
 * for the calls the suite makes: `npm run test:arm64` builds this with
 * aarch64-linux-gnu-gcc, runs it under qemu-aarch64-static and prints its
 * output before the tests, so that each check a test skips under emulation
 * (tests/helpers.ts `emulation`) has its cause measured in the same log.
 * Built natively (cc tools/qemu_limits.c) it prints the kernel's answers.
 * Loopback only; every wait bounded (poll 500 ms).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int open_fds(void) {
  int n = 0;
  for (int fd = 0; fd < 1024; fd++)
    if (fcntl(fd, F_GETFD) >= 0) n++;
  return n;
}

static const char *result(int r) { return r == 0 ? "ok" : strerror(errno); }

int main(void) {
  int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  bind(rx, (struct sockaddr *)&a, sizeof a);
  getsockname(rx, (struct sockaddr *)&a, &al);

  /* an empty datagram sent with sendmsg and no iovec at all */
  struct msghdr m = {.msg_name = &a, .msg_namelen = sizeof a};
  long n = sendmsg(tx, &m, 0);
  struct pollfd p = {rx, POLLIN, 0};
  printf("sendmsg, no iovec: returned %ld, a datagram arrived: %s\n", n, poll(&p, 1, 500) == 1 ? "yes" : "no");

  struct in_addr lo = {htonl(INADDR_LOOPBACK)};
  printf("setsockopt IP_MULTICAST_IF: %s\n", result(setsockopt(tx, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof lo)));
  int one = 1;
  printf("setsockopt SO_TIMESTAMPNS: %s\n", result(setsockopt(rx, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one)));
  char dev[16] = "lo";
  socklen_t devlen = sizeof dev;
  int set = setsockopt(tx, SOL_SOCKET, SO_BINDTODEVICE, dev, 3);
  printf("setsockopt SO_BINDTODEVICE lo: %s; ", result(set));
  printf("getsockopt SO_BINDTODEVICE: %s\n", result(getsockopt(tx, SOL_SOCKET, SO_BINDTODEVICE, dev, &devlen)));

  int t = socket(AF_INET, SOCK_STREAM, 0);
  struct tcp_info ti;
  socklen_t tl = sizeof ti;
  int r = getsockopt(t, IPPROTO_TCP, TCP_INFO, &ti, &tl);
  printf("getsockopt TCP_INFO: %s, %u of %zu bytes\n", result(r), (unsigned)tl, sizeof ti);

  /* three descriptors sent, room for one: the kernel sets MSG_CTRUNC and closes the other two */
  int sp[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sp);
  int fds[3] = {socket(AF_INET, SOCK_STREAM, 0), socket(AF_INET, SOCK_STREAM, 0), socket(AF_INET, SOCK_STREAM, 0)};
  char cbuf[CMSG_SPACE(sizeof fds)];
  memset(cbuf, 0, sizeof cbuf);
  struct iovec iov = {"x", 1};
  struct msghdr s = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&s);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof fds);
  memcpy(CMSG_DATA(c), fds, sizeof fds);
  sendmsg(sp[0], &s, 0);
  int before = open_fds();
  union {
    char b[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } rb;
  char d;
  struct iovec riov = {&d, 1};
  struct msghdr rm = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = rb.b, .msg_controllen = CMSG_LEN(sizeof(int))};
  n = recvmsg(sp[1], &rm, 0);
  printf("SCM_RIGHTS, 3 descriptors into room for 1: returned %ld, MSG_CTRUNC %s, %d descriptors opened\n", n,
         rm.msg_flags & MSG_CTRUNC ? "set" : "not set", open_fds() - before);
  return 0;
}
