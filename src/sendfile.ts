/**
 * The body of `Socket.sendfile`: a file's bytes to a stream socket by
 * `sendfile(2)` where the kernel has it (Linux), through the one
 * wait-then-call loop (`OP_SENDFILE`), else by `pread(2)` and `send(2)` —
 * CPython's `socket.sendfile` and its fallback.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { MAX_IO } from "../ffi/symbols.ts";
import { cstr } from "./address/mod.ts";
import { int, typeName } from "./args.ts";
import { fileFd, fileOffset, OP_SENDFILE, sockCall } from "./call.ts";
import { OSError, raiseErrno } from "./os_error.ts";
import { C, E } from "./platform/mod.ts";

const offsetBytes = new Uint8Array(fileOffset.buffer);
const CHUNK = 64 * 1024;
let chunk: Uint8Array | undefined;

/**
 * The descriptor `file` names, and whether it was opened here (a path:
 * `open(2)` read-only, close-on-exec; the caller closes it).
 */
export function fileArg(file: unknown): [fd: number, opened: boolean] {
  if (typeof file === "number") return [int(file, "file", 0), false];
  if (typeof file !== "string") {
    throw new TypeError(`file must be a descriptor number or a path, got ${typeName(file)}`);
  }
  const fd = libc.open(cstr(file, "file"), C.O_CLOEXEC, 0); // O_RDONLY is 0
  if (fd < 0) raiseErrno();
  return [fd, true];
}

/**
 * Sends up to `count` bytes (`null`: to the end of the file) of descriptor
 * `file` from `offset` to socket `fd` (mode `timeout`: -1 blocking, 0
 * non-blocking, else seconds; one `deadline` for the whole call). Returns the
 * bytes sent: fewer than asked only at the end of the file, or non-blocking
 * when the socket's buffer filled (EAGAIN if nothing at all went). The
 * file's own position is neither used nor moved. `sendChunk` sends from a
 * buffer as the socket's `send` step does, for the fallback; `kernel`
 * false takes the fallback from the start (the tests' way to reach it on
 * Linux).
 */
export function sendFile(
  fd: number,
  timeout: number,
  deadline: number,
  file: number,
  offset: number,
  count: number | null,
  sendChunk: (buf: Uint8Array, len: number, first: boolean) => number,
  kernel: boolean = libc.sendfile !== undefined,
): number {
  let total = 0;
  if (kernel) {
    fileFd[0] = file;
    fileOffset[0] = BigInt(offset);
    while (count === null || total < count) {
      const want = count === null ? MAX_IO : Math.min(count - total, MAX_IO);
      let r: number;
      try {
        r = sockCall(fd, timeout, OP_SENDFILE, offsetBytes, want, 0, deadline, total === 0, 0);
      } catch (e) {
        // a file sendfile(2) cannot splice from (EINVAL): CPython's fallback. (A pipe or a socket has
        // no offset to read at: ESPIPE, raised, as pread(2) would.)
        if (total === 0 && e instanceof OSError && (e.errno === E.EINVAL || e.errno === E.ENOSYS)) break;
        throw e;
      }
      if (r < 0) {
        if (r === -E.EAGAIN && total > 0) return total;
        throw new OSError(-r);
      }
      if (r === 0) return total; // end of file
      total += r;
    }
    if (count !== null && total >= count) return total;
  }
  // pread(2) + send(2), 64 KiB at a time
  chunk ??= new Uint8Array(CHUNK);
  let pos = offset;
  while (count === null || total < count) {
    const want = count === null ? CHUNK : Math.min(count - total, CHUNK);
    let n: number;
    do n = libc.pread(file, chunk, want, BigInt(pos)); while (n < 0 && libc.errno() === E.EINTR);
    if (n < 0) raiseErrno();
    if (n === 0) break;
    for (let off = 0; off < n;) {
      const r = sendChunk(off === 0 ? chunk : chunk.subarray(off), n - off, total === 0 && off === 0);
      if (r < 0) {
        // non-blocking and full: what went is the count (pread again from there next time)
        if (r === -E.EAGAIN && total + off > 0) return total + off;
        throw new OSError(-r);
      }
      off += r;
    }
    total += n;
    pos += n;
  }
  return total;
}
