// `npm pack` of wasm/pkg installs into a fresh Node project (offline: the package has no
// dependencies) and works through require() and import, errors and README included.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pkgDir } from "./load-package.mjs";

let dir;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "tokensmith-pack-"));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

test("npm pack output installs and loads in a fresh project", () => {
  const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  npm(["pack", "--pack-destination", dir, "--silent"], pkgDir);
  const [tarball] = readdirSync(dir).filter((f) => f.endsWith(".tgz"));
  assert.ok(tarball, "npm pack wrote no tarball");
  const project = join(dir, "project");
  execFileSync("mkdir", ["-p", project]);
  writeFileSync(join(project, "package.json"), '{ "name": "probe", "private": true }\n');
  npm(["install", "--offline", "--no-audit", "--no-fund", join(dir, tarball)], project);
  const installed = readdirSync(join(project, "node_modules/tokensmith"));
  for (const name of ["README.md", "package.json", "node", "web"]) assert.ok(installed.includes(name), name);
  const script = `
    const cjs = require("tokensmith");
    import("tokensmith").then((esm) => {
      let err;
      try { cjs.patParse("tsm_x"); } catch (e) { err = e; }
      console.log(JSON.stringify({
        pat: /^tsm_[0-9A-Za-z]{36}$/.test(esm.generatePat("tsm")),
        sameClass: cjs.PatError === esm.PatError,
        instance: err instanceof esm.PatError && err instanceof esm.TokenError && err instanceof Error,
        code: err.code,
      }));
    });`;
  const out = JSON.parse(execFileSync("node", ["-e", script], { cwd: project, encoding: "utf8" }));
  assert.deepEqual(out, { pat: true, sameClass: true, instance: true, code: "pat_length" });
});
