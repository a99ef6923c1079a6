// TokenClient.revoke and the cache (RFC 7009), against a token endpoint started here on
// 127.0.0.1:0: once the server accepted a revocation, the revoked token is never served again
// (neither from core's cache nor from the `token()` memo), and a revoked refresh token is never
// sent; a refused revocation leaves the cache alone.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { loadFlavours, thrownBy } from "./load-package.mjs";

const CLIENT_ID = "svc";
const CLIENT_SECRET = "s3cret";
const USER = "alice";
const PASSWORD = "pw";

let loaded;
let server;
let base;
let requests = [];
// The status the revocation endpoint answers (RFC 7009 §2.2: 200 when accepted).
let revokeStatus = 200;
let issued = 0;

before(async () => {
  loaded = await loadFlavours();
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const form = new URLSearchParams(body);
      requests.push({ url: req.url, form });
      if (req.url === "/revoke") {
        const error = revokeStatus === 200 ? "" : '{"error":"temporarily_unavailable"}';
        res.writeHead(revokeStatus, { "content-type": "application/json" }).end(error);
        return;
      }
      issued += 1;
      const doc = { access_token: `at-${issued}-${"x".repeat(24)}`, token_type: "Bearer", expires_in: 3600 };
      if (form.get("grant_type") !== "client_credentials") doc.refresh_token = `rt-${issued}-${"y".repeat(24)}`;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(doc));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  loaded?.cleanup();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const tokenRequests = () => requests.filter((r) => r.url === "/token");

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];
    const client = () =>
      new (lib().TokenClient)({
        tokenUrl: `${base}/token`,
        revocationUrl: `${base}/revoke`,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      });

    test("a revoked access token is not served again: token() fetches a new one", async () => {
      requests = [];
      revokeStatus = 200;
      const c = client();
      const first = await c.token();
      assert.equal(await c.token(), first, "memoized before the revocation");
      assert.equal((await c.clientCredentials()).accessToken, first.accessToken, "cached before the revocation");
      await c.revoke(first.accessToken, { hint: "access_token" });
      assert.equal(requests.at(-1).url, "/revoke");
      assert.equal(requests.at(-1).form.get("token"), first.accessToken);
      const second = await c.token();
      assert.equal(tokenRequests().length, 2, "one new token request");
      assert.equal(tokenRequests()[1].form.get("grant_type"), "client_credentials");
      assert.notEqual(second.accessToken, first.accessToken);
      assert.equal((await c.clientCredentials()).accessToken, second.accessToken);
      assert.equal(tokenRequests().length, 2);
    });

    test("a revoked refresh token drops the entry: the next call uses the password grant", async () => {
      requests = [];
      revokeStatus = 200;
      const c = client();
      const first = await c.password(USER, PASSWORD);
      assert.ok(first.refreshToken);
      await c.revoke(first.refreshToken, { hint: "refresh_token" });
      const second = await c.password(USER, PASSWORD);
      const sent = tokenRequests();
      assert.equal(sent.length, 2, "one new token request");
      assert.equal(sent[1].form.get("grant_type"), "password");
      assert.equal(sent[1].form.get("refresh_token"), null, "the revoked refresh token is not sent");
      assert.notEqual(second.accessToken, first.accessToken);
      assert.notEqual(second.refreshToken, first.refreshToken);
    });

    test("a refused revocation rejects and leaves the cached token in place", async () => {
      requests = [];
      revokeStatus = 503;
      const c = client();
      const first = await c.token();
      const err = await thrownBy(() => c.revoke(first.accessToken));
      assert.ok(err instanceof lib().TokenError, String(err));
      assert.equal(await c.token(), first);
      assert.equal(tokenRequests().length, 1);
      revokeStatus = 200;
    });
  });
}
