// Token and the error classes, through parseTokenResponse of the built package: replays the
// token-response cases of tests/vectors/responses.json, then checks the Token API and that no
// way of showing a Token reveals more than 4 characters of a token.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { loadFlavours, thrownBy, vectors } from "./load-package.mjs";

const responses = vectors("responses.json");
const tokenCases = responses.cases.filter((c) => c.kind === "token");
let loaded;

before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

/** The response body a vector describes (see the vector file's description). */
function body(response) {
  if (response.body_base64 !== undefined) return new Uint8Array(Buffer.from(response.body_base64, "base64"));
  let text = response.body ?? "";
  if (response.body_repeat) text += response.body_repeat.unit.repeat(response.body_repeat.count);
  return text + (response.body_suffix ?? "");
}

function options(c) {
  const o = c.options ?? {};
  return {
    sentAt: c.sent_at,
    defaultLifetime: o.default_lifetime_secs,
    maxLifetime: o.max_lifetime_secs,
    maxBodyBytes: o.max_body_bytes,
  };
}

const CLASS_OF_FAMILY = { oauth: "OAuthError", response: "ResponseError", input: "InputError" };

test("the vector file has token and error cases", () => {
  assert.ok(tokenCases.filter((c) => c.expected.token).length >= 40);
  assert.ok(tokenCases.filter((c) => c.expected.error).length >= 70);
});

