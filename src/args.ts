/**
 * Argument checks shared by every public function and method: integers,
 * byte views of the caller's data, the name of a value's type for messages,
 * and the surplus-argument check. Each throws a `TypeError` or `RangeError`
 * that names the argument, before any syscall.
 *
 * @module
 */

const encoder = new TextEncoder();

/** The type of `v` for an error message: `"null"`, `"array"`, a class name (`"Uint8Array"`), or `typeof`. */
export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

/**
 * Checks that `v` is an integer in `[min, max]` (TypeError when it is not a
 * number, RangeError otherwise, both naming `name`) and returns it, with -0
 * as 0 (Deno's FFI refuses -0 as an integer argument).
 */
export function int(v: unknown, name: string, min = -0x80000000, max = 0x7fffffff): number {
  if (typeof v !== "number") throw new TypeError(`${name} must be a number, got ${typeName(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) {
    const range = max >= Number.MAX_SAFE_INTEGER
      ? (min <= -Number.MAX_SAFE_INTEGER ? "" : ` >= ${min}`)
      : ` ${min}-${max}`;
    throw new RangeError(`${name} must be an integer${range}, got ${v}`);
  }
  return v + 0; // -0 + 0 is +0
}

const ORDINAL = ["0th", "1st", "2nd", "3rd"];

/**
 * Refuses arguments past the `max` a function takes, so that a call that
 * passes more (a MicroPython or CPython form this module does not have, or a
 * slip) fails instead of silently ignoring them. `got` is `arguments.length`;
 * `signature` is the function as documented, e.g. `"Socket.recv(bufsize, flags)"`.
 */
export function surplus(got: number, max: number, signature: string): never {
  const nth = ORDINAL[max + 1] ?? `${max + 1}th`;
  throw new TypeError(
    `${signature} takes at most ${max} argument${max === 1 ? "" : "s"}, got ${got}: `
      + `the ${nth} and later have no meaning here`,
  );
}

/** Refuses a detached buffer: its views read as empty, which would send nothing or look like EOF. */
export function notDetached<T extends ArrayBufferView>(view: T, name: string): T {
  if (view.byteLength === 0 && (view.buffer as ArrayBuffer).detached) {
    throw new TypeError(`${name} is a detached buffer (its ArrayBuffer was transferred)`);
  }
  return view;
}

/** Views `data` as bytes without copying (strings are encoded as UTF-8). */
export function bytesOf(data: unknown, name: string): Uint8Array {
  if (data instanceof Uint8Array) return notDetached(data, name);
  if (typeof data === "string") return encoder.encode(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(notDetached(data, name).buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) {
    if (data.detached) throw new TypeError(`${name} is a detached buffer (its ArrayBuffer was transferred)`);
    return new Uint8Array(data);
  }
  throw new TypeError(`${name} must be a string, an ArrayBufferView or an ArrayBuffer, got ${typeName(data)}`);
}

/** A writable byte view of a caller's buffer (no copy). */
export function bufferOf(buf: unknown, name: string): Uint8Array {
  if (buf instanceof Uint8Array) return notDetached(buf, name);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(notDetached(buf, name).buffer, buf.byteOffset, buf.byteLength);
  if (buf instanceof ArrayBuffer) {
    if (buf.detached) throw new TypeError(`${name} is a detached buffer (its ArrayBuffer was transferred)`);
    return new Uint8Array(buf);
  }
  throw new TypeError(`${name} must be an ArrayBufferView or an ArrayBuffer, got ${typeName(buf)}`);
}

/**
 * Checks an options object (CPython's keyword arguments): `undefined` is `{}`,
 * anything but a plain object is a TypeError, and so is a key not in `known`,
 * named in the message (a misspelt option must not be silently ignored).
 */
export function options<T extends object>(v: T | undefined, name: string, known: readonly string[]): Partial<T> {
  if (v === undefined) return {};
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new TypeError(`${name} must be an object of options (${known.join(", ")}), got ${typeName(v)}`);
  }
  for (const key of Object.keys(v)) {
    if (!known.includes(key)) {
      throw new TypeError(`${name}: unknown option ${JSON.stringify(key)}; the options are ${known.join(", ")}`);
    }
  }
  return v;
}
