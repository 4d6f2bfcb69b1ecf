/**
 * The shape of a per-OS platform table: constant values, errno numbers,
 * getaddrinfo error codes and the C struct layouts this module reads and
 * writes. `tools/probe.c` prints the same shape from the system headers.
 *
 * @module
 */

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
}

/** One OS's table. */
export interface PlatformTable {
  /** `"linux"` or `"darwin"`. */
  os: string;
  /** True when a probe run on that OS confirmed every number below. */
  verified: boolean;
  /** Socket, option, message, poll and fcntl constants. */
  constants: Record<string, number>;
  /** errno names to numbers. */
  errno: Record<string, number>;
  /** getaddrinfo error names (EAI_*) to the codes libc returns. */
  eai: Record<string, number>;
  /** C struct layouts. */
  layout: Layouts;
}