for (const flavour of ["require (node condition)", "import (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];

    for (const c of tokenCases) {
      test(`parseTokenResponse: ${c.name}`, async () => {
        const { parseTokenResponse, TokenError, Token } = lib();
        const response = { status: c.response.status, headers: c.response.headers, body: body(c.response) };
        const call = () => parseTokenResponse(response, options(c));
        const want = c.expected.token;
        if (want) {
          const token = call();
          assert.ok(token instanceof Token);
          assert.equal(token.accessToken, want.access_token);
          assert.equal(token.tokenType, want.token_type);
          assert.equal(token.expiresAt.getTime(), want.expires_at);
          assert.equal(token.refreshToken, want.refresh_token);
          const refreshAt = typeof want.refresh_expiry === "object" ? want.refresh_expiry.at : null;
          assert.equal(token.refreshExpiresAt?.getTime() ?? null, refreshAt);
          assert.deepEqual(token.scope, want.scope ?? []);
          assert.equal(token.idToken, want.id_token);
          assert.deepEqual(Object.keys(token.extra).sort(), want.extra_keys);
          assert.equal(token.authorization, `${want.token_type} ${want.access_token}`);
          return;
        }
        const e = c.expected.error;
        const err = await thrownBy(call);
        assert.ok(err instanceof TokenError, `throws a TokenError, got ${err}`);
        assert.ok(err instanceof Error);
        assert.equal(err.name, CLASS_OF_FAMILY[e.family]);
        assert.ok(err instanceof lib()[CLASS_OF_FAMILY[e.family]]);
        assert.equal(err.code, e.code);
        if (e.family !== "input") assert.equal(err.status ?? null, e.status);
        if ("description" in e) assert.equal(err.description, e.description);
        if ("uri" in e) assert.equal(err.uri, e.uri);
        if ("error_value" in e) assert.equal(err.error, e.error_value);
        if ("reason" in e) assert.equal(err.reason, e.reason);
        if ("retry_after" in e) {
          assert.equal(err.retryAfter, e.retry_after === null ? null : e.retry_after.delay_ms / 1000);
        }
        for (const excluded of e.excerpt_excludes ?? []) {
          assert.ok(!err.message.includes(excluded), `message contains ${JSON.stringify(excluded)}`);
        }
      });
    }

    test("Token: times, isExpired, expiresIn", () => {
      const { parseTokenResponse } = lib();
      const sentAt = Date.now();
      const token = parseTokenResponse(
        { status: 200, body: '{"access_token":"abcdefghij","token_type":"bearer","expires_in":120}' },
        { sentAt },
      );
      assert.equal(token.tokenType, "Bearer");
      assert.equal(token.expiresAt.getTime(), sentAt + 120_000);
      assert.ok(token.expiresIn > 110 && token.expiresIn <= 120, String(token.expiresIn));
      assert.equal(token.isExpired(), false);
      assert.equal(token.isExpired(60), false);
      assert.equal(token.isExpired(130), true);
      const old = parseTokenResponse(
        { status: 200, body: '{"access_token":"abcdefghij","token_type":"Bearer","expires_in":60}' },
        { sentAt: new Date(sentAt - 120_000) },
      );
      assert.equal(old.isExpired(), true);
      assert.equal(old.expiresIn, 0);
    });

    test("Token: toJSON, toString and util.inspect show at most 4 characters of each token", () => {
      const { parseTokenResponse } = lib();
      const access = "AT-0123456789-secret-access";
      const refresh = "RT-0123456789-secret-refresh";
      const id = "ID-0123456789-secret-id";
      const token = parseTokenResponse({
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          access_token: access,
          token_type: "Bearer",
          expires_in: 3600,
          refresh_token: refresh,
          id_token: id,
          scope: "read write",
          session_state: "opaque-extra-value",
        }),
      });
      const shown = [
        JSON.stringify(token),
        String(token),
        `${token}`,
        inspect(token),
        inspect({ nested: token }, { depth: 5 }),
      ];
      for (const text of shown) {
        for (const secret of [access, refresh, id, "opaque-extra-value"]) {
          assert.ok(!text.includes(secret.slice(0, 5)), `${text} shows more than 4 chars of ${secret}`);
        }
      }
      const json = JSON.parse(JSON.stringify(token));
      assert.equal(json.accessToken, "AT-0…");
      assert.equal(json.refreshToken, "RT-0…");
      assert.deepEqual(json.scope, ["read", "write"]);
      assert.deepEqual(json.extraKeys, ["session_state"]);
      assert.match(String(token), /^Token\(Bearer AT-0…, expires \d{4}-/);
      assert.equal(inspect(token), String(token));
      // The getters do return the tokens: that is what they are for.
      assert.equal(token.accessToken, access);
      assert.equal(token.extra.session_state, "opaque-extra-value");
    });

    test("OAuthError: fields of an RFC 6749 §5.2 error with Retry-After", async () => {
      const { parseTokenResponse, OAuthError, TokenError } = lib();
      const err = await thrownBy(() =>
        parseTokenResponse(
          {
            status: 429,
            headers: [["Retry-After", "7"], ["Content-Type", "application/json"]],
            body: '{"error":"slow_down","error_description":"later","error_uri":"https://e.example/x"}',
          },
          { sentAt: 1_700_000_000_000 },
        ),
      );
      assert.ok(err instanceof OAuthError && err instanceof TokenError && err instanceof Error);
      assert.equal(err.code, "slow_down");
      assert.equal(err.error, "slow_down");
      assert.equal(err.description, "later");
      assert.equal(err.uri, "https://e.example/x");
      assert.equal(err.status, 429);
      assert.equal(err.retryAfter, 7);
      assert.match(err.stack, /^OAuthError: /);
    });

    test("bad arguments are an InputError invalid_input", async () => {
      const { parseTokenResponse, TokenError, InputError, OAuthError, ResponseError } = lib();
      for (const response of [{}, { status: "200" }, { status: 200, body: 5 }, { status: 200, headers: 5 }]) {
        const err = await thrownBy(() => parseTokenResponse(response, {}));
        assert.ok(err instanceof TokenError, JSON.stringify(response));
        assert.ok(err instanceof InputError && !(err instanceof OAuthError) && !(err instanceof ResponseError));
        assert.equal(err.name, "InputError");
        assert.equal(err.code, "invalid_input");
      }
    });
  });
}

test("the error classes are the same objects through require and import", () => {
  const cjs = loaded.flavours["require (node condition)"];
  const esm = loaded.flavours["import (node condition)"];
  for (const name of ["TokenError", "OAuthError", "ResponseError", "TransportError", "JwtError", "PatError"]) {
    assert.equal(typeof cjs[name], "function", name);
    assert.equal(cjs[name], esm[name], name);
    assert.ok(name === "TokenError" || cjs[name].prototype instanceof cjs.TokenError, name);
  }
});
