/**
 * The shape of a per-OS platform table: constant values, errno numbers,
 * getaddrinfo error codes, the C struct layouts this module reads and
 * writes, and the OS's quirks. `tools/probe.c` prints the numbers from the
 * system headers. Every key is a union member: a misspelt name
 * (`C.SO_NOSIGPIPEE`) does not compile, and a table that misses one or adds
 * one does not either.
 *
 * @module
 */

/** The socket, option, message, poll and fcntl constants each table holds. */
export type ConstantName =
  | "AF_UNSPEC"
  | "AF_UNIX"
  | "AF_INET"
  | "AF_INET6"
  | "SOCK_STREAM"
  | "SOCK_DGRAM"
  | "SOCK_RAW"
  | "SOCK_SEQPACKET"
  | "SOCK_NONBLOCK"
  | "SOCK_CLOEXEC"
  | "IPPROTO_IP"
  | "IPPROTO_ICMP"
  | "IPPROTO_TCP"
  | "IPPROTO_UDP"
  | "IPPROTO_IPV6"
  | "IPPROTO_ICMPV6"
  | "IPPROTO_RAW"
  | "SOL_SOCKET"
  | "SO_DEBUG"
  | "SO_REUSEADDR"
  | "SO_TYPE"
  | "SO_ERROR"
  | "SO_DONTROUTE"
  | "SO_BROADCAST"
  | "SO_SNDBUF"
  | "SO_RCVBUF"
  | "SO_KEEPALIVE"
  | "SO_OOBINLINE"
  | "SO_LINGER"
  | "SO_REUSEPORT"
  | "SO_RCVTIMEO"
  | "SO_SNDTIMEO"
  | "SO_RCVLOWAT"
  | "SO_SNDLOWAT"
  | "SO_ACCEPTCONN"
  | "SO_PROTOCOL"
  | "SO_DOMAIN"
  | "TCP_NODELAY"
  | "TCP_MAXSEG"
  | "TCP_KEEPIDLE"
  | "TCP_KEEPINTVL"
  | "TCP_KEEPCNT"
  | "IP_TOS"
  | "IP_TTL"
  | "IP_MULTICAST_IF"
  | "IP_MULTICAST_TTL"
  | "IP_MULTICAST_LOOP"
  | "IP_ADD_MEMBERSHIP"
  | "IP_DROP_MEMBERSHIP"
  | "IPV6_UNICAST_HOPS"
  | "IPV6_MULTICAST_IF"
  | "IPV6_MULTICAST_HOPS"
  | "IPV6_MULTICAST_LOOP"
  | "IPV6_JOIN_GROUP"
  | "IPV6_LEAVE_GROUP"
  | "IPV6_V6ONLY"
  | "MSG_OOB"
  | "MSG_PEEK"
  | "MSG_DONTROUTE"
  | "MSG_TRUNC"
  | "MSG_DONTWAIT"
  | "MSG_WAITALL"
  | "MSG_NOSIGNAL"
  | "SHUT_RD"
  | "SHUT_WR"
  | "SHUT_RDWR"
  | "AI_PASSIVE"
  | "AI_CANONNAME"
  | "AI_NUMERICHOST"
  | "AI_V4MAPPED"
  | "AI_ALL"
  | "AI_ADDRCONFIG"
  | "AI_NUMERICSERV"
  | "POLLIN"
  | "POLLPRI"
  | "POLLOUT"
  | "POLLERR"
  | "POLLHUP"
  | "POLLNVAL"
  | "F_GETFD"
  | "F_SETFD"
  | "F_GETFL"
  | "F_SETFL"
  | "FD_CLOEXEC"
  | "F_DUPFD_CLOEXEC"
  | "O_NONBLOCK"
  | "O_CLOEXEC"
  | "SIG_BLOCK"
  | "SIG_SETMASK"
  | "SIGPIPE"
  | "CLOCK_MONOTONIC"
  | "INET_ADDRSTRLEN"
  | "INET6_ADDRSTRLEN"
  | "SO_NOSIGPIPE"
  | "AF_NETLINK"
  | "AF_PACKET"
  | "NETLINK_ROUTE"
  | "ETH_P_ALL"
  | "ETH_P_IP"
  | "ETH_P_IPV6"
  | "PACKET_HOST"
  | "PACKET_BROADCAST"
  | "PACKET_MULTICAST"
  | "PACKET_OTHERHOST"
  | "PACKET_OUTGOING"
  | "ARPHRD_ETHER"
  | "ARPHRD_LOOPBACK"
  | "NLMSG_NOOP"
  | "NLMSG_ERROR"
  | "NLMSG_DONE"
  | "NLM_F_REQUEST"
  | "NLM_F_MULTI"
  | "NLM_F_ACK"
  | "NLM_F_DUMP"
  | "RTM_NEWLINK"
  | "RTM_GETLINK"
  | "RTM_NEWADDR"
  | "RTM_GETADDR"
  | "RTMGRP_LINK"
  | "IFLA_ADDRESS"
  | "IFLA_IFNAME"
  | "IFLA_MTU"
  | "IFA_ADDRESS"
  | "IFA_LOCAL"
  | "IFA_LABEL"
  | "IFF_UP"
  | "IFF_LOOPBACK"
  | "IFF_RUNNING"
  | "MSG_CTRUNC"
  | "MSG_EOR"
  | "MSG_ERRQUEUE"
  | "MSG_CMSG_CLOEXEC"
  | "SCM_RIGHTS"
  | "SCM_CREDENTIALS"
  | "SO_PASSCRED"
  | "SO_PEERCRED"
  | "SO_TIMESTAMP"
  | "SO_TIMESTAMPNS"
  | "SO_BINDTODEVICE"
  | "IP_HDRINCL"
  | "IP_PKTINFO"
  | "IP_RECVTTL"
  | "IP_RECVERR"
  | "IPV6_RECVPKTINFO"
  | "IPV6_PKTINFO"
  | "IPV6_RECVHOPLIMIT"
  | "IPV6_HOPLIMIT"
  | "IPV6_RECVERR"
  | "TCP_INFO"
  | "IF_NAMESIZE"
  | "SOL_UDP"
  | "UDP_SEGMENT"
  | "UDP_GRO"
  | "MSG_WAITFORONE"
  | "SO_EE_ORIGIN_LOCAL"
  | "SO_EE_ORIGIN_ICMP"
  | "SO_EE_ORIGIN_ICMP6";

