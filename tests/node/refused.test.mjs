// TokenClient.refused(token): core's TokenCache::refused through the npm package. The refused
// token is dropped only while it is the cached one (and the token() memo with it); refusals of
// a replaced token change nothing; a wrong argument is a TokenError invalid_input.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, thrownBy } from "./load-package.mjs";

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded.cleanup());

/** A token endpoint answering at-1, at-2, … (with a refresh token for the password grant). */
function tokenServer() {
  const forms = [];
  const fetch = async (_url, init) => {
    forms.push(new URLSearchParams(new TextDecoder().decode(init.body)));
    const n = forms.length;
    const body = { access_token: `at-${n}`, token_type: "Bearer", expires_in: 3600, refresh_token: `rt-${n}` };
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
  return { fetch, forms };
}

for (const flavour of ["import (node condition)", "web build"]) {
  describe(`TokenClient.refused (${flavour})`, () => {
    const make = (fetch) => {
      const lib = loaded.flavours[flavour];
      return [lib, new lib.TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", clientSecret: "s", fetch })];
    };

    test("drops the cached token once; the replaced one is left alone", async () => {
      const server = tokenServer();
      const [, client] = make(server.fetch);
      const first = await client.token();
      assert.equal(await client.token(), first, "memoised");
      assert.equal(client.refused(first), 1);
      const second = await client.token();
      assert.equal(second.accessToken, "at-2");
      assert.equal(client.refused(first), 0);
      assert.equal(client.refused(first.accessToken), 0);
      assert.equal(await client.token(), second);
      assert.equal(server.forms.length, 2);
    });

    test("keeps the refresh token: the next password call refreshes", async () => {
      const server = tokenServer();
      const [, client] = make(server.fetch);
      const first = await client.password("ann", "pw");
      assert.equal(client.refused(first.accessToken), 1);
      const second = await client.password("ann", "pw");
      assert.equal(second.accessToken, "at-2");
      assert.equal(server.forms[1].get("grant_type"), "refresh_token");
      assert.equal(server.forms[1].get("refresh_token"), "rt-1");
    });

    test("a wrong argument is a TokenError invalid_input", async () => {
      const [lib, client] = make(tokenServer().fetch);
      const err = await thrownBy(() => client.refused(5));
      assert.ok(err instanceof lib.TokenError, String(err));
      assert.equal(err.code, "invalid_input");
      assert.match(err.message, /\btoken must be/);
    });
  });
}
