// TokenClient of the built package against a token endpoint started here on 127.0.0.1:0 that
// counts requests: single flight (100 concurrent cold calls → 1 request), caching, client
// authentication with special characters, OAuth errors, transport errors and timeouts.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { inspect } from "node:util";
import { loadFlavours, thrownBy } from "./load-package.mjs";

const CLIENT_ID = "svc:reporting/ü";
const CLIENT_SECRET = "s3cr&t=+/%: pass";

let loaded;
let server;
let base;
// Access tokens the API route treats as revoked (401 invalid_token).
const rejected = new Set();
// What the endpoint saw, and what it answers next: replaced by each test.
let requests = [];
let answer = () => ({ status: 200, body: tokenBody() });
let issued = 0;

function tokenBody(extra = {}) {
  issued += 1;
  return JSON.stringify({ access_token: `at-${issued}-${"x".repeat(24)}`, token_type: "Bearer", expires_in: 3600, ...extra });
}

before(async () => {
  loaded = await loadFlavours();
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      if (req.url.startsWith("/api")) {
        const presented = (req.headers.authorization ?? "").replace(/^Bearer /, "");
        if (!presented || rejected.has(presented)) {
          res.writeHead(401, { "www-authenticate": 'Bearer realm="api", error="invalid_token"' }).end();
        } else {
          res.writeHead(200, { "content-type": "text/plain" }).end(`hello ${req.headers["x-extra"] ?? ""}`);
        }
        return;
      }
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: new URLSearchParams(body) });
      const { status, body: out, delayMs = 0, headers = {} } = answer();
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(out);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  loaded?.cleanup();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

