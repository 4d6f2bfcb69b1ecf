// The main job: `npm run demo` runs examples/demo.ts; here it runs on this runtime.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runScript } from "./helpers.ts";

test("examples/demo.ts runs to completion over loopback and exits 0", () => {
  const r = runScript(new URL("../examples/demo.ts", import.meta.url).pathname, [], { timeoutMs: 60000 });
  assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /\[tcp\] send\(\) -> 19 bytes; recv\(64\) -> "hello from usocket\\n"/);
  assert.match(r.stdout, /readline\(\) -> "line two\\n"/);
  assert.match(r.stdout, /\[udp\] sendto\/recvfrom: "ping" .* reply "pong"/);
  assert.match(r.stdout, /HTTP\/1\.1 200 OK/);
  assert.match(r.stdout, /all steps succeeded/);
});
