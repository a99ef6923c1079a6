// The argument checks of verifyJwt and RemoteJwks (wasm/js/jwt.js, jwks.js): a wrong type is a
// TokenError `invalid_input` (never a JwtError) with core's wording (`invalid input: …`), the
// accepted forms (one algorithm as a string, a time as milliseconds, null for absent) verify,
// a RemoteJwks hands its timeout to the request and can be freed, and without crypto.subtle an
// RS256 token is refused with a clear message while HS256 (checked in Rust) still verifies.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { loadFlavours, thrownBy, vectors } from "./load-package.mjs";

const jwt = vectors("jwt.json");
const currentDate = new Date(jwt.now * 1000);
const rs256 = jwt.cases.find((c) => c.name === "valid RS256");
const good = { algorithms: ["RS256"], issuer: rs256.validation.issuer, audience: rs256.validation.audience, currentDate };
const SECRET = Buffer.alloc(32, 7);

/** An HS256 JWT (RFC 7515 §3.1) valid for the next hour from the real clock. */
function hs256(kid) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: "HS256", typ: "JWT", ...(kid ? { kid } : {}) })}.${b64({ sub: "u", exp: now + 3600 })}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

/** Asserts `err` is a plain TokenError invalid_input whose message is `invalid input: ${what}`. */
function assertInvalid(lib, err, what) {
  assert.ok(err instanceof lib.TokenError, `${err}`);
  assert.ok(!(err instanceof lib.JwtError), `${err?.name}`);
  assert.equal(err.code, "invalid_input");
  assert.equal(err.message, `invalid input: ${what}`);
}