function reset(next) {
  requests = [];
  answer = next ?? (() => ({ status: 200, body: tokenBody() }));
}

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];
    const client = (options = {}) =>
      new (lib().TokenClient)({
        tokenUrl: `${base}/token`,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scope: "read write",
        ...options,
      });

    test("100 concurrent cold calls send one request and share its token", async () => {
      reset(() => ({ status: 200, body: tokenBody(), delayMs: 30 }));
      const c = client();
      const tokens = await Promise.all(Array.from({ length: 100 }, () => c.clientCredentials()));
      assert.equal(requests.length, 1);
      assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
      assert.ok(tokens[0] instanceof lib().Token);
      const stats = c.cacheStats();
      assert.equal(stats.fetches, 1);
      assert.ok(stats.coalesced >= 99, JSON.stringify(stats));
    });

    test("a cached token is served without a request; another scope is another key", async () => {
      reset();
      const c = client();
      const first = await c.token();
      const second = await c.clientCredentials();
      assert.equal(requests.length, 1);
      assert.equal(second.accessToken, first.accessToken);
      // token() answers from its memo of core's answer: the same object, no request.
      const memoA = await c.token();
      assert.equal(await c.token(), memoA);
      assert.equal(memoA.accessToken, first.accessToken);
      assert.equal(requests.length, 1);
      const other = await c.clientCredentials({ scope: ["admin"] });
      assert.equal(requests.length, 2);
      assert.notEqual(other.accessToken, first.accessToken);
      assert.equal(requests[1].body.get("scope"), "admin");
    });

    test("client_secret_basic: RFC 6749 §2.3.1 form-encoding inside Basic, scope in the body", async () => {
      reset();
      await client().token();
      const [req] = requests;
      assert.equal(req.method, "POST");
      assert.equal(req.url, "/token");
      assert.equal(req.body.get("grant_type"), "client_credentials");
      assert.equal(req.body.get("scope"), "read write");
      assert.equal(req.body.get("client_secret"), null);
      const decoded = Buffer.from(req.headers.authorization.replace(/^Basic /, ""), "base64").toString();
      const [id, secret] = decoded.split(":").map((part) => decodeURIComponent(part.replace(/\+/g, " ")));
      assert.equal(id, CLIENT_ID);
      assert.equal(secret, CLIENT_SECRET);
    });

    test("client_secret_post and the password grant", async () => {
      reset();
      const c = client({ auth: "client_secret_post" });
      const token = await c.password("alice@example.com", "p@ss wörd&=", { scope: "profile" });
      assert.equal(typeof token.accessToken, "string");
      const [req] = requests;
      assert.equal(req.headers.authorization, undefined);
      assert.equal(req.body.get("grant_type"), "password");
      assert.equal(req.body.get("username"), "alice@example.com");
      assert.equal(req.body.get("password"), "p@ss wörd&=");
      assert.equal(req.body.get("client_id"), CLIENT_ID);
      assert.equal(req.body.get("client_secret"), CLIENT_SECRET);
      assert.equal(req.body.get("scope"), "profile");
    });

    test("an OAuth error rejects with OAuthError, every waiter gets it, no secret in it", async () => {
      reset(() => ({
        status: 401,
        body: JSON.stringify({ error: "invalid_client", error_description: "bad credentials" }),
        delayMs: 20,
      }));
      const c = client();
      const errors = await Promise.all(Array.from({ length: 5 }, () => thrownBy(() => c.token())));
      assert.equal(requests.length, 1);
      for (const err of errors) {
        assert.ok(err instanceof lib().OAuthError, String(err));
        assert.ok(err instanceof lib().TokenError);
        assert.equal(err.code, "invalid_client");
        assert.equal(err.status, 401);
        assert.equal(err.description, "bad credentials");
        for (const text of [err.message, String(err.stack), inspect(err)]) {
          assert.ok(!text.includes(CLIENT_SECRET), "leaks the client secret");
        }
      }
    });

    test("connection refused is a TransportError", async () => {
      reset();
      const closed = createServer();
      await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = closed.address().port;
      await new Promise((resolve) => closed.close(resolve));
      const c = client({ tokenUrl: `http://127.0.0.1:${port}/token` });
      const err = await thrownBy(() => c.token());
      assert.ok(err instanceof lib().TransportError, String(err));
      assert.equal(err.code, "transport_connect");
    });

    test("timeoutMs aborts a slow request with transport_timeout", async () => {
      reset(() => ({ status: 200, body: tokenBody(), delayMs: 2000 }));
      const c = client({ timeoutMs: 100 });
      const started = Date.now();
      const err = await thrownBy(() => c.token());
      assert.ok(err instanceof lib().TransportError, String(err));
      assert.equal(err.code, "transport_timeout");
      assert.ok(Date.now() - started < 1500, "the timeout did not abort the request");
    });

    test("fetch adds Authorization, keeps the caller's headers, retries once after invalid_token", async () => {
      reset();
      const c = client();
      const ok = await c.fetch(`${base}/api/data`, { headers: { "X-Extra": "kept" } });
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), "hello kept");
      assert.equal(requests.length, 1);
      // The server revokes the cached token: the next call gets 401, forces one new token and
      // retries once.
      const first = await c.token();
      rejected.add(first.accessToken);
      const retried = await c.fetch(`${base}/api/data`);
      assert.equal(retried.status, 200);
      assert.equal(requests.length, 2);
      const second = await c.token();
      assert.notEqual(second.accessToken, first.accessToken);
      // A 401 that persists is handed back after one retry, not looped on.
      reset(() => ({ status: 200, body: JSON.stringify({ access_token: "always-rejected", token_type: "Bearer", expires_in: 3600 }) }));
      rejected.add("always-rejected");
      const stuck = await client().fetch(`${base}/api/data`);
      assert.equal(stuck.status, 401);
      assert.equal(requests.length, 2);
    });

    test("refresh and revoke", async () => {
      reset((n = requests.at(-1)) =>
        n.url === "/revoke" ? { status: 200, body: "" } : { status: 200, body: tokenBody({ refresh_token: "rt-next" }) },
      );
      const c = client({ revocationUrl: `${base}/revoke` });
      const refreshed = await c.refresh("rt-first", { scope: "read" });
      assert.equal(refreshed.refreshToken, "rt-next");
      assert.equal(requests[0].body.get("grant_type"), "refresh_token");
      assert.equal(requests[0].body.get("refresh_token"), "rt-first");
      assert.equal(requests[0].body.get("scope"), "read");
      assert.equal(await c.revoke("rt-next", { hint: "refresh_token" }), undefined);
      assert.equal(requests[1].url, "/revoke");
      assert.equal(requests[1].body.get("token"), "rt-next");
      assert.equal(requests[1].body.get("token_type_hint"), "refresh_token");
      assert.ok(requests[1].headers.authorization.startsWith("Basic "));
      reset(() => ({ status: 400, body: JSON.stringify({ error: "unsupported_token_type" }) }));
      const err = await thrownBy(() => c.revoke("x"));
      assert.ok(err instanceof lib().OAuthError);
      assert.equal(err.code, "unsupported_token_type");
      const noUrl = await thrownBy(() => client().revoke("x"));
      assert.equal(noUrl.code, "invalid_input");
    });

    test("exportCache / importCache: secrets only when asked; a corrupted export throws", async () => {
      reset();
      const a = client();
      const token = await a.token();
      const redacted = a.exportCache();
      assert.ok(!redacted.includes(token.accessToken), "export without includeSecrets leaks the token");
      const full = a.exportCache({ includeSecrets: true });
      assert.ok(full.includes(token.accessToken));
      const b = client();
      assert.deepEqual({ ...b.importCache(redacted) }, { imported: 0, skipped: 1 });
      assert.deepEqual({ ...b.importCache(full) }, { imported: 1, skipped: 0 });
      assert.equal((await b.token()).accessToken, token.accessToken);
      assert.equal(requests.length, 1);
      const err = await thrownBy(() => b.importCache(full.slice(0, -5)));
      assert.ok(err instanceof lib().TokenError, String(err));
      assert.equal(typeof err.code, "string");
      assert.ok(!err.message.includes(token.accessToken));
    });

    test("a custom fetch is used, and bad options are refused", async () => {
      reset();
      let calls = 0;
      let seen;
      const c = client({
        fetch: (url, init) => {
          calls += 1;
          seen = init;
          return fetch(url, init);
        },
      });
      await c.token();
      assert.equal(calls, 1);
      // No redirects followed, no ambient credentials (cookies, the browser's HTTP auth).
      assert.equal(seen.redirect, "manual");
      assert.equal(seen.credentials, "omit");
      for (const bad of [{ tokenUrl: undefined }, { auth: "basic" }, { fetch: 5 }, { timeoutMs: -1 }]) {
        assert.throws(() => client(bad), (err) => err instanceof lib().TokenError && err.code === "invalid_input");
      }
    });
  });
}

