// HS256, HS384 and HS512 through verifyJwt of the built package, with tokens signed here by
// node:crypto. HS256 is checked in Rust; HS384 and HS512 by crypto.subtle (the wasm module links
// no SHA-512). A tampered signature, a wrong secret and a disallowed algorithm are refused.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { loadFlavours, thrownBy } from "./load-package.mjs";

const secret = Buffer.from("a 64-byte shared secret, long enough for HS512 (RFC 7518 3.2)....");
const jwk = { kty: "oct", k: secret.toString("base64url") };
const currentDate = new Date(1_700_000_000_000);
let loaded;

before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

function sign(alg, key = secret) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${b64({ alg, typ: "JWT" })}.${b64({ sub: "hmac-user", exp: 1_700_000_060 })}`;
  const hash = { HS256: "sha256", HS384: "sha384", HS512: "sha512" }[alg];
  return `${input}.${createHmac(hash, key).update(input).digest("base64url")}`;
}

for (const alg of ["HS256", "HS384", "HS512"]) {
  test(`${alg}: verified, and every kind of bad token refused`, async () => {
    for (const [flavour, lib] of Object.entries(loaded.flavours)) {
      const opts = { algorithms: [alg], currentDate };
      const ok = await lib.verifyJwt(sign(alg), jwk, opts);
      assert.equal(ok.claims.sub, "hmac-user", flavour);
      assert.equal(ok.header.alg, alg, flavour);

      const token = sign(alg);
      // A character inside the signature (the last one may carry unused bits).
      const at = token.length - 6;
      const tampered = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
      const wrongKey = sign(alg, Buffer.from("another 64-byte secret that is long enough for HS512 too......."));
      for (const bad of [tampered, wrongKey]) {
        const err = await thrownBy(() => lib.verifyJwt(bad, jwk, opts));
        assert.ok(err instanceof lib.JwtError, `${flavour}: ${err}`);
        assert.equal(err.code, "jwt_signature", flavour);
      }
      const other = alg === "HS512" ? "HS256" : "HS512";
      const err = await thrownBy(() => lib.verifyJwt(sign(alg), jwk, { algorithms: [other], currentDate }));
      assert.ok(err instanceof lib.JwtError, flavour);
      assert.equal(err.code, "jwt_alg_not_allowed", flavour);
    }
  });
}