/** The errno names each table holds. */
export type ErrnoName =
  | "EPERM"
  | "ENOENT"
  | "ESRCH"
  | "EINTR"
  | "EIO"
  | "ENXIO"
  | "E2BIG"
  | "ENOEXEC"
  | "EBADF"
  | "ECHILD"
  | "EAGAIN"
  | "ENOMEM"
  | "EACCES"
  | "EFAULT"
  | "EBUSY"
  | "EEXIST"
  | "EXDEV"
  | "ENODEV"
  | "ENOTDIR"
  | "EISDIR"
  | "EINVAL"
  | "ENFILE"
  | "EMFILE"
  | "ENOTTY"
  | "EFBIG"
  | "ENOSPC"
  | "ESPIPE"
  | "EROFS"
  | "EMLINK"
  | "EPIPE"
  | "EDOM"
  | "ERANGE"
  | "EDEADLK"
  | "ENAMETOOLONG"
  | "ENOLCK"
  | "ENOSYS"
  | "ENOTEMPTY"
  | "ELOOP"
  | "ENOMSG"
  | "ENODATA"
  | "EPROTO"
  | "EBADMSG"
  | "EOVERFLOW"
  | "EILSEQ"
  | "ENOTSOCK"
  | "EDESTADDRREQ"
  | "EMSGSIZE"
  | "EPROTOTYPE"
  | "ENOPROTOOPT"
  | "EPROTONOSUPPORT"
  | "ESOCKTNOSUPPORT"
  | "EOPNOTSUPP"
  | "EPFNOSUPPORT"
  | "EAFNOSUPPORT"
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "ENETDOWN"
  | "ENETUNREACH"
  | "ENETRESET"
  | "ECONNABORTED"
  | "ECONNRESET"
  | "ENOBUFS"
  | "EISCONN"
  | "ENOTCONN"
  | "ESHUTDOWN"
  | "ETOOMANYREFS"
  | "ETIMEDOUT"
  | "ECONNREFUSED"
  | "EHOSTDOWN"
  | "EHOSTUNREACH"
  | "EALREADY"
  | "EINPROGRESS"
  | "ESTALE"
  | "EDQUOT"
  | "ECANCELED";

/** The getaddrinfo error names (`EAI_*`) each table holds. */
export type EaiName =
  | "EAI_BADFLAGS"
  | "EAI_NONAME"
  | "EAI_AGAIN"
  | "EAI_FAIL"
  | "EAI_FAMILY"
  | "EAI_SOCKTYPE"
  | "EAI_SERVICE"
  | "EAI_MEMORY"
  | "EAI_SYSTEM"
  | "EAI_OVERFLOW";

