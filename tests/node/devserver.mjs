// Starts the dev token server (www/server) for the suites that talk to it (not a test file: no
// `.test.` in its name). Built once by cargo unless TOKENSMITH_DEVSERVER names an already built
// binary; started on an ephemeral 127.0.0.1 port, whose URL it prints as its first stdout line
// (docs/devserver.md).
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { repo } from "./load-package.mjs";

/** The dev server's binary: TOKENSMITH_DEVSERVER, else cargo's debug build (built now). */
export function devserverBinary() {
  const binary = process.env.TOKENSMITH_DEVSERVER;
  if (binary) return binary;
  execFileSync("cargo", ["build", "--quiet", "-p", "tokensmith-devserver"], { cwd: repo, stdio: "inherit" });
  return join(repo, "target/debug/tokensmith-devserver");
}

/**
 * Starts the dev server with `config` (a TOML text; its demo configuration when null) and the
 * extra command-line `args`. Returns `{ url, dir, stop() }`: `dir` is a fresh temporary folder
 * (holding the configuration) that `stop()` removes.
 */
export async function startDevServer({ config = null, args = [] } = {}) {
  const binary = devserverBinary();
  const dir = mkdtempSync(join(tmpdir(), "tokensmith-devserver-"));
  const all = ["--port", "0", ...args];
  if (config !== null) {
    writeFileSync(join(dir, "devserver.toml"), config);
    all.push("--config", join(dir, "devserver.toml"));
  }
  const child = spawn(binary, all, { stdio: ["ignore", "pipe", "ignore"] });
  const [url] = await once(createInterface({ input: child.stdout }), "line");
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  return {
    url,
    dir,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The dev-server configuration of the vendor suites: the TTM client, user alice, host tenant
 * `opshost` with `tenants` generated user tenants (100 per userTenants page).
 */
export function vendorConfig(tenants) {
  return `
realms = ["demo"]

[pat]
database = ":memory:"
prefix = "tsm"

[[clients]]
id = "ttm-client"
secret = "ttm secret: p@ss"
auth = "form-basic"

[[users]]
username = "alice"
password = "alice password"

[tenants]
host = "opshost"
users = []
generate = ${tenants}
`;
}
