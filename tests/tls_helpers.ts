// Certificates for the TLS tests, made by the `openssl` command in a
// temporary folder (removed at exit), and a connected pair of TLS sockets
// in one thread (the handshake driven without blocking on both ends).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import * as usocket from "../mod.ts";
import { slow } from "./helpers.ts";

const { ssl } = usocket;

/** The files and bytes of the test PKI. */
export interface Pki {
  dir: string;
  /** The CA certificate (PEM path, PEM bytes, DER bytes). */
  caFile: string;
  caPem: Uint8Array;
  caDer: Uint8Array;
  /** A server certificate for localhost, 127.0.0.1 and ::1, signed by the CA. */
  certFile: string;
  keyFile: string;
  certPem: Uint8Array;
  keyPem: Uint8Array;
  certDer: Uint8Array;
  keyDer: Uint8Array;
  /** Signed by the CA but expired. */
  expiredCert: string;
  expiredKey: string;
  /** Signed by the CA for another name (wrong.example) only. */
  wrongCert: string;
  wrongKey: string;
  /** A client certificate signed by the CA (mutual TLS). */
  clientCert: string;
  clientKey: string;
  /** Self-signed, not from the CA. */
  selfCert: string;
  selfKey: string;
}

function openssl(dir: string, args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8", timeout: 30000 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.error ?? ""}${r.stderr}`);
}

let pki: Pki | undefined;

/**
 * `openssl s_client` arguments that connect to 127.0.0.1:`port` and verify
 * the server against `caFile` for `localhost` (failing on any verification
 * error), then `extra`.
 */
export function sClientArgs(port: number, caFile: string, ...extra: string[]): string[] {
  return [
    "s_client",
    "-connect",
    `127.0.0.1:${port}`,
    "-CAfile",
    caFile,
    "-verify_return_error",
    "-verify_hostname",
    "localhost",
    ...extra,
  ];
}

/** The test PKI, made once per process with the `openssl` command. */
export function testPki(): Pki {
  if (pki) return pki;
  const dir = mkdtempSync(join(tmpdir(), "usocket-tls-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "3",
    "-subj",
    "/CN=usocket test CA",
  ]);
  const leaf = (name: string, cn: string, san: string, usage: string, days: string[]) => {
    openssl(dir, ["req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`]);
    writeFileSync(join(dir, `${name}.ext`), `${san}basicConstraints=CA:FALSE\nextendedKeyUsage=${usage}\n`);
    openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      ...days,
      "-extfile",
      `${name}.ext`,
    ]);
  };
  leaf("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n", "serverAuth", ["-days", "3"]);
  leaf("wrong", "wrong.example", "subjectAltName=DNS:wrong.example\n", "serverAuth", ["-days", "3"]);
  leaf("client", "usocket client", "", "clientAuth", ["-days", "3"]);
  // expired: valid for one day, ten days ago (x509 -not_before/-not_after need 3.4; -days with a past start via ca is heavy)
  openssl(dir, ["req", ...ec, "-keyout", "expired.key", "-out", "expired.csr", "-subj", "/CN=localhost"]);
  writeFileSync(join(dir, "expired.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(
    join(dir, "ca.cnf"),
    [
      "[ca]",
      "default_ca=test",
      "[test]",
      `dir=${dir}`,
      "database=$dir/index.txt",
      "new_certs_dir=$dir",
      "certificate=$dir/ca.pem",
      "private_key=$dir/ca.key",
      "serial=$dir/ca.srl",
      "default_md=sha256",
      "policy=any",
      "email_in_dn=no",
      "[any]",
      "commonName=supplied",
      "",
    ].join("\n"),
  );
  openssl(dir, [
    "ca",
    "-batch",
    "-config",
    "ca.cnf",
    "-in",
    "expired.csr",
    "-out",
    "expired.pem",
    "-startdate",
    "20200101000000Z",
    "-enddate",
    "20200102000000Z",
    "-extfile",
    "expired.ext",
    "-notext",
  ]);
  openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "self.key",
    "-out",
    "self.pem",
    "-days",
    "3",
    "-subj",
    "/CN=localhost",
  ]);
  openssl(dir, ["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"]);
  openssl(dir, ["x509", "-in", "server.pem", "-outform", "DER", "-out", "server.der"]);
  openssl(dir, ["pkey", "-in", "server.key", "-outform", "DER", "-out", "server.key.der"]);
  const f = (n: string) => join(dir, n);
  const read = (n: string) => new Uint8Array(readFileSync(f(n)));
  pki = {
    dir,
    caFile: f("ca.pem"),
    caPem: read("ca.pem"),
    caDer: read("ca.der"),
    certFile: f("server.pem"),
    keyFile: f("server.key"),
    certPem: read("server.pem"),
    keyPem: read("server.key"),
    certDer: read("server.der"),
    keyDer: read("server.key.der"),
    expiredCert: f("expired.pem"),
    expiredKey: f("expired.key"),
    wrongCert: f("wrong.pem"),
    wrongKey: f("wrong.key"),
    clientCert: f("client.pem"),
    clientKey: f("client.key"),
    selfCert: f("self.pem"),
    selfKey: f("self.key"),
  };
  return pki;
}

