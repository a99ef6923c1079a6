// TokenClient of the built package against @node-oauth/oauth2-server (npm, a server we did not
// write), run here on 127.0.0.1 with an ephemeral port and an in-memory model: the password
// grant (RFC 6749 §4.3) cached per user, and the refresh_token grant (RFC 6749 §6) with
// rotation (the library's default alwaysIssueNewRefreshToken): reusing a rotated refresh token
// fails with invalid_grant (§5.2).
//
// The library reads HTTP Basic client credentials without the RFC 6749 §2.3.1 decoding (its
// `basic-auth` dependency), so the client authenticates with client_secret_post, whose form body
// it decodes; the last test records the Basic reading. Same setup as the Python interop test
// (tests/python/test_interop_node_oauth.py).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { inspect } from "node:util";
import OAuth2Server from "@node-oauth/oauth2-server";
import { loadFlavours, thrownBy } from "./load-package.mjs";

// Client credentials are VSCHAR (RFC 6749 Appendix A.1, A.2), which the library enforces; user
// credentials are UNICODECHARNOCRLF (Appendix A.15, A.16), so non-ASCII goes there.
const CLIENT_ID = "node client:+%/1";
const CLIENT_SECRET = "node secret %+:/&=-NODE-CLIENT-SECRET-a41c";
const USER = "bob smith:+%/ß";
const PASSWORD = "pass word %+:/€&=-NODE-USER-PASSWORD-d9e7";
// Access-token lifetime in seconds: long, these tests look at caching and rotation.
const LIFETIME_SECONDS = 3600;

let loaded;
let server;
let tokenUrl;
let tokenRequests = 0;
// Refresh tokens the model still honours; the library revokes the used one on each refresh.
const refreshTokens = new Map();

const model = {
  async getClient(clientId, clientSecret) {
    if (clientId !== CLIENT_ID) return false;
    if (clientSecret != null && clientSecret !== CLIENT_SECRET) return false;
    return { id: clientId, grants: ["password", "refresh_token"] };
  },
  async getUser(username, password) {
    return username === USER && password === PASSWORD ? { id: username } : false;
  },
  async saveToken(token, client, user) {
    const saved = { ...token, client, user };
    if (token.refreshToken) refreshTokens.set(token.refreshToken, saved);
    return saved;
  },
  async getRefreshToken(refreshToken) {
    return refreshTokens.get(refreshToken) ?? false;
  },
  async revokeToken(token) {
    return refreshTokens.delete(token.refreshToken);
  },
  async validateScope(_user, _client, scope) {
    return scope ?? [];
  },
};

before(async () => {
  loaded = await loadFlavours();
  const oauth = new OAuth2Server({
    model,
    accessTokenLifetime: LIFETIME_SECONDS,
    refreshTokenLifetime: 10 * LIFETIME_SECONDS,
  });
  server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", async () => {
      tokenRequests += 1;
      const body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      const request = new OAuth2Server.Request({ method: req.method, headers: req.headers, query: {}, body });
      const response = new OAuth2Server.Response({});
      try {
        await oauth.token(request, response);
      } catch {
        // The library has already put the RFC 6749 §5.2 error into the response.
      }
      res.writeHead(response.status, { ...response.headers, "content-type": "application/json" });
      res.end(JSON.stringify(response.body));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  tokenUrl = `http://127.0.0.1:${server.address().port}/token`;
});

