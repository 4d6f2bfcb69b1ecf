/*
 * Prints this system's socket constants, errno numbers, getaddrinfo codes
 * and struct layouts as JSON, in the shape of src/platform/types.ts, so that
 * tests/platform_test.ts can compare them with src/platform/<os>.ts.
 *
 *   cc -std=c11 -D_GNU_SOURCE -Wall -Werror -o probe tools/probe.c && ./probe
 *
 * For aarch64 on an x86_64 machine (what `npm run test:arm64` does):
 *
 *   aarch64-linux-gnu-gcc -std=c11 -D_GNU_SOURCE -Wall -Werror -o probe tools/probe.c
 *   qemu-aarch64-static ./probe
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif

#if !defined(IPV6_JOIN_GROUP) && defined(IPV6_ADD_MEMBERSHIP)
#define IPV6_JOIN_GROUP IPV6_ADD_MEMBERSHIP
#endif
#if !defined(IPV6_LEAVE_GROUP) && defined(IPV6_DROP_MEMBERSHIP)
#define IPV6_LEAVE_GROUP IPV6_DROP_MEMBERSHIP
#endif
#if !defined(TCP_KEEPIDLE) && defined(TCP_KEEPALIVE)
#define TCP_KEEPIDLE TCP_KEEPALIVE /* macOS */
#endif

static const char *sep = "";
static void entry(const char *name, long value) {
  printf("%s\n    \"%s\": %ld", sep, name, value);
  sep = ",";
}
static void open_section(const char *name) {
  printf("%s\n  \"%s\": {", *sep ? "," : "", name);
  sep = "";
}
static void close_section(void) {
  printf("\n  }");
  sep = ",";
}

#define V(name) entry(#name, (long)(name))
#define OFF(type, field) entry(#field, (long)offsetof(type, field))
#define SIZE(type) entry("size", (long)sizeof(type))

/* the CPU the probe was compiled for, as src/platform/mod.ts names it */
#if defined(__x86_64__)
#define MACHINE "x86_64"
#elif defined(__aarch64__)
#define MACHINE "aarch64"
#else
#define MACHINE "other"
#endif

