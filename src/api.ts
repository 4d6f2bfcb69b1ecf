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
  type NetlinkAddress,
  type PacketAddress,
  sockaddr,
  type UnixAddress,
} from "./address/mod.ts";
export * as asyncio from "./asyncio/mod.ts";
export {
  type AncItem,
  type Cmsg,
  cmsg_credentials,
  CMSG_LEN,
  cmsg_pktinfo,
  cmsg_pktinfo6,
  cmsg_rights,
  CMSG_SPACE,
  cmsg_udp_segment,
  decode_cmsg,
  peercred,
  recv_fds,
  send_fds,
} from "./cmsg.ts";
export * from "./constants.ts";
export { create_connection, create_server, type CreateServerOptions } from "./create_connection.ts";
export * as errno from "./errno.ts";
export { type AddrInfo, getaddrinfo } from "./getaddrinfo.ts";
export { if_indextoname, if_nameindex, if_nametoindex } from "./interfaces.ts";
export { BATCH_MAX, DatagramBatch, type DatagramBatchOptions } from "./mmsg.ts";
export { netlink_dump, type NetlinkMessage, nlmsg, parse_nlmsgs, rtattr, rtattrs } from "./netlink.ts";
export { OSError } from "./os_error.ts";
export type { Pollable } from "./pollable.ts";
export * as select from "./select.ts";
export { type Data, fromfd, type OptionValue, Socket, socket, socketpair } from "./socket.ts";
export { ip_mreq, ipv6_mreq, linger, parse_linger } from "./sockopt.ts";
export * as ssl from "./ssl/mod.ts";
export { Stream } from "./stream.ts";
export { listen_fds, listen_fds_with_names, notify, SD_LISTEN_FDS_START } from "./systemd.ts";
export { tcp_info, type TcpInfo, type TcpInfoField, type TcpInfoU64Field } from "./tcp_info.ts";
