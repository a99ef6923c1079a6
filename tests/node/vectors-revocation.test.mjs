// Replays the revocation cases of tests/vectors/responses.json (RFC 7009 §2.2, §2.2.1) through
// TokenClient.revoke of the built package: a `fetch` answers with the vector's response, and
// revoke() must resolve (accepted) or reject with the vector's error class, code, status and
// Retry-After. The token cases of the same file are replayed by token.test.mjs.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, thrownBy, vectors } from "./load-package.mjs";

const revocationCases = vectors("responses.json").cases.filter((c) => c.kind === "revocation");
const CLASS_OF_FAMILY = { oauth: "OAuthError", response: "ResponseError", input: "InputError" };
const TOKEN = "revoked-token-VECTOR-3c1e";
const SECRET = "client-secret-VECTOR-9d0a";
let loaded;

before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

/** The response body a vector describes (see the vector file's description). */
function body(response) {
  if (response.body_base64 !== undefined) return Buffer.from(response.body_base64, "base64");
  let text = response.body ?? "";
  if (response.body_repeat) text += response.body_repeat.unit.repeat(response.body_repeat.count);
  return text + (response.body_suffix ?? "");
}

test("the vector file has accepted and refused revocation responses", () => {
  assert.ok(revocationCases.filter((c) => c.expected.ok).length >= 2);
  assert.ok(revocationCases.filter((c) => c.expected.error).length >= 3);
});

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];

    for (const c of revocationCases) {
      test(`revocation response vector: ${c.name}`, async () => {
        const sent = [];
        const client = new (lib().TokenClient)({
          tokenUrl: "https://as.example.com/token",
          revocationUrl: "https://as.example.com/revoke",
          clientId: "vector-client",
          clientSecret: SECRET,
          fetch: async (url, init) => {
            sent.push({ url, init });
            const { status, headers } = c.response;
            return new Response(status === 204 ? null : body(c.response), { status, headers });
          },
        });
        const call = () => client.revoke(TOKEN, { hint: "access_token" });
        if (c.expected.ok) {
          assert.equal(await call(), undefined);
          assert.equal(sent.length, 1);
          return;
        }
        const e = c.expected.error;
        const err = await thrownBy(call);
        assert.equal(sent.length, 1);
        assert.ok(err instanceof lib().TokenError, `rejects with a TokenError, got ${err}`);
        assert.ok(err instanceof lib()[CLASS_OF_FAMILY[e.family]], `${err.name}: ${err.message}`);
        assert.equal(err.name, CLASS_OF_FAMILY[e.family]);
        assert.equal(err.code, e.code);
        if (e.family !== "input") assert.equal(err.status ?? null, e.status);
        if ("reason" in e) assert.equal(err.reason, e.reason);
        if ("description" in e) assert.equal(err.description, e.description);
        if ("error_value" in e) assert.equal(err.error, e.error_value);
        if ("retry_after" in e) {
          assert.equal(err.retryAfter, e.retry_after === null ? null : e.retry_after.delay_ms / 1000);
        }
        for (const text of [err.message, String(err), String(err.stack)]) {
          assert.ok(!text.includes(TOKEN) && !text.includes(SECRET), `the error shows a secret: ${text}`);
        }
      });
    }
  });
}
