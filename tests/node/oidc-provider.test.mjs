// TokenClient and verifyJwt of the built package against `oidc-provider` (npm, a certified
// OpenID provider we did not write), started here on 127.0.0.1 with an ephemeral port:
// client_credentials with client_secret_basic, JWT access tokens (RFC 9068) for resource
// servers chosen by resource indicators (RFC 8707), verified against the provider's JWKS (fetched
// by the test for verifyJwt, and by RemoteJwks from jwks_uri);
// revocation (RFC 7009) checked through introspection (RFC 7662); single flight counted on the
// provider's side; a 2-second token lifetime; redaction of everything a user could print.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { inspect } from "node:util";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import Provider from "oidc-provider";
import { loadFlavours, thrownBy } from "./load-package.mjs";

// RFC 6749 Appendix A.1/A.2: client_id and client_secret are VSCHAR (printable ASCII, space
// included), which oidc-provider enforces after the §2.3.1 decoding. Every character here that
// form-urlencoding changes is in them: `:` (the Basic separator), `+`, `%`, `/`, `&`, `=`, space.
const CLIENT_ID = "svc:reporting/+%1 &=a";
const CLIENT_SECRET = "s3cr&t=+/%: pass-OIDC-CLIENT-SECRET-7f2a";
// Outside VSCHAR: oidc-provider refuses it (invalid_request) before looking the client up.
const NON_ASCII_SECRET = "pässwörd €-OIDC-NON-ASCII-SECRET-19c4";

// Resource servers (RFC 8707) by the prefix of the requested scope: the provider picks the
// resource indicator from the scope (`defaultResource` below), as TokenClient sends no
// `resource` parameter. `ttl` is the access-token lifetime in seconds.
const RESOURCES = {
  api: { indicator: "https://rs256.api.test/", scope: "api:read api:write", format: "jwt", alg: "RS256", ttl: 300 },
  es: { indicator: "https://es256.api.test/", scope: "es:read", format: "jwt", alg: "ES256", ttl: 300 },
  opaque: { indicator: "https://opaque.api.test/", scope: "opaque:read", format: "opaque", ttl: 300 },
  // Short enough to expire within the test, long enough that core caches it (> 0 s).
  short: { indicator: "https://short.api.test/", scope: "short:read", format: "jwt", alg: "RS256", ttl: 2 },
};

let loaded;
let server;
let issuer;
let discovery;
let jwks;
// POST requests to the token endpoint, counted by the HTTP server in front of the provider.
let tokenRequests = 0;
// GET requests to the JWKS endpoint (RemoteJwks fetches it itself).
let jwksRequests = 0;

