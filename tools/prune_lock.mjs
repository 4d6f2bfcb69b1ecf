#!/usr/bin/env node
// The npm registry reachable from this project's machines carries only the
// linux-x64 builds of the runtimes' platform packages (@deno/*, @oven/bun-*,
// @dprint/*, @typescript/*). `npm install` leaves the others out of
// package-lock.json but keeps the edges to them, and `npm ci` then refuses the
// lock as out of sync. This drops those dangling optional edges so that
// `npm ci` installs exactly what the lock pins. Run it after `npm install`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
let removed = 0;
for (const entry of Object.values(lock.packages)) {
  for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
    if (!lock.packages[`node_modules/${dep}`]) {
      delete entry.optionalDependencies[dep];
      removed++;
    }
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`prune_lock: dropped ${removed} optional edges to packages absent from the lock`);
