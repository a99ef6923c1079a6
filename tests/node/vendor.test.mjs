// Vendor flows of the built package against the real dev server (www/server), started here on an
// ephemeral port with 250 generated user tenants: Insights Hub TechnicalTokenManager (paging,
// batching, caching per tenant), keycloakTokenUrl and a Keycloak offline refresh, SdxClient across
// a server restart.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { startDevServer, vendorConfig } from "./devserver.mjs";
import { loadFlavours, thrownBy } from "./load-package.mjs";

const TENANTS = 250;
const CONFIG = vendorConfig(TENANTS);

let loaded;
let server;
let url;

before(async () => {
  loaded = await loadFlavours();
  server = await startDevServer({ config: CONFIG });
  url = server.url;
});

after(() => {
  loaded?.cleanup();
  server?.stop();
});

/** A fetch that counts requests per path (query dropped). */
function countingFetch() {
  const counts = new Map();
  const fetchFn = (input, init) => {
    const path = new URL(String(input)).pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    return fetch(input, init);
  };
  const count = (suffix) =>
    [...counts].filter(([p]) => p.endsWith(suffix)).reduce((n, [, c]) => n + c, 0);
  return { fetchFn, count, reset: () => counts.clear() };
}

const tenantNames = (n, from = 1) =>
  Array.from({ length: n }, (_, i) => `tenant-${String(from + i).padStart(3, "0")}`);

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];
    const manager = (counter, options = {}) =>
      new (lib().TechnicalTokenManager)({
        baseUrl: `${url}/`,
        clientId: "ttm-client",
        clientSecret: "ttm secret: p@ss",
        appName: "myapp",
        appVersion: "1.0.0",
        hostTenant: "opshost",
        fetch: counter.fetchFn,
        ...options,
      });

    test("userTenants reads every page with the operator token", async () => {
      const counter = countingFetch();
      const tenants = await manager(counter).userTenants();
      assert.equal(tenants.length, TENANTS);
      assert.equal(new Set(tenants).size, TENANTS);
      assert.ok(tenants.includes("tenant-250"));
      // 250 tenants at 100 per page: 3 pages, after one operator token.
      assert.equal(counter.count("/userTenants"), 3);
      assert.equal(counter.count("/oauth/token"), 1);
    });

    test("7 tenants take 2 batch calls; asking again takes none", async () => {
      const counter = countingFetch();
      const m = manager(counter);
      const names = tenantNames(7);
      const tokens = await m.tokens(names);
      assert.ok(tokens instanceof Map);
      assert.deepEqual([...tokens.keys()], names);
      assert.equal(counter.count("/oauthTokens"), 2);
      for (const token of tokens.values()) {
        assert.equal(token.tokenType, "Bearer");
        assert.ok(token.expiresIn > 1700 && token.expiresIn <= 1799, String(token.expiresIn));
      }
      assert.equal(new Set([...tokens.values()].map((t) => t.accessToken)).size, 7);

      counter.reset();
      const again = await m.tokens([...names].reverse());
      assert.equal(counter.count(""), 0);
      assert.equal(again.get("tenant-003").accessToken, tokens.get("tenant-003").accessToken);

      // One more tenant next to cached ones: only it is requested, with the single-token call.
      const single = await m.token("tenant-008");
      assert.equal(counter.count("/oauth/token"), 1);
      assert.equal(counter.count("/oauthTokens"), 0);
      assert.equal((await m.token("tenant-008")).accessToken, single.accessToken);
      assert.equal(counter.count(""), 1);
    });

    test("batchSize chunks the calls and is bounded by the documented 5", async () => {
      const counter = countingFetch();
      await manager(counter, { batchSize: 2 }).tokens(tenantNames(5, 20));
      assert.equal(counter.count("/oauthTokens"), 2);
      assert.equal(counter.count("/oauth/token"), 1);
      const err = await thrownBy(() => manager(counter, { batchSize: 6 }));
      assert.equal(err.code, "invalid_input");
    });

    test("allTokens: operator token, all pages, then every tenant in batches of 5", async () => {
      const counter = countingFetch();
      const all = await manager(counter).allTokens();
      assert.equal(all.size, TENANTS);
      assert.equal(counter.count("/userTenants"), 3);
      assert.equal(counter.count("/oauthTokens"), TENANTS / 5);
    });

    test("an unknown tenant rejects with the server's error", async () => {
      const counter = countingFetch();
      const err = await thrownBy(() => manager(counter).tokens(["tenant-001", "nobody"]));
      assert.ok(err instanceof lib().TokenError);
      assert.equal(err.status, 400);
      assert.ok(!String(err.message).includes("ttm secret"));
    });

    test("keycloakTokenUrl and an offline refresh against the Keycloak realm", async () => {
      const { keycloakTokenUrl, TokenClient } = lib();
      assert.equal(
        keycloakTokenUrl(`${url}//`, "demo"),
        `${url}/realms/demo/protocol/openid-connect/token`,
      );
      assert.equal(
        keycloakTokenUrl("https://kc.example", "a b/c"),
        "https://kc.example/realms/a%20b%2Fc/protocol/openid-connect/token",
      );
      assert.equal((await thrownBy(() => keycloakTokenUrl("https://kc", ""))).code, "invalid_input");

      const client = new TokenClient({
        tokenUrl: keycloakTokenUrl(url, "demo"),
        clientId: "ttm-client",
        clientSecret: "ttm secret: p@ss",
      });
      const first = await client.password("alice", "alice password", { scope: "openid offline_access" });
      assert.ok(first.refreshToken);
      // Offline tokens never expire: refresh_expires_in 0, no expiry date.
      assert.equal(first.refreshExpiresAt, null);
      const second = await client.refresh(first.refreshToken);
      assert.ok(second.accessToken);
      assert.notEqual(second.refreshToken, first.refreshToken);
      // The rotated-away refresh token is "not active" any more (a second client: the first
      // one serves its cached answer for that refresh token).
      const other = new TokenClient({
        tokenUrl: keycloakTokenUrl(url, "demo"),
        clientId: "ttm-client",
        clientSecret: "ttm secret: p@ss",
      });
      const err = await thrownBy(() => other.refresh(first.refreshToken));
      assert.equal(err.code, "invalid_grant");
      assert.equal(err.description, "Token is not active");
    });

    test("SDx restart: kept credentials sign in again, otherwise the error says regenerate", async () => {
      const { SdxClient } = lib();
      const restart = () => fetch(`${url}/admin/restart`, { method: "POST" });
      const sdx = (counter, keepCredentials) =>
        new SdxClient({
          baseUrl: `${url}/`,
          clientId: "ttm-client",
          clientSecret: "ttm secret: p@ss",
          keepCredentials,
          fetch: counter.fetchFn,
        });

      const kept = countingFetch();
      const a = sdx(kept, true);
      const first = await a.signIn("alice", "alice password");
      assert.ok(first.refreshToken);
      assert.equal((await a.token()).accessToken, first.accessToken);
      assert.equal(kept.count("/sdx/oauth/token"), 1);
      assert.equal((await restart()).ok, true);
      kept.reset();
      const renewed = await a.refresh();
      assert.notEqual(renewed.accessToken, first.accessToken);
      // The refused refresh, then the password grant.
      assert.equal(kept.count("/sdx/oauth/token"), 2);

      const bare = countingFetch();
      const b = sdx(bare, false);
      const t1 = await b.signIn("alice", "alice password");
      const t2 = await b.refresh();
      assert.notEqual(t2.accessToken, t1.accessToken);
      assert.equal((await restart()).ok, true);
      bare.reset();
      const err = await thrownBy(() => b.refresh());
      assert.ok(err instanceof lib().TokenError);
      assert.equal(err.code, "refresh_token_inactive");
      assert.match(err.message, /regenerate the tokens/);
      assert.ok(!err.message.includes(t2.refreshToken));
      assert.equal(bare.count("/sdx/oauth/token"), 1);
      assert.equal((await thrownBy(() => sdx(bare, false).token())).code, "invalid_input");
    });

    test("KeycloakClient: offline tokens never expire; a dead refresh token is refresh_token_inactive", async () => {
      const { KeycloakClient } = lib();
      const kc = new KeycloakClient({
        baseUrl: `${url}/`,
        realm: "demo",
        clientId: "ttm-client",
        clientSecret: "ttm secret: p@ss",
        offline: true,
        scope: "openid",
      });
      assert.equal(kc.tokenUrl, `${url}/realms/demo/protocol/openid-connect/token`);
      const first = await kc.password("alice", "alice password");
      assert.ok(first.scope.includes("offline_access"), String(first.scope));
      assert.equal(first.refreshExpiresAt, null);
      const second = await kc.refresh(first.refreshToken);
      assert.notEqual(second.refreshToken, first.refreshToken);
      const err = await thrownBy(() => kc.refresh(first.refreshToken));
      assert.ok(err instanceof lib().TokenError);
      assert.equal(err.code, "refresh_token_inactive");
      assert.match(err.message, /Token is not active/);
      // Other failures keep their own code.
      const wrong = await thrownBy(() => kc.password("alice", "wrong"));
      assert.equal(wrong.code, "invalid_grant");
      // Online sessions: the refresh token has an expiry date.
      const online = new KeycloakClient({ baseUrl: url, realm: "demo", clientId: "ttm-client", clientSecret: "ttm secret: p@ss" });
      const t = await online.password("alice", "alice password");
      assert.ok(t.refreshExpiresAt instanceof Date);
    });
  });
}

