// The vendor clients of the built package against fake servers (a `fetch` option): what their
// JS halves (wasm/js/vendor.js, vendor-drive.js) must get right while Rust decides every step —
// option checks and their messages, single flight across concurrent calls (waiters poll the
// engine), retries after core's delay, errors reaching every waiter, timeouts, the listing's
// paging guard, Keycloak's request shape, and `free`. vendor.test.mjs runs the same classes
// against the dev server.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, thrownBy } from "./load-package.mjs";

let loaded;

before(async () => {
  loaded = await loadFlavours();
});

after(() => {
  loaded?.cleanup();
});

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const tokenBody = (accessToken, extra = {}) => ({
  access_token: accessToken,
  token_type: "Bearer",
  expires_in: 1800,
  ...extra,
});

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fake Technical Token Manager: `answer(path, body, n)` may override; counts requests. */
function fakeTtm({ wait = 0, answer } = {}) {
  const requests = [];
  const fetchFn = async (input, init) => {
    const url = new URL(String(input));
    const body = init.body === undefined ? undefined : JSON.parse(Buffer.from(init.body).toString("utf8"));
    requests.push({ path: url.pathname, search: url.search, body, headers: new Headers(init.headers) });
    if (wait) await delay(wait);
    const custom = answer?.(url, body, requests.length);
    if (custom) return custom;
    if (url.pathname.endsWith("/oauthTokens")) {
      return json(200, {
        oauthTokens: body.userTenantIds.map((id) => ({ userTenantId: id, token: tokenBody(`tok-${id}-${requests.length}`) })),
      });
    }
    return json(200, tokenBody(`tok-${body.userTenant}-${requests.length}`));
  };
  const tenantsAsked = () =>
    requests.flatMap((r) => (r.body?.userTenantIds ?? (r.body?.userTenant ? [r.body.userTenant] : [])));
  return { fetchFn, requests, tenantsAsked };
}

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];
    const ttmOptions = (fetchFn, extra = {}) => ({
      baseUrl: "https://gateway.example",
      clientId: "id",
      clientSecret: "secret",
      appName: "app",
      appVersion: "1",
      hostTenant: "host",
      fetch: fetchFn,
      ...extra,
    });
    const manager = (fake, extra) => new (lib().TechnicalTokenManager)(ttmOptions(fake.fetchFn, extra));

    test("TechnicalTokenManager checks its options with the same messages", async () => {
      const { TechnicalTokenManager, TokenError } = lib();
      const fetchFn = async () => json(500, {});
      const cases = [
        [{ ...ttmOptions(fetchFn), baseUrl: undefined }, "option baseUrl is required"],
        [{ ...ttmOptions(fetchFn), clientId: 7 }, "option clientId must be a string"],
        [{ ...ttmOptions(fetchFn), hostTenant: null }, "option hostTenant is required"],
        [ttmOptions(fetchFn, { batchSize: -1 }), "option batchSize must be a non-negative number"],
        [ttmOptions(fetchFn, { batchSize: "5" }), "option batchSize must be a non-negative number"],
        [ttmOptions(fetchFn, { batchSize: 2.5 }), "option batchSize must be an integer"],
        [ttmOptions("not a function"), "option fetch must be a function (no global fetch found)"],
        [ttmOptions(fetchFn, { timeoutMs: Infinity }), "option timeoutMs must be a non-negative number"],
      ];
      for (const [options, message] of cases) {
        const err = await thrownBy(() => new TechnicalTokenManager(options));
        assert.ok(err instanceof TokenError, message);
        assert.equal(err.code, "invalid_input");
        assert.equal(err.message, `invalid input: ${message}`);
      }
      for (const options of [undefined, ttmOptions(fetchFn, { batchSize: 0 }), ttmOptions(fetchFn, { baseUrl: "ftp://x" })]) {
        const err = await thrownBy(() => new TechnicalTokenManager(options));
        assert.ok(err instanceof TokenError);
        assert.equal(err.code, "invalid_input");
      }
      // Core's check of the secret keeps its own code.
      assert.equal((await thrownBy(() => new TechnicalTokenManager(ttmOptions(fetchFn, { clientSecret: "" })))).code, "missing_client_secret");
    });

    test("100 concurrent cold calls for one tenant send one request", async () => {
      const fake = fakeTtm({ wait: 80 });
      const m = manager(fake);
      const tokens = await Promise.all(Array.from({ length: 100 }, () => m.token("t1")));
      assert.equal(fake.requests.length, 1);
      assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
      assert.equal(tokens[0].accessToken, "tok-t1-1");
    });

    test("concurrent calls with overlapping tenants ask for each tenant once", async () => {
      const fake = fakeTtm({ wait: 60 });
      const m = manager(fake, { batchSize: 2 });
      const [x, y] = await Promise.all([m.tokens(["a", "b", "c"]), m.tokens(["c", "d", "b", "e"])]);
      assert.deepEqual([...x.keys()], ["a", "b", "c"]);
      assert.deepEqual([...y.keys()], ["c", "d", "b", "e"]);
      assert.deepEqual(fake.tenantsAsked().sort(), ["a", "b", "c", "d", "e"]);
      assert.equal(y.get("b").accessToken, x.get("b").accessToken);
    });

    test("a 503 is retried within the call after core's delay", async () => {
      const fake = fakeTtm({ answer: (_url, _body, n) => (n === 1 ? json(503, {}) : undefined) });
      const started = Date.now();
      const token = await manager(fake).token("t1");
      assert.equal(token.accessToken, "tok-t1-2");
      assert.equal(fake.requests.length, 2);
      // Core's first retry delay is drawn from [125, 250] ms.
      assert.ok(Date.now() - started >= 100, `${Date.now() - started} ms`);
    });

    test("a failed fetch reaches the calls waiting on it, and the next call asks again", async () => {
      const { OAuthError } = lib();
      let refuse = true;
      const fake = fakeTtm({
        wait: 60,
        answer: () => (refuse ? json(400, { error: "invalid_request", error_description: "no such tenant" }) : undefined),
      });
      const m = manager(fake);
      const outcomes = await Promise.allSettled([m.token("x"), m.tokens(["x"]), m.token("x")]);
      for (const outcome of outcomes) {
        assert.equal(outcome.status, "rejected");
        assert.ok(outcome.reason instanceof OAuthError);
        assert.equal(outcome.reason.code, "invalid_request");
      }
      assert.equal(fake.requests.length, 1);
      refuse = false;
      // A 400 is not backed off: the next call asks again.
      assert.equal((await m.token("x")).accessToken, "tok-x-2");
    });

    test("a batch answer without a requested tenant fails that tenant alone", async () => {
      const fake = fakeTtm({
        answer: (url, body) =>
          url.pathname.endsWith("/oauthTokens")
            ? json(200, { oauthTokens: body.userTenantIds.filter((id) => id !== "b").map((id) => ({ userTenantId: id, token: tokenBody(`tok-${id}`) })) })
            : undefined,
      });
      const m = manager(fake);
      const err = await thrownBy(() => m.tokens(["a", "b", "c"]));
      assert.equal(err.code, "invalid_token_response");
      // The others were stored: asking for them sends nothing.
      const before = fake.requests.length;
      const rest = await m.tokens(["c", "a"]);
      assert.deepEqual([...rest.keys()], ["c", "a"]);
      assert.equal(fake.requests.length, before);
    });

    test("timeoutMs aborts a request that does not answer", async () => {
      const { TransportError } = lib();
      const hanging = (_input, init) =>
        new Promise((_resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
      const m = new (lib().TechnicalTokenManager)(ttmOptions(hanging, { timeoutMs: 40 }));
      // AbortSignal.timeout's timer does not keep Node running, and this fake holds no socket.
      const keepAlive = setTimeout(() => {}, 10_000);
      const err = await thrownBy(() => m.token("t1"));
      clearTimeout(keepAlive);
      assert.ok(err instanceof TransportError, String(err));
      assert.equal(err.code, "transport_timeout");
    });

    test("userTenants refuses a server that repeats a page", async () => {
      const fake = fakeTtm({
        answer: (url) =>
          url.pathname.endsWith("/userTenants")
            ? json(200, { userTenants: [{ id: "u1" }], page: { size: 100, totalElements: 300, totalPages: 3, number: 0 } })
            : undefined,
      });
      const err = await thrownBy(() => manager(fake).userTenants());
      assert.equal(err.code, "unexpected_response");
      assert.equal(err.reason, "paging");
      const pages = fake.requests.filter((r) => r.path.endsWith("/userTenants"));
      assert.deepEqual(pages.map((r) => r.search), ["?page=0&size=100", "?page=1&size=100"]);
      assert.equal(pages[0].headers.get("authorization"), "Bearer tok-host-1");
    });

    test("allTokens lists the pages, then asks for the listed tenants in batches", async () => {
      const fake = fakeTtm({
        answer: (url) => {
          if (!url.pathname.endsWith("/userTenants")) return undefined;
          const page = Number(url.searchParams.get("page"));
          const ids = page === 0 ? ["u1", "u2", "u3"] : ["u4", "u1"];
          return json(200, { userTenants: ids.map((id) => ({ id })), page: { size: 100, totalElements: 5, totalPages: 2, number: page } });
        },
      });
      const m = manager(fake, { batchSize: 3 });
      assert.deepEqual(await m.userTenants(), ["u1", "u2", "u3", "u4", "u1"]);
      const all = await m.allTokens();
      assert.deepEqual([...all.keys()], ["u1", "u2", "u3", "u4"]);
      assert.deepEqual(fake.tenantsAsked().sort(), ["host", "u1", "u2", "u3", "u4"]);
    });

    test("SdxClient: token() before signIn, options, and one refresh for concurrent callers", async () => {
      const { SdxClient, TokenError } = lib();
      const requests = [];
      const fetchFn = async (_input, init) => {
        const form = new URLSearchParams(Buffer.from(init.body).toString("utf8"));
        requests.push(form.get("grant_type"));
        await delay(60);
        return json(200, tokenBody(`sdx-${requests.length}`, { refresh_token: `r-${requests.length}` }));
      };
      const options = { baseUrl: "https://sdx.example/", clientId: "id", clientSecret: "secret", fetch: fetchFn };
      for (const [extra, message] of [
        [{ clientSecret: undefined }, "option clientSecret is required"],
        [{ keepCredentials: "yes" }, "option keepCredentials must be a boolean"],
        [{ timeoutMs: -5 }, "option timeoutMs must be a non-negative number"],
      ]) {
        const err = await thrownBy(() => new SdxClient({ ...options, ...extra }));
        assert.ok(err instanceof TokenError);
        assert.equal(err.message, `invalid input: ${message}`);
      }
      const sdx = new SdxClient(options);
      const early = await thrownBy(() => sdx.token());
      assert.equal(early.code, "invalid_input");
      assert.equal(early.message, "invalid input: sign in first");
      assert.equal((await sdx.signIn("alice", "pw")).accessToken, "sdx-1");
      const refreshed = await Promise.all(Array.from({ length: 10 }, () => sdx.refresh()));
      assert.deepEqual(requests, ["password", "refresh_token"]);
      assert.equal(new Set(refreshed.map((t) => t.accessToken)).size, 1);
      assert.equal((await sdx.token()).accessToken, "sdx-2");
    });

    test("KeycloakClient: scope, offline_access once, public clients, redirects refused", async () => {
      const { KeycloakClient, TransportError } = lib();
      let last;
      const fetchFn = async (input, init) => {
        last = { url: String(input), headers: new Headers(init.headers), form: new URLSearchParams(Buffer.from(init.body).toString("utf8")) };
        return json(200, tokenBody("kc", { refresh_token: "r", scope: last.form.get("scope") ?? "" }));
      };
      const base = { baseUrl: "https://kc.example/auth/", realm: "de mo", clientId: "cli", fetch: fetchFn };
      const kc = new KeycloakClient({ ...base, clientSecret: "s", offline: true, scope: "openid" });
      assert.equal(kc.tokenUrl, "https://kc.example/auth/realms/de%20mo/protocol/openid-connect/token");
      await kc.password("alice", "pw");
      assert.equal(last.url, kc.tokenUrl);
      assert.equal(last.form.get("scope"), "openid offline_access");
      assert.ok(last.headers.get("authorization").startsWith("Basic "));
      await new KeycloakClient({ ...base, offline: true, scope: ["offline_access", "profile"] }).password("alice", "pw");
      assert.equal(last.form.get("scope"), "offline_access profile");
      // No secret: a public client names itself in the body and sends no Authorization.
      assert.equal(last.headers.get("authorization"), null);
      assert.equal(last.form.get("client_id"), "cli");
      await kc.refresh("r0");
      assert.equal(last.form.get("grant_type"), "refresh_token");
      assert.equal(last.form.get("refresh_token"), "r0");

      for (const [extra, message] of [
        [{ scope: [1] }, "option scope must be an array of strings"],
        [{ offline: 1 }, "option offline must be a boolean"],
        [{ clientSecret: 5 }, "option clientSecret must be a string"],
        [{ realm: undefined }, "option realm is required"],
      ]) {
        assert.equal((await thrownBy(() => new KeycloakClient({ ...base, ...extra }))).message, `invalid input: ${message}`);
      }
      assert.equal((await thrownBy(() => new KeycloakClient({ ...base, realm: "" }))).code, "invalid_input");

      const redirecting = new KeycloakClient({ ...base, fetch: async () => new Response(null, { status: 302, headers: { location: "https://elsewhere.example" } }) });
      const err = await thrownBy(() => redirecting.password("alice", "pw"));
      assert.ok(err instanceof TransportError);
      assert.equal(err.code, "transport_redirect");
    });

    test("the classes have free() and [Symbol.dispose], and print nothing of their options", async () => {
      const { TechnicalTokenManager, SdxClient, KeycloakClient } = lib();
      const fetchFn = async () => json(500, {});
      const objects = [
        new TechnicalTokenManager(ttmOptions(fetchFn, { clientSecret: "ttm-secret-xyz" })),
        new SdxClient({ baseUrl: "https://sdx.example", clientId: "id", clientSecret: "sdx-secret-xyz", fetch: fetchFn }),
        new KeycloakClient({ baseUrl: "https://kc.example", realm: "r", clientId: "id", clientSecret: "kc-secret-xyz", fetch: fetchFn }),
      ];
      const util = await import("node:util");
      for (const object of objects) {
        const shown = util.inspect(object, { showHidden: true, depth: 6 }) + JSON.stringify(object);
        assert.ok(!shown.includes("secret-xyz"), shown);
        assert.equal(typeof object.free, "function");
        if (typeof Symbol.dispose === "symbol") assert.equal(object[Symbol.dispose], object.free);
        object.free();
      }
    });
  });
}
