// Replays tests/vectors/jwt.json through decodeJwt and verifyJwt of the built package: HMAC in
// Rust, RS256/ES256/EdDSA through crypto.subtle, claim rules in core. Every negative case must
// reject with a JwtError (or TokenError for caller input) carrying the vector's code.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, thrownBy, vectors } from "./load-package.mjs";

const jwt = vectors("jwt.json");
const currentDate = new Date(jwt.now * 1000);
let loaded;

before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

/** The `jwks` argument for a vector's `keys`. */
function keysFor(keys) {
  if (keys === "jwks") return jwt.jwks;
  if (keys === "rsa_pem") return jwt.rsa_public_pem;
  // RFC 7518 §6.4: a symmetric key is a JWK with kty "oct" and the base64url secret in "k".
  return { kty: "oct", k: keys.hmac_secret_b64url };
}

function options(validation) {
  return {
    algorithms: validation.algorithms,
    issuer: validation.issuer,
    audience: validation.audience,
    allowMissingExpInsecure: validation.allow_missing_exp_insecure,
    currentDate,
  };
}

test("the vector file has positive and negative cases for every asymmetric family", () => {
  const names = jwt.cases.map((c) => c.name);
  for (const name of ["valid RS256", "valid ES256", "valid EdDSA", "valid HS256"]) {
    assert.ok(names.includes(name), name);
  }
  assert.ok(jwt.cases.filter((c) => !c.expect.ok).length >= 30);
  for (const c of jwt.cases) {
    assert.ok(c.expect.ok || c.expect.error || c.expect.key_error, `${c.name}: unknown expectation`);
  }
});

for (const flavour of ["require (node condition)", "import (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];

    for (const c of jwt.cases) {
      test(`verifyJwt: ${c.name}`, async () => {
        const { verifyJwt, JwtError, TokenError } = lib();
        const call = () => verifyJwt(c.token, keysFor(c.keys), options(c.validation));
        if (c.expect.ok) {
          const verified = await call();
          assert.equal(typeof verified.header.alg, "string");
          assert.equal(verified.claims.iss, c.validation.issuer);
          return;
        }
        const err = await thrownBy(call);
        assert.ok(err instanceof TokenError, `rejects with a TokenError, got ${err}`);
        assert.ok(err instanceof JwtError, `${err?.name}: ${err?.message}`);
        assert.equal(err.name, "JwtError");
        // `key_error`: building the key fails; here the key is built inside verifyJwt.
        assert.equal(err.code, c.expect.error ?? c.expect.key_error);
        assert.ok(!err.message.includes(c.token.split(".")[1] || "\u0000"), "message leaks the token");
      });
    }

    for (const c of jwt.cases.filter((c) => c.decode)) {
      test(`decodeJwt refuses: ${c.name}`, () => {
        const { decodeJwt, JwtError } = lib();
        assert.throws(() => decodeJwt(c.token), (err) => {
          assert.ok(err instanceof JwtError);
          assert.equal(err.code, c.decode.error);
          return true;
        });
      });
    }

    test("decodeJwt shows header and claims without verifying", () => {
      const { decodeJwt } = lib();
      const valid = jwt.cases.find((c) => c.name === "valid ES256");
      const { header, claims } = decodeJwt(valid.token);
      assert.equal(header.alg, "ES256");
      assert.equal(claims.iss, "https://idp.example.com");
      // A tampered token decodes (nothing is verified) but never verifies.
      const tampered = jwt.cases.find((c) => c.name === "tampered payload");
      assert.equal(typeof decodeJwt(tampered.token).claims, "object");
    });

    test("verifyJwt: without currentDate the clock is now, so old vectors are expired", async () => {
      const { verifyJwt } = lib();
      const valid = jwt.cases.find((c) => c.name === "valid RS256");
      const opts = { ...options(valid.validation), currentDate: undefined };
      const err = await thrownBy(() => verifyJwt(valid.token, jwt.jwks, opts));
      assert.equal(err?.code, "jwt_expired");
    });

    test("verifyJwt: leeway is in seconds", async () => {
      const { verifyJwt } = lib();
      const within = jwt.cases.find((c) => c.name === "expired but within 30 s leeway");
      await verifyJwt(within.token, jwt.jwks, options(within.validation));
      const err = await thrownBy(() =>
        verifyJwt(within.token, jwt.jwks, { ...options(within.validation), leeway: 0 }),
      );
      assert.equal(err?.code, "jwt_expired");
    });

    test("verifyJwt: JWKS as JSON text, and an empty allowlist", async () => {
      const { verifyJwt, JwtError } = lib();
      const valid = jwt.cases.find((c) => c.name === "valid ES256");
      const verified = await verifyJwt(valid.token, JSON.stringify(jwt.jwks), options(valid.validation));
      assert.equal(verified.header.alg, "ES256");
      const err = await thrownBy(() =>
        verifyJwt(valid.token, jwt.jwks, { ...options(valid.validation), algorithms: [] }),
      );
      assert.ok(err instanceof JwtError);
      assert.equal(err.code, "jwt_empty_allowlist");
    });

    test("verifyJwt: a wrong option type is a TokenError invalid_input, not a JwtError", async () => {
      const { verifyJwt, JwtError, TokenError } = lib();
      const valid = jwt.cases.find((c) => c.name === "valid RS256");
      const err = await thrownBy(() =>
        verifyJwt(valid.token, jwt.jwks, { ...options(valid.validation), issuer: 42 }),
      );
      assert.ok(err instanceof TokenError);
      assert.ok(!(err instanceof JwtError));
      assert.equal(err.code, "invalid_input");
    });
  });
}
