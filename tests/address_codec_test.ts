// The address codecs by family, built from each OS's layout table: the macOS
// codecs are checked here on Linux, in TypeScript alone, against the bytes
// of the C structs as <netinet/in.h>, <netinet6/in6.h> and <sys/un.h>
// declare them (macOS: a length byte before a one-byte family; Linux: a
// two-byte family in host order). Each expected array is written out from
// the headers, not computed from the tables under test.
import assert from "node:assert/strict";
import { test } from "node:test";
import { inetCodec } from "../src/address/inet.ts";
import { inet6Codec } from "../src/address/inet6.ts";
import { unixCodec } from "../src/address/unix.ts";
import { darwin } from "../src/platform/darwin.ts";
import { linux } from "../src/platform/linux.ts";
import type { PlatformTable } from "../src/platform/types.ts";

const zeros = (n: number): number[] => new Array(n).fill(0);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const LOOP6 = [...zeros(15), 1];
const DOC6 = [0x20, 0x01, 0x0d, 0xb8, ...zeros(11), 1]; // 2001:db8::1

/** [OS, codec, address, the struct's bytes, the address decoded back]. */
type Row = [string, "inet" | "inet6" | "unix", unknown, number[], unknown];
const rows: Row[] = [
  // struct sockaddr_in { u8 sin_len; u8 sin_family; u16 sin_port; in_addr sin_addr; char sin_zero[8]; }
  ["darwin", "inet", ["127.0.0.1", 8080], [16, 2, 0x1f, 0x90, 127, 0, 0, 1, ...zeros(8)], ["127.0.0.1", 8080]],
  ["darwin", "inet", ["", 0], [16, 2, 0, 0, 0, 0, 0, 0, ...zeros(8)], ["0.0.0.0", 0]],
  ["darwin", "inet", ["<broadcast>", 9], [16, 2, 0, 9, 255, 255, 255, 255, ...zeros(8)], ["255.255.255.255", 9]],
  // struct sockaddr_in6 { u8 sin6_len; u8 sin6_family; u16 port; u32 flowinfo; in6_addr; u32 scope_id; }
  ["darwin", "inet6", ["::1", 443], [28, 30, 0x01, 0xbb, 0, 0, 0, 0, ...LOOP6, 0, 0, 0, 0], ["::1", 443, 0, 0]],
  ["darwin", "inet6", ["2001:db8::1", 1, 0x12345, 7], [28, 30, 0, 1, 0, 0x01, 0x23, 0x45, ...DOC6, 7, 0, 0, 0], [
    "2001:db8::1",
    1,
    0x12345,
    7,
  ]],
  // struct sockaddr_un { u8 sun_len; u8 sun_family; char sun_path[104]; }: the length counts the NUL
  ["darwin", "unix", "/tmp/s", [9, 1, ...ascii("/tmp/s"), 0], "/tmp/s"],
  ["darwin", "unix", "", [2, 1], ""],
  // Linux: struct sockaddr_in { u16 sin_family (host order); u16 sin_port; in_addr; char sin_zero[8]; }
  ["linux", "inet", ["127.0.0.1", 8080], [2, 0, 0x1f, 0x90, 127, 0, 0, 1, ...zeros(8)], ["127.0.0.1", 8080]],
  ["linux", "inet6", ["::1", 443], [10, 0, 0x01, 0xbb, 0, 0, 0, 0, ...LOOP6, 0, 0, 0, 0], ["::1", 443, 0, 0]],
  ["linux", "unix", "/tmp/s", [1, 0, ...ascii("/tmp/s"), 0], "/tmp/s"],
  ["linux", "unix", "\0abstract", [1, 0, 0, ...ascii("abstract")], "\0abstract"],
];

const tables: Record<string, PlatformTable> = { darwin, linux };
function codecFor(os: string, kind: Row[1]) {
  const t = tables[os];
  if (kind === "inet") return inetCodec(t.constants.AF_INET, t.layout);
  if (kind === "inet6") return inet6Codec(t.constants.AF_INET6, t.layout);
  return unixCodec(t.constants.AF_UNIX, t.layout, t.quirks.abstractUnixNames);
}

test("address codecs: each OS's struct bytes, both ways (macOS checked here without a Mac)", () => {
  for (const [os, kind, address, bytes, decoded] of rows) {
    const label = `${os} ${kind} ${JSON.stringify(address)}`;
    const codec = codecFor(os, kind);
    const out = new Uint8Array(128).fill(0xee); // bytes the codec must not leave stale
    const len = codec.encode(address, out, "address");
    assert.deepEqual([...out.subarray(0, len)], bytes, `${label}: encoded`);
    assert.deepEqual(codec.decode(out, len), decoded, `${label}: decoded`);
  }
});

test("address codecs: the sockaddr sizes and family numbers are the headers' (macOS 16/28/106, AF_INET6 30)", () => {
  assert.deepEqual(
    [darwin.layout.sockaddr_in.size, darwin.layout.sockaddr_in6.size, darwin.layout.sockaddr_un.size],
    [16, 28, 106],
  );
  assert.deepEqual([darwin.constants.AF_UNIX, darwin.constants.AF_INET, darwin.constants.AF_INET6], [1, 2, 30]);
  assert.deepEqual(
    [linux.layout.sockaddr_in.size, linux.layout.sockaddr_in6.size, linux.layout.sockaddr_un.size],
    [16, 28, 110],
  );
});

test("address codecs: a macOS AF_UNIX path fills at most 103 bytes and a NUL; longer is refused", () => {
  const codec = codecFor("darwin", "unix");
  const out = new Uint8Array(128);
  assert.equal(codec.encode("/" + "a".repeat(102), out, "address"), 2 + 103 + 1);
  assert.throws(() => codec.encode("/" + "a".repeat(103), out, "address"), RangeError);
  assert.throws(() => codec.encode("\0abstract", out, "address"), TypeError, "no abstract names on macOS");
});
