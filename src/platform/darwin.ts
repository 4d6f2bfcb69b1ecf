/**
 * macOS platform table (x86_64 and arm64), written from the macOS SDK headers
 * (`sys/socket.h`, `netinet/in.h`, `netdb.h`, `sys/errno.h`, `poll.h`).
 * UNVERIFIED: no macOS machine has run `tools/probe.c` against it yet.
 *
 * @module
 */
import type { PlatformTable } from "./types.ts";

/** macOS values (unverified). */
export const darwin: PlatformTable = {
  os: "darwin",
  verified: false,
  constants: {
    AF_UNSPEC: 0,
    AF_UNIX: 1,
    AF_INET: 2,
    AF_INET6: 0x1e,
    SOCK_STREAM: 1,
    SOCK_DGRAM: 2,
    SOCK_RAW: 3,
    SOCK_SEQPACKET: 5,
    SOCK_NONBLOCK: 0,
    SOCK_CLOEXEC: 0,
    IPPROTO_IP: 0,
    IPPROTO_ICMP: 1,
    IPPROTO_TCP: 6,
    IPPROTO_UDP: 17,
    IPPROTO_IPV6: 41,
    IPPROTO_ICMPV6: 58,
    IPPROTO_RAW: 255,
    SOL_SOCKET: 0xffff,
    SO_DEBUG: 1,
    SO_REUSEADDR: 4,
    SO_TYPE: 0x1008,
    SO_ERROR: 0x1007,
    SO_DONTROUTE: 0x10,
    SO_BROADCAST: 0x20,
    SO_SNDBUF: 0x1001,
    SO_RCVBUF: 0x1002,
    SO_KEEPALIVE: 8,
    SO_OOBINLINE: 0x100,
    SO_LINGER: 0x80,
    SO_REUSEPORT: 0x200,
    SO_RCVTIMEO: 0x1006,
    SO_SNDTIMEO: 0x1005,
    SO_RCVLOWAT: 0x1004,
    SO_SNDLOWAT: 0x1003,
    SO_ACCEPTCONN: 2,
    SO_PROTOCOL: 0, // not on macOS
    SO_DOMAIN: 0, // not on macOS
    TCP_NODELAY: 1,
    TCP_MAXSEG: 2,
    TCP_KEEPIDLE: 0x10,
    TCP_KEEPINTVL: 0x101,
    TCP_KEEPCNT: 0x102,
    IP_TOS: 3,
    IP_TTL: 4,
    IP_MULTICAST_IF: 9,
    IP_MULTICAST_TTL: 10,
    IP_MULTICAST_LOOP: 11,
    IP_ADD_MEMBERSHIP: 12,
    IP_DROP_MEMBERSHIP: 13,
    IPV6_UNICAST_HOPS: 4,
    IPV6_MULTICAST_IF: 9,
    IPV6_MULTICAST_HOPS: 10,
    IPV6_MULTICAST_LOOP: 11,
    IPV6_JOIN_GROUP: 12,
    IPV6_LEAVE_GROUP: 13,
    IPV6_V6ONLY: 0x1b,
    MSG_OOB: 0x1,
    MSG_PEEK: 0x2,
    MSG_DONTROUTE: 0x4,
    MSG_TRUNC: 0x10,
    MSG_DONTWAIT: 0x80,
    MSG_WAITALL: 0x40,
    MSG_NOSIGNAL: 0,
    SHUT_RD: 0,
    SHUT_WR: 1,
    SHUT_RDWR: 2,
    AI_PASSIVE: 0x1,
    AI_CANONNAME: 0x2,
    AI_NUMERICHOST: 0x4,
    AI_V4MAPPED: 0x800,
    AI_ALL: 0x100,
    AI_ADDRCONFIG: 0x400,
    AI_NUMERICSERV: 0x1000,
    POLLIN: 0x1,
    POLLPRI: 0x2,
    POLLOUT: 0x4,
    POLLERR: 0x8,
    POLLHUP: 0x10,
    POLLNVAL: 0x20,
    F_GETFD: 1,
    F_SETFD: 2,
    F_GETFL: 3,
    F_SETFL: 4,
    FD_CLOEXEC: 1,
    F_DUPFD_CLOEXEC: 67,
    O_NONBLOCK: 4,
    O_CLOEXEC: 0x1000000,
    SIG_BLOCK: 1,
    SIG_SETMASK: 3,
    SIGPIPE: 13,
    CLOCK_MONOTONIC: 6,
    INET_ADDRSTRLEN: 16,
    INET6_ADDRSTRLEN: 46,
    SO_NOSIGPIPE: 0x1022,
    AF_NETLINK: 0, // not on macOS
    AF_PACKET: 0, // not on macOS
    NETLINK_ROUTE: 0, // not on macOS
    ETH_P_ALL: 0, // not on macOS
    ETH_P_IP: 0, // not on macOS
    ETH_P_IPV6: 0, // not on macOS
    PACKET_HOST: 0, // not on macOS
    PACKET_BROADCAST: 0, // not on macOS
    PACKET_MULTICAST: 0, // not on macOS
    PACKET_OTHERHOST: 0, // not on macOS
    PACKET_OUTGOING: 0, // not on macOS
    ARPHRD_ETHER: 0, // not on macOS
    ARPHRD_LOOPBACK: 0, // not on macOS
    NLMSG_NOOP: 0, // not on macOS
    NLMSG_ERROR: 0, // not on macOS
    NLMSG_DONE: 0, // not on macOS
    NLM_F_REQUEST: 0, // not on macOS
    NLM_F_MULTI: 0, // not on macOS
    NLM_F_ACK: 0, // not on macOS
    NLM_F_DUMP: 0, // not on macOS
    RTM_NEWLINK: 0, // not on macOS
    RTM_GETLINK: 0, // not on macOS
    RTM_NEWADDR: 0, // not on macOS
    RTM_GETADDR: 0, // not on macOS
    RTMGRP_LINK: 0, // not on macOS
    IFLA_ADDRESS: 0, // not on macOS
    IFLA_IFNAME: 0, // not on macOS
    IFLA_MTU: 0, // not on macOS
    IFA_ADDRESS: 0, // not on macOS
    IFA_LOCAL: 0, // not on macOS
    IFA_LABEL: 0, // not on macOS
    IFF_UP: 0, // not on macOS
    IFF_LOOPBACK: 0, // not on macOS
    IFF_RUNNING: 0, // not on macOS
    MSG_CTRUNC: 0x20,
    MSG_EOR: 0x8,
    MSG_ERRQUEUE: 0, // not on macOS
    MSG_CMSG_CLOEXEC: 0, // not on macOS
    SCM_RIGHTS: 1,
    SCM_CREDENTIALS: 0, // not on macOS
    SO_PASSCRED: 0, // not on macOS
    SO_PEERCRED: 0, // not on macOS
    SO_TIMESTAMP: 0x400,
    SO_TIMESTAMPNS: 0, // not on macOS
    SO_BINDTODEVICE: 0, // not on macOS
    IP_HDRINCL: 2,
    IP_PKTINFO: 26,
    IP_RECVTTL: 24,
    IP_RECVERR: 0, // not on macOS
    IPV6_RECVPKTINFO: 61,
    IPV6_PKTINFO: 46,
    IPV6_RECVHOPLIMIT: 37,
    IPV6_HOPLIMIT: 47,
    IPV6_RECVERR: 0, // not on macOS
    TCP_INFO: 0, // not on macOS
    IF_NAMESIZE: 16,
    SOL_UDP: 0, // not on macOS (IPPROTO_UDP is the level there)
    UDP_SEGMENT: 0, // not on macOS
    UDP_GRO: 0, // not on macOS
    MSG_WAITFORONE: 0, // not on macOS
    SO_EE_ORIGIN_LOCAL: 0, // not on macOS
    SO_EE_ORIGIN_ICMP: 0, // not on macOS
    SO_EE_ORIGIN_ICMP6: 0, // not on macOS
  },
  errno: {
    EPERM: 1,
    ENOENT: 2,
    ESRCH: 3,
    EINTR: 4,
    EIO: 5,
    ENXIO: 6,
    E2BIG: 7,
    ENOEXEC: 8,
    EBADF: 9,
    ECHILD: 10,
    EAGAIN: 35,
    ENOMEM: 12,
    EACCES: 13,
    EFAULT: 14,
    EBUSY: 16,
    EEXIST: 17,
    EXDEV: 18,
    ENODEV: 19,
    ENOTDIR: 20,
    EISDIR: 21,
    EINVAL: 22,
    ENFILE: 23,
    EMFILE: 24,
    ENOTTY: 25,
    EFBIG: 27,
    ENOSPC: 28,
    ESPIPE: 29,
    EROFS: 30,
    EMLINK: 31,
    EPIPE: 32,
    EDOM: 33,
    ERANGE: 34,
    EDEADLK: 11,
    ENAMETOOLONG: 63,
    ENOLCK: 77,
    ENOSYS: 78,
    ENOTEMPTY: 66,
    ELOOP: 62,
    ENOMSG: 91,
    ENODATA: 96,
    EPROTO: 100,
    EBADMSG: 94,
    EOVERFLOW: 84,
    EILSEQ: 92,
    ENOTSOCK: 38,
    EDESTADDRREQ: 39,
    EMSGSIZE: 40,
    EPROTOTYPE: 41,
    ENOPROTOOPT: 42,
    EPROTONOSUPPORT: 43,
    ESOCKTNOSUPPORT: 44,
    EOPNOTSUPP: 102,
    EPFNOSUPPORT: 46,
    EAFNOSUPPORT: 47,
    EADDRINUSE: 48,
    EADDRNOTAVAIL: 49,
    ENETDOWN: 50,
    ENETUNREACH: 51,
    ENETRESET: 52,
    ECONNABORTED: 53,
    ECONNRESET: 54,
    ENOBUFS: 55,
    EISCONN: 56,
    ENOTCONN: 57,
    ESHUTDOWN: 58,
    ETOOMANYREFS: 59,
    ETIMEDOUT: 60,
    ECONNREFUSED: 61,
    EHOSTDOWN: 64,
    EHOSTUNREACH: 65,
    EALREADY: 37,
    EINPROGRESS: 36,
    ESTALE: 70,
    EDQUOT: 69,
    ECANCELED: 89,
  },
  eai: {
    EAI_BADFLAGS: 3,
    EAI_NONAME: 8,
    EAI_AGAIN: 2,
    EAI_FAIL: 4,
    EAI_FAMILY: 5,
    EAI_SOCKTYPE: 10,
    EAI_SERVICE: 9,
    EAI_MEMORY: 6,
    EAI_SYSTEM: 11,
    EAI_OVERFLOW: 14,
  },
  layout: {
    sockaddr: { sa_family: 1, familySize: 1, sa_len: 0 },
    sockaddr_in: { size: 16, sin_family: 1, sin_port: 2, sin_addr: 4 },
    sockaddr_in6: {
      size: 28,
      sin6_family: 1,
      sin6_port: 2,
      sin6_flowinfo: 4,
      sin6_addr: 8,
      sin6_scope_id: 24,
    },
    sockaddr_un: { size: 106, sun_family: 1, sun_path: 2 },
    sockaddr_storage: { size: 128 },
    addrinfo: {
      size: 48,
      ai_flags: 0,
      ai_family: 4,
      ai_socktype: 8,
      ai_protocol: 12,
      ai_addrlen: 16,
      ai_addr: 32,
      ai_canonname: 24,
      ai_next: 40,
    },
    pollfd: { size: 8, fd: 0, events: 4, revents: 6 },
    timeval: { size: 16, tv_sec: 0, tv_usec: 8, usecSize: 4 },
    timespec: { size: 16, tv_sec: 0, tv_nsec: 8 },
    linger: { size: 8, l_onoff: 0, l_linger: 4 },
    ip_mreq: { size: 8, imr_multiaddr: 0, imr_interface: 4 },
    ipv6_mreq: { size: 20, ipv6mr_multiaddr: 0, ipv6mr_interface: 16 },
    iovec: { size: 16, iov_base: 0, iov_len: 8 },
    // <sys/socket.h>: msg_iovlen is an int, msg_controllen a socklen_t
    msghdr: {
      size: 48,
      msg_name: 0,
      msg_namelen: 8,
      msg_iov: 16,
      msg_iovlen: 24,
      iovlenSize: 4,
      msg_control: 32,
      msg_controllen: 40,
      controllenSize: 4,
      msg_flags: 44,
    },
    // cmsg_len is a socklen_t; __DARWIN_ALIGN32 rounds to 4
    cmsghdr: { size: 12, cmsg_len: 0, lenSize: 4, cmsg_level: 4, cmsg_type: 8, data: 12, align: 4 },
    in_pktinfo: { size: 12, ipi_ifindex: 0, ipi_spec_dst: 4, ipi_addr: 8 },
    in6_pktinfo: { size: 20, ipi6_addr: 0, ipi6_ifindex: 16 },
    if_nameindex: { size: 16, if_index: 0, if_name: 8 },
    sockaddr_ll: null, // no AF_PACKET: BPF devices instead
    sockaddr_nl: null, // no netlink: PF_ROUTE sockets instead
    nlmsghdr: null,
    nlmsgerr: null,
    ifinfomsg: null,
    ifaddrmsg: null,
    rtattr: null,
    ucred: null, // LOCAL_PEERCRED gives a struct xucred instead
    sock_extended_err: null,
    mmsghdr: null, // no sendmmsg/recvmmsg (only the private sendmsg_x/recvmsg_x)
    tcp_info: null, // TCP_CONNECTION_INFO gives a struct tcp_connection_info instead
  },
  arch: {
    x86_64: { epoll_event: null }, // no epoll: kqueue
    aarch64: { epoll_event: null },
  },
  quirks: { socketTypeFlags: false, msgNosignal: false, acceptInheritsNonblock: true, abstractUnixNames: false },
};
