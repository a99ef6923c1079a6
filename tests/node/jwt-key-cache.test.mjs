// verifyJwt and RemoteJwks keep the CryptoKeys they import: a repeated verify with the same
// public key skips crypto.subtle.importKey. Counted by wrapping importKey; keys are generated here
// with node:crypto (fresh ones in every test, so the module-wide cache of an earlier test cannot
// answer for a later one). Checked: one import per key, a new import for another key or another
// import algorithm, a tampered signature still refused from the cache, HMAC secrets never kept,
// the 64-key bound, and a RemoteJwks that forgets its keys when a rotation refetches the set.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, sign } from "node:crypto";
import { loadFlavours, thrownBy } from "./load-package.mjs";

/** The bound of the wasm's key caches (wasm/src/jwt.rs KEY_CACHE_CAPACITY). */
const CAPACITY = 64;

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Counts crypto.subtle.importKey("jwk", …) calls while `body` runs. */
async function countImports(body) {
  const subtle = globalThis.crypto.subtle;
  const original = subtle.importKey;
  let imports = 0;
  subtle.importKey = function (format, ...rest) {
    if (format === "jwk") imports += 1;
    return original.call(this, format, ...rest);
  };
  try {
    await body();
  } finally {
    subtle.importKey = original;
  }
  return imports;
}

/** A key pair for `alg` and its public JWK (with `kid` when given). */
function keyPair(alg, kid) {
  const { publicKey, privateKey } = alg.startsWith("ES")
    ? generateKeyPairSync("ec", { namedCurve: "P-256" })
    : generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), ...(kid ? { kid } : {}) };
  return { alg, kid, privateKey, jwk };
}

