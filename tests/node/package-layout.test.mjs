// The package layout of the size work (docs/benchmarks.md "npm package size"): one .wasm shared
// by both entries; the Node entry is initialised on load.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadFlavours, pkgDir } from "./load-package.mjs";

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

test("the package holds one .wasm, which both entries use", () => {
  const wasm = files(pkgDir).filter((f) => f.endsWith(".wasm"));
  assert.deepEqual(wasm, [join(pkgDir, "web/tokensmith_bg.wasm")]);
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  assert.equal(manifest.exports["."].node.default, "./node/tokensmith.js");
  assert.match(readFileSync(join(pkgDir, "node/tokensmith.js"), "utf8"), /\.\.\/web\/tokensmith_bg\.wasm/);
});

test("the Node entry works without init, through require() and import", async () => {
  const esm = await import(pathToFileURL(join(pkgDir, "node/tokensmith.js")).href);
  for (const [name, lib] of [["require (node condition)", loaded.flavours["require (node condition)"]], ["import", esm]]) {
    assert.match(lib.generatePat("tsm"), /^tsm_/, name);
    assert.equal(lib.basicAuthorization("a", "b"), "Basic YTpi", name);
    // Nothing to initialise: the Node entry has no default (init) export.
    assert.equal(lib.default, undefined, name);
  }
});