for (const flavour of ["require (node condition)", "import (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];

    test("verifyJwt: every option of the wrong type is named in the error", async () => {
      const cases = [
        [{ algorithms: 5 }, "option algorithms must be an array of strings"],
        [{ algorithms: ["RS256", 5] }, "option algorithms must be an array of strings"],
        [{ algorithms: ["RS256", ,] }, "option algorithms must be an array of strings"],
        [{ issuer: 42 }, "option issuer must be a string"],
        [{ audience: ["a"] }, "option audience must be a string"],
        [{ leeway: -1 }, "option leeway must be a non-negative number"],
        [{ leeway: "30s" }, "option leeway must be a non-negative number"],
        [{ leeway: Infinity }, "option leeway must be a non-negative number"],
        [{ allowMissingExpInsecure: "yes" }, "option allowMissingExpInsecure must be a boolean"],
        [{ understoodCrit: [1] }, "option understoodCrit must be an array of strings"],
        [{ currentDate: "2026-01-01" }, "currentDate must be a Date or a number of milliseconds"],
        [{ currentDate: new Date(NaN) }, "currentDate must be a Date or a number of milliseconds"],
      ];
      for (const [bad, what] of cases) {
        const err = await thrownBy(() => lib().verifyJwt(rs256.token, jwt.jwks, { ...good, ...bad }));
        assertInvalid(lib(), err, what);
      }
    });

    test("verifyJwt: a key set that is not JSON-serialisable is invalid input", async () => {
      const cyclic = { keys: [] };
      cyclic.keys.push(cyclic);
      for (const jwks of [undefined, cyclic, () => {}]) {
        const err = await thrownBy(() => lib().verifyJwt(rs256.token, jwks, good));
        assertInvalid(lib(), err, "jwks must be a JWK Set, a JWK, JSON text or a PEM public key");
      }
    });

    test("verifyJwt: one algorithm as a string, the time in ms, null for an absent option", async () => {
      const forms = [
        { ...good, algorithms: "RS256" },
        { ...good, currentDate: jwt.now * 1000 },
        { ...good, leeway: null, understoodCrit: null, allowMissingExpInsecure: null },
      ];
      for (const options of forms) {
        const { claims } = await lib().verifyJwt(rs256.token, jwt.jwks, options);
        assert.equal(claims.iss, good.issuer);
      }
    });

    test("RemoteJwks: constructor options of the wrong type, or missing, are invalid input", () => {
      const { RemoteJwks } = lib();
      const fetch = async () => new Response("{}");
      const cases = [
        [undefined, "option jwksUrl is required"],
        [{ fetch }, "option jwksUrl is required"],
        [{ jwksUrl: 5, fetch }, "option jwksUrl must be a string"],
        [{ jwksUrl: "https://issuer.test/jwks", fetch: "fetch" }, "option fetch must be a function"],
        [{ jwksUrl: "https://issuer.test/jwks", fetch, timeoutMs: -1 }, "option timeoutMs must be a non-negative number"],
      ];
      for (const [options, what] of cases) {
        let err;
        try {
          new RemoteJwks(options);
        } catch (e) {
          err = e;
        }
        assertInvalid(lib(), err, what);
      }
    });

    test("RemoteJwks: timeoutMs aborts the JWK Set request (TransportError transport_timeout)", async () => {
      const { RemoteJwks, TransportError } = lib();
      const signals = [];
      // Answers only by rejecting when the request's signal aborts.
      const fetch = (_input, init) =>
        new Promise((_, reject) => {
          signals.push(init.signal);
          init.signal.addEventListener("abort", () => reject(init.signal.reason));
        });
      const jwks = new RemoteJwks({ jwksUrl: "https://issuer.test/jwks", fetch, timeoutMs: 50 });
      const started = Date.now();
      // AbortSignal.timeout's timer does not keep Node's event loop alive (a real request's
      // socket would): this one does, for at most 5 s.
      const alive = setTimeout(() => {}, 5000);
      const err = await thrownBy(() => jwks.verify(hs256("k1"), { algorithms: ["HS256"] }));
      clearTimeout(alive);
      assert.ok(err instanceof TransportError, `${err?.name}: ${err?.code}`);
      assert.equal(err.code, "transport_timeout");
      assert.ok(Date.now() - started < 5000, "aborted long after timeoutMs");
      assert.equal(signals.length, 1);
      // Without timeoutMs the request still carries an abort signal (the 10 s default).
      const idle = new RemoteJwks({ jwksUrl: "https://issuer.test/jwks", fetch });
      void idle.verify(hs256("k1"), { algorithms: ["HS256"] }).catch(() => {});
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(signals.length, 2);
      assert.ok(signals[1] instanceof AbortSignal);
      assert.equal(signals[1].aborted, false);
    });

    test("RemoteJwks: free() releases it, and Symbol.dispose is free", async () => {
      const { RemoteJwks } = lib();
      const body = JSON.stringify({ keys: [{ kty: "oct", kid: "k1", k: SECRET.toString("base64url") }] });
      const jwks = new RemoteJwks({ jwksUrl: "https://issuer.test/jwks", fetch: async () => new Response(body) });
      assert.equal((await jwks.verify(hs256("k1"), { algorithms: ["HS256"] })).claims.sub, "u");
      if (Symbol.dispose) assert.equal(jwks[Symbol.dispose], jwks.free);
      jwks.free();
      assert.ok(await thrownBy(() => jwks.verify(hs256("k1"), { algorithms: ["HS256"] })));
    });

    test("without crypto.subtle: RS256 is refused as invalid input, HS256 still verifies", async () => {
      const { verifyJwt } = lib();
      const hs = jwt.cases.find((c) => c.name === "valid HS256");
      const saved = Object.getOwnPropertyDescriptor(globalThis, "crypto");
      Object.defineProperty(globalThis, "crypto", { value: {}, configurable: true, writable: true });
      try {
        const err = await thrownBy(() => verifyJwt(rs256.token, jwt.jwks, good));
        assertInvalid(lib(), err, "crypto.subtle is unavailable (it needs a secure context: https or localhost)");
        const { algorithms, issuer, audience } = hs.validation;
        const options = { algorithms, issuer, audience, currentDate };
        assert.equal((await verifyJwt(hs.token, jwt.jwks, options)).header.alg, "HS256");
      } finally {
        Object.defineProperty(globalThis, "crypto", saved);
      }
    });
  });
}
