/**
 * Everything `mod.ts` exports, gathered in one module so that `mod.ts` can
 * also export it as one default object.
 *
 * @module
 */
export {
  type Address,
  inet_ntop,
  inet_pton,
  type IPv4Address,
  type IPv6Address,
  sockaddr,
  type UnixAddress,
} from "./address.ts";
export * from "./constants.ts";
export * as errno from "./errno.ts";
export { type AddrInfo, getaddrinfo } from "./getaddrinfo.ts";
export { OSError } from "./os_error.ts";
export { type Data, type OptionValue, Socket, socket, socketpair } from "./socket.ts";
