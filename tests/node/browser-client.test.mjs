// The web build in headless Chromium (playwright-core, Debian's Chromium) loaded by a plain page
// without a bundler: TokenClient gets a token from a token endpoint on the page's own origin
// (concurrent calls → one request), verifyJwt checks RS256/ES256/EdDSA vectors with Chromium's
// WebCrypto, and the error classes are instanceof-checkable there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { launchChromium } from "./chromium.mjs";
import { pkgDir, vectors } from "./load-package.mjs";

const jwt = vectors("jwt.json");
const MIME = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
const PAGE = `<!doctype html><title>tokensmith</title>
<script type="module">
  import init, * as lib from "/web/tokensmith.js";
  await init();
  window.lib = lib;
  window.ready = true;
</script>`;

let server;
let origin;
let browser;
let tokenRequests = [];

before(async () => {
  server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://localhost").pathname;
    if (path === "/") {
      res.writeHead(200, { "content-type": MIME[".html"] }).end(PAGE);
      return;
    }
    if (path === "/token") {
      let body = "";
      for await (const chunk of req) body += chunk;
      tokenRequests.push({ headers: req.headers, body: new URLSearchParams(body) });
      await new Promise((r) => setTimeout(r, 30));
      const n = tokenRequests.length;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ access_token: `browser-at-${n}-abcdefgh`, token_type: "Bearer", expires_in: 600 }));
      return;
    }
    const file = normalize(join(pkgDir, path));
    if (!file.startsWith(pkgDir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" }).end(body);
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

async function openPage() {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.ready === true);
  return page;
}

test("TokenClient in a plain page: 20 concurrent calls, one token request", async () => {
  tokenRequests = [];
  const page = await openPage();
  const result = await page.evaluate(async (tokenUrl) => {
    const client = new window.lib.TokenClient({ tokenUrl, clientId: "web app", clientSecret: "s&cret", scope: ["a"] });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.token()));
    return {
      distinct: new Set(tokens.map((t) => t.accessToken)).size,
      accessToken: tokens[0].accessToken,
      isToken: tokens[0] instanceof window.lib.Token,
      json: JSON.stringify(tokens[0]),
      expiresIn: tokens[0].expiresIn,
    };
  }, `${origin}/token`);
  assert.equal(tokenRequests.length, 1);
  assert.equal(result.distinct, 1);
  assert.equal(result.accessToken, "browser-at-1-abcdefgh");
  assert.ok(result.isToken);
  assert.ok(!result.json.includes("browser-at-1"), result.json);
  assert.ok(result.expiresIn > 590 && result.expiresIn <= 600);
  assert.equal(tokenRequests[0].body.get("grant_type"), "client_credentials");
  assert.ok(tokenRequests[0].headers.authorization.startsWith("Basic "));
  await page.close();
});

test("verifyJwt with Chromium's WebCrypto, and the error classes", async () => {
  const page = await openPage();
  const cases = jwt.cases.filter((c) => c.keys === "jwks");
  const results = await page.evaluate(
    async ({ cases, jwks, now }) => {
      const { verifyJwt, JwtError, TokenError } = window.lib;
      const out = [];
      for (const c of cases) {
        try {
          const v = c.validation;
          await verifyJwt(c.token, jwks, {
            algorithms: v.algorithms,
            issuer: v.issuer,
            audience: v.audience,
            allowMissingExpInsecure: v.allow_missing_exp_insecure,
            currentDate: new Date(now * 1000),
          });
          out.push({ ok: true });
        } catch (err) {
          out.push({ code: err.code, jwt: err instanceof JwtError, base: err instanceof TokenError, name: err.name });
        }
      }
      return out;
    },
    { cases, jwks: jwt.jwks, now: jwt.now },
  );
  assert.ok(cases.length >= 30);
  cases.forEach((c, i) => {
    const r = results[i];
    if (c.expect.ok) {
      assert.deepEqual(r, { ok: true }, c.name);
    } else {
      assert.deepEqual(r, { code: c.expect.error, jwt: true, base: true, name: "JwtError" }, c.name);
    }
  });
  await page.close();
});
