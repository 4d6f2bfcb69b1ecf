/**
 * The one table of libc functions this module calls, with each C prototype
 * above its entry. Both backends (`deno.ts`, `bun.ts`) are generated from it.
 *
 * The type vocabulary (`i32`, `u32`, `buffer`, `pointer`, …) is
 * `NativeType` in `types.ts`; the functions' JS types are derived from this
 * table (`Bound`), so a misspelt symbol does not compile.
 *
 * Lengths (`size_t`, `socklen_t`, `nfds_t`) are declared `u32` and results of
 * type `ssize_t` are declared `i32`: a JS number for a 64-bit parameter takes
 * Deno's slow path (measured: several times the ~17 ns of a fast call). The
 * callers cap every single call's length at {@linkcode MAX_IO} (< 2 GiB), so
 * the value always fits both the 32-bit declaration and the `ssize_t` result
 * exactly; on the LP64 ABIs supported (x86_64, aarch64) a 32-bit argument is
 * zero-extended into the 64-bit register and a 32-bit result is the low half.
 *
 * @module
 */
import type { SymbolTable } from "./types.ts";

/** The largest length one send/recv call is given; longer transfers loop. */
export const MAX_IO = 0x4000_0000; // 1 GiB

/** Functions present on every supported libc (glibc, musl, macOS libSystem). */
export const symbols = {
  // int socket(int domain, int type, int protocol);
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  // int socketpair(int domain, int type, int protocol, int sv[2]);
  socketpair: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  // int close(int fd);
  close: { parameters: ["i32"], result: "i32" },
  // int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  // int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  // int listen(int sockfd, int backlog);
  listen: { parameters: ["i32", "i32"], result: "i32" },
  // int accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
  accept: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // ssize_t send(int sockfd, const void *buf, size_t len, int flags);
  send: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  // ssize_t recv(int sockfd, void *buf, size_t len, int flags);
  recv: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  // ssize_t sendto(int sockfd, const void *buf, size_t len, int flags,
  //                const struct sockaddr *dest_addr, socklen_t addrlen);
  sendto: { parameters: ["i32", "buffer", "u32", "i32", "buffer", "u32"], result: "i32" },
  // ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags,
  //                  struct sockaddr *src_addr, socklen_t *addrlen);
  recvfrom: { parameters: ["i32", "buffer", "u32", "i32", "buffer", "buffer"], result: "i32" },
  // ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  // ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  // int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  // int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  // int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int shutdown(int sockfd, int how);
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  // int fcntl(int fd, int cmd, ... /* int arg */);
  // Variadic in C; called with one int argument, which the Linux x86_64 and
  // aarch64 ABIs pass exactly like a fixed argument.
  fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
  // int poll(struct pollfd *fds, nfds_t nfds, int timeout);
  poll: { parameters: ["buffer", "u32", "i32"], result: "i32" },
  // int getaddrinfo(const char *node, const char *service,
  //                 const struct addrinfo *hints, struct addrinfo **res);
  getaddrinfo: { parameters: ["buffer", "buffer", "buffer", "buffer"], result: "i32" },
  // void freeaddrinfo(struct addrinfo *res);
  freeaddrinfo: { parameters: ["pointer"], result: "void" },
  // const char *gai_strerror(int errcode);
  gai_strerror: { parameters: ["i32"], result: "pointer" },
  // int inet_pton(int af, const char *src, void *dst);
  inet_pton: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
  inet_ntop: { parameters: ["i32", "buffer", "buffer", "u32"], result: "pointer" },
  // unsigned int if_nametoindex(const char *ifname);
  if_nametoindex: { parameters: ["buffer"], result: "u32" },
  // char *if_indextoname(unsigned int ifindex, char *ifname);
  if_indextoname: { parameters: ["u32", "buffer"], result: "pointer" },
  // struct if_nameindex *if_nameindex(void);
  if_nameindex: { parameters: [], result: "pointer" },
  // void if_freenameindex(struct if_nameindex *ptr);
  if_freenameindex: { parameters: ["pointer"], result: "void" },
  // int open(const char *pathname, int flags, ... /* mode_t mode */);
  // Variadic in C; called with a mode argument (ignored without O_CREAT),
  // which the Linux x86_64 and aarch64 ABIs pass exactly like a fixed one
  // (Apple's arm64 ABI puts variadic arguments on the stack: harmless here,
  // as the mode is never read without O_CREAT).
  open: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  // ssize_t pread(int fd, void *buf, size_t count, off_t offset);
  // (off_t is 64-bit on every supported ABI: a BigInt stays on Deno's fast path)
  pread: { parameters: ["i32", "buffer", "u32", "i64"], result: "i32" },
  // char *strerror(int errnum);
  strerror: { parameters: ["i32"], result: "pointer" },
  // void *memset(void *s, int c, size_t n);
  // Called with n = 0: writes nothing, returns s — the address of a JS buffer in
  // one fast call, for the structs that point at JS memory (Backend.addressByCall).
  memset: { parameters: ["buffer", "i32", "u32"], result: "u64" },
  // int clock_gettime(clockid_t clockid, struct timespec *tp);
  // The timeout clock: one fast call, where Deno's performance.now() costs ~90 ns.
  clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
} as const satisfies SymbolTable;

/** Linux (glibc and musl) only. */
export const linuxSymbols = {
  // int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
  accept4: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32" },
  // ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
  sendfile: { parameters: ["i32", "i32", "buffer", "u32"], result: "i32" },
  // int pthread_sigmask(int how, const sigset_t *set, sigset_t *oldset);
  // (sendfile(2) has no MSG_NOSIGNAL: SIGPIPE is blocked around it)
  pthread_sigmask: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  // int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout);
  sigtimedwait: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  // int sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags);
  sendmmsg: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  // int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags,
  //              struct timespec *timeout);
  // Always called with a NULL timeout (its timeout is checked only after each
  // datagram, so it cannot bound a wait: recvmmsg(2) BUGS); the socket's own
  // timeout and poll(2) do that.
  recvmmsg: { parameters: ["i32", "buffer", "u32", "i32", "buffer"], result: "i32" },
  // int *__errno_location(void);
  __errno_location: { parameters: [], result: "pointer" },
} as const satisfies SymbolTable;

/**
 * Linux's epoll and eventfd: the asyncio reactor (`src/asyncio/reactor.ts`)
 * opens this table on first use, not at import.
 */
export const epollSymbols = {
  // int epoll_create1(int flags);
  epoll_create1: { parameters: ["i32"], result: "i32" },
  // int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  // int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32" },
  // int eventfd(unsigned int initval, int flags);
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  // ssize_t read(int fd, void *buf, size_t count);
  read: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  // ssize_t write(int fd, const void *buf, size_t count);
  write: { parameters: ["i32", "buffer", "u32"], result: "i32" },
} as const satisfies SymbolTable;

/**
 * Deno only: `epoll_wait(2)` on Deno's blocking-thread pool, returning a
 * Promise (the reactor keeps at most one in flight).
 */
export const epollWaitAsyncSymbols = {
  // int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32", nonblocking: true },
} as const satisfies SymbolTable;

/** macOS only. */
export const darwinSymbols = {
  // int *__error(void);
  __error: { parameters: [], result: "pointer" },
} as const satisfies SymbolTable;