before(async () => {
  loaded = await loadFlavours();
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const keys = [
    { ...(await exportJWK(rsa.privateKey)), kid: "rsa-1", alg: "RS256", use: "sig" },
    { ...(await exportJWK(ec.privateKey)), kid: "ec-1", alg: "ES256", use: "sig" },
  ];
  let handle = (_req, res) => res.writeHead(503).end();
  server = createServer((req, res) => {
    if (req.method === "POST" && req.url === "/token") tokenRequests += 1;
    if (req.method === "GET" && req.url === "/jwks") jwksRequests += 1;
    handle(req, res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${server.address().port}`;
  const byIndicator = new Map(Object.values(RESOURCES).map((r) => [r.indicator, r]));
  const provider = new Provider(issuer, {
    jwks: { keys },
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx) => {
          const first = String(ctx.oidc.params.scope ?? "").split(" ")[0];
          return (RESOURCES[first.split(":")[0]] ?? RESOURCES.api).indicator;
        },
        getResourceServerInfo: async (_ctx, indicator) => {
          const r = byIndicator.get(indicator);
          if (!r) throw new Provider.errors.InvalidTarget();
          return {
            scope: r.scope,
            audience: r.indicator,
            accessTokenTTL: r.ttl,
            accessTokenFormat: r.format,
            ...(r.alg ? { jwt: { sign: { alg: r.alg } } } : {}),
          };
        },
      },
    },
    // The resource server's lifetime (oidc-provider only applies accessTokenTTL this way here).
    ttl: { ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 300 },
  });
  handle = provider.callback();
  discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  jwks = await (await fetch(discovery.jwks_uri)).json();
});

after(async () => {
  loaded?.cleanup();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const lib = (flavour = "require (node condition)") => loaded.flavours[flavour];

function client(options = {}, flavour = undefined) {
  return new (lib(flavour).TokenClient)({
    tokenUrl: discovery.token_endpoint,
    revocationUrl: discovery.revocation_endpoint,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    auth: "client_secret_basic",
    ...options,
  });
}

/** RFC 6749 §2.3.1 Basic credentials, built here independently of tokensmith. */
function basic(id, secret) {
  const form = (value) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${form(id)}:${form(secret)}`).toString("base64")}`;
}

/** RFC 7662 introspection of `token` at the provider, as the client. */
async function introspect(token) {
  const answer = await fetch(discovery.introspection_endpoint, {
    method: "POST",
    headers: { authorization: basic(CLIENT_ID, CLIENT_SECRET), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }).toString(),
  });
  assert.equal(answer.status, 200);
  return answer.json();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("the provider's discovery names the endpoints this suite uses", () => {
  assert.equal(discovery.issuer, issuer);
  for (const name of ["token_endpoint", "revocation_endpoint", "introspection_endpoint", "jwks_uri"]) {
    assert.ok(discovery[name]?.startsWith(issuer), name);
  }
  assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), ["ec-1", "rsa-1"]);
  assert.ok(jwks.keys.every((k) => k.d === undefined), "the JWKS must hold public keys only");
});

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    test("client_secret_basic with : + % / & = and spaces: RS256 and ES256 JWT access tokens verify against the JWKS", async () => {
      const { verifyJwt, Token } = lib(flavour);
      const c = client({}, flavour);
      for (const [prefix, alg, kid] of [["api", "RS256", "rsa-1"], ["es", "ES256", "ec-1"]]) {
        const resource = RESOURCES[prefix];
        const token = await c.clientCredentials({ scope: `${prefix}:read` });
        assert.ok(token instanceof Token);
        assert.equal(token.tokenType, "Bearer");
        assert.deepEqual(token.scope, [`${prefix}:read`]);
        assert.ok(token.expiresIn > resource.ttl - 30 && token.expiresIn <= resource.ttl, String(token.expiresIn));
        const { header, claims } = await verifyJwt(token.accessToken, jwks, {
          algorithms: [alg],
          issuer,
          audience: resource.indicator,
        });
        // RFC 9068 §2.1 header, §2.2 claims.
        assert.equal(header.typ, "at+jwt");
        assert.equal(header.alg, alg);
        assert.equal(header.kid, kid);
        assert.equal(claims.iss, issuer);
        assert.equal(claims.aud, resource.indicator);
        assert.equal(claims.client_id, CLIENT_ID);
        assert.equal(claims.scope, `${prefix}:read`);
        // Core read the lifetime from expires_in; the JWT's exp says the same (±1 s rounding).
        assert.ok(Math.abs(token.expiresAt.getTime() / 1000 - claims.exp) <= 1, `${token.expiresAt} vs ${claims.exp}`);
      }
    });

    test("wrong audience, issuer, algorithm, key or signature reject with JwtError and its code", async () => {
      const { verifyJwt, JwtError, TokenError } = lib(flavour);
      const token = await client({}, flavour).clientCredentials({ scope: "api:read" });
      const good = { algorithms: ["RS256"], issuer, audience: RESOURCES.api.indicator };
      const [head, payload, signature] = token.accessToken.split(".");
      // Another character in the middle of the signature changes its bits.
      const i = Math.floor(signature.length / 2);
      const tampered = `${head}.${payload}.${signature.slice(0, i)}${signature[i] === "A" ? "B" : "A"}${signature.slice(i + 1)}`;
      // Only keys the token was not signed with: another RSA key (another kid), or EC keys.
      const other = await generateKeyPair("RS256", { extractable: true });
      const otherRsa = { keys: [{ ...(await exportJWK(other.publicKey)), kid: "rsa-other", alg: "RS256" }] };
      const ecOnly = { keys: jwks.keys.filter((k) => k.kty === "EC") };
      const cases = [
        ["jwt_audience", token.accessToken, jwks, { ...good, audience: RESOURCES.es.indicator }],
        ["jwt_issuer", token.accessToken, jwks, { ...good, issuer: "https://other-issuer.test" }],
        ["jwt_alg_not_allowed", token.accessToken, jwks, { ...good, algorithms: ["ES256"] }],
        ["jwt_key_not_found", token.accessToken, otherRsa, good],
        ["jwt_key_mismatch", token.accessToken, ecOnly, good],
        ["jwt_signature", tampered, jwks, good],
      ];
      for (const [code, jwt, keys, options] of cases) {
        const err = await thrownBy(() => verifyJwt(jwt, keys, options));
        assert.ok(err instanceof JwtError, `${code}: got ${err}`);
        assert.ok(err instanceof TokenError && err instanceof Error);
        assert.equal(err.code, code);
        for (const text of [err.message, String(err), inspect(err)]) {
          assert.ok(!text.includes(payload) && !text.includes(signature), `${code}: the error shows the token`);
        }
      }
      // The same token with the right options still verifies: the failures above are the options'.
      await verifyJwt(token.accessToken, jwks, good);
    });
  });
}

test("RemoteJwks over the provider's jwks_uri: one fetch for RS256 and ES256 tokens, an unknown kid refused", async () => {
  const { RemoteJwks, JwtError } = lib();
  const remote = new RemoteJwks({ jwksUrl: discovery.jwks_uri });
  const c = client();
  const start = jwksRequests;
  for (const [prefix, alg] of [["api", "RS256"], ["es", "ES256"]]) {
    const token = await c.clientCredentials({ scope: `${prefix}:read` });
    const { header, claims } = await remote.verify(token.accessToken, {
      algorithms: [alg],
      issuer,
      audience: RESOURCES[prefix].indicator,
    });
    assert.equal(header.alg, alg);
    assert.equal(claims.client_id, CLIENT_ID);
  }
  assert.equal(jwksRequests - start, 1, "the key set is fetched once and kept");
  // A token whose kid the provider never published (signed by a key of our own): refused, with at
  // most one refetch of the set (RFC 7517 §5, key rotation), however often it is presented.
  const stranger = await generateKeyPair("RS256");
  const forged = await new SignJWT({ client_id: CLIENT_ID })
    .setProtectedHeader({ alg: "RS256", kid: "not-published", typ: "at+jwt" })
    .setIssuer(issuer)
    .setAudience(RESOURCES.api.indicator)
    .setExpirationTime("5m")
    .sign(stranger.privateKey);
  for (let i = 0; i < 3; i++) {
    const err = await thrownBy(() => remote.verify(forged, { algorithms: ["RS256"], issuer, audience: RESOURCES.api.indicator }));
    assert.ok(err instanceof JwtError, String(err));
    assert.equal(err.code, "jwt_key_not_found");
  }
  assert.ok(jwksRequests - start <= 2, `${jwksRequests - start} JWKS requests`);
});

test("revoke(): an opaque access token is active, then inactive at introspection", async () => {
  const c = client();
  const token = await c.clientCredentials({ scope: "opaque:read" });
  assert.equal(token.accessToken.split(".").length, 1, "the opaque resource server issues opaque tokens");
  const before = await introspect(token.accessToken);
  assert.equal(before.active, true);
  assert.equal(before.client_id, CLIENT_ID);
  assert.equal(before.aud, RESOURCES.opaque.indicator);
  assert.equal(await c.revoke(token.accessToken, { hint: "access_token" }), undefined);
  assert.deepEqual(await introspect(token.accessToken), { active: false });
  // RFC 7009 §2.2: revoking a token the server no longer knows is still a 200.
  assert.equal(await c.revoke(token.accessToken), undefined);
});

test("revoke(): a JWT access token is refused by oidc-provider as unsupported_token_type", async () => {
  const { OAuthError } = lib();
  const c = client();
  const token = await c.clientCredentials({ scope: "api:read" });
  const err = await thrownBy(() => c.revoke(token.accessToken));
  assert.ok(err instanceof OAuthError, String(err));
  assert.equal(err.code, "unsupported_token_type");
  assert.equal(err.status, 400);
  assert.ok(!err.message.includes(token.accessToken) && !err.message.includes(CLIENT_SECRET));
});

test("100 concurrent cold calls send one token request; 100 more are served from the cache", async () => {
  const c = client();
  const start = tokenRequests;
  const tokens = await Promise.all(Array.from({ length: 100 }, () => c.clientCredentials({ scope: "api:read" })));
  assert.equal(tokenRequests - start, 1);
  assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
  const again = await Promise.all(Array.from({ length: 100 }, () => c.clientCredentials({ scope: "api:read" })));
  assert.equal(tokenRequests - start, 1);
  assert.ok(again.every((t) => t.accessToken === tokens[0].accessToken));
  const stats = c.cacheStats();
  assert.equal(stats.fetches, 1);
  assert.ok(stats.coalesced >= 99, JSON.stringify(stats));
  assert.ok(stats.hits >= 100, JSON.stringify(stats));
});

test("short lifetimes: a 2 s token is cached while fresh and replaced once it has expired", async () => {
  const { verifyJwt, JwtError } = lib();
  const c = client();
  const start = tokenRequests;
  const first = await c.clientCredentials({ scope: "short:read" });
  assert.ok(first.expiresIn <= RESOURCES.short.ttl, String(first.expiresIn));
  assert.equal((await c.clientCredentials({ scope: "short:read" })).accessToken, first.accessToken);
  assert.equal(tokenRequests - start, 1);
  // Wait until the first token has expired (its expiresAt plus a margin for the clock's rounding).
  await sleep(Math.max(0, first.expiresAt.getTime() - Date.now()) + 300);
  assert.equal(first.isExpired(), true);
  const second = await c.clientCredentials({ scope: "short:read" });
  assert.notEqual(second.accessToken, first.accessToken);
  assert.equal(second.isExpired(), false);
  // At most one background refresh besides the request for the second token.
  const sent = tokenRequests - start;
  assert.ok(sent >= 2 && sent <= 3, `${sent} token requests`);
  const options = { algorithms: ["RS256"], issuer, audience: RESOURCES.short.indicator, leeway: 0 };
  const err = await thrownBy(() => verifyJwt(first.accessToken, jwks, options));
  assert.ok(err instanceof JwtError, String(err));
  assert.equal(err.code, "jwt_expired");
  await verifyJwt(second.accessToken, jwks, options);
});

test("a wrong secret is invalid_client; a non-ASCII secret is refused by the provider (RFC 6749 Appendix A)", async () => {
  const { OAuthError } = lib();
  for (const [secret, code, status] of [
    ["wrong-OIDC-WRONG-SECRET-3b9d", "invalid_client", 401],
    [NON_ASCII_SECRET, "invalid_request", 400],
  ]) {
    const start = tokenRequests;
    const err = await thrownBy(() => client({ clientSecret: secret }).clientCredentials({ scope: "api:read" }));
    assert.equal(tokenRequests - start, 1, "the request reached the provider");
    assert.ok(err instanceof OAuthError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.status, status);
    for (const text of [String(err), err.message, String(err.stack), inspect(err), JSON.stringify(err)]) {
      assert.ok(!text.includes(secret), `the error shows the secret: ${text}`);
      assert.ok(!text.includes(CLIENT_SECRET));
    }
  }
});

test("redaction: no secret in the token's or the client's printable forms, nor in errors", async () => {
  const { OAuthError } = lib();
  const c = client();
  const token = await c.clientCredentials({ scope: "api:read" });
  const access = token.accessToken;
  const shown = [
    JSON.stringify(token),
    String(token),
    `${token}`,
    inspect(token),
    inspect({ nested: [token] }, { depth: 10 }),
    JSON.stringify({ token }),
    String(c),
    inspect(c, { depth: 10, showHidden: true }),
    JSON.stringify(c.cacheStats()),
    c.exportCache(),
  ];
  for (const text of shown) {
    // At most the first 4 characters of the token (for recognising it in logs).
    assert.ok(!text.includes(access.slice(0, 5)), `shows the access token: ${text}`);
    assert.ok(!text.includes(CLIENT_SECRET), `shows the client secret: ${text}`);
  }
  // An error at the token endpoint that echoes what it got: still no secret.
  const err = await thrownBy(() => client({ clientSecret: `${CLIENT_SECRET}x` }).clientCredentials({ scope: "api:read" }));
  assert.ok(err instanceof OAuthError);
  for (const text of [String(err), err.message, String(err.stack), inspect(err, { showHidden: true }), JSON.stringify(err)]) {
    assert.ok(!text.includes(CLIENT_SECRET), `the error shows the secret: ${text}`);
  }
});
