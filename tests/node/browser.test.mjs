// Loads the built web flavour of the npm package (wasm/pkg/web, after wasm-opt) in headless
// Chromium the way a page would, `init()` fetching the .wasm over HTTP, and replays
// tests/vectors/encoding.json there. (The wasm-bindgen-test browser run uses its own glue; this
// covers the shipped files.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./chromium.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const pkgDir = join(repo, "wasm/pkg");
const vectors = JSON.parse(await readFile(join(repo, "tests/vectors/encoding.json"), "utf8"));

const MIME = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

let server;
let origin;
let browser;

before(async () => {
  server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://localhost").pathname;
    const file = path === "/" ? null : normalize(join(pkgDir, path));
    if (file === null) {
      res.writeHead(200, { "content-type": MIME[".html"] }).end("<!doctype html><title>t</title>");
      return;
    }
    if (!file.startsWith(pkgDir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test("web build replays the encoding vectors in Chromium", async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  const results = await page.evaluate(async (vectors) => {
    const lib = await import("/web/tokensmith.js");
    await lib.default();
    const run = (call) => {
      try {
        return { value: call() };
      } catch (err) {
        return { isError: err instanceof Error, name: err.name, code: err.code, message: err.message };
      }
    };
    return {
      basic: vectors.basic.map((c) => run(() => lib.basicAuthorization(c.client_id, c.client_secret, c.encoding))),
      space: vectors.space_auth_key.map((c) => run(() => lib.spaceAuthKey(c.client_id, c.client_secret))),
    };
  }, vectors);
  const cases = [
    ...vectors.basic.map((c, i) => [c, results.basic[i]]),
    ...vectors.space_auth_key.map((c, i) => [c, results.space[i]]),
  ];
  assert.ok(cases.length >= 30);
  for (const [c, r] of cases) {
    if ("error" in c) {
      assert.deepEqual([r.isError, r.name, r.code], [true, "InputError", c.error], c.name);
      if (c.client_secret) assert.ok(!r.message.includes(c.client_secret), c.name);
    } else {
      assert.equal(r.value, c.expected, c.name);
    }
  }
});