after(async () => {
  loaded?.cleanup();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const lib = () => loaded.flavours["require (node condition)"];
const client = (options = {}) =>
  new (lib().TokenClient)({ tokenUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, auth: "client_secret_post", ...options });

test("password grant: a token with a refresh token, cached per user, 10 concurrent cold calls → 1 request", async () => {
  const { Token, OAuthError } = lib();
  const c = client();
  const start = tokenRequests;
  const tokens = await Promise.all(Array.from({ length: 10 }, () => c.password(USER, PASSWORD)));
  assert.equal(tokenRequests - start, 1);
  const [token] = tokens;
  assert.ok(token instanceof Token);
  assert.equal(token.tokenType, "Bearer");
  assert.equal(typeof token.refreshToken, "string");
  assert.ok(token.expiresIn > LIFETIME_SECONDS - 10 && token.expiresIn <= LIFETIME_SECONDS, String(token.expiresIn));
  assert.ok(tokens.every((t) => t.accessToken === token.accessToken));
  assert.equal((await c.password(USER, PASSWORD)).accessToken, token.accessToken);
  assert.equal(tokenRequests - start, 1);
  // Another password is another cache key: a request, refused.
  const err = await thrownBy(() => c.password(USER, "wrong password-NODE-WRONG-USER-55e1"));
  assert.equal(tokenRequests - start, 2);
  assert.ok(err instanceof OAuthError, String(err));
  assert.equal(err.code, "invalid_grant");
  assert.equal(err.status, 400);
  for (const text of [String(err), err.message, String(err.stack), inspect(err), JSON.stringify(err)]) {
    assert.ok(!text.includes("NODE-WRONG-USER") && !text.includes(PASSWORD) && !text.includes(CLIENT_SECRET), text);
  }
});

test("refresh rotates the refresh token; reusing a rotated one fails with OAuthError invalid_grant", async () => {
  const { OAuthError, TokenError } = lib();
  const c = client();
  const start = tokenRequests;
  const first = await c.password(USER, PASSWORD);
  const second = await c.refresh(first.refreshToken);
  assert.notEqual(second.accessToken, first.accessToken);
  assert.equal(typeof second.refreshToken, "string");
  assert.notEqual(second.refreshToken, first.refreshToken);
  // A client of its own, so no cache entry keyed by the old refresh token answers for the server.
  const err = await thrownBy(() => client().refresh(first.refreshToken));
  assert.ok(err instanceof OAuthError && err instanceof TokenError, String(err));
  assert.equal(err.code, "invalid_grant");
  assert.equal(err.error, "invalid_grant");
  assert.equal(err.status, 400);
  for (const text of [String(err), err.message, String(err.stack), inspect(err), JSON.stringify(err)]) {
    assert.ok(!text.includes(first.refreshToken), `the error shows the refresh token: ${text}`);
  }
  // The rotated-in refresh token works, once more rotated.
  const third = await client().refresh(second.refreshToken);
  assert.ok(third.refreshToken && third.refreshToken !== second.refreshToken);
  assert.equal(tokenRequests - start, 4);
});

test("within one client a repeated refresh with the same refresh token is a cache hit, not a reuse", async () => {
  // TokenClient caches refresh grants under the refresh token (like any grant), so the rotated
  // token never reaches the server again from this client; the server's refusal is seen above.
  const c = client();
  const first = await c.password(USER, PASSWORD);
  const start = tokenRequests;
  const second = await c.refresh(first.refreshToken);
  const again = await c.refresh(first.refreshToken);
  assert.equal(tokenRequests - start, 1);
  assert.equal(again.accessToken, second.accessToken);
});

test("a wrong client secret is invalid_client, without the secret in the error", async () => {
  const { OAuthError } = lib();
  const wrong = "not the secret-NODE-WRONG-CLIENT-0b3e";
  const err = await thrownBy(() => client({ clientSecret: wrong }).password(USER, PASSWORD));
  assert.ok(err instanceof OAuthError, String(err));
  assert.equal(err.code, "invalid_client");
  for (const text of [String(err), err.message, String(err.stack), inspect(err), JSON.stringify(err)]) {
    assert.ok(!text.includes(wrong) && !text.includes(PASSWORD), text);
  }
});

test("records the library's Basic reading: RFC 6749 §2.3.1 encoded credentials are not decoded", async () => {
  const { OAuthError } = lib();
  const start = tokenRequests;
  const err = await thrownBy(() => client({ auth: "client_secret_basic" }).password(USER, PASSWORD));
  assert.equal(tokenRequests - start, 1);
  assert.ok(err instanceof OAuthError, String(err));
  assert.equal(err.code, "invalid_client");
});
