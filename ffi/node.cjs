// What Node.js loads instead of mod.ts (package.json's "node" export
// condition; Bun and Deno match their own conditions first): the same refusal
// as ffi/runtime.ts's detectRuntime(), at import or require time. A plain
// CommonJS file, so that Node reaches it whatever its TypeScript support.
"use strict";
throw new Error(
  "usocket runs on Deno (with --allow-ffi) or on Bun: this runtime is Node.js. "
    + "It calls libc through Deno.dlopen or bun:ffi, which Node.js does not have.",
);
