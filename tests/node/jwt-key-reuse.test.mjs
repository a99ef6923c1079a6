// What verifyJwt and RemoteJwks reuse between calls must never answer for another key: the key
// sets verifyJwt keeps parsed by their text, and the identities of imported keys (wasm/src/jwt/
// keys.rs). Each test uses fresh keys (the caches are module-wide) and checks answers, not
// timings: a rotated key under the same kid, one RSA key for two algorithms, another alg for the
// same kid, claims that fail after a cached key, more sets and keys than the caches hold, secrets
// (never kept) under the same text shape, and verifies of different keys interleaved.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { createHmac, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { loadFlavours, thrownBy } from "./load-package.mjs";

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

/** A key pair for `alg` (ES256, RS256 or PS256) and its public JWK (with `kid` when given). */
function keyPair(alg, kid) {
  const { publicKey, privateKey } = alg.startsWith("ES")
    ? generateKeyPairSync("ec", { namedCurve: "P-256" })
    : generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), ...(kid ? { kid } : {}) };
  return { alg, kid, privateKey, jwk };
}

/** A JWT signed with `key` (as `alg`, default the key's), claims `claims` over a valid `exp`. */
function signed(key, claims = {}, alg = key.alg) {
  const header = { alg, typ: "JWT", ...(key.kid ? { kid: key.kid } : {}) };
  const input = `${b64(header)}.${b64({ sub: "alice", exp: now() + 3600, ...claims })}`;
  const data = Buffer.from(input);
  let signature;
  if (alg === "ES256") {
    signature = sign("sha256", data, { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  } else if (alg === "PS256") {
    signature = sign("sha256", data, { key: key.privateKey, padding: 6, saltLength: 32 });
  } else {
    signature = sign("sha256", data, key.privateKey);
  }
  return `${input}.${signature.toString("base64url")}`;
}

/** The error code `call` rejects with (`undefined` if it resolves). */
async function codeOf(call) {
  return (await thrownBy(call))?.code;
}

let flavours;
let cleanup;
before(async () => {
  ({ flavours, cleanup } = await loadFlavours());
});
after(() => cleanup?.());

describe("verifyJwt reuses nothing across keys", () => {
  const lib = () => flavours["import (node condition)"];

  test("a key set rotated under the same kid: the new key verifies, the old one no more", async () => {
    const old = keyPair("ES256", "k");
    const renewed = keyPair("ES256", "k");
    const options = { algorithms: ["ES256"] };
    const oldSet = { keys: [old.jwk] };
    const newSet = { keys: [renewed.jwk] };
    assert.equal((await lib().verifyJwt(signed(old), oldSet, options)).claims.sub, "alice");
    assert.equal((await lib().verifyJwt(signed(renewed), newSet, options)).claims.sub, "alice");
    assert.equal(await codeOf(() => lib().verifyJwt(signed(old), newSet, options)), "jwt_signature");
    assert.equal(await codeOf(() => lib().verifyJwt(signed(renewed), oldSet, options)), "jwt_signature");
    // And back: the first set (kept parsed) still holds the old key only.
    assert.equal((await lib().verifyJwt(signed(old), oldSet, options)).claims.sub, "alice");
  });

  test("one RSA key for RS256 and PS256: each token by its own algorithm only", async () => {
    const rs = keyPair("RS256", "rsa");
    const jwks = { keys: [rs.jwk] };
    const both = { algorithms: ["RS256", "PS256"] };
    assert.equal((await lib().verifyJwt(signed(rs, {}, "RS256"), jwks, both)).header.alg, "RS256");
    assert.equal((await lib().verifyJwt(signed(rs, {}, "PS256"), jwks, both)).header.alg, "PS256");
    // A PS256 signature under an RS256 header (and back), with both imports cached: refused.
    const [psInput, , psSignature] = signed(rs, {}, "PS256").split(".");
    const [rsHeader, rsPayload, rsSignature] = signed(rs, {}, "RS256").split(".");
    assert.equal(await codeOf(() => lib().verifyJwt(`${rsHeader}.${rsPayload}.${psSignature}`, jwks, both)), "jwt_signature");
    assert.equal(await codeOf(() => lib().verifyJwt(`${psInput}.${rsPayload}.${rsSignature}`, jwks, both)), "jwt_signature");
    // The key's own `alg` narrows what the same key material verifies.
    const pinned = { keys: [{ ...rs.jwk, alg: "RS256" }] };
    assert.equal(await codeOf(() => lib().verifyJwt(signed(rs, {}, "PS256"), pinned, { algorithms: ["PS256"] })), "jwt_key_mismatch");
  });

  test("claims are checked on every verify, the key cached or not", async () => {
    const key = keyPair("ES256", "c");
    const jwks = { keys: [key.jwk] };
    const options = { algorithms: ["ES256"], audience: "api", issuer: "https://idp" };
    const good = { aud: "api", iss: "https://idp" };
    assert.equal((await lib().verifyJwt(signed(key, good), jwks, options)).claims.aud, "api");
    assert.equal(await codeOf(() => lib().verifyJwt(signed(key, { ...good, exp: now() - 3600 }), jwks, options)), "jwt_expired");
    assert.equal(await codeOf(() => lib().verifyJwt(signed(key, { ...good, aud: "other" }), jwks, options)), "jwt_audience");
    assert.equal(await codeOf(() => lib().verifyJwt(signed(key, { ...good, iss: "https://evil" }), jwks, options)), "jwt_issuer");
    // The same token at a later time, from the same cached set: expired then.
    const token = signed(key, good);
    const later = new Date(Date.now() + 7200_000);
    assert.equal(await codeOf(() => lib().verifyJwt(token, jwks, { ...options, currentDate: later })), "jwt_expired");
    // Other options with the same set: the allowlist is read on every call.
    assert.equal(await codeOf(() => lib().verifyJwt(token, jwks, { ...options, algorithms: ["RS256"] })), "jwt_key_mismatch");
    assert.equal((await lib().verifyJwt(token, jwks, options)).claims.sub, "alice");
  });

  test("more key sets and keys than are kept: every answer stays right", async () => {
    // 70 keys (more than the 64 identities and the 8 parsed sets), each verified, then a token
    // of each checked against its own key and against its neighbour's.
    const keys = Array.from({ length: 70 }, (_, i) => keyPair("ES256", `n${i}`));
    const options = { algorithms: ["ES256"] };
    const tokens = keys.map((key) => signed(key));
    for (let i = 0; i < keys.length; i++) {
      assert.equal((await lib().verifyJwt(tokens[i], keys[i].jwk, options)).claims.sub, "alice");
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      assert.equal((await lib().verifyJwt(tokens[i], keys[i].jwk, options)).claims.sub, "alice", `key ${i}`);
      const other = { ...keys[(i + 1) % keys.length].jwk, kid: keys[i].kid };
      assert.equal(await codeOf(() => lib().verifyJwt(tokens[i], other, options)), "jwt_signature", `key ${i}`);
    }
  });

  test("verifies of different keys interleaved: each with its own key", async () => {
    const keys = Array.from({ length: 6 }, (_, i) => keyPair("ES256", `i${i}`));
    const options = { algorithms: ["ES256"] };
    const set = { keys: keys.map((key) => key.jwk) };
    const runs = keys.flatMap((key, i) => [
      lib().verifyJwt(signed(key, { n: i }), set, options).then((jwt) => jwt.claims.n),
      codeOf(() => lib().verifyJwt(signed({ ...keys[(i + 1) % keys.length], kid: key.kid }), set, options)),
    ]);
    const results = await Promise.all(runs);
    keys.forEach((_, i) => {
      assert.equal(results[2 * i], i);
      assert.equal(results[2 * i + 1], "jwt_signature");
    });
  });

  test("HMAC secrets in sets of the same shape: each token by its own secret", async () => {
    const options = { algorithms: ["HS384"] };
    const secrets = [Buffer.alloc(48, 1), Buffer.alloc(48, 2)];
    const sets = secrets.map((secret) => ({ keys: [{ kty: "oct", kid: "h", k: secret.toString("base64url") }] }));
    const tokens = secrets.map((secret) => {
      const input = `${b64({ alg: "HS384", kid: "h" })}.${b64({ sub: "hs", exp: now() + 3600 })}`;
      return `${input}.${createHmac("sha384", secret).update(input).digest("base64url")}`;
    });
    for (let round = 0; round < 2; round++) {
      assert.equal((await lib().verifyJwt(tokens[0], sets[0], options)).claims.sub, "hs");
      assert.equal((await lib().verifyJwt(tokens[1], sets[1], options)).claims.sub, "hs");
      assert.equal(await codeOf(() => lib().verifyJwt(tokens[0], sets[1], options)), "jwt_signature");
      assert.equal(await codeOf(() => lib().verifyJwt(tokens[1], sets[0], options)), "jwt_signature");
    }
  });

  test("a PEM key kept parsed by its text: its own tokens only", async () => {
    const key = keyPair("RS256");
    const other = keyPair("RS256");
    const text = createPublicKey({ key: key.jwk, format: "jwk" }).export({ format: "pem", type: "spki" });
    const options = { algorithms: ["RS256"] };
    for (let round = 0; round < 2; round++) {
      assert.equal((await lib().verifyJwt(signed(key), text, options)).claims.sub, "alice");
      assert.equal(await codeOf(() => lib().verifyJwt(signed(other), text, options)), "jwt_signature");
    }
  });
});

describe("RemoteJwks verifies the token it was asked about", () => {
  test("concurrent verifies of tokens of different keys and a bad one", async () => {
    const lib = flavours["import (node condition)"];
    const keys = Array.from({ length: 4 }, (_, i) => keyPair("ES256", `r${i}`));
    const fetch = async () => new Response(JSON.stringify({ keys: keys.map((key) => key.jwk) }));
    const jwks = new lib.RemoteJwks({ jwksUrl: "https://issuer.test/jwks", fetch });
    const options = { algorithms: ["ES256"] };
    const runs = keys.flatMap((key, i) => [
      jwks.verify(signed(key, { n: i }), options).then((jwt) => jwt.claims.n),
      codeOf(() => jwks.verify(signed(key, { n: i, exp: now() - 3600 }), options)),
      codeOf(() => jwks.verify(signed({ ...keys[(i + 1) % keys.length], kid: key.kid }), options)),
    ]);
    const results = await Promise.all(runs);
    keys.forEach((_, i) => {
      assert.deepEqual(results.slice(3 * i, 3 * i + 3), [i, "jwt_expired", "jwt_signature"]);
    });
    // A token whose options are refused does not leave its decoded token behind for the next.
    assert.equal(await codeOf(() => jwks.verify(signed(keys[0]), { algorithms: "ES256", leeway: -1 })), "invalid_input");
    assert.equal((await jwks.verify(signed(keys[1], { n: 1 }), options)).claims.n, 1);
    jwks.free();
  });
});
