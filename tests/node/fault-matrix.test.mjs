// The fault matrix of issue 9 (tests/vectors/faults.json, docs/reliability.md) replayed through
// the built npm package's TokenClient against the dev server's fault injection (`/admin/faults`),
// started here on an ephemeral port. The client's clock is Date.now, which the package reads on
// every call, so "later" and clock jumps are a shifted Date.now, not sleeps.
// TOKENSMITH_DEVSERVER=<path of a built tokensmith-devserver> skips the cargo build.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { startDevServer } from "./devserver.mjs";
import { loadFlavours, thrownBy, vectors } from "./load-package.mjs";

const V = vectors("faults.json");
const m12 = V.cases.find((c) => c.id === "m12-credentials-special-chars").expect.credentials;
const toml = (s) => JSON.stringify(s); // a TOML basic string is a JSON string for these values
const CONFIG = `
realms = []

[pat]
database = ":memory:"
prefix = "tsm"

[[clients]]
id = ${toml(V.client.client_id)}
secret = ${toml(V.client.client_secret)}
auth = "form-basic"

[[clients]]
id = ${toml(m12[0].client_id)}
secret = ${toml(m12[0].client_secret)}
auth = "form-basic"

[[users]]
username = "demo-user"
password = "demo-password"

[tenants]
host = "demohost"
users = []
`;

let lib;
let loaded;
let server;
let base;

before(async () => {
  loaded = await loadFlavours();
  lib = loaded.flavours["import (node condition)"];
  server = await startDevServer({ config: CONFIG });
  base = server.url;
});

after(() => {
  loaded?.cleanup();
  server?.stop();
});

// ---- the server's admin routes -----------------------------------------------------------------

async function admin(method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status}`);
  return r.status === 204 ? null : r.json();
}
const plan = (fault) => admin("POST", "/admin/faults", { path: V.client.path, ...fault });
/** Clears the fault plan and the request counts. */
const reset = () => admin("DELETE", "/admin/faults");
const requests = async (path = V.client.path) => (await admin("GET", "/admin/faults")).requests[path] ?? 0;

/** Waits until the server has seen `n` requests (a background refresh ends after the call). */
async function expectRequests(n, id) {
  const deadline = Date.now() + 3000;
  let seen = await requests();
  while (seen < n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    seen = await requests();
  }
  // A little longer, so that a request too many would be seen too.
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await requests(), n, `${id}: requests`);
}

// ---- the client's clock ------------------------------------------------------------------------

const realNow = Date.now.bind(Date);
let clockOffset = 0;
function jump(ms) {
  clockOffset += ms;
  Date.now = () => realNow() + clockOffset;
}
function resetClock() {
  clockOffset = 0;
  Date.now = realNow;
}

/**
 * Runs `body` with no fault planned, the server's request counts at zero and the real clock,
 * which is put back however `body` ends.
 */
async function fresh(body) {
  await reset();
  resetClock();
  try {
    return await body();
  } finally {
    resetClock();
  }
}

/** A fetch that records the grant type and Authorization of every request it sends. */
function recordingFetch() {
  const sent = [];
  const fetchFn = (input, init) => {
    const body = new TextDecoder().decode(init?.body ?? new Uint8Array());
    const headers = new Headers(init?.headers);
    sent.push({ grant: new URLSearchParams(body).get("grant_type"), authorization: headers.get("authorization") });
    return fetch(input, init);
  };
  return { fetchFn, sent, grants: () => sent.splice(0).map((s) => s.grant) };
}

async function refusedUrl() {
  const s = createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/oauth/token`;
}

function client(tokenUrl, more = {}) {
  return new lib.TokenClient({
    tokenUrl,
    clientId: V.client.client_id,
    clientSecret: V.client.client_secret,
    timeoutMs: V.client.timeout_ms,
    defaultLifetime: V.client.default_lifetime,
    ...more,
  });
}