/** A JWT (RFC 7519) signed with `key`, valid for the next hour from the real clock. */
function signed(key, sub = "alice") {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: key.alg, typ: "JWT", ...(key.kid ? { kid: key.kid } : {}) };
  const input = `${b64(header)}.${b64({ sub, iat: now, exp: now + 3600 })}`;
  const data = Buffer.from(input);
  let signature;
  if (key.alg === "ES256") {
    // RFC 7518 §3.4: R || S, not DER.
    signature = sign("sha256", data, { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  } else if (key.alg === "PS256") {
    // RFC 7518 §3.5: salt length equal to the hash length.
    signature = sign("sha256", data, { key: key.privateKey, padding: 6, saltLength: 32 });
  } else {
    signature = sign("sha256", data, key.privateKey);
  }
  return `${input}.${signature.toString("base64url")}`;
}

/** `token` with one bit of its signature flipped. */
function tampered(token) {
  const [header, payload, signature] = token.split(".");
  const bytes = Buffer.from(signature, "base64url");
  bytes[10] ^= 1;
  return `${header}.${payload}.${bytes.toString("base64url")}`;
}

let flavours;
let cleanup;
before(async () => {
  ({ flavours, cleanup } = await loadFlavours());
});
after(() => cleanup?.());

for (const name of ["require (node condition)", "import (node condition)", "web build"]) {
  describe(`verifyJwt key cache (${name})`, () => {
    for (const alg of ["RS256", "ES256"]) {
      test(`${alg}: the same key is imported once, another key again`, async () => {
        const lib = flavours[name];
        const first = keyPair(alg);
        const second = keyPair(alg);
        const verify = async (key, jwks = key.jwk) =>
          (await lib.verifyJwt(signed(key), jwks, { algorithms: [alg] })).claims.sub;
        assert.equal(await countImports(async () => assert.equal(await verify(first), "alice")), 1);
        assert.equal(await countImports(async () => assert.equal(await verify(first), "alice")), 0);
        // The same public key given as JSON text or inside a JWK Set is the same key to core.
        assert.equal(await countImports(() => verify(first, JSON.stringify(first.jwk))), 0);
        assert.equal(await countImports(() => verify(first, { keys: [first.jwk] })), 0);
        assert.equal(await countImports(() => verify(second)), 1);
        assert.equal(await countImports(() => verify(second)), 0);
      });
    }

    test("a tampered signature is still refused once the key is cached", async () => {
      const lib = flavours[name];
      const key = keyPair("RS256");
      const token = signed(key);
      await lib.verifyJwt(token, key.jwk, { algorithms: ["RS256"] });
      let err;
      const imports = await countImports(async () => {
        err = await thrownBy(() => lib.verifyJwt(tampered(token), key.jwk, { algorithms: ["RS256"] }));
      });
      assert.equal(imports, 0);
      assert.ok(err instanceof lib.JwtError, `${err?.name}: ${err?.code}`);
      assert.equal(err.code, "jwt_signature");
      // A token signed by another key under the cached public key: refused too.
      const other = keyPair("RS256");
      const forged = await thrownBy(() => lib.verifyJwt(signed(other), key.jwk, { algorithms: ["RS256"] }));
      assert.equal(forged?.code, "jwt_signature");
    });

    test("one RSA key for RS256 and PS256: one import per import algorithm", async () => {
      const lib = flavours[name];
      const rs = keyPair("RS256");
      const ps = { ...rs, alg: "PS256" };
      const verify = (key) => lib.verifyJwt(signed(key), rs.jwk, { algorithms: [key.alg] });
      assert.equal(await countImports(() => verify(rs)), 1);
      assert.equal(await countImports(() => verify(ps)), 1);
      assert.equal(await countImports(() => Promise.all([verify(rs), verify(ps)])), 0);
    });

    test("HS384 secrets are not kept: imported on every verify", async () => {
      const lib = flavours[name];
      const secret = Buffer.alloc(48, 9);
      const now = Math.floor(Date.now() / 1000);
      const input = `${b64({ alg: "HS384", typ: "JWT" })}.${b64({ sub: "hs", exp: now + 3600 })}`;
      const token = `${input}.${createHmac("sha384", secret).update(input).digest("base64url")}`;
      const jwk = { kty: "oct", k: secret.toString("base64url") };
      const verify = () => lib.verifyJwt(token, jwk, { algorithms: ["HS384"] });
      assert.equal(await countImports(verify), 1);
      assert.equal(await countImports(verify), 1);
    });

    test(`at most ${CAPACITY} keys are kept; the oldest goes first`, async () => {
      const lib = flavours[name];
      const keys = Array.from({ length: CAPACITY + 1 }, () => keyPair("ES256"));
      const tokens = keys.map((key) => signed(key));
      const verify = (i) => lib.verifyJwt(tokens[i], keys[i].jwk, { algorithms: ["ES256"] });
      const imports = await countImports(async () => {
        for (let i = 0; i <= CAPACITY; i++) await verify(i);
      });
      assert.equal(imports, CAPACITY + 1);
      // The newest 64 are all kept (newest first, so no hit evicts another)...
      const hits = await countImports(async () => {
        for (let i = CAPACITY; i >= 1; i--) await verify(i);
      });
      assert.equal(hits, 0);
      // ...and the 65th, the oldest, was dropped.
      assert.equal(await countImports(() => verify(0)), 1);
    });
  });

  describe(`RemoteJwks key cache (${name})`, () => {
    test("after a key rotation the new key is used, never the cached old one", async () => {
      const lib = flavours[name];
      const old = keyPair("RS256", "a");
      // The rotated set reuses kid "a" for new key material and adds kid "b".
      const renewed = keyPair("RS256", "a");
      const added = keyPair("RS256", "b");
      let served = { keys: [old.jwk] };
      let requests = 0;
      const fetch = async () => {
        requests += 1;
        return new Response(JSON.stringify(served), { headers: { "content-type": "application/json" } });
      };
      const jwks = new lib.RemoteJwks({ jwksUrl: "https://issuer.test/jwks", fetch });
      const options = { algorithms: ["RS256"] };
      assert.equal(await countImports(() => jwks.verify(signed(old), options)), 1);
      assert.equal(await countImports(() => jwks.verify(signed(old), options)), 0);
      assert.equal(requests, 1);

      served = { keys: [renewed.jwk, added.jwk] };
      // An unknown kid refetches at most once per 30 s (core's rule, on the real clock): move
      // Date.now, which the wasm reads, past that interval.
      const realNow = Date.now;
      Date.now = () => realNow() + 60_000;
      try {
        assert.equal(await countImports(() => jwks.verify(signed(added), options)), 1);
        assert.equal(requests, 2);
        // kid "a" now names the renewed key: its tokens verify, the old key's tokens do not.
        assert.equal(await countImports(() => jwks.verify(signed(renewed), options)), 1);
        const stale = await thrownBy(() => jwks.verify(signed(old), options));
        assert.ok(stale instanceof lib.JwtError, `${stale?.name}: ${stale?.code}`);
        assert.equal(stale.code, "jwt_signature");
        assert.equal(await countImports(() => jwks.verify(signed(renewed), options)), 0);
        assert.equal(requests, 2);
      } finally {
        Date.now = realNow;
      }
    });

    test("a refetched set starts with no imported keys, even for a key it keeps", async () => {
      const lib = flavours[name];
      const kept = keyPair("ES256", "kept");
      const added = keyPair("ES256", "added");
      let served = { keys: [kept.jwk] };
      const fetch = async () => new Response(JSON.stringify(served));
      const jwks = new lib.RemoteJwks({ jwksUrl: "https://issuer.test/jwks", fetch });
      const options = { algorithms: ["ES256"] };
      assert.equal(await countImports(() => jwks.verify(signed(kept), options)), 1);
      served = { keys: [kept.jwk, added.jwk] };
      const realNow = Date.now;
      Date.now = () => realNow() + 60_000;
      try {
        assert.equal(await countImports(() => jwks.verify(signed(added), options)), 1);
        // The RemoteJwks dropped its keys with the old set: "kept" is imported again, once.
        assert.equal(await countImports(() => jwks.verify(signed(kept), options)), 1);
        assert.equal(await countImports(() => jwks.verify(signed(kept), options)), 0);
      } finally {
        Date.now = realNow;
      }
    });
  });
}
