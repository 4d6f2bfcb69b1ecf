/**
 * Socket constants with the host's own values (never lwIP's): programs use
 * the names, never the numbers.
 *
 * @example
 * ```ts
 * import * as usocket from "../mod.ts";
 * const s = usocket.socket(usocket.AF_INET, usocket.SOCK_DGRAM);
 * s.setsockopt(usocket.SOL_SOCKET, usocket.SO_REUSEADDR, 1);
 * s.close();
 * ```
 *
 * @module
 */
import { C, platform } from "./platform/mod.ts";

// Address families (the `af` argument of `socket()`)
/** Any address family (a getaddrinfo hint). */
export const AF_UNSPEC: number = C.AF_UNSPEC;
/** IPv4. */
export const AF_INET: number = C.AF_INET;
/** IPv6. */
export const AF_INET6: number = C.AF_INET6;
/** Unix domain (local) sockets; addresses are file paths. */
export const AF_UNIX: number = C.AF_UNIX;
/** Linux netlink sockets (the kernel's own messages); addresses are `[pid, groups]`. 0 elsewhere. */
export const AF_NETLINK: number = C.AF_NETLINK;
/** Linux packet sockets (link-layer frames); addresses are `[ifname, proto, pkttype, hatype, addr]`. 0 elsewhere. */
export const AF_PACKET: number = C.AF_PACKET;

// Socket types
/** Stream socket (TCP for AF_INET/AF_INET6). */
export const SOCK_STREAM: number = C.SOCK_STREAM;
/** Datagram socket (UDP for AF_INET/AF_INET6). */
export const SOCK_DGRAM: number = C.SOCK_DGRAM;
/** Raw socket (needs CAP_NET_RAW on Linux). */
export const SOCK_RAW: number = C.SOCK_RAW;
/** Sequenced-packet socket (AF_UNIX). */
export const SOCK_SEQPACKET: number = C.SOCK_SEQPACKET;

// Protocol numbers
/** IPv4 protocol level (and the default protocol 0). */
export const IPPROTO_IP: number = C.IPPROTO_IP;
/** ICMP. */
export const IPPROTO_ICMP: number = C.IPPROTO_ICMP;
/** TCP (also the option level of TCP_*). */
export const IPPROTO_TCP: number = C.IPPROTO_TCP;
/** UDP. */
export const IPPROTO_UDP: number = C.IPPROTO_UDP;
/** IPv6 option level (IPV6_*). */
export const IPPROTO_IPV6: number = C.IPPROTO_IPV6;
/** ICMPv6. */
export const IPPROTO_ICMPV6: number = C.IPPROTO_ICMPV6;
/** Raw IP. */
export const IPPROTO_RAW: number = C.IPPROTO_RAW;

// Socket-level options (`level = SOL_SOCKET`)
/** The socket option level. */
export const SOL_SOCKET: number = C.SOL_SOCKET;
/** Allow bind() to a local address in TIME_WAIT. */
export const SO_REUSEADDR: number = C.SO_REUSEADDR;
/** Let several sockets bind the same address and port. */
export const SO_REUSEPORT: number = C.SO_REUSEPORT;
/** Allow sending to broadcast addresses. */
export const SO_BROADCAST: number = C.SO_BROADCAST;
/** Send TCP keep-alive probes. */
export const SO_KEEPALIVE: number = C.SO_KEEPALIVE;
/** `struct linger`: how close() treats unsent data (see `linger()`). */
export const SO_LINGER: number = C.SO_LINGER;
/** Read-only: the pending socket error, cleared on read (outcome of a non-blocking connect). */
export const SO_ERROR: number = C.SO_ERROR;
/** Receive buffer size in bytes. */
export const SO_RCVBUF: number = C.SO_RCVBUF;
/** Send buffer size in bytes. */
export const SO_SNDBUF: number = C.SO_SNDBUF;
/** Read-only: the socket type. */
export const SO_TYPE: number = C.SO_TYPE;
/** Bypass routing: send only to directly connected hosts. */
export const SO_DONTROUTE: number = C.SO_DONTROUTE;
/** Receive out-of-band data inline. */
export const SO_OOBINLINE: number = C.SO_OOBINLINE;
/** Receive timeout (`struct timeval`); `settimeout()` sets it. */
export const SO_RCVTIMEO: number = C.SO_RCVTIMEO;
/** Send timeout (`struct timeval`); `settimeout()` sets it. */
export const SO_SNDTIMEO: number = C.SO_SNDTIMEO;
/** Minimum bytes for a receive to return. */
export const SO_RCVLOWAT: number = C.SO_RCVLOWAT;
/** Minimum bytes for a send to proceed. */
export const SO_SNDLOWAT: number = C.SO_SNDLOWAT;
/** Read-only: 1 when the socket is listening. */
export const SO_ACCEPTCONN: number = C.SO_ACCEPTCONN;