/** A client of the matrix's endpoint (`client`) whose requests `rec` records (`recordingFetch`). */
function recordingClient() {
  const rec = recordingFetch();
  return { rec, tc: client(base + V.client.path, { fetch: rec.fetchFn }) };
}

const CLASSES = { oauth: "OAuthError", response: "ResponseError", transport: "TransportError" };

function checkError(id, err, want, elapsed) {
  assert.ok(err instanceof lib[CLASSES[want.family]], `${id}: ${err?.name}: ${err?.message}`);
  assert.equal(err.code, want.code, `${id}: ${err.message}`);
  if (want.status !== undefined) assert.equal(err.status, want.status, id);
  if (want.reason !== undefined) assert.equal(err.reason, want.reason, id);
  if (want.error !== undefined) assert.equal(err.error, want.error, id);
  if ("description" in want) assert.equal(err.description, want.description, id);
  if (want.retry_after_min !== undefined) {
    assert.ok(
      want.retry_after_min <= err.retryAfter && err.retryAfter <= want.retry_after_max,
      `${id}: retryAfter ${err.retryAfter}`,
    );
  }
  if (want.max_elapsed_ms !== undefined) assert.ok(elapsed <= want.max_elapsed_ms, `${id}: ${elapsed} ms`);
}

function checkToken(id, token, want, ctx) {
  if (want.same_as_warm) assert.equal(token.accessToken, ctx.warm, `${id}: the cached token`);
  if (want.cached) assert.equal(token.accessToken, ctx.previous, `${id}: served from the cache`);
  if (want.token_type) assert.equal(token.tokenType, want.token_type, id);
  if (want.access_token) assert.equal(token.accessToken, want.access_token, id);
  if (want.expires_in) {
    const left = token.expiresIn;
    assert.ok(want.expires_in.min <= left && left <= want.expires_in.max, `${id}: expires in ${left} s`);
  }
  ctx.previous = token.accessToken;
}

// ---- matrix 1–8: the vector cases --------------------------------------------------------------

describe("fault matrix 1-8 (faults.json)", () => {
  for (const c of V.cases.filter((c) => !c.scenario)) {
    test(`${c.id}: ${c.title}`, () =>
      fresh(async () => {
        const url = c.token_url === "refused" ? await refusedUrl() : base + V.client.path;
        const tc = client(url);
        const ctx = { warm: undefined, previous: undefined };
        if (c.warm) {
          await plan({ kind: "patch", set: { expires_in: c.warm.expires_in }, count: 1 });
          const started = Date.now();
          ctx.warm = (await tc.token()).accessToken;
          // The age counts from just before the call (the token's issue time is its send time).
          jump(c.warm.age_ms - (Date.now() - started));
          await reset();
        }
        for (const f of c.faults) await plan(f);
        for (const call of c.calls) {
          if (call.sleep_ms) await new Promise((r) => setTimeout(r, call.sleep_ms));
          const started = performance.now();
          let token;
          const err = await thrownBy(async () => {
            token = await tc.token();
          });
          const elapsed = performance.now() - started;
          const want = call.token ?? call.error;
          if (want.min_elapsed_ms !== undefined) assert.ok(elapsed >= want.min_elapsed_ms, `${c.id}: ${elapsed} ms`);
          if (call.error) {
            checkError(c.id, err, call.error, elapsed);
          } else {
            assert.equal(err, undefined, `${c.id}: ${err?.name} ${err?.code} ${err?.message}`);
            checkToken(c.id, token, call.token, ctx);
          }
        }
        if (c.requests !== undefined) await expectRequests(c.requests, c.id);
      }));
  }
});

// ---- scenarios with code of their own ----------------------------------------------------------