test("TechnicalTokenManager serves aging tokens and refreshes them in the background", async () => {
  // A fake TTM with 4 s tokens: refresh point at 75 % ± 5 % (≤ 3.2 s), served until 90 % (3.6 s).
  let calls = 0;
  const fakeFetch = async (input, init) => {
    calls += 1;
    const { userTenantIds } = JSON.parse(Buffer.from(init.body).toString("utf8"));
    const oauthTokens = userTenantIds.map((id) => ({
      userTenantId: id,
      token: {
        access_token: `tok-${id}-${calls}`,
        token_type: "Bearer",
        timestamp: String(Date.now()),
        expires_in: 4,
      },
    }));
    return new Response(JSON.stringify({ oauthTokens }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };
  const { TechnicalTokenManager } = loaded.flavours["require (node condition)"];
  const m = new TechnicalTokenManager({
    baseUrl: "https://gateway.example",
    clientId: "id",
    clientSecret: "secret",
    appName: "app",
    appVersion: "1",
    hostTenant: "host",
    fetch: fakeFetch,
  });
  const first = await m.tokens(["a", "b"]);
  assert.equal(calls, 1);
  await new Promise((r) => setTimeout(r, 3400));
  const aging = await m.tokens(["a", "b"]);
  assert.equal(aging.get("a").accessToken, first.get("a").accessToken);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(calls, 2);
  const renewed = await m.tokens(["a", "b"]);
  assert.equal(renewed.get("a").accessToken, "tok-a-2");
  assert.equal(renewed.get("b").accessToken, "tok-b-2");
  assert.equal(calls, 2);
});
