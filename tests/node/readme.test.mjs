// The JavaScript quick-start in README.md runs against the built package (`just build-wasm`),
// installed by name, gets tokens from the real dev server, and prints what its comments say.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

// The dev server (demo configuration) on an ephemeral port; its first stdout line is its URL.
async function startDevserver() {
  execFileSync("cargo", ["build", "--quiet", "-p", "tokensmith-devserver"], { cwd: repo, stdio: "inherit" });
  const child = spawn(join(repo, "target/debug/tokensmith-devserver"), ["--port", "0"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [url] = await once(createInterface({ input: child.stdout }), "line");
  return { url, child };
}

test("README JavaScript snippet runs", async () => {
  const { url, child } = await startDevserver();
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, 1);
  const project = mkdtempSync(join(tmpdir(), "tokensmith-readme-"));
  try {
    mkdirSync(join(project, "node_modules"));
    symlinkSync(join(repo, "wasm/pkg"), join(project, "node_modules/tokensmith"), "dir");
    writeFileSync(join(project, "main.mjs"), blocks[0]);
    const out = execFileSync(process.execPath, [join(project, "main.mjs")], {
      encoding: "utf8",
      env: { ...process.env, TOKENSMITH_URL: url },
    });
    assert.deepEqual(out.trim().split("\n"), [
      "Bearer [ 'ingr.api' ] true",
      "true",
      "false",
      "true invalid_client 401",
      "Basic bXklM0FjbGllbnQ6cCU0MHNzK3clMkJyZCUyNSUyRiVDMyVBOQ==",
    ]);
  } finally {
    child.kill();
    rmSync(project, { recursive: true, force: true });
  }
});
