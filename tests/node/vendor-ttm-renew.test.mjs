// TechnicalTokenManager.userTenants when a page refuses the cached operator token (HTTP 401: the
// token was revoked, or the server restarted and forgot its signing key): the manager forgets it,
// gets a new one and sends that page again, once (core's `read_user_tenants_page`). Against the
// real dev server across `/admin/restart`, and with fake fetches for the exact request sequence
// and for a server that refuses every token.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { startDevServer, vendorConfig } from "./devserver.mjs";
import { loadFlavours, thrownBy } from "./load-package.mjs";

// 250 tenants at 100 per page: 3 pages per listing.
const TENANTS = 250;
const CONFIG = vendorConfig(TENANTS);

let loaded;
let server;

before(async () => {
  loaded = await loadFlavours();
  server = await startDevServer({ config: CONFIG });
});

after(() => {
  loaded?.cleanup();
  server?.stop();
});

/** The last path segment of a request (`token`, `userTenants`), and its page if any. */
function describeRequest(input) {
  const url = new URL(String(input));
  const name = url.pathname.split("/").pop();
  const page = url.searchParams.get("page");
  return page === null ? name : `${name}?page=${page}`;
}

/** A fetch that records every request before passing it to `inner`. */
function recording(inner) {
  const log = [];
  const fetchFn = (input, init) => {
    log.push(describeRequest(input));
    return inner(input, init);
  };
  return { fetchFn, log };
}

const json = (status, body) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });

const tokenBody = (access) => ({
  access_token: access,
  token_type: "Bearer",
  timestamp: String(Date.now()),
  expires_in: 1799,
});

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];
    const manager = (fetchFn, baseUrl = server.url) =>
      new (lib().TechnicalTokenManager)({
        baseUrl,
        clientId: "ttm-client",
        clientSecret: "ttm secret: p@ss",
        appName: "myapp",
        appVersion: "1.0.0",
        hostTenant: "opshost",
        fetch: fetchFn,
      });

    test("a dev server restart: the next listing renews the operator token once", async () => {
      const { fetchFn, log } = recording(fetch);
      const m = manager(fetchFn);
      assert.equal((await m.userTenants()).length, TENANTS);
      assert.deepEqual(log, ["token", "userTenants?page=0", "userTenants?page=1", "userTenants?page=2"]);
      // The restart makes the server forget its signing key: the cached operator token is refused.
      assert.equal((await fetch(`${server.url}/admin/restart`, { method: "POST" })).ok, true);
      log.length = 0;
      const tenants = await m.userTenants();
      assert.equal(tenants.length, TENANTS);
      assert.equal(new Set(tenants).size, TENANTS);
      // Exactly one extra operator token and one repeated page.
      assert.deepEqual(log, [
        "userTenants?page=0",
        "token",
        "userTenants?page=0",
        "userTenants?page=1",
        "userTenants?page=2",
      ]);
      // The new operator token is cached: the next listing sends pages only.
      log.length = 0;
      assert.equal((await m.userTenants()).length, TENANTS);
      assert.deepEqual(log, ["userTenants?page=0", "userTenants?page=1", "userTenants?page=2"]);
    });

    test("a refusal on a later page renews the token and resumes at that page", async () => {
      let operators = 0;
      let refused = false;
      const { fetchFn, log } = recording(async (input, init) => {
        const url = new URL(String(input));
        if (url.pathname.endsWith("/oauth/token")) {
          operators += 1;
          return json(200, tokenBody(`operator-${operators}-padding`));
        }
        const page = Number(url.searchParams.get("page"));
        const auth = new Headers(init?.headers).get("authorization");
        // Page 1 refuses the first operator token once (revoked between two pages).
        if (page === 1 && auth === "Bearer operator-1-padding") {
          assert.equal(refused, false, "the refused token was sent again");
          refused = true;
          return json(401, { error: "unauthorized", error_description: "token revoked" });
        }
        const body = { userTenants: [{ id: `t${page}` }], page: { size: 100, totalElements: 3, totalPages: 3, number: page } };
        return json(200, body);
      });
      const m = manager(fetchFn, "https://gateway.example");
      assert.deepEqual(await m.userTenants(), ["t0", "t1", "t2"]);
      assert.deepEqual(log, [
        "token",
        "userTenants?page=0",
        "userTenants?page=1",
        "token",
        "userTenants?page=1",
        "userTenants?page=2",
      ]);
      // The renewed token stayed cached: the next listing gets no operator token.
      log.length = 0;
      assert.deepEqual(await m.userTenants(), ["t0", "t1", "t2"]);
      assert.equal(log.filter((r) => r === "token").length, 0);
    });

    test("a server that refuses every operator token: the typed error after one renewal", async () => {
      let operators = 0;
      const { fetchFn, log } = recording(async (input) => {
        if (new URL(String(input)).pathname.endsWith("/oauth/token")) {
          operators += 1;
          return json(200, tokenBody(`operator-${operators}-padding`));
        }
        return new Response("", {
          status: 401,
          headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
        });
      });
      const m = manager(fetchFn, "https://gateway.example");
      const err = await thrownBy(() => m.userTenants());
      assert.ok(err instanceof lib().TokenError, String(err));
      assert.equal(err.status, 401);
      assert.deepEqual(log, ["token", "userTenants?page=0", "token", "userTenants?page=0"]);
      // The next call starts with the cached (renewed) token and renews once more, no loop.
      log.length = 0;
      assert.equal((await thrownBy(() => m.allTokens())).status, 401);
      assert.deepEqual(log, ["userTenants?page=0", "token", "userTenants?page=0"]);
    });

    test("403 (a token of the wrong tenant) is not renewed", async () => {
      const { fetchFn, log } = recording(async (input) => {
        if (new URL(String(input)).pathname.endsWith("/oauth/token")) {
          return json(200, tokenBody("operator-padding"));
        }
        return json(403, { error: "forbidden" });
      });
      const err = await thrownBy(() => manager(fetchFn, "https://gateway.example").userTenants());
      assert.equal(err.status, 403);
      assert.deepEqual(log, ["token", "userTenants?page=0"]);
    });
  });
}