// TCP options (`level = IPPROTO_TCP`)
/** Disable Nagle's algorithm: send small segments at once. */
export const TCP_NODELAY: number = C.TCP_NODELAY;
/** Maximum segment size. */
export const TCP_MAXSEG: number = C.TCP_MAXSEG;
/** Idle seconds before keep-alive probes (TCP_KEEPALIVE on macOS). */
export const TCP_KEEPIDLE: number = C.TCP_KEEPIDLE;
/** Seconds between keep-alive probes. */
export const TCP_KEEPINTVL: number = C.TCP_KEEPINTVL;
/** Keep-alive probes before the connection is dropped. */
export const TCP_KEEPCNT: number = C.TCP_KEEPCNT;

// IPv4 options (`level = IPPROTO_IP`)
/** Type-of-service byte. */
export const IP_TOS: number = C.IP_TOS;
/** Time to live of outgoing unicast packets. */
export const IP_TTL: number = C.IP_TTL;
/** Outgoing interface for multicast (`struct in_addr`). */
export const IP_MULTICAST_IF: number = C.IP_MULTICAST_IF;
/** TTL of outgoing multicast packets. */
export const IP_MULTICAST_TTL: number = C.IP_MULTICAST_TTL;
/** Loop multicast back to local sockets. */
export const IP_MULTICAST_LOOP: number = C.IP_MULTICAST_LOOP;
/** Join a multicast group (`struct ip_mreq`, see `ip_mreq()`). */
export const IP_ADD_MEMBERSHIP: number = C.IP_ADD_MEMBERSHIP;
/** Leave a multicast group (`struct ip_mreq`). */
export const IP_DROP_MEMBERSHIP: number = C.IP_DROP_MEMBERSHIP;

// IPv6 options (`level = IPPROTO_IPV6`)
/** 1: an AF_INET6 socket handles IPv6 only; 0: dual stack. */
export const IPV6_V6ONLY: number = C.IPV6_V6ONLY;
/** Join an IPv6 multicast group (`struct ipv6_mreq`). */
export const IPV6_JOIN_GROUP: number = C.IPV6_JOIN_GROUP;
/** Leave an IPv6 multicast group. */
export const IPV6_LEAVE_GROUP: number = C.IPV6_LEAVE_GROUP;
/** Outgoing interface index for multicast. */
export const IPV6_MULTICAST_IF: number = C.IPV6_MULTICAST_IF;
/** Hop limit of outgoing multicast packets. */
export const IPV6_MULTICAST_HOPS: number = C.IPV6_MULTICAST_HOPS;
/** Loop multicast back to local sockets. */
export const IPV6_MULTICAST_LOOP: number = C.IPV6_MULTICAST_LOOP;
/** Hop limit of outgoing unicast packets. */
export const IPV6_UNICAST_HOPS: number = C.IPV6_UNICAST_HOPS;

