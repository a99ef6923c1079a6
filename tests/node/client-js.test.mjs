// TokenClient's JS half (wasm/js/client.js over the engine of wasm/src/client.rs): how it calls
// the caller's fetch, what a throwing fetch becomes, the option checks' errors, background
// refreshes that fail, forced refreshes that share one flight, and free(). Every request goes to
// a `fetch` given in the options, so no server is needed.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, thrownBy } from "./load-package.mjs";

const TOKEN_URL = "https://as.example/token";
const API_URL = "https://api.example/data";
const SECRET_PATH = "path-with-a-secret-0123456789";

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

/**
 * A fetch serving the token endpoint (a new token per request, `expires_in` 3600) and an API
 * that answers 401 `invalid_token` (RFC 6750 §3.1) to the tokens in `rejected`.
 */
function endpoint({ delayMs = 0 } = {}) {
  const state = { tokenRequests: 0, apiRequests: 0, thisValues: [], rejected: new Set() };
  state.fetch = async function (url, init) {
    state.thisValues.push(this);
    if (String(url) === TOKEN_URL) {
      state.tokenRequests += 1;
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const body = { access_token: `token-${state.tokenRequests}-${"x".repeat(20)}`, token_type: "Bearer", expires_in: 3600 };
      return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    }
    state.apiRequests += 1;
    const presented = new Headers(init?.headers).get("authorization")?.replace(/^Bearer /, "");
    if (state.rejected.has(presented)) {
      return new Response("", { status: 401, headers: { "www-authenticate": 'Bearer realm="api", error="invalid_token"' } });
    }
    return new Response(`hello ${presented}`, { status: 200 });
  };
  return state;
}

