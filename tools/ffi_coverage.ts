/**
 * `deno run --allow-read tools/ffi_coverage.ts TRACE`: checks that a test
 * run traced by `tools/ffi_trace.ts` called every foreign function of the
 * library's symbol tables (`ffi/symbols.ts`, `ffi/libssl.ts`) that the
 * library calls, and had native code invoke every callback type. Entries
 * called only on another OS or runtime are listed with the reason; entries
 * that nothing in src/ calls are listed as such. Exits 1 if a function the
 * library calls was not called by the run.
 *
 * @module
 */
import * as ssl from "../ffi/libssl.ts";
import * as sym from "../ffi/symbols.ts";
import type { SymbolSpec, SymbolTable } from "../ffi/types.ts";

const tables: Record<string, SymbolTable> = {
  "symbols (libc)": sym.symbols,
  linuxSymbols: sym.linuxSymbols,
  epollSymbols: sym.epollSymbols,
  epollWaitAsyncSymbols: sym.epollWaitAsyncSymbols,
  sslSymbols: ssl.sslSymbols,
  cryptoSymbols: ssl.cryptoSymbols,
};
const callbacks: Record<string, SymbolSpec> = {
  alpnSelectCallback: ssl.alpnSelectCallback,
  bioWriteCallback: ssl.bioWriteCallback,
  bioCtrlCallback: ssl.bioCtrlCallback,
  cookieGenerateCallback: ssl.cookieGenerateCallback,
  cookieVerifyCallback: ssl.cookieVerifyCallback,
};

const trace = Deno.args[0];
if (!trace) throw new Error("usage: tools/ffi_coverage.ts TRACE_FILE");
const called = new Set<string>();
for (const line of Deno.readTextFileSync(trace).split("\n")) {
  if (line) { for (const name of (JSON.parse(line) as { called: string[] }).called) called.add(name); }
}

/** Entries this run cannot call, and why: they are called on another OS or runtime. */
const elsewhere: Record<string, string> = {
  "symbols (libc).accept": "macOS only (Linux accepts with accept4)",
  "epollSymbols.epoll_wait": "Bun only (its epoll Worker blocks in it; Deno's reactor calls the nonblocking one)",
};

/** The library's own sources (src/), to tell a table entry nothing calls from one the tests missed. */
function sources(dir: URL): string {
  let all = "";
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) all += sources(new URL(`${e.name}/`, dir));
    else if (e.name.endsWith(".ts")) all += Deno.readTextFileSync(new URL(e.name, dir));
  }
  return all;
}
const src = sources(new URL("../src/", import.meta.url));
/** Whether src/ calls `name`: `x.name(` or a destructured `{ name } =`. */
const calledInSrc = (name: string) =>
  new RegExp(`\\.${name}\\s*\\(`).test(src) || new RegExp(`\\{[^}]*\\b${name}\\b[^}]*\\}\\s*=`).test(src);

const missed: string[] = [], skipped: string[] = [], unused: string[] = [];
let functions = 0, hit = 0;
for (const [table, entries] of Object.entries(tables)) {
  for (const [name, spec] of Object.entries(entries)) {
    functions++;
    const label = `${table}.${name}`;
    if (called.has(spec.nonblocking ? `${name} (nonblocking)` : name)) hit++;
    else if (elsewhere[label]) skipped.push(`${label}: ${elsewhere[label]}`);
    else if (!calledInSrc(name)) unused.push(label);
    else missed.push(label);
  }
}
let cbHit = 0;
for (const [name, spec] of Object.entries(callbacks)) {
  if (called.has(`callback (${spec.parameters.join(", ")}) -> ${spec.result}`)) cbHit++;
  else missed.push(`callback ${name}`);
}
console.log(
  `ffi coverage: ${hit} of ${functions} foreign functions called, ${cbHit} of ${
    Object.keys(callbacks).length
  } callback types invoked`,
);
if (skipped.length) console.log(`not called here, by design:\n  ${skipped.join("\n  ")}`);
if (unused.length) {
  console.log(`bound (dlopen resolves them) but called nowhere in src/:\n  ${unused.join("\n  ")}`);
}
if (missed.length) {
  console.log(`FAILED: called by the library but not by this run:\n  ${missed.join("\n  ")}`);
  Deno.exit(1);
}