// Message flags (the `flags` of send/recv)
/** Out-of-band data. */
export const MSG_OOB: number = C.MSG_OOB;
/** Return data without removing it from the receive queue. */
export const MSG_PEEK: number = C.MSG_PEEK;
/** Send without routing. */
export const MSG_DONTROUTE: number = C.MSG_DONTROUTE;
/** Do not block for this one call: EAGAIN when nothing is ready. */
export const MSG_DONTWAIT: number = C.MSG_DONTWAIT;
/** Block until the full request is satisfied (stream sockets). */
export const MSG_WAITALL: number = C.MSG_WAITALL;
/** Return the real datagram length even when longer than the buffer (Linux). */
export const MSG_TRUNC: number = C.MSG_TRUNC;
/** `recvmsg` result flag: control data was cut short (the control buffer was too small). */
export const MSG_CTRUNC: number = C.MSG_CTRUNC;
/** End of record (SOCK_SEQPACKET): set in `recvmsg`'s flags at a record's end. */
export const MSG_EOR: number = C.MSG_EOR;
/** `recvmsg` flag: read the socket's error queue (IP_RECVERR; Linux; 0 elsewhere). */
export const MSG_ERRQUEUE: number = C.MSG_ERRQUEUE;
/** `recvmsg` flag: received descriptors close-on-exec (Linux; usocket's `recvmsg` always adds it; 0 elsewhere). */
export const MSG_CMSG_CLOEXEC: number = C.MSG_CMSG_CLOEXEC;

// Ancillary data (control messages of sendmsg/recvmsg) and the options that ask for them
/** Control message type (`level = SOL_SOCKET`): descriptors passed over AF_UNIX. */
export const SCM_RIGHTS: number = C.SCM_RIGHTS;
/** Control message type (`SOL_SOCKET`): the sender's pid, uid and gid (Linux; 0 elsewhere). */
export const SCM_CREDENTIALS: number = C.SCM_CREDENTIALS;
/** Socket option: receive SCM_CREDENTIALS with every message (Linux; 0 elsewhere). */
export const SO_PASSCRED: number = C.SO_PASSCRED;
/** Socket option (read only): the peer's credentials, a `struct ucred` (Linux; 0 elsewhere). */
export const SO_PEERCRED: number = C.SO_PEERCRED;
/** Socket option: receive each datagram's arrival time (SCM_TIMESTAMP, a `struct timeval`). */
export const SO_TIMESTAMP: number = C.SO_TIMESTAMP;
/** Socket option: arrival time in nanoseconds (SCM_TIMESTAMPNS, a `struct timespec`; Linux; 0 elsewhere). */
export const SO_TIMESTAMPNS: number = C.SO_TIMESTAMPNS;
/** Socket option: bind to an interface by name (Linux; needs CAP_NET_RAW on older kernels; 0 elsewhere). */
export const SO_BINDTODEVICE: number = C.SO_BINDTODEVICE;
/** IPv4 option: the application writes the IP header (raw sockets). */
export const IP_HDRINCL: number = C.IP_HDRINCL;
/** IPv4 option and control message: arrival interface and addresses (`struct in_pktinfo`). */
export const IP_PKTINFO: number = C.IP_PKTINFO;
/** IPv4 option: receive each datagram's TTL (as an IP_TTL control message on Linux). */
export const IP_RECVTTL: number = C.IP_RECVTTL;
/** IPv4 option and control message: queue ICMP errors for `recvmsg(MSG_ERRQUEUE)` (Linux; 0 elsewhere). */
export const IP_RECVERR: number = C.IP_RECVERR;
/** IPv6 option: receive IPV6_PKTINFO with every datagram. */
export const IPV6_RECVPKTINFO: number = C.IPV6_RECVPKTINFO;
/** IPv6 control message: destination address and interface (`struct in6_pktinfo`). */
export const IPV6_PKTINFO: number = C.IPV6_PKTINFO;
/** IPv6 option: receive IPV6_HOPLIMIT with every datagram. */
export const IPV6_RECVHOPLIMIT: number = C.IPV6_RECVHOPLIMIT;
/** IPv6 control message: a datagram's hop limit. */
export const IPV6_HOPLIMIT: number = C.IPV6_HOPLIMIT;
/** IPv6 option and control message: queue ICMPv6 errors (Linux; 0 elsewhere). */
export const IPV6_RECVERR: number = C.IPV6_RECVERR;
/** TCP option (read only): `struct tcp_info` (Linux; 0 elsewhere; see `tcp_info()`). */
export const TCP_INFO: number = C.TCP_INFO;
/** `recvmmsg` flag: block for the first datagram only (Linux; usocket's `recvmmsg` always adds it; 0 elsewhere). */
export const MSG_WAITFORONE: number = C.MSG_WAITFORONE;
/** Option and control-message level of UDP (`IPPROTO_UDP`; Linux; 0 elsewhere). */
export const SOL_UDP: number = C.SOL_UDP;
/**
 * UDP option and control message (`SOL_UDP`, Linux; 0 elsewhere): GSO — a
 * send of one buffer leaves as datagrams of this many bytes (the last may be
 * shorter); an `int` option, or a per-call `uint16` control message (see
 * `cmsg_udp_segment`).
 */