int main(void) {
  printf("{\n  \"machine\": \"%s\"", MACHINE);
  sep = ",";
  open_section("constants");
  V(AF_UNSPEC);
  V(AF_UNIX);
  V(AF_INET);
  V(AF_INET6);
  V(SOCK_STREAM);
  V(SOCK_DGRAM);
  V(SOCK_RAW);
  V(SOCK_SEQPACKET);
#ifdef SOCK_NONBLOCK
  V(SOCK_NONBLOCK);
#else
  entry("SOCK_NONBLOCK", 0);
#endif
#ifdef SOCK_CLOEXEC
  V(SOCK_CLOEXEC);
#else
  entry("SOCK_CLOEXEC", 0);
#endif
  V(IPPROTO_IP);
  V(IPPROTO_ICMP);
  V(IPPROTO_TCP);
  V(IPPROTO_UDP);
  V(IPPROTO_IPV6);
  V(IPPROTO_ICMPV6);
  V(IPPROTO_RAW);
  V(SOL_SOCKET);
  V(SO_DEBUG);
  V(SO_REUSEADDR);
  V(SO_TYPE);
  V(SO_ERROR);
  V(SO_DONTROUTE);
  V(SO_BROADCAST);
  V(SO_SNDBUF);
  V(SO_RCVBUF);
  V(SO_KEEPALIVE);
  V(SO_OOBINLINE);
  V(SO_LINGER);
#ifdef SO_REUSEPORT
  V(SO_REUSEPORT);
#else
  entry("SO_REUSEPORT", 0);
#endif
  V(SO_RCVTIMEO);
  V(SO_SNDTIMEO);
  V(SO_RCVLOWAT);
  V(SO_SNDLOWAT);
#ifdef SO_ACCEPTCONN
  V(SO_ACCEPTCONN);
#else
  entry("SO_ACCEPTCONN", 0);
#endif
#ifdef SO_PROTOCOL
  V(SO_PROTOCOL);
#else
  entry("SO_PROTOCOL", 0);
#endif
#ifdef SO_DOMAIN
  V(SO_DOMAIN);
#else
  entry("SO_DOMAIN", 0);
#endif
  V(TCP_NODELAY);
  V(TCP_MAXSEG);
#ifdef TCP_KEEPIDLE
  V(TCP_KEEPIDLE);
#else
  entry("TCP_KEEPIDLE", 0);
#endif
  V(TCP_KEEPINTVL);
  V(TCP_KEEPCNT);
  V(IP_TOS);
  V(IP_TTL);
  V(IP_MULTICAST_IF);
  V(IP_MULTICAST_TTL);
  V(IP_MULTICAST_LOOP);
  V(IP_ADD_MEMBERSHIP);
  V(IP_DROP_MEMBERSHIP);
  V(IPV6_UNICAST_HOPS);
  V(IPV6_MULTICAST_IF);
  V(IPV6_MULTICAST_HOPS);
  V(IPV6_MULTICAST_LOOP);
#ifdef IPV6_JOIN_GROUP
  V(IPV6_JOIN_GROUP);
#else
  entry("IPV6_JOIN_GROUP", 0);
#endif
#ifdef IPV6_LEAVE_GROUP
  V(IPV6_LEAVE_GROUP);
#else
  entry("IPV6_LEAVE_GROUP", 0);
#endif
  V(IPV6_V6ONLY);
  V(MSG_OOB);
  V(MSG_PEEK);
  V(MSG_DONTROUTE);
#ifdef MSG_TRUNC
  V(MSG_TRUNC);
#else
  entry("MSG_TRUNC", 0);
#endif
  V(MSG_DONTWAIT);
  V(MSG_WAITALL);
#ifdef MSG_NOSIGNAL
  V(MSG_NOSIGNAL);
#else
  entry("MSG_NOSIGNAL", 0);
#endif
  V(SHUT_RD);
  V(SHUT_WR);
  V(SHUT_RDWR);
  V(AI_PASSIVE);
  V(AI_CANONNAME);
  V(AI_NUMERICHOST);
  V(AI_V4MAPPED);
  V(AI_ALL);
  V(AI_ADDRCONFIG);
  V(AI_NUMERICSERV);
  V(POLLIN);
  V(POLLPRI);
  V(POLLOUT);
  V(POLLERR);
  V(POLLHUP);
  V(POLLNVAL);
  V(F_GETFD);
  V(F_SETFD);
  V(F_GETFL);
  V(F_SETFL);
  V(FD_CLOEXEC);
#ifdef F_DUPFD_CLOEXEC
  V(F_DUPFD_CLOEXEC);
#else
  entry("F_DUPFD_CLOEXEC", 0);
#endif
  V(O_NONBLOCK);
  V(CLOCK_MONOTONIC);
  V(INET_ADDRSTRLEN);
  V(INET6_ADDRSTRLEN);
#ifdef SO_NOSIGPIPE
  V(SO_NOSIGPIPE);
#else
  entry("SO_NOSIGPIPE", 0);
#endif
  close_section();
  open_section("errno");
  V(EPERM);
  V(ENOENT);
  V(ESRCH);
  V(EINTR);
  V(EIO);
  V(ENXIO);
  V(E2BIG);
  V(ENOEXEC);
  V(EBADF);
  V(ECHILD);
  V(EAGAIN);
  V(ENOMEM);
  V(EACCES);
  V(EFAULT);
  V(EBUSY);
  V(EEXIST);
  V(EXDEV);
  V(ENODEV);
  V(ENOTDIR);
  V(EISDIR);
  V(EINVAL);
  V(ENFILE);
  V(EMFILE);
  V(ENOTTY);
  V(EFBIG);
  V(ENOSPC);
  V(ESPIPE);
  V(EROFS);
  V(EMLINK);
  V(EPIPE);
  V(EDOM);
  V(ERANGE);
  V(EDEADLK);
  V(ENAMETOOLONG);
  V(ENOLCK);
  V(ENOSYS);
  V(ENOTEMPTY);
  V(ELOOP);
  V(ENOMSG);
  V(ENODATA);
  V(EPROTO);
  V(EBADMSG);
  V(EOVERFLOW);
  V(EILSEQ);
  V(ENOTSOCK);
  V(EDESTADDRREQ);
  V(EMSGSIZE);
  V(EPROTOTYPE);
  V(ENOPROTOOPT);
  V(EPROTONOSUPPORT);
  V(ESOCKTNOSUPPORT);
  V(EOPNOTSUPP);
  V(EPFNOSUPPORT);
  V(EAFNOSUPPORT);
  V(EADDRINUSE);
  V(EADDRNOTAVAIL);
  V(ENETDOWN);
  V(ENETUNREACH);
  V(ENETRESET);
  V(ECONNABORTED);
  V(ECONNRESET);
  V(ENOBUFS);
  V(EISCONN);
  V(ENOTCONN);
  V(ESHUTDOWN);
  V(ETOOMANYREFS);
  V(ETIMEDOUT);
  V(ECONNREFUSED);
  V(EHOSTDOWN);
  V(EHOSTUNREACH);
  V(EALREADY);
  V(EINPROGRESS);
  V(ESTALE);
  V(EDQUOT);
  V(ECANCELED);
  close_section();
  open_section("eai");
  V(EAI_BADFLAGS);
  V(EAI_NONAME);
  V(EAI_AGAIN);
  V(EAI_FAIL);
  V(EAI_FAMILY);
  V(EAI_SOCKTYPE);
  V(EAI_SERVICE);
  V(EAI_MEMORY);
  V(EAI_SYSTEM);
  V(EAI_OVERFLOW);
  close_section();
  printf(",\n  \"layout\": {");
  sep = "";
  printf("\n  \"sockaddr\": {");
  sep = "";
  entry("sa_family", (long)offsetof(struct sockaddr, sa_family));
  entry("familySize", (long)sizeof(sa_family_t));
#if defined(HAVE_SA_LEN) || defined(__APPLE__) || defined(__FreeBSD__)
  entry("sa_len", (long)offsetof(struct sockaddr, sa_len));
#else
  entry("sa_len", -1);
#endif
  close_section();
  open_section("sockaddr_in");
  SIZE(struct sockaddr_in);
  OFF(struct sockaddr_in, sin_family);
  OFF(struct sockaddr_in, sin_port);
  OFF(struct sockaddr_in, sin_addr);
  close_section();
  open_section("sockaddr_in6");
  SIZE(struct sockaddr_in6);
  OFF(struct sockaddr_in6, sin6_family);
  OFF(struct sockaddr_in6, sin6_port);
  OFF(struct sockaddr_in6, sin6_flowinfo);
  OFF(struct sockaddr_in6, sin6_addr);
  OFF(struct sockaddr_in6, sin6_scope_id);
  close_section();
  open_section("sockaddr_un");
  SIZE(struct sockaddr_un);
  OFF(struct sockaddr_un, sun_family);
  OFF(struct sockaddr_un, sun_path);
  close_section();
  open_section("sockaddr_storage");
  SIZE(struct sockaddr_storage);
  close_section();
  open_section("addrinfo");
  SIZE(struct addrinfo);
  OFF(struct addrinfo, ai_flags);
  OFF(struct addrinfo, ai_family);
  OFF(struct addrinfo, ai_socktype);
  OFF(struct addrinfo, ai_protocol);
  OFF(struct addrinfo, ai_addrlen);
  OFF(struct addrinfo, ai_addr);
  OFF(struct addrinfo, ai_canonname);
  OFF(struct addrinfo, ai_next);
  close_section();
  open_section("pollfd");
  SIZE(struct pollfd);
  OFF(struct pollfd, fd);
  OFF(struct pollfd, events);
  OFF(struct pollfd, revents);
  close_section();
  open_section("timeval");
  SIZE(struct timeval);
  OFF(struct timeval, tv_sec);
  OFF(struct timeval, tv_usec);
  entry("usecSize", (long)sizeof(((struct timeval *)0)->tv_usec));
  close_section();
  open_section("timespec");
  SIZE(struct timespec);
  OFF(struct timespec, tv_sec);
  OFF(struct timespec, tv_nsec);
  close_section();
  open_section("linger");
  SIZE(struct linger);
  OFF(struct linger, l_onoff);
  OFF(struct linger, l_linger);
  close_section();
  open_section("ip_mreq");
  SIZE(struct ip_mreq);
  OFF(struct ip_mreq, imr_multiaddr);
  OFF(struct ip_mreq, imr_interface);
  close_section();
  open_section("ipv6_mreq");
  SIZE(struct ipv6_mreq);
  OFF(struct ipv6_mreq, ipv6mr_multiaddr);
  OFF(struct ipv6_mreq, ipv6mr_interface);
  close_section();
  /* layouts that differ by CPU: the table's arch[<this CPU>] */
  printf("\n  },\n  \"arch\": {");
  sep = "";
#ifdef __linux__
  open_section("epoll_event");
  SIZE(struct epoll_event);
  OFF(struct epoll_event, events);
  OFF(struct epoll_event, data);
  close_section();
#else
  printf("\n  \"epoll_event\": null");
#endif
  printf("\n  }\n}\n");
  return 0;
}
