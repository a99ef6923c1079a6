// Loads the built npm package (wasm/pkg, `just build-wasm`) the three ways users get it: require()
// and import through its package.json `exports` (node condition, from a throwaway project with
// node_modules/tokensmith -> wasm/pkg) and the web flavour (ES module, initialised from bytes).
// Not a test file itself (no `.test.` in the name): the suites import it.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const pkgDir = join(repo, "wasm/pkg");

export function vectors(name) {
  return JSON.parse(readFileSync(join(repo, "tests/vectors", name), "utf8"));
}

/** `{ flavours: { name: module }, cleanup() }` for the three ways of loading the package. */
export async function loadFlavours() {
  const project = mkdtempSync(join(tmpdir(), "tokensmith-node-test-"));
  mkdirSync(join(project, "node_modules"));
  symlinkSync(pkgDir, join(project, "node_modules/tokensmith"), "dir");
  const cjs = createRequire(join(project, "probe.cjs"))("tokensmith");
  writeFileSync(join(project, "probe.mjs"), 'export * from "tokensmith";\n');
  const esm = await import(pathToFileURL(join(project, "probe.mjs")).href);
  const web = await import(pathToFileURL(join(pkgDir, "web/tokensmith.js")).href);
  await web.default({ module_or_path: readFileSync(join(pkgDir, "web/tokensmith_bg.wasm")) });
  return {
    flavours: { "require (node condition)": cjs, "import (node condition)": esm, "web build": web },
    cleanup: () => rmSync(project, { recursive: true, force: true }),
  };
}

/** Runs `call` (sync or async) and returns what it threw or rejected with. */
export async function thrownBy(call) {
  try {
    await call();
  } catch (err) {
    return err;
  }
  return undefined;
}