/** Runs `step` until it stops raising SSLWantReadError/SSLWantWriteError; true when it completed. */
function stepped(step: () => void): boolean {
  try {
    step();
    return true;
  } catch (e) {
    if (e instanceof ssl.SSLWantReadError || e instanceof ssl.SSLWantWriteError) return false;
    throw e;
  }
}

/**
 * A connected pair of TLS sockets over `pair` (default: an AF_UNIX
 * socketpair), client first, the client verifying the server against the
 * test CA for `localhost`. The handshake is driven on both ends without
 * blocking, in this thread; both end up blocking. `setup` may change both
 * contexts first.
 */
export function tlsPair(
  pair: () => [usocket.Socket, usocket.Socket] = () => usocket.socketpair(),
  setup?: (client: usocket.ssl.SSLContext, server: usocket.ssl.SSLContext) => void,
): [usocket.ssl.SSLSocket, usocket.ssl.SSLSocket] {
  const p = testPki();
  const [x, y] = pair();
  const cctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  cctx.load_verify_locations({ cafile: p.caFile });
  const sctx = new ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);
  sctx.load_cert_chain(p.certFile, p.keyFile);
  setup?.(cctx, sctx);
  x.setblocking(false);
  y.setblocking(false);
  const c = cctx.wrap_socket(x, { server_hostname: "localhost", do_handshake_on_connect: false });
  const s = sctx.wrap_socket(y, { server_side: true, do_handshake_on_connect: false });
  let cDone = false, sDone = false;
  for (let i = 0; i < 100 && !(cDone && sDone); i++) {
    if (!cDone) cDone = stepped(() => c.do_handshake());
    if (!sDone) sDone = stepped(() => s.do_handshake());
  }
  if (!(cDone && sDone)) throw new Error("the in-thread TLS handshake did not finish in 100 rounds");
  c.setblocking(true);
  s.setblocking(true);
  return [c, s];
}

/** Children still running: killed when this process exits, whatever ended it (a failed or timed-out test). */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of running) c.kill("SIGKILL");
});

/** A child process whose output is collected; `line(re)` waits (bounded) for a matching line. */
export class Child {
  readonly proc: ChildProcess;
  out = "";
  #waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;
  /** Resolves once the input is handed to the child (Bun writes pipes from its event loop, not at once). */
  readonly written: Promise<void>;
  /**
   * `input` goes to the child's stdin, which then ends, or with `keepOpen`
   * stays open until the child exits (some peers quit, or stall, at its end).
   */
  constructor(cmd: string, args: string[], env: Record<string, string> = {}, input?: string, keepOpen = false) {
    this.proc = spawn(cmd, args, {
      env: { ...process.env, ...env },
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const on = (d: Buffer) => {
      this.out += d.toString();
      for (const w of this.#waiters.splice(0)) w();
    };
    this.proc.stdout!.on("data", on);
    this.proc.stderr!.on("data", on);
    // "close": the process exited and its pipes are closed (their descriptors too)
    running.add(this.proc);
    this.exited = new Promise((resolve) =>
      this.proc.on("close", (code) => {
        running.delete(this.proc);
        resolve(code);
      })
    );
    this.written = new Promise((r) =>
      input === undefined
        ? r()
        : keepOpen
        ? this.proc.stdin!.write(input, () => r())
        : this.proc.stdin!.end(input, () => r())
    );
    // bounds on how long a child may take: times helpers.slow under emulation
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 30000 * slow);
    this.exited.then(() => clearTimeout(timer));
  }
  async line(re: RegExp, ms = 10000 * slow): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.out.match(re);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${re} in child output within ${ms} ms:\n${this.out}`);
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
  /** Waits for the exit (bounded); returns the output. */
  async done(): Promise<string> {
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 15000 * slow);
    await this.exited;
    clearTimeout(t);
    return this.out;
  }
  kill(): void {
    this.proc.kill("SIGKILL");
  }
}