export const UDP_SEGMENT: number = C.UDP_SEGMENT;
/**
 * UDP option (`SOL_UDP`, Linux; 0 elsewhere): GRO — receives may return
 * several datagrams coalesced in one buffer, each (but the last) of the size
 * a `UDP_GRO` control message gives (`decode_cmsg`: `{ kind: "gro" }`).
 */
export const UDP_GRO: number = C.UDP_GRO;
/** The size of an interface name buffer, NUL included. */
export const IF_NAMESIZE: number = C.IF_NAMESIZE;
/** `sock_extended_err.ee_origin`: a local error (Linux; 0 elsewhere). */
export const SO_EE_ORIGIN_LOCAL: number = C.SO_EE_ORIGIN_LOCAL;
/** `sock_extended_err.ee_origin`: an ICMP message (Linux; 0 elsewhere). */
export const SO_EE_ORIGIN_ICMP: number = C.SO_EE_ORIGIN_ICMP;
/** `sock_extended_err.ee_origin`: an ICMPv6 message (Linux; 0 elsewhere). */
export const SO_EE_ORIGIN_ICMP6: number = C.SO_EE_ORIGIN_ICMP6;

// shutdown() directions
/** Stop receiving. */
export const SHUT_RD: number = C.SHUT_RD;
/** Stop sending: the peer reads EOF. */
export const SHUT_WR: number = C.SHUT_WR;
/** Stop both. */
export const SHUT_RDWR: number = C.SHUT_RDWR;

// getaddrinfo() flags
/** With no host: return the wildcard address, for bind(). */
export const AI_PASSIVE: number = C.AI_PASSIVE;
/** Fill in `canonname` of the first result. */
export const AI_CANONNAME: number = C.AI_CANONNAME;
/** The host must be a numeric address: never a DNS lookup. */
export const AI_NUMERICHOST: number = C.AI_NUMERICHOST;
/** The port must be numeric. */
export const AI_NUMERICSERV: number = C.AI_NUMERICSERV;
/** With AF_INET6: return IPv4-mapped addresses when no IPv6 ones exist. */
export const AI_V4MAPPED: number = C.AI_V4MAPPED;
/** With AI_V4MAPPED: return both IPv6 and mapped IPv4 addresses. */
export const AI_ALL: number = C.AI_ALL;
/** Return only families configured on this host. */
export const AI_ADDRCONFIG: number = C.AI_ADDRCONFIG;

// getaddrinfo() errors: OSError.errno is the NEGATIVE of these magnitudes.
/** getaddrinfo: the name or service is not known (`OSError.errno === EAI_NONAME`). */
export const EAI_NONAME: number = -Math.abs(platform.eai.EAI_NONAME);
/** getaddrinfo: temporary failure in name resolution. */
export const EAI_AGAIN: number = -Math.abs(platform.eai.EAI_AGAIN);
/** getaddrinfo: non-recoverable failure in name resolution. */
export const EAI_FAIL: number = -Math.abs(platform.eai.EAI_FAIL);
/** getaddrinfo: the address family is not supported. */
export const EAI_FAMILY: number = -Math.abs(platform.eai.EAI_FAMILY);
/** getaddrinfo: the socket type is not supported. */
export const EAI_SOCKTYPE: number = -Math.abs(platform.eai.EAI_SOCKTYPE);
/** getaddrinfo: the service is not supported for the socket type. */
export const EAI_SERVICE: number = -Math.abs(platform.eai.EAI_SERVICE);
/** getaddrinfo: invalid flags. */
export const EAI_BADFLAGS: number = -Math.abs(platform.eai.EAI_BADFLAGS);
/** getaddrinfo: out of memory. */
export const EAI_MEMORY: number = -Math.abs(platform.eai.EAI_MEMORY);

