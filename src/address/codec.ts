/**
 * The shape of an address family's codec: address tuple ↔ `struct
 * sockaddr_*` bytes. Each family (inet, inet6, unix; packet and netlink
 * next) is one codec built from an OS's layout table, so a codec for another
 * OS can be built and unit-tested here in TypeScript alone.
 *
 * @module
 */

/** One address family's encoder and decoder. */
export interface AddressCodec {
  /** The `AF_*` number (of the layout's OS). */
  readonly family: number;
  /** The least length of a raw sockaddr of this family. */
  readonly minLength: number;
  /**
   * Writes `address` as a sockaddr into `out` (at least `sockaddr_storage`
   * bytes) and returns its length. Throws TypeError or RangeError naming
   * `what` for anything malformed.
   */
  encode(address: unknown, out: Uint8Array, what: string): number;
  /** Decodes `len` bytes of a sockaddr of this family (`len` ≥ the header). */
  decode(buf: Uint8Array, len: number): unknown;
}

/** The port of an address tuple, checked. */
export function checkPort(port: unknown, what: string): number {
  if (typeof port !== "number") throw new TypeError(`${what}: port must be a number, got ${typeof port}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${what}: port must be an integer 0-65535, got ${port}`);
  }
  return port;
}

/** A host that is not a numeric address of the family. */
export function hostError(what: string, host: string, family: string): TypeError {
  const shown = host.length > 64 ? `${host.slice(0, 64)}…` : host;
  return new TypeError(
    `${what}: ${JSON.stringify(shown)} is not a numeric ${family} address; `
      + `resolve host names with getaddrinfo() first`,
  );
}
