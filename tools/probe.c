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
#ifdef __linux__
#include <linux/tcp.h> /* struct tcp_info with every field; netinet/tcp.h stops at tcpi_total_retrans */
#else
#include <netinet/tcp.h>
#endif
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <net/if.h>
#include <sys/uio.h>
#ifdef __linux__
#include <linux/errqueue.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netpacket/packet.h>
#include <sys/epoll.h>
#include <netinet/udp.h> /* UDP_SEGMENT, UDP_GRO, SOL_UDP */
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
/* a layout the OS does not have: `"name": null` */
static __attribute__((unused)) void null_entry(const char *name) {
  printf("%s\n  \"%s\": null", *sep ? "," : "", name);
  sep = ",";
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
  V(O_CLOEXEC);
  V(SIG_BLOCK);
  V(SIG_SETMASK);
  V(SIGPIPE);
  V(CLOCK_MONOTONIC);
  V(INET_ADDRSTRLEN);
  V(INET6_ADDRSTRLEN);
#ifdef SO_NOSIGPIPE
  V(SO_NOSIGPIPE);
#else
  entry("SO_NOSIGPIPE", 0);
#endif
#ifdef __linux__
  V(AF_NETLINK);
  V(AF_PACKET);
  V(NETLINK_ROUTE);
  V(ETH_P_ALL);
  V(ETH_P_IP);
  V(ETH_P_IPV6);
  V(PACKET_HOST);
  V(PACKET_BROADCAST);
  V(PACKET_MULTICAST);
  V(PACKET_OTHERHOST);
  V(PACKET_OUTGOING);
  V(ARPHRD_ETHER);
  V(ARPHRD_LOOPBACK);
  V(NLMSG_NOOP);
  V(NLMSG_ERROR);
  V(NLMSG_DONE);
  V(NLM_F_REQUEST);
  V(NLM_F_MULTI);
  V(NLM_F_ACK);
  V(NLM_F_DUMP);
  V(RTM_NEWLINK);
  V(RTM_GETLINK);
  V(RTM_NEWADDR);
  V(RTM_GETADDR);
  V(RTMGRP_LINK);
  V(IFLA_ADDRESS);
  V(IFLA_IFNAME);
  V(IFLA_MTU);
  V(IFA_ADDRESS);
  V(IFA_LOCAL);
  V(IFA_LABEL);
  V(IFF_UP);
  V(IFF_LOOPBACK);
  V(IFF_RUNNING);
#else
  entry("AF_NETLINK", 0);
  entry("AF_PACKET", 0);
  entry("NETLINK_ROUTE", 0);
  entry("ETH_P_ALL", 0);
  entry("ETH_P_IP", 0);
  entry("ETH_P_IPV6", 0);
  entry("PACKET_HOST", 0);
  entry("PACKET_BROADCAST", 0);
  entry("PACKET_MULTICAST", 0);
  entry("PACKET_OTHERHOST", 0);
  entry("PACKET_OUTGOING", 0);
  entry("ARPHRD_ETHER", 0);
  entry("ARPHRD_LOOPBACK", 0);
  entry("NLMSG_NOOP", 0);
  entry("NLMSG_ERROR", 0);
  entry("NLMSG_DONE", 0);
  entry("NLM_F_REQUEST", 0);
  entry("NLM_F_MULTI", 0);
  entry("NLM_F_ACK", 0);
  entry("NLM_F_DUMP", 0);
  entry("RTM_NEWLINK", 0);
  entry("RTM_GETLINK", 0);
  entry("RTM_NEWADDR", 0);
  entry("RTM_GETADDR", 0);
  entry("RTMGRP_LINK", 0);
  entry("IFLA_ADDRESS", 0);
  entry("IFLA_IFNAME", 0);
  entry("IFLA_MTU", 0);
  entry("IFA_ADDRESS", 0);
  entry("IFA_LOCAL", 0);
  entry("IFA_LABEL", 0);
  entry("IFF_UP", 0);
  entry("IFF_LOOPBACK", 0);
  entry("IFF_RUNNING", 0);
#endif
  V(MSG_CTRUNC);
  V(MSG_EOR);
#ifdef MSG_ERRQUEUE
  V(MSG_ERRQUEUE);
#else
  entry("MSG_ERRQUEUE", 0);
#endif
#ifdef MSG_CMSG_CLOEXEC
  V(MSG_CMSG_CLOEXEC);
#else
  entry("MSG_CMSG_CLOEXEC", 0);
#endif
  V(SCM_RIGHTS);
#ifdef SCM_CREDENTIALS
  V(SCM_CREDENTIALS);
#else
  entry("SCM_CREDENTIALS", 0);
#endif
#ifdef SO_PASSCRED
  V(SO_PASSCRED);
#else
  entry("SO_PASSCRED", 0);
#endif
#ifdef SO_PEERCRED
  V(SO_PEERCRED);
#else
  entry("SO_PEERCRED", 0);
#endif
  V(SO_TIMESTAMP);
#ifdef SO_TIMESTAMPNS
  V(SO_TIMESTAMPNS);
#else
  entry("SO_TIMESTAMPNS", 0);
#endif
#ifdef SO_BINDTODEVICE
  V(SO_BINDTODEVICE);
#else
  entry("SO_BINDTODEVICE", 0);
#endif
  V(IP_HDRINCL);
  V(IP_PKTINFO);
  V(IP_RECVTTL);
#ifdef IP_RECVERR
  V(IP_RECVERR);
#else
  entry("IP_RECVERR", 0);
#endif
  V(IPV6_RECVPKTINFO);
  V(IPV6_PKTINFO);
  V(IPV6_RECVHOPLIMIT);
  V(IPV6_HOPLIMIT);
#ifdef IPV6_RECVERR
  V(IPV6_RECVERR);
#else
  entry("IPV6_RECVERR", 0);
#endif
#ifdef TCP_INFO
  V(TCP_INFO);
#else
  entry("TCP_INFO", 0);
#endif
  V(IF_NAMESIZE);
#ifdef SOL_UDP
  V(SOL_UDP);
#else
  entry("SOL_UDP", 0);
#endif
#ifdef UDP_SEGMENT
  V(UDP_SEGMENT);
#else
  entry("UDP_SEGMENT", 0);
#endif
#ifdef UDP_GRO
  V(UDP_GRO);
#else
  entry("UDP_GRO", 0);
#endif
#ifdef MSG_WAITFORONE
  V(MSG_WAITFORONE);
#else
  entry("MSG_WAITFORONE", 0);
#endif
#ifdef SO_EE_ORIGIN_LOCAL
  V(SO_EE_ORIGIN_LOCAL);
#else
  entry("SO_EE_ORIGIN_LOCAL", 0);
#endif
#ifdef SO_EE_ORIGIN_ICMP
  V(SO_EE_ORIGIN_ICMP);
#else
  entry("SO_EE_ORIGIN_ICMP", 0);
#endif
#ifdef SO_EE_ORIGIN_ICMP6
  V(SO_EE_ORIGIN_ICMP6);
#else
  entry("SO_EE_ORIGIN_ICMP6", 0);
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
  open_section("iovec");
  SIZE(struct iovec);
  OFF(struct iovec, iov_base);
  OFF(struct iovec, iov_len);
  close_section();
  open_section("msghdr");
  SIZE(struct msghdr);
  OFF(struct msghdr, msg_name);
  OFF(struct msghdr, msg_namelen);
  OFF(struct msghdr, msg_iov);
  OFF(struct msghdr, msg_iovlen);
  entry("iovlenSize", (long)sizeof(((struct msghdr *)0)->msg_iovlen));
  OFF(struct msghdr, msg_control);
  OFF(struct msghdr, msg_controllen);
  entry("controllenSize", (long)sizeof(((struct msghdr *)0)->msg_controllen));
  OFF(struct msghdr, msg_flags);
  close_section();
  open_section("cmsghdr");
  SIZE(struct cmsghdr);
  OFF(struct cmsghdr, cmsg_len);
  entry("lenSize", (long)sizeof(((struct cmsghdr *)0)->cmsg_len));
  OFF(struct cmsghdr, cmsg_level);
  OFF(struct cmsghdr, cmsg_type);
  entry("data", (long)CMSG_LEN(0));
  entry("align", (long)(CMSG_SPACE(1) - CMSG_SPACE(0)));
  close_section();
  open_section("in_pktinfo");
  SIZE(struct in_pktinfo);
  OFF(struct in_pktinfo, ipi_ifindex);
  OFF(struct in_pktinfo, ipi_spec_dst);
  OFF(struct in_pktinfo, ipi_addr);
  close_section();
  open_section("in6_pktinfo");
  SIZE(struct in6_pktinfo);
  OFF(struct in6_pktinfo, ipi6_addr);
  OFF(struct in6_pktinfo, ipi6_ifindex);
  close_section();
  open_section("if_nameindex");
  SIZE(struct if_nameindex);
  OFF(struct if_nameindex, if_index);
  OFF(struct if_nameindex, if_name);
  close_section();
#ifdef __linux__
  open_section("sockaddr_ll");
  SIZE(struct sockaddr_ll);
  OFF(struct sockaddr_ll, sll_family);
  OFF(struct sockaddr_ll, sll_protocol);
  OFF(struct sockaddr_ll, sll_ifindex);
  OFF(struct sockaddr_ll, sll_hatype);
  OFF(struct sockaddr_ll, sll_pkttype);
  OFF(struct sockaddr_ll, sll_halen);
  OFF(struct sockaddr_ll, sll_addr);
  close_section();
  open_section("sockaddr_nl");
  SIZE(struct sockaddr_nl);
  OFF(struct sockaddr_nl, nl_family);
  OFF(struct sockaddr_nl, nl_pid);
  OFF(struct sockaddr_nl, nl_groups);
  close_section();
  open_section("nlmsghdr");
  SIZE(struct nlmsghdr);
  OFF(struct nlmsghdr, nlmsg_len);
  OFF(struct nlmsghdr, nlmsg_type);
  OFF(struct nlmsghdr, nlmsg_flags);
  OFF(struct nlmsghdr, nlmsg_seq);
  OFF(struct nlmsghdr, nlmsg_pid);
  close_section();
  open_section("nlmsgerr");
  SIZE(struct nlmsgerr);
  OFF(struct nlmsgerr, error);
  OFF(struct nlmsgerr, msg);
  close_section();
  open_section("ifinfomsg");
  SIZE(struct ifinfomsg);
  OFF(struct ifinfomsg, ifi_family);
  OFF(struct ifinfomsg, ifi_type);
  OFF(struct ifinfomsg, ifi_index);
  OFF(struct ifinfomsg, ifi_flags);
  OFF(struct ifinfomsg, ifi_change);
  close_section();
  open_section("ifaddrmsg");
  SIZE(struct ifaddrmsg);
  OFF(struct ifaddrmsg, ifa_family);
  OFF(struct ifaddrmsg, ifa_prefixlen);
  OFF(struct ifaddrmsg, ifa_flags);
  OFF(struct ifaddrmsg, ifa_scope);
  OFF(struct ifaddrmsg, ifa_index);
  close_section();
  open_section("rtattr");
  SIZE(struct rtattr);
  OFF(struct rtattr, rta_len);
  OFF(struct rtattr, rta_type);
  close_section();
#else
  null_entry("sockaddr_ll");
  null_entry("sockaddr_nl");
  null_entry("nlmsghdr");
  null_entry("nlmsgerr");
  null_entry("ifinfomsg");
  null_entry("ifaddrmsg");
  null_entry("rtattr");
#endif
#ifdef __linux__
  open_section("ucred");
  SIZE(struct ucred);
  OFF(struct ucred, pid);
  OFF(struct ucred, uid);
  OFF(struct ucred, gid);
  close_section();
  open_section("sock_extended_err");
  SIZE(struct sock_extended_err);
  OFF(struct sock_extended_err, ee_errno);
  OFF(struct sock_extended_err, ee_origin);
  OFF(struct sock_extended_err, ee_type);
  OFF(struct sock_extended_err, ee_code);
  OFF(struct sock_extended_err, ee_pad);
  OFF(struct sock_extended_err, ee_info);
  OFF(struct sock_extended_err, ee_data);
  close_section();
  open_section("mmsghdr");
  SIZE(struct mmsghdr);
  OFF(struct mmsghdr, msg_hdr);
  OFF(struct mmsghdr, msg_len);
  close_section();
  open_section("tcp_info");
  SIZE(struct tcp_info);
  OFF(struct tcp_info, tcpi_state);
  OFF(struct tcp_info, tcpi_ca_state);
  OFF(struct tcp_info, tcpi_retransmits);
  OFF(struct tcp_info, tcpi_probes);
  OFF(struct tcp_info, tcpi_backoff);
  OFF(struct tcp_info, tcpi_options);
  OFF(struct tcp_info, tcpi_rto);
  OFF(struct tcp_info, tcpi_ato);
  OFF(struct tcp_info, tcpi_snd_mss);
  OFF(struct tcp_info, tcpi_rcv_mss);
  OFF(struct tcp_info, tcpi_unacked);
  OFF(struct tcp_info, tcpi_sacked);
  OFF(struct tcp_info, tcpi_lost);
  OFF(struct tcp_info, tcpi_retrans);
  OFF(struct tcp_info, tcpi_fackets);
  OFF(struct tcp_info, tcpi_last_data_sent);
  OFF(struct tcp_info, tcpi_last_ack_sent);
  OFF(struct tcp_info, tcpi_last_data_recv);
  OFF(struct tcp_info, tcpi_last_ack_recv);
  OFF(struct tcp_info, tcpi_pmtu);
  OFF(struct tcp_info, tcpi_rcv_ssthresh);
  OFF(struct tcp_info, tcpi_rtt);
  OFF(struct tcp_info, tcpi_rttvar);
  OFF(struct tcp_info, tcpi_snd_ssthresh);
  OFF(struct tcp_info, tcpi_snd_cwnd);
  OFF(struct tcp_info, tcpi_advmss);
  OFF(struct tcp_info, tcpi_reordering);
  OFF(struct tcp_info, tcpi_rcv_rtt);
  OFF(struct tcp_info, tcpi_rcv_space);
  OFF(struct tcp_info, tcpi_total_retrans);
  OFF(struct tcp_info, tcpi_pacing_rate);
  OFF(struct tcp_info, tcpi_max_pacing_rate);
  OFF(struct tcp_info, tcpi_bytes_acked);
  OFF(struct tcp_info, tcpi_bytes_received);
  OFF(struct tcp_info, tcpi_segs_out);
  OFF(struct tcp_info, tcpi_segs_in);
  OFF(struct tcp_info, tcpi_notsent_bytes);
  OFF(struct tcp_info, tcpi_min_rtt);
  OFF(struct tcp_info, tcpi_data_segs_in);
  OFF(struct tcp_info, tcpi_data_segs_out);
  OFF(struct tcp_info, tcpi_delivery_rate);
  OFF(struct tcp_info, tcpi_busy_time);
  OFF(struct tcp_info, tcpi_rwnd_limited);
  OFF(struct tcp_info, tcpi_sndbuf_limited);
  OFF(struct tcp_info, tcpi_delivered);
  OFF(struct tcp_info, tcpi_delivered_ce);
  OFF(struct tcp_info, tcpi_bytes_sent);
  OFF(struct tcp_info, tcpi_bytes_retrans);
  OFF(struct tcp_info, tcpi_dsack_dups);
  OFF(struct tcp_info, tcpi_reord_seen);
  OFF(struct tcp_info, tcpi_rcv_ooopack);
  OFF(struct tcp_info, tcpi_snd_wnd);
  close_section();
#else
  null_entry("ucred");
  null_entry("sock_extended_err");
  null_entry("mmsghdr");
  null_entry("tcp_info");
#endif
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
