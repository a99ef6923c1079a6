// The JavaScript quick-start in README.md runs against the built package (`just build-wasm`),
// installed by name, and prints what its comments say.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

test("README JavaScript snippet runs", () => {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, 1);
  const project = mkdtempSync(join(tmpdir(), "tokensmith-readme-"));
  try {
    mkdirSync(join(project, "node_modules"));
    symlinkSync(join(repo, "wasm/pkg"), join(project, "node_modules/tokensmith"), "dir");
    writeFileSync(join(project, "main.mjs"), blocks[0]);
    const out = execFileSync(process.execPath, [join(project, "main.mjs")], { encoding: "utf8" });
    assert.deepEqual(out.trim().split("\n"), [
      "Basic bXklM0FjbGllbnQ6cCU0MHNzK3clMkJyZCUyNSUyRiVDMyVBOQ==",
      "true TokenError colon_in_client_id",
    ]);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
