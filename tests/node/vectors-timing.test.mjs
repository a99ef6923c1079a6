// Replays tests/vectors/timing.json (core's cache timing, docs/caching.md) through TokenClient of
// the built package. JS has no clock to set, so each case's token is placed in a fresh client's
// cache with importCache(), its issued_at chosen so that *now* falls where the case says, and
// the client's next call shows what the cache made of it:
//   - an age just under refresh_at_min_ms: served from the cache, no request;
//   - an age just past refresh_at_max_ms (still under usable_for_ms): served from the cache, with
//     one background request (stale-while-revalidate);
//   - an age of usable_for_ms: not usable any more, so importCache skips it; just under: imported;
//   - not cacheable (lifetime ≤ 0): nothing imported, and a response with expires_in 0 is returned
//     once and never cached.
// Time only moves forward between choosing issued_at and the call, so every check leaves MARGIN_MS
// for that on the side where it matters; cases whose window is narrower than that skip the check
// (core/tests/cache_vectors.rs replays every case exactly with a fake clock).
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, vectors } from "./load-package.mjs";

const timing = vectors("timing.json");
// Milliseconds allowed between choosing issued_at and the cache reading its clock (a loaded
// machine with 2 cores shared by several test runs can stall a few tens of ms).
const MARGIN_MS = 250;
const TOKEN_URL = "https://as.example.com/token";
let loaded;

before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

/** A client whose fetch counts requests and answers with `expiresIn` seconds. */
function client(lib, expiresIn = 3600) {
  const sent = [];
  const c = new lib.TokenClient({
    tokenUrl: TOKEN_URL,
    clientId: "timing-client",
    clientSecret: "timing-secret",
    fetch: async (url) => {
      sent.push(url);
      const body = { access_token: `fetched-${sent.length}-token`, token_type: "Bearer", expires_in: expiresIn };
      return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    },
  });
  return { c, sent };
}

/** The cache key token() uses, read from an export of a client that fetched once. */
async function tokenKey(lib) {
  const { c } = client(lib);
  await c.token();
  return JSON.parse(c.exportCache()).entries[0].key;
}

/** An exportCache() text holding one token of `lifetimeMs` issued `ageMs` ago. */
function exportWith(key, lifetimeMs, ageMs) {
  const issuedAt = Date.now() - ageMs;
  return JSON.stringify({
    version: 1,
    exported_at: Date.now(),
    secrets_included: true,
    entries: [
      {
        key,
        token: {
          access_token: "imported-token",
          token_type: "Bearer",
          issued_at: issuedAt,
          expires_at: issuedAt + lifetimeMs,
          expiry_source: "expires_in",
          scope: null,
          extra: {},
          extra_keys: [],
        },
        refresh: null,
      },
    ],
  });
}

const cacheable = timing.cases.filter((c) => c.cacheable);
const freshChecks = cacheable.filter((c) => c.refresh_at_min_ms >= MARGIN_MS);
const staleChecks = cacheable.filter((c) => c.usable_for_ms - c.refresh_at_max_ms - 1 > MARGIN_MS);
const usableChecks = cacheable.filter((c) => c.usable_for_ms >= MARGIN_MS);

test("the vector file has cases for every check, and each case is consistent", () => {
  assert.ok(timing.cases.some((c) => !c.cacheable));
  assert.ok(freshChecks.length >= 8, String(freshChecks.length));
  assert.ok(staleChecks.length >= 8, String(staleChecks.length));
  for (const c of cacheable) {
    assert.ok(c.refresh_at_min_ms <= c.refresh_at_nominal_ms && c.refresh_at_nominal_ms <= c.refresh_at_max_ms, c.name);
    assert.ok(c.refresh_at_max_ms <= c.usable_for_ms && c.usable_for_ms <= c.lifetime_ms, c.name);
  }
});

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];
    let key;
    before(async () => {
      key = await tokenKey(lib());
    });

    for (const v of freshChecks) {
      test(`timing vector ${v.name}: fresh just before refresh_at_min (${v.refresh_at_min_ms} ms)`, async () => {
        const { c, sent } = client(lib());
        assert.deepEqual({ ...c.importCache(exportWith(key, v.lifetime_ms, v.refresh_at_min_ms - MARGIN_MS)) }, { imported: 1, skipped: 0 });
        assert.equal((await c.token()).accessToken, "imported-token");
        await settle();
        assert.equal(sent.length, 0, "a fresh token must not be refreshed");
      });
    }

    for (const v of staleChecks) {
      test(`timing vector ${v.name}: served and refreshed in the background after refresh_at_max (${v.refresh_at_max_ms} ms)`, async () => {
        const { c, sent } = client(lib());
        assert.equal(c.importCache(exportWith(key, v.lifetime_ms, v.refresh_at_max_ms + 1)).imported, 1);
        assert.equal((await c.token()).accessToken, "imported-token");
        await settle();
        assert.equal(sent.length, 1, "one background refresh");
        assert.equal((await c.token()).accessToken, "fetched-1-token");
      });
    }

    for (const v of cacheable) {
      test(`timing vector ${v.name}: not usable from usable_for (${v.usable_for_ms} ms)`, async () => {
        const { c, sent } = client(lib());
        assert.deepEqual({ ...c.importCache(exportWith(key, v.lifetime_ms, v.usable_for_ms)) }, { imported: 0, skipped: 1 });
        if (usableChecks.includes(v)) {
          assert.equal(c.importCache(exportWith(key, v.lifetime_ms, v.usable_for_ms - MARGIN_MS)).imported, 1);
          assert.equal((await c.token()).accessToken, "imported-token");
        } else {
          assert.equal((await c.token()).accessToken, "fetched-1-token");
        }
        await settle();
        assert.ok(sent.length <= 1);
      });
    }

    for (const v of timing.cases.filter((c) => !c.cacheable)) {
      test(`timing vector ${v.name}: not cacheable (lifetime ${v.lifetime_ms} ms)`, async () => {
        const { c } = client(lib());
        assert.deepEqual({ ...c.importCache(exportWith(key, v.lifetime_ms, 0)) }, { imported: 0, skipped: 1 });
      });
    }

    test("a token with expires_in 0 is returned once and never cached", async () => {
      const { c, sent } = client(lib(), 0);
      const first = await c.token();
      const second = await c.token();
      assert.equal(sent.length, 2);
      assert.notEqual(first.accessToken, second.accessToken);
    });
  });
}