// Packet sockets (AF_PACKET; Linux; 0 elsewhere)
/** `socket(AF_PACKET, type, htons(ETH_P_ALL))`: every protocol (pass it through `htons`). */
export const ETH_P_ALL: number = C.ETH_P_ALL;
/** Ethernet protocol number of IPv4. */
export const ETH_P_IP: number = C.ETH_P_IP;
/** Ethernet protocol number of IPv6. */
export const ETH_P_IPV6: number = C.ETH_P_IPV6;
/** A received packet's type (`pkttype`): addressed to this host. */
export const PACKET_HOST: number = C.PACKET_HOST;
/** A received packet's type: link-layer broadcast. */
export const PACKET_BROADCAST: number = C.PACKET_BROADCAST;
/** A received packet's type: link-layer multicast. */
export const PACKET_MULTICAST: number = C.PACKET_MULTICAST;
/** A received packet's type: to another host (seen in promiscuous mode). */
export const PACKET_OTHERHOST: number = C.PACKET_OTHERHOST;
/** A received packet's type: sent by this host (looped back to packet sockets). */
export const PACKET_OUTGOING: number = C.PACKET_OUTGOING;
/** ARP hardware type (`hatype`): Ethernet. */
export const ARPHRD_ETHER: number = C.ARPHRD_ETHER;
/** ARP hardware type: the loopback device. */
export const ARPHRD_LOOPBACK: number = C.ARPHRD_LOOPBACK;

// Netlink (AF_NETLINK; Linux; 0 elsewhere): the protocol and the message
// numbers src/netlink.ts and examples/ip.ts use
/** `socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)`: links, addresses, routes. */
export const NETLINK_ROUTE: number = C.NETLINK_ROUTE;
/** Netlink message type: nothing. */
export const NLMSG_NOOP: number = C.NLMSG_NOOP;
/** Netlink message type: an error (or with errno 0, an acknowledgement). */
export const NLMSG_ERROR: number = C.NLMSG_ERROR;
/** Netlink message type: the end of a multi-part reply (a dump). */
export const NLMSG_DONE: number = C.NLMSG_DONE;
/** Netlink flag: a request. */
export const NLM_F_REQUEST: number = C.NLM_F_REQUEST;
/** Netlink flag: one part of a multi-part reply; NLMSG_DONE ends it. */
export const NLM_F_MULTI: number = C.NLM_F_MULTI;
/** Netlink flag: asks for an acknowledgement. */
export const NLM_F_ACK: number = C.NLM_F_ACK;
/** Netlink flag: asks for every object (NLM_F_ROOT | NLM_F_MATCH). */
export const NLM_F_DUMP: number = C.NLM_F_DUMP;
/** Route netlink message: a link (interface); the reply to RTM_GETLINK. */
export const RTM_NEWLINK: number = C.RTM_NEWLINK;
/** Route netlink message: asks for links. */
export const RTM_GETLINK: number = C.RTM_GETLINK;
/** Route netlink message: an address; the reply to RTM_GETADDR. */
export const RTM_NEWADDR: number = C.RTM_NEWADDR;
/** Route netlink message: asks for addresses. */
export const RTM_GETADDR: number = C.RTM_GETADDR;
/** Route netlink multicast group (a `groups` bit): link changes. */
export const RTMGRP_LINK: number = C.RTMGRP_LINK;
/** Link attribute: the hardware address. */
export const IFLA_ADDRESS: number = C.IFLA_ADDRESS;
/** Link attribute: the interface name (NUL-terminated). */
export const IFLA_IFNAME: number = C.IFLA_IFNAME;
/** Link attribute: the MTU (u32). */
export const IFLA_MTU: number = C.IFLA_MTU;
/** Address attribute: the address (the peer's, on point-to-point links). */
export const IFA_ADDRESS: number = C.IFA_ADDRESS;
/** Address attribute: the local address. */
export const IFA_LOCAL: number = C.IFA_LOCAL;
/** Address attribute: the label (NUL-terminated). */
export const IFA_LABEL: number = C.IFA_LABEL;
/** Interface flag: up. */
export const IFF_UP: number = C.IFF_UP;
/** Interface flag: a loopback device. */
export const IFF_LOOPBACK: number = C.IFF_LOOPBACK;
/** Interface flag: resources allocated, carrier on. */
export const IFF_RUNNING: number = C.IFF_RUNNING;
