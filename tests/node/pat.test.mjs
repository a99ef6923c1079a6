// Replays tests/vectors/pat.json through the PAT functions of the built package.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, vectors } from "./load-package.mjs";

const pat = vectors("pat.json");
let loaded;

before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

test("the vector file is not empty", () => {
  assert.ok(pat.valid.length >= 5);
  assert.ok(pat.malformed.length >= 10);
});

for (const flavour of ["require (node condition)", "import (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];

    for (const v of pat.valid) {
      test(`valid ${v.token.slice(0, 4)}…${v.checksum}`, () => {
        const { patChecksumOk, patParse, patHash, patVerify, patHint } = lib();
        assert.equal(patChecksumOk(v.token), true);
        assert.deepEqual({ ...patParse(v.token, v.prefix) }, { prefix: v.prefix });
        assert.equal(patHash(v.token), v.sha256_hex);
        assert.equal(patHash(v.token, pat.pepper_utf8), v.hmac_sha256_hex);
        assert.equal(patHash(v.token, new TextEncoder().encode(pat.pepper_utf8)), v.hmac_sha256_hex);
        assert.equal(patVerify(v.token, v.sha256_hex), true);
        assert.equal(patVerify(v.token, v.hmac_sha256_hex, pat.pepper_utf8), true);
        // The peppered hash is not the plain one, and a wrong pepper never verifies.
        assert.equal(patVerify(v.token, v.hmac_sha256_hex), false);
        assert.equal(patVerify(v.token, v.hmac_sha256_hex, "other pepper"), false);
        assert.equal(patHint(v.token), v.hint);
      });
    }

    for (const m of pat.malformed) {
      test(`malformed: ${m.name}`, () => {
        const { patChecksumOk, patParse, patVerify, PatError, TokenError } = lib();
        // The checksum covers the body only: another issuer's token is well-formed.
        assert.equal(patChecksumOk(m.token), m.error === "pat_wrong_prefix");
        assert.throws(() => patParse(m.token, pat.expected_prefix), (err) => {
          assert.ok(err instanceof PatError);
          assert.ok(err instanceof TokenError);
          assert.equal(err.name, "PatError");
          assert.equal(err.code, m.error);
          assert.ok(!err.message.includes(m.token.trim()), "message leaks the token");
          return true;
        });
        assert.equal(patVerify(m.token, "0".repeat(64)), false);
      });
    }

    test("generatePat: format, checksum, uniqueness", () => {
      const { generatePat, patChecksumOk, patParse } = lib();
      const seen = new Set();
      for (let i = 0; i < 200; i++) {
        const token = generatePat("tsm");
        assert.match(token, /^tsm_[0-9A-Za-z]{36}$/);
        assert.ok(patChecksumOk(token));
        assert.equal(patParse(token, "tsm").prefix, "tsm");
        seen.add(token);
      }
      assert.equal(seen.size, 200);
    });

    test("generatePat refuses a bad prefix with PatError", () => {
      const { generatePat, PatError } = lib();
      for (const prefix of ["", "a", "TSM", "toolongprefix", "ts_m"]) {
        assert.throws(() => generatePat(prefix), (err) => {
          assert.ok(err instanceof PatError, prefix);
          assert.equal(err.code, "pat_invalid_prefix");
          return true;
        });
      }
    });

    test("a stored hash of the wrong shape never verifies", () => {
      const { patVerify } = lib();
      const v = pat.valid[0];
      assert.equal(patVerify(v.token, `g${v.sha256_hex.slice(1)}`), false);
      assert.equal(patVerify(v.token, v.sha256_hex.slice(1)), false);
      assert.equal(patVerify(v.token, ""), false);
    });
  });
}