describe("fault matrix scenarios", () => {
  test("m9-concurrent-refresh: 16 concurrent callers, one expired rotating token, one refresh request", () =>
    fresh(async () => {
      const { rec, tc } = recordingClient();
      await plan({ kind: "patch", set: { expires_in: 6 }, count: 1 });
      const first = await tc.password("demo-user", "demo-password");
      assert.ok(first.refreshToken);
      assert.deepEqual(rec.grants(), ["password"]);
      jump(7000);
      await plan({ kind: "slow", delay_ms: 200, count: 1 });
      const tokens = await Promise.all(Array.from({ length: 16 }, () => tc.password("demo-user", "demo-password")));
      assert.ok(tokens.every((t) => t.accessToken === tokens[0].accessToken));
      assert.notEqual(tokens[0].accessToken, first.accessToken);
      assert.deepEqual(rec.grants(), ["refresh_token"]);
    }));

  test("m9-refresh-rotation / m9-refresh-omitted / m9-refresh-invalid-grant", () =>
    fresh(async () => {
      const { rec, tc } = recordingClient();
      const user = () => tc.password("demo-user", "demo-password");
      await plan({ kind: "patch", set: { expires_in: 6 }, count: 1 });
      const first = await user();
      assert.deepEqual(rec.grants(), ["password"]);
      // Rotation: the next refresh must use the new refresh token (the server revokes the whole
      // family when a rotated-away token comes back, which would show as a second request).
      await plan({ kind: "patch", set: { expires_in: 6 }, count: 1 });
      jump(7000);
      const second = await user();
      assert.notEqual(second.accessToken, first.accessToken);
      assert.deepEqual(rec.grants(), ["refresh_token"], "m9-refresh-rotation");
      // Omission: no refresh_token in this answer, so the previous one is kept and sent next time;
      // the server already consumed it: invalid_grant, then one fallback to the password grant.
      await plan({ kind: "patch", set: { expires_in: 6, refresh_token: null }, count: 1 });
      jump(7000);
      await user();
      assert.deepEqual(rec.grants(), ["refresh_token"]);
      jump(7000);
      const fallback = await user();
      assert.deepEqual(rec.grants(), ["refresh_token", "password"], "m9-refresh-omitted");
      assert.ok(fallback.expiresIn > 3500);
      // invalid_grant on the refresh and on the fallback: a typed error, no third request.
      jump(3600 * 1000);
      await plan({
        kind: "respond",
        status: 400,
        count: 5,
        body: '{"error":"invalid_grant","error_description":"refresh token revoked"}',
      });
      const err = await thrownBy(user);
      assert.ok(err instanceof lib.OAuthError, `${err?.name} ${err?.message}`);
      assert.equal(err.code, "invalid_grant");
      assert.deepEqual(rec.grants(), ["refresh_token", "password"], "m9-refresh-invalid-grant");
    }));

  test("m11-clock-forward / m11-clock-backward: never an expired token, one fetch each", () =>
    fresh(async () => {
      const tc = client(base + V.client.path);
      const first = await tc.token();
      jump(2 * 3600 * 1000);
      const second = await tc.token();
      assert.notEqual(second.accessToken, first.accessToken);
      assert.ok(second.expiresIn > 3500);
      assert.equal(await requests(), 2, "m11-clock-forward");

      await plan({ kind: "patch", set: { expires_in: 6 }, count: 1 });
      jump(3600 * 1000);
      const short = await tc.token();
      jump(7000);
      await plan({ kind: "html", count: 3 });
      assert.ok((await thrownBy(() => tc.token())) instanceof lib.ResponseError);
      await reset();
      jump(-86400 * 1000);
      // Right after the jump back: neither the expired token nor a request (the key backs off).
      const afterJump = await thrownBy(() => tc.token());
      assert.ok(afterJump instanceof lib.ResponseError, `${afterJump?.name} ${afterJump?.message}`);
      assert.equal(await requests(), 0);
      // The backoff (at most 1 s) ends after its real duration, then one fetch.
      await new Promise((r) => setTimeout(r, 1100));
      const back = await tc.token();
      assert.notEqual(back.accessToken, short.accessToken);
      assert.ok(back.expiresIn > 3500);
      assert.equal(await requests(), 1, "m11-clock-backward");
    }));

  test("m12-credentials-special-chars: exact RFC 6749 §2.3.1 Basic bytes, accepted by the server", async () => {
    await reset();
    for (const cred of m12) {
      const rec = recordingFetch();
      const tc = new lib.TokenClient({
        tokenUrl: base + V.client.path,
        clientId: cred.client_id,
        clientSecret: cred.client_secret,
        fetch: rec.fetchFn,
      });
      const err = await thrownBy(() => tc.token());
      assert.equal(rec.sent[0].authorization, cred.authorization, cred.client_id);
      if (cred.server_accepts) assert.equal(err, undefined, `${cred.client_id}: ${err?.message}`);
      // The server does not know the empty-secret client: the bytes above are the point.
      else assert.equal(err?.code, "invalid_client");
    }
  });

  test("m13-redirect-other-origin: not followed, the other origin receives nothing", async () => {
    const want = V.cases.find((c) => c.id === "m13-redirect-other-origin").expect;
    const seen = [];
    const other = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"access_token":"stolen","token_type":"Bearer","expires_in":60}');
    });
    other.listen(0, "127.0.0.1");
    await once(other, "listening");
    try {
      await reset();
      await plan({ kind: "redirect", location: `http://127.0.0.1:${other.address().port}/steal`, count: 3 });
      const err = await thrownBy(() => client(base + V.client.path).token());
      checkError("m13", err, want.error, 0);
      assert.equal(await requests(), 1, "not retried");
      assert.equal(seen.length, want.other_origin_requests);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  test("m14-cache-file: damaged imports are typed errors and leave the cache intact", async () => {
    const want = V.cases.find((c) => c.id === "m14-cache-file").expect;
    await reset();
    const tc = client(base + V.client.path);
    const token = await tc.token();
    const text = tc.exportCache({ includeSecrets: true });
    const newer = text.replace('"version":1', '"version":2');
    assert.notEqual(newer, text);
    const damaged = {
      corrupted: text.replace("{", "{,"),
      truncated: text.slice(0, text.length / 2),
      newer_version: newer,
    };
    for (const [name, data] of Object.entries(damaged)) {
      const err = await thrownBy(() => tc.importCache(data));
      assert.ok(err instanceof lib.TokenError, name);
      assert.equal(err.code, want[name], name);
    }
    await reset();
    assert.equal((await tc.token()).accessToken, token.accessToken);
    assert.equal(await requests(), 0, "the in-memory cache is intact");
  });
});