/** Byte offsets (and sizes) of the C structs this module builds or reads. */
export interface Layouts {
  sockaddr: { sa_family: number; familySize: number; sa_len: number };
  sockaddr_in: { size: number; sin_family: number; sin_port: number; sin_addr: number };
  sockaddr_in6: {
    size: number;
    sin6_family: number;
    sin6_port: number;
    sin6_flowinfo: number;
    sin6_addr: number;
    sin6_scope_id: number;
  };
  sockaddr_un: { size: number; sun_family: number; sun_path: number };
  sockaddr_storage: { size: number };
  addrinfo: {
    size: number;
    ai_flags: number;
    ai_family: number;
    ai_socktype: number;
    ai_protocol: number;
    ai_addrlen: number;
    ai_addr: number;
    ai_canonname: number;
    ai_next: number;
  };
  pollfd: { size: number; fd: number; events: number; revents: number };
  timeval: { size: number; tv_sec: number; tv_usec: number; usecSize: number };
  timespec: { size: number; tv_sec: number; tv_nsec: number };
  linger: { size: number; l_onoff: number; l_linger: number };
  ip_mreq: { size: number; imr_multiaddr: number; imr_interface: number };
  ipv6_mreq: { size: number; ipv6mr_multiaddr: number; ipv6mr_interface: number };
  iovec: { size: number; iov_base: number; iov_len: number };
  /** `iovlenSize`, `controllenSize`: bytes of `msg_iovlen` and `msg_controllen` (8 on Linux, 4 on macOS). */
  msghdr: {
    size: number;
    msg_name: number;
    msg_namelen: number;
    msg_iov: number;
    msg_iovlen: number;
    iovlenSize: number;
    msg_control: number;
    msg_controllen: number;
    controllenSize: number;
    msg_flags: number;
  };
  /** `lenSize`: bytes of `cmsg_len`; `data`: `CMSG_LEN(0)`; `align`: `CMSG_SPACE` rounds data up to this. */
  cmsghdr: {
    size: number;
    cmsg_len: number;
    lenSize: number;
    cmsg_level: number;
    cmsg_type: number;
    data: number;
    align: number;
  };
  in_pktinfo: { size: number; ipi_ifindex: number; ipi_spec_dst: number; ipi_addr: number };
  in6_pktinfo: { size: number; ipi6_addr: number; ipi6_ifindex: number };
  if_nameindex: { size: number; if_index: number; if_name: number };
  /** Linux's `struct sockaddr_ll` (AF_PACKET); `null` elsewhere. */
  sockaddr_ll: {
    size: number;
    sll_family: number;
    sll_protocol: number;
    sll_ifindex: number;
    sll_hatype: number;
    sll_pkttype: number;
    sll_halen: number;
    sll_addr: number;
  } | null;
  /** Linux's `struct sockaddr_nl` (AF_NETLINK); `null` elsewhere. */
  sockaddr_nl: { size: number; nl_family: number; nl_pid: number; nl_groups: number } | null;
  /** Linux's `struct nlmsghdr`, the header of every netlink message; `null` elsewhere. */
  nlmsghdr: {
    size: number;
    nlmsg_len: number;
    nlmsg_type: number;
    nlmsg_flags: number;
    nlmsg_seq: number;
    nlmsg_pid: number;
  } | null;
  /** Linux's `struct nlmsgerr` (an NLMSG_ERROR message's payload); `null` elsewhere. */
  nlmsgerr: { size: number; error: number; msg: number } | null;
  /** Linux's `struct ifinfomsg` (RTM_*LINK); `null` elsewhere. */
  ifinfomsg: {
    size: number;
    ifi_family: number;
    ifi_type: number;
    ifi_index: number;
    ifi_flags: number;
    ifi_change: number;
  } | null;
  /** Linux's `struct ifaddrmsg` (RTM_*ADDR); `null` elsewhere. */
  ifaddrmsg: {
    size: number;
    ifa_family: number;
    ifa_prefixlen: number;
    ifa_flags: number;
    ifa_scope: number;
    ifa_index: number;
  } | null;
  /** Linux's `struct rtattr` (route netlink attributes); `null` elsewhere. */
  rtattr: { size: number; rta_len: number; rta_type: number } | null;
  /** Linux's `struct ucred` (SCM_CREDENTIALS, SO_PEERCRED); `null` elsewhere. */
  ucred: { size: number; pid: number; uid: number; gid: number } | null;
  /** Linux's `struct sock_extended_err` (IP_RECVERR); `null` elsewhere. */
  sock_extended_err: {
    size: number;
    ee_errno: number;
    ee_origin: number;
    ee_type: number;
    ee_code: number;
    ee_pad: number;
    ee_info: number;
    ee_data: number;
  } | null;
  /** Linux's `struct mmsghdr` (`sendmmsg(2)`/`recvmmsg(2)`): a `struct msghdr` at `msg_hdr`, then `unsigned int msg_len`; `null` elsewhere. */
  mmsghdr: { size: number; msg_hdr: number; msg_len: number } | null;
  /** Linux's `struct tcp_info` (TCP_INFO) as this system's headers have it; `null` elsewhere. */
  tcp_info: ({ size: number } & Record<TcpInfoField, number>) | null;
}

