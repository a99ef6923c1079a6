// String lists (a scope, TTM user tenants) cross into wasm as JSON text (`listArg` in
// wasm/js/options.js): the items arrive as given, in order, and a lone surrogate arrives as
// U+FFFD, as wasm-bindgen's copy of a plain string argument writes it (JSON.stringify would
// escape it as `\ud800`, which core's JSON parser refuses, and the list would be lost).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, thrownBy } from "./load-package.mjs";

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded.cleanup());

/** A fetch that records each request body and answers with a token. */
function recorder() {
  const bodies = [];
  const fetch = async (_url, init) => {
    bodies.push(new TextDecoder().decode(init.body));
    const body = { access_token: `at-${bodies.length}`, token_type: "Bearer", expires_in: 3600 };
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
  return { fetch, bodies };
}

for (const flavour of ["import (node condition)", "web build"]) {
  describe(`string lists (${flavour})`, () => {
    const lib = () => loaded.flavours[flavour];

    test("a scope list reaches the request in order, the client's default and a call's own", async () => {
      const { fetch, bodies } = recorder();
      const client = new (lib().TokenClient)({
        tokenUrl: "https://as.example/token",
        clientId: "c",
        clientSecret: "s",
        scope: ["write", "read"],
        fetch,
      });
      await client.clientCredentials();
      await client.clientCredentials({ scope: ["z:1", "a:2"] });
      assert.equal(new URLSearchParams(bodies[0]).get("scope"), "write read");
      assert.equal(new URLSearchParams(bodies[1]).get("scope"), "z:1 a:2");
    });

    test("a lone surrogate in a scope is U+FFFD, refused as a scope-token", async () => {
      const { fetch, bodies } = recorder();
      const client = new (lib().TokenClient)({ tokenUrl: "https://as.example/token", clientId: "c", clientSecret: "s", fetch });
      const err = await thrownBy(() => client.clientCredentials({ scope: ["read", "a\uD800"] }));
      assert.equal(err?.code, "invalid_input");
      assert.ok(err.message.includes('"a\uFFFD"'), err.message);
      assert.equal(bodies.length, 0);
    });

    test("TTM user tenants reach the batch request as given, a lone surrogate as U+FFFD", async () => {
      const { fetch, bodies } = recorder();
      const ttm = new (lib().TechnicalTokenManager)({
        baseUrl: "https://gateway.example",
        clientId: "c",
        clientSecret: "s",
        appName: "app",
        appVersion: "1.0",
        hostTenant: "host",
        fetch,
      });
      // The recorder's answer is no TTM batch answer: the call fails after the request is sent.
      await thrownBy(() => ttm.tokens(["t-2", "t-1", "t\uDC00"]));
      assert.equal(bodies.length, 1);
      const sent = JSON.stringify(JSON.parse(bodies[0]));
      for (const tenant of ["t-2", "t-1", "t\uFFFD"]) assert.ok(sent.includes(JSON.stringify(tenant)), sent);
    });
  });
}