// Core's timing (core/src/cache/timing.rs) for a 4 s token: refreshed ahead from 2.8–3.2 s on
// (75 % ± 5 % of the lifetime), served until 3.6 s (lifetime minus a 10 % skew). At 3.35 s a call
// gets the old token at once and starts one background refresh.
describe("stale-while-revalidate (short lifetimes)", () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  test("a stale token is served while the refresh runs; a failed refresh keeps it", async () => {
    const { TokenClient } = loaded.flavours["require (node condition)"];
    let failRefresh = false;
    reset((n = requests.at(-1)) => {
      if (n.body.get("scope") === "fails" && failRefresh) {
        return { status: 503, body: JSON.stringify({ error: "temporarily_unavailable" }) };
      }
      return { status: 200, body: tokenBody({ expires_in: 4 }) };
    });
    const options = { tokenUrl: `${base}/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
    const ok = new TokenClient({ ...options, scope: "works" });
    const failing = new TokenClient({ ...options, scope: "fails" });
    const [okFirst, failFirst] = await Promise.all([ok.token(), failing.token()]);
    assert.equal(requests.length, 2);
    failRefresh = true;
    await sleep(3350);
    const [okStale, failStale] = await Promise.all([ok.token(), failing.token()]);
    // Served at once from the cache, each with one background refresh started.
    assert.equal(okStale.accessToken, okFirst.accessToken);
    assert.equal(failStale.accessToken, failFirst.accessToken);
    await sleep(100);
    assert.equal(requests.length, 4);
    // The successful refresh replaced the token; the failed one left the old token in place.
    const okNext = await ok.token();
    assert.notEqual(okNext.accessToken, okFirst.accessToken);
    const failAgain = await failing.token();
    assert.equal(failAgain.accessToken, failFirst.accessToken);
    assert.ok(requests.length <= 5, `${requests.length} requests`);
    assert.equal(ok.cacheStats().staleHits >= 1, true);
  });
});