/** The `struct tcp_info` fields the table places (Linux's `<linux/tcp.h>`; bit fields excluded). */
export type TcpInfoField =
  | "tcpi_state"
  | "tcpi_ca_state"
  | "tcpi_retransmits"
  | "tcpi_probes"
  | "tcpi_backoff"
  | "tcpi_options"
  | "tcpi_rto"
  | "tcpi_ato"
  | "tcpi_snd_mss"
  | "tcpi_rcv_mss"
  | "tcpi_unacked"
  | "tcpi_sacked"
  | "tcpi_lost"
  | "tcpi_retrans"
  | "tcpi_fackets"
  | "tcpi_last_data_sent"
  | "tcpi_last_ack_sent"
  | "tcpi_last_data_recv"
  | "tcpi_last_ack_recv"
  | "tcpi_pmtu"
  | "tcpi_rcv_ssthresh"
  | "tcpi_rtt"
  | "tcpi_rttvar"
  | "tcpi_snd_ssthresh"
  | "tcpi_snd_cwnd"
  | "tcpi_advmss"
  | "tcpi_reordering"
  | "tcpi_rcv_rtt"
  | "tcpi_rcv_space"
  | "tcpi_total_retrans"
  | "tcpi_pacing_rate"
  | "tcpi_max_pacing_rate"
  | "tcpi_bytes_acked"
  | "tcpi_bytes_received"
  | "tcpi_segs_out"
  | "tcpi_segs_in"
  | "tcpi_notsent_bytes"
  | "tcpi_min_rtt"
  | "tcpi_data_segs_in"
  | "tcpi_data_segs_out"
  | "tcpi_delivery_rate"
  | "tcpi_busy_time"
  | "tcpi_rwnd_limited"
  | "tcpi_sndbuf_limited"
  | "tcpi_delivered"
  | "tcpi_delivered_ce"
  | "tcpi_bytes_sent"
  | "tcpi_bytes_retrans"
  | "tcpi_dsack_dups"
  | "tcpi_reord_seen"
  | "tcpi_rcv_ooopack"
  | "tcpi_snd_wnd";

/** Layouts that differ between CPU architectures of one OS. */
export interface ArchLayouts {
  /** Linux's `struct epoll_event` (packed on x86_64: 12 bytes; 16 on aarch64); `null` where there is no epoll. */
  epoll_event: { size: number; events: number; data: number } | null;
}

/** The CPU architectures with layouts, as Deno names them. */
export type ArchName = "x86_64" | "aarch64";

/**
 * What an OS does differently, by name, so that code tests the quirk and
 * not a sentinel value (`SOCK_CLOEXEC === 0` standing for macOS).
 */
export interface Quirks {
  /**
   * `socket(2)`, `socketpair(2)` and `accept4(2)` take `SOCK_CLOEXEC` and
   * `SOCK_NONBLOCK` in the type (Linux). Without them (macOS) every new
   * descriptor gets `FD_CLOEXEC` through `fcntl(2)` afterwards.
   */
  socketTypeFlags: boolean;
  /**
   * `send(2)` takes `MSG_NOSIGNAL` (Linux). Without it (macOS) every new
   * socket gets `SO_NOSIGPIPE` instead, so a write to a closed peer raises
   * EPIPE rather than killing the process.
   */
  msgNosignal: boolean;
  /** `accept(2)` gives the new socket the listener's `O_NONBLOCK` (macOS, BSD; not Linux's `accept4`). */
  acceptInheritsNonblock: boolean;
  /** AF_UNIX has an abstract namespace: a name that starts with NUL is no file (Linux). */
  abstractUnixNames: boolean;
}

/** One OS's table. */
export interface PlatformTable {
  /** `"linux"` or `"darwin"`. */
  os: string;
  /** True when a probe run on that OS confirmed every number below. */
  verified: boolean;
  /** Socket, option, message, poll and fcntl constants. */
  constants: Readonly<Record<ConstantName, number>>;
  /** errno names to numbers. */
  errno: Readonly<Record<ErrnoName, number>>;
  /** getaddrinfo error names (EAI_*) to the codes libc returns. */
  eai: Readonly<Record<EaiName, number>>;
  /** C struct layouts (the same on every architecture). */
  layout: Layouts;
  /** C struct layouts per architecture. */
  arch: Readonly<Record<ArchName, ArchLayouts>>;
  /** What the OS does differently. */
  quirks: Quirks;
}
