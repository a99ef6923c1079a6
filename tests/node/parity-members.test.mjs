// Members the npm classes gained to match their Python twins (tests/vectors/api-parity.json):
// TokenClient.clearCache, TechnicalTokenManager batchSize / hostTenant / cacheStats /
// clearCache, KeycloakClient.offline, SdxClient keepCredentials / tokenUrl. Each is checked for
// what it does, against fakes answering like the real servers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours } from "./load-package.mjs";

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded.cleanup());

const json = (body) => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });

for (const flavour of ["import (node condition)", "web build"]) {
  describe(`parity members (${flavour})`, () => {
    const lib = () => loaded.flavours[flavour];

    test("TokenClient.clearCache forgets the token and the memo", async () => {
      let count = 0;
      const fetch = async () => json({ access_token: `at-${++count}`, token_type: "Bearer", expires_in: 3600 });
      const client = new (lib().TokenClient)({ tokenUrl: "https://as.example/t", clientId: "c", clientSecret: "s", fetch });
      assert.equal((await client.token()).accessToken, "at-1");
      assert.equal(client.cacheStats().entries, 1);
      client.clearCache();
      assert.equal(client.cacheStats().entries, 0);
      assert.equal((await client.token()).accessToken, "at-2");
    });

    test("TechnicalTokenManager: batchSize, hostTenant, cacheStats, clearCache", async () => {
      let count = 0;
      const fetch = async (_url, init) => {
        count += 1;
        const body = JSON.parse(new TextDecoder().decode(init.body));
        return json({ access_token: `ttm-${count}-${body.userTenant}`, token_type: "Bearer", expires_in: 1800 });
      };
      const options = { baseUrl: "https://gw.example", clientId: "c", clientSecret: "s", appName: "app", appVersion: "1.0.0", hostTenant: "host", fetch };
      const ttm = new (lib().TechnicalTokenManager)(options);
      assert.equal(ttm.batchSize, 5);
      assert.equal(ttm.hostTenant, "host");
      assert.equal(new (lib().TechnicalTokenManager)({ ...options, batchSize: 2 }).batchSize, 2);
      await ttm.token("t1");
      await ttm.token("t1");
      const stats = ttm.cacheStats();
      assert.equal(stats.fetches, 1);
      assert.ok(stats.hits >= 1, JSON.stringify(stats));
      ttm.clearCache();
      assert.equal(ttm.cacheStats().entries, 0);
      await ttm.token("t1");
      assert.equal(count, 2);
    });

    test("KeycloakClient.offline and SdxClient keepCredentials / tokenUrl", () => {
      const kc = (offline) => new (lib().KeycloakClient)({ baseUrl: "https://kc.example", realm: "r", clientId: "c", offline });
      assert.equal(kc(true).offline, true);
      assert.equal(kc(undefined).offline, false);
      const sdx = new (lib().SdxClient)({ baseUrl: "https://sdx.example/base//", clientId: "c", clientSecret: "s", keepCredentials: true });
      assert.equal(sdx.keepCredentials, true);
      assert.equal(sdx.tokenUrl, "https://sdx.example/base/sdx/oauth/token");
      assert.equal(new (lib().SdxClient)({ baseUrl: "https://s.example", clientId: "c", clientSecret: "s" }).keepCredentials, false);
    });
  });
}