// ---- JWKS: case 10 (restart while a client runs) and case 15 (rotation, unknown kid) ----------

const JWKS_PATH = "/.well-known/jwks.json";
const kidOf = (token) => lib.decodeJwt(token).header.kid;
/** The token with its header's `kid` replaced (a token naming an unknown key is refused first). */
function withKid(token, kid) {
  const [header, ...rest] = token.split(".");
  const h = JSON.parse(Buffer.from(header, "base64url").toString());
  return [Buffer.from(JSON.stringify({ ...h, kid })).toString("base64url"), ...rest].join(".");
}
/** A RemoteJwks over a fetch that counts its requests. */
function remoteJwks() {
  const fetched = [];
  const jwks = new lib.RemoteJwks({
    jwksUrl: base + JWKS_PATH,
    timeoutMs: 5000,
    fetch: (input, init) => {
      fetched.push(`${init?.method ?? "GET"} ${String(input).slice(base.length)}`);
      return fetch(input, init);
    },
  });
  return { jwks, fetched };
}

describe("fault matrix scenarios with the server's keys", () => {
  test("m10-server-restart: refused refresh → password once; the new token verifies with the new JWKS, the old one no longer does", () =>
    fresh(async () => {
      const { rec, tc } = recordingClient();
      await plan({ kind: "patch", set: { expires_in: 6 }, count: 1 });
      const before = await tc.password("demo-user", "demo-password");
      assert.ok(before.refreshToken);
      assert.deepEqual(rec.grants(), ["password"]);
      await admin("POST", "/admin/restart");
      await reset();
      jump(7000);
      const after = await tc.password("demo-user", "demo-password");
      assert.deepEqual(rec.grants(), ["refresh_token", "password"]);
      assert.equal(await requests(), 2, "m10: requests after the restart");
      const { jwks } = remoteJwks();
      const verified = await jwks.verify(after.accessToken, { algorithms: ["RS256"] });
      assert.equal(verified.header.kid, kidOf(after.accessToken));
      const err = await thrownBy(() => jwks.verify(before.accessToken, { algorithms: ["RS256"] }));
      assert.ok(err instanceof lib.JwtError, `${err?.name} ${err?.message}`);
      assert.equal(err.code, "jwt_key_not_found");
    }));

  test("m15-jwks-unknown-kid: a rotated key verifies after exactly one refetch; 100 made-up kids cause no request", () =>
    fresh(async () => {
      const tc = client(base + V.client.path);
      const before = (await tc.token()).accessToken;
      const { jwks, fetched } = remoteJwks();
      const ok = await jwks.verify(before, { algorithms: ["RS256"] });
      assert.ok(ok.claims.iss);
      await jwks.verify(before, { algorithms: ["RS256"] });
      assert.deepEqual(fetched, [`GET ${JWKS_PATH}`]);
      assert.equal(await requests(JWKS_PATH), 1);

      await admin("POST", "/admin/restart");
      await reset();
      // A new client: the first one would serve its cached (old-key) token.
      const after = (await client(base + V.client.path).token()).accessToken;
      assert.notEqual(kidOf(after), kidOf(before));
      // 7 s after the first fetch: the new kid is unknown and no refetch is allowed yet.
      jump(7000);
      let err = await thrownBy(() => jwks.verify(after, { algorithms: ["RS256"] }));
      assert.equal(err?.code, "jwt_key_not_found", `${err?.name} ${err?.message}`);
      assert.equal(await requests(JWKS_PATH), 0);
      // Past the 30 s interval: exactly one refetch, and the new token verifies.
      jump(30_000);
      const verified = await jwks.verify(after, { algorithms: ["RS256"] });
      assert.equal(verified.header.kid, kidOf(after));
      assert.equal(await requests(JWKS_PATH), 1);
      // 100 made-up kids (at once), and the old key's token, right after: refused, no request.
      const forgedErrors = await Promise.all(
        Array.from({ length: 100 }, (_, i) => thrownBy(() => jwks.verify(withKid(after, `forged-${i}`), { algorithms: ["RS256"] }))),
      );
      assert.ok(forgedErrors.every((e) => e instanceof lib.JwtError && e.code === "jwt_key_not_found"));
      err = await thrownBy(() => jwks.verify(before, { algorithms: ["RS256"] }));
      assert.equal(err?.code, "jwt_key_not_found");
      assert.equal(await requests(JWKS_PATH), 1);
      assert.equal(fetched.length, 2);
      await jwks.verify(after, { algorithms: ["RS256"] });
      assert.equal(await requests(JWKS_PATH), 1);
    }));

  test("m15: a failed JWKS fetch is a typed error, and rate-limited too", () =>
    fresh(async () => {
      const token = (await client(base + V.client.path).token()).accessToken;
      const { jwks } = remoteJwks();
      await admin("POST", "/admin/faults", { path: JWKS_PATH, kind: "html", count: 1 });
      let err = await thrownBy(() => jwks.verify(token, { algorithms: ["RS256"] }));
      assert.ok(err instanceof lib.ResponseError, `${err?.name} ${err?.message}`);
      assert.equal(err.status, 502);
      err = await thrownBy(() => jwks.verify(token, { algorithms: ["RS256"] }));
      assert.equal(err?.code, "jwt_key_not_found");
      assert.equal(await requests(JWKS_PATH), 1);
      jump(31_000);
      assert.ok((await jwks.verify(token, { algorithms: ["RS256"] })).claims);
      assert.equal(await requests(JWKS_PATH), 2);
    }));
});
