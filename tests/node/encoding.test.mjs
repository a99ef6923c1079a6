// Replays tests/vectors/encoding.json against the built npm package in wasm/pkg (`just build-wasm`),
// resolved by name through its package.json `exports`, as an installed dependency would be.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const pkgDir = join(repo, "wasm/pkg");
const vectors = JSON.parse(readFileSync(join(repo, "tests/vectors/encoding.json"), "utf8"));

// A throwaway project with node_modules/tokensmith -> wasm/pkg, so that `require("tokensmith")`
// and `import "tokensmith"` go through the package's conditional exports.
let project;
let cjs;
let esm;
let web;

before(async () => {
  project = mkdtempSync(join(tmpdir(), "tokensmith-node-test-"));
  mkdirSync(join(project, "node_modules"));
  symlinkSync(pkgDir, join(project, "node_modules/tokensmith"), "dir");
  cjs = createRequire(join(project, "probe.cjs"))("tokensmith");
  writeFileSync(join(project, "probe.mjs"), 'export * from "tokensmith";\n');
  esm = await import(pathToFileURL(join(project, "probe.mjs")).href);
  // The browser flavour (ES module, wasm-bindgen --target web), initialised from bytes.
  web = await import(pathToFileURL(join(pkgDir, "web/tokensmith.js")).href);
  await web.default({ module_or_path: readFileSync(join(pkgDir, "web/tokensmith_bg.wasm")) });
});

after(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

// Expected header value, or a thrown Error carrying the expected code and not the secret.
function check(testCase, call) {
  if ("error" in testCase) {
    let thrown;
    try {
      call();
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof Error, "throws an Error");
    // Caller input (core's input family): an InputError, as in Python.
    assert.equal(thrown.name, "InputError");
    assert.equal(thrown.code, testCase.error);
    if (testCase.client_secret) {
      assert.ok(!thrown.message.includes(testCase.client_secret), "message leaks the secret");
      assert.ok(!String(thrown.stack).includes(testCase.client_secret), "stack leaks the secret");
    }
  } else {
    assert.equal(call(), testCase.expected);
  }
}

const flavours = {
  "require (node condition)": () => cjs,
  "import (node condition)": () => esm,
  "web build": () => web,
};

for (const [flavour, lib] of Object.entries(flavours)) {
  describe(flavour, () => {
    for (const c of vectors.basic) {
      test(`basicAuthorization: ${c.name}`, () => {
        check(c, () => lib().basicAuthorization(c.client_id, c.client_secret, c.encoding));
      });
    }
    for (const c of vectors.basic.filter((c) => c.encoding === "form")) {
      test(`basicAuthorization defaults to form: ${c.name}`, () => {
        check(c, () => lib().basicAuthorization(c.client_id, c.client_secret));
      });
    }
    for (const c of vectors.space_auth_key) {
      test(`spaceAuthKey: ${c.name}`, () => {
        check(c, () => lib().spaceAuthKey(c.client_id, c.client_secret));
      });
    }
    test("an unknown encoding is invalid_input", () => {
      assert.throws(() => lib().basicAuthorization("id", "secret", "base64"), {
        name: "InputError",
        code: "invalid_input",
      });
    });
  });
}

test("vector groups are not empty", () => {
  assert.ok(vectors.basic.length >= 20);
  assert.ok(vectors.space_auth_key.length >= 10);
});

test("package.json exports point at files that exist", () => {
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  assert.equal(manifest.name, "tokensmith");
  const targets = [manifest.main, manifest.types, manifest.module];
  for (const condition of Object.values(manifest.exports["."])) {
    targets.push(condition.types, condition.default);
  }
  for (const target of targets) {
    assert.ok(readFileSync(join(pkgDir, target)).length > 0, target);
  }
});
