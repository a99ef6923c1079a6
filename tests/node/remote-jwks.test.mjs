// RemoteJwks under concurrency: core's single flight for the JWK Set fetch. While one verify()
// fetches, the other calls that need the keys await that fetch (one shared Promise per fetch)
// instead of rejecting with jwt_key_not_found; a failed fetch rejects every one of them with
// its own error, after one request. Tokens are HS256, signed here with node:crypto; the fetch is
// a local counting function, so no server is needed.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { loadFlavours, thrownBy } from "./load-package.mjs";

const JWKS_URL = "https://issuer.test/jwks";
const CALLS = 100;
/** How long the fake issuer takes to answer: every call asks while the fetch is in flight. */
const FETCH_MS = 30;
const SECRET = Buffer.alloc(32, 7);
const JWKS = JSON.stringify({
  keys: [{ kty: "oct", kid: "k1", alg: "HS256", k: SECRET.toString("base64url") }],
});

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An HS256 JWT (RFC 7515 §3.1) under `kid`, valid for the next hour. */
function hs256(kid, sub) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: "HS256", typ: "JWT", kid })}.${b64({ sub, iat: now, exp: now + 3600 })}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

/** A fetch that counts its calls and settles with `answer()` after FETCH_MS. */
function countingFetch(answer) {
  const counter = { requests: 0 };
  counter.fetch = (input, init) => {
    assert.equal(String(input), JWKS_URL);
    assert.equal(init?.method ?? "GET", "GET");
    counter.requests += 1;
    return new Promise((resolve, reject) => {
      setTimeout(() => {
        try {
          resolve(answer());
        } catch (err) {
          reject(err);
        }
      }, FETCH_MS);
    });
  };
  return counter;
}

let flavours;
let cleanup;
before(async () => {
  ({ flavours, cleanup } = await loadFlavours());
});
after(() => cleanup?.());

for (const name of ["require (node condition)", "import (node condition)", "web build"]) {
  describe(`RemoteJwks single flight (${name})`, () => {
    test(`${CALLS} concurrent verify() on a cold RemoteJwks: 1 request, all verify`, async () => {
      const lib = flavours[name];
      const issuer = countingFetch(
        () => new Response(JWKS, { status: 200, headers: { "content-type": "application/json" } }),
      );
      const jwks = new lib.RemoteJwks({ jwksUrl: JWKS_URL, fetch: issuer.fetch });
      const results = await Promise.allSettled(
        Array.from({ length: CALLS }, (_, i) => jwks.verify(hs256("k1", `user-${i}`), { algorithms: ["HS256"] })),
      );
      const rejected = results.filter((r) => r.status === "rejected").map((r) => `${r.reason?.name}: ${r.reason?.code}`);
      assert.deepEqual(rejected, []);
      assert.deepEqual(
        results.map((r) => r.value.claims.sub).sort(),
        Array.from({ length: CALLS }, (_, i) => `user-${i}`).sort(),
      );
      assert.equal(issuer.requests, 1);
      // Afterwards the set is cached: no request.
      await jwks.verify(hs256("k1", "again"), { algorithms: ["HS256"] });
      assert.equal(issuer.requests, 1);
    });

    test("calls waiting for a set that lacks their kid are refused without a second request", async () => {
      const lib = flavours[name];
      const issuer = countingFetch(() => new Response(JWKS, { status: 200 }));
      const jwks = new lib.RemoteJwks({ jwksUrl: JWKS_URL, fetch: issuer.fetch });
      const results = await Promise.allSettled(
        Array.from({ length: CALLS }, (_, i) =>
          jwks.verify(hs256(i % 2 ? "k1" : `forged-${i}`, "u"), { algorithms: ["HS256"] }),
        ),
      );
      results.forEach((r, i) => {
        if (i % 2) {
          assert.equal(r.status, "fulfilled", `${r.reason?.name}: ${r.reason?.code}`);
        } else {
          assert.ok(r.reason instanceof lib.JwtError, `${r.reason?.name}`);
          assert.equal(r.reason.code, "jwt_key_not_found");
        }
      });
      assert.equal(issuer.requests, 1);
    });

    test(`a fetch that fails to connect rejects all ${CALLS} calls with its TransportError, 1 request`, async () => {
      const lib = flavours[name];
      const issuer = countingFetch(() => {
        throw new TypeError("fetch failed");
      });
      const jwks = new lib.RemoteJwks({ jwksUrl: JWKS_URL, fetch: issuer.fetch });
      const errors = await Promise.all(
        Array.from({ length: CALLS }, () => thrownBy(() => jwks.verify(hs256("k1", "u"), { algorithms: ["HS256"] }))),
      );
      for (const err of errors) {
        assert.ok(err instanceof lib.TransportError, `${err?.name}: ${err?.code}`);
      }
      assert.equal(issuer.requests, 1);
      // The 30 s interval counts from the failed fetch: no retry storm.
      const err = await thrownBy(() => jwks.verify(hs256("k1", "u"), { algorithms: ["HS256"] }));
      assert.equal(err?.code, "jwt_key_not_found");
      assert.equal(issuer.requests, 1);
    });

    test(`a 502 HTML answer rejects all ${CALLS} calls with its ResponseError, 1 request`, async () => {
      const lib = flavours[name];
      const issuer = countingFetch(
        () => new Response("<html>bad gateway</html>", { status: 502, headers: { "content-type": "text/html" } }),
      );
      const jwks = new lib.RemoteJwks({ jwksUrl: JWKS_URL, fetch: issuer.fetch });
      const errors = await Promise.all(
        Array.from({ length: CALLS }, () => thrownBy(() => jwks.verify(hs256("k1", "u"), { algorithms: ["HS256"] }))),
      );
      for (const err of errors) {
        assert.ok(err instanceof lib.ResponseError, `${err?.name}: ${err?.code}`);
        assert.equal(err.status, 502);
      }
      assert.equal(issuer.requests, 1);
    });
  });
}
