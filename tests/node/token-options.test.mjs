// TokenClient token({ minTtl, force }), clientCredentials({ force }), password(…, { force }): the
// options Python's token(min_ttl=, force=) has. The plain token() stays memoised; with options
// core is asked, and force gets a new token (and drops the memo).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, thrownBy } from "./load-package.mjs";

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded.cleanup());

/** A token endpoint answering at-1, at-2, … living `lifetime` seconds. */
function tokenServer(lifetime = 3600) {
  let count = 0;
  const fetch = async () => {
    count += 1;
    const body = { access_token: `at-${count}`, token_type: "Bearer", expires_in: lifetime, refresh_token: `rt-${count}` };
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
  return { fetch, requests: () => count };
}

for (const flavour of ["import (node condition)", "web build"]) {
  describe(`token options (${flavour})`, () => {
    const make = (fetch) => {
      const lib = loaded.flavours[flavour];
      return [lib, new lib.TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", clientSecret: "s", fetch })];
    };

    test("token({ force: true }) gets a new token; the next plain call returns it", async () => {
      const server = tokenServer();
      const [, client] = make(server.fetch);
      const first = await client.token();
      const forced = await client.token({ force: true });
      assert.equal(forced.accessToken, "at-2");
      assert.equal((await client.token()).accessToken, "at-2", "the memo of at-1 was dropped");
      assert.notEqual(first.accessToken, forced.accessToken);
      assert.equal(server.requests(), 2);
    });

    test("token({ minTtl }) renews a token with less left, and only then", async () => {
      const server = tokenServer(600);
      const [, client] = make(server.fetch);
      await client.token();
      assert.equal((await client.token({ minTtl: 60 })).accessToken, "at-1");
      assert.equal((await client.token({ minTtl: 900 })).accessToken, "at-2");
      assert.equal(server.requests(), 2);
    });

    test("clientCredentials and password take force", async () => {
      const server = tokenServer();
      const [, client] = make(server.fetch);
      await client.clientCredentials({ scope: "a" });
      assert.equal((await client.clientCredentials({ scope: "a", force: true })).accessToken, "at-2");
      await client.password("ann", "pw");
      assert.equal((await client.password("ann", "pw", { force: true })).accessToken, "at-4");
      assert.equal(server.requests(), 4);
    });

    test("a wrong option rejects with InputError", async () => {
      const [lib, client] = make(tokenServer().fetch);
      const result = client.token({ force: "yes" });
      assert.ok(result instanceof Promise, "token(options) answers with a Promise");
      const err = await thrownBy(() => result);
      assert.ok(err instanceof lib.InputError, String(err));
      assert.match(err.message, /option force must be a boolean/);
    });
  });
}