for (const flavour of ["import (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];
    const client = (options) => new (lib().TokenClient)({ tokenUrl: TOKEN_URL, clientId: "c", clientSecret: "s", ...options });

    test("the caller's fetch is called as a plain function (a browser's fetch needs that)", async () => {
      const server = endpoint();
      const c = client({ fetch: server.fetch });
      await c.token();
      const response = await c.fetch(API_URL);
      assert.equal(response.status, 200);
      assert.equal(server.thisValues.length, 2);
      // A module is strict code: a plain call leaves `this` undefined.
      assert.deepEqual(server.thisValues, [undefined, undefined]);
    });

    test("a fetch that throws is a TransportError that does not quote the URL", async () => {
      const throwing = (url) => {
        throw new TypeError(`fetch failed for ${url}`);
      };
      // The token request throws.
      let err = await thrownBy(() => client({ tokenUrl: `${TOKEN_URL}/${SECRET_PATH}`, fetch: throwing }).token());
      assert.ok(err instanceof lib().TransportError, `${err?.name}: ${err?.message}`);
      assert.equal(err.code, "transport_connect");
      assert.ok(!err.message.includes(SECRET_PATH), err.message);
      // The token endpoint answers, the API request of fetch() throws.
      const server = endpoint();
      const fetchImpl = (url, init) => (String(url) === TOKEN_URL ? server.fetch(url, init) : throwing(url));
      err = await thrownBy(() => client({ fetch: fetchImpl }).fetch(`${API_URL}/${SECRET_PATH}`));
      assert.ok(err instanceof lib().TransportError, `${err?.name}: ${err?.message}`);
      assert.equal(err.code, "transport_connect");
      assert.ok(!err.message.includes(SECRET_PATH), err.message);
      assert.equal(server.tokenRequests, 1);
    });

    test("bad options: invalid_input with the messages of core's InvalidInput", async () => {
      const { TokenError } = lib();
      const refused = (err, message) => {
        assert.ok(err instanceof TokenError, String(err));
        assert.equal(err.code, "invalid_input");
        assert.equal(err.message, `invalid input: ${message}`);
        return true;
      };
      const construct = [
        [{ tokenUrl: undefined }, "option tokenUrl is required"],
        [{ tokenUrl: 5 }, "option tokenUrl must be a string"],
        [{ clientId: null }, "option clientId is required"],
        [{ clientSecret: 1 }, "option clientSecret must be a string"],
        [{ fetch: "https://proxy" }, "option fetch must be a function (no global fetch found)"],
        [{ timeoutMs: -1 }, "option timeoutMs must be a non-negative number"],
        [{ defaultLifetime: Infinity }, "option defaultLifetime must be a non-negative number"],
        [{ scope: ["a", 1] }, "option scope must be an array of strings"],
        // eslint-disable-next-line no-sparse-arrays
        [{ scope: [, "a"] }, "option scope must be an array of strings"],
        [{ scope: 5 }, "option scope must be an array of strings"],
        [{ audience: ["a"] }, "option audience must be a string"],
      ];
      for (const [options, message] of construct) {
        assert.throws(() => client(options), (err) => refused(err, message), message);
      }
      const c = client({ fetch: endpoint().fetch });
      // Option errors of the Promise-returning methods are rejections, not throws.
      const pending = c.clientCredentials({ minTtl: "60" });
      assert.ok(pending instanceof Promise);
      refused(await thrownBy(() => pending), "option minTtl must be a non-negative number");
      refused(await thrownBy(() => c.password("u", "p", { scope: {} })), "option scope must be an array of strings");
      refused(await thrownBy(() => c.revoke("t")), "revoke needs the option revocationUrl");
      const revoking = client({ fetch: endpoint().fetch, revocationUrl: "https://as.example/revoke" });
      refused(await thrownBy(() => revoking.revoke("t", { hint: "id_token" })), "option hint must be access_token or refresh_token");
      refused(await thrownBy(() => revoking.revoke("t", { hint: 1 })), "option hint must be a string");
      assert.throws(() => c.exportCache({ includeSecrets: "yes" }), (err) => refused(err, "option includeSecrets must be a boolean"));
    });

    test("a failed background refresh is no unhandled rejection and keeps the token", async () => {
      const unhandled = [];
      const onUnhandled = (reason) => unhandled.push(reason);
      process.on("unhandledRejection", onUnhandled);
      const realNow = Date.now;
      try {
        const server = endpoint();
        let failing = false;
        const c = client({
          fetch: (url, init) => {
            if (failing) {
              server.tokenRequests += 1;
              throw new TypeError("network down");
            }
            return server.fetch(url, init);
          },
        });
        const first = await c.clientCredentials();
        failing = true;
        // 85 % of the 3600 s lifetime: past core's latest refresh point (80 %), before its skew
        // window (90 %): the token is served and refreshed in the background.
        const later = realNow() + 0.85 * 3600 * 1000;
        Date.now = () => later;
        const stale = await c.clientCredentials();
        assert.equal(stale.accessToken, first.accessToken);
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(server.tokenRequests, 2, "one background refresh");
        assert.equal((await c.clientCredentials()).accessToken, first.accessToken);
        assert.ok(c.cacheStats().failures >= 1, JSON.stringify(c.cacheStats()));
        await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(unhandled, []);
      } finally {
        Date.now = realNow;
        process.off("unhandledRejection", onUnhandled);
      }
    });

    test("concurrent fetch() calls refused with invalid_token share one new token", async () => {
      const server = endpoint({ delayMs: 20 });
      const c = client({ fetch: server.fetch });
      const first = await c.token();
      server.rejected.add(first.accessToken);
      const responses = await Promise.all(Array.from({ length: 5 }, () => c.fetch(API_URL)));
      assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 200, 200]);
      assert.equal(server.tokenRequests, 2, "one forced token request");
      const replaced = await c.token();
      assert.notEqual(replaced.accessToken, first.accessToken);
      assert.ok(replaced instanceof lib().Token);
    });

    test("free() releases the engine; Symbol.dispose is free", async () => {
      const { TokenClient } = lib();
      if (Symbol.dispose) assert.equal(TokenClient.prototype[Symbol.dispose], TokenClient.prototype.free);
      const c = client({ fetch: endpoint().fetch });
      await c.token();
      c.free();
      assert.throws(() => c.cacheStats());
    });
  });
}
