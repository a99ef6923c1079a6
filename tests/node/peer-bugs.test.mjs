// Bugs users filed against other JavaScript token libraries (msal-browser/msal-node,
// openid-client/oauth4webapi, and golang/oauth2's answer to a server's content type), replayed
// against the built package's TokenClient and a token endpoint started here on 127.0.0.1:0.
// Each test is named after the report (reference in its comment); the table of all checked
// reports is in docs/reliability.md, "Peer bugs checked".
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { loadFlavours, thrownBy } from "./load-package.mjs";

let loaded;
let server;
let base;
let requests = [];
// What the endpoint answers next: `{ status, body, headers, beforeAnswer }`.
let answer = () => ({ status: 200, body: tokenBody() });
let issued = 0;

function tokenBody(extra = {}) {
  issued += 1;
  return JSON.stringify({ access_token: `at-${issued}-${"x".repeat(24)}`, token_type: "Bearer", expires_in: 3600, ...extra });
}

// The client's clock is Date.now, read by the package on every call; a test shifts it.
const realNow = Date.now.bind(Date);
function shiftClock(ms) {
  const base = Date.now();
  const start = realNow();
  Date.now = () => base + ms + (realNow() - start);
}
function restoreClock() {
  Date.now = realNow;
}

before(async () => {
  loaded = await loadFlavours();
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push({ body: new URLSearchParams(body), at: realNow() });
      const { status, body: out, headers = {}, beforeAnswer } = answer();
      beforeAnswer?.();
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(out);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  restoreClock();
  loaded?.cleanup();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

function reset(next) {
  requests = [];
  answer = next;
}

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];
    const client = () =>
      new (lib().TokenClient)({ tokenUrl: `${base}/token`, clientId: "svc", clientSecret: "peer-bugs-secret-1" });

    // panva/openid-client#666: CrowdStrike answers the token request with 201 Created and
    // `processResponse` insisted on 200, so no token could be had. The body decides: any 2xx
    // with a valid token response is a token (core `parse_token_response`), and it is cached.
    test("openid-client#666: a 201 token response is a token, and cached", async () => {
      reset(() => ({ status: 201, body: tokenBody() }));
      const c = client();
      const token = await c.token();
      assert.match(token.accessToken, /^at-/);
      assert.equal((await c.clientCredentials()).accessToken, token.accessToken);
      assert.equal(requests.length, 1);
    });

    // kanidm/kanidm#4470: a server answering an OAuth error as `text/plain; charset=utf-8` made
    // golang.org/x/oauth2 read the body as a form and report "unexpected end of JSON input"
    // (an HTTP 500 in Vikunja) instead of the server's error. The body decides here too: a JSON
    // object with `error` is the RFC 6749 §5.2 error, whatever its content type.
    test("kanidm#4470 (golang/oauth2): a JSON error labelled text/plain is the OAuth error", async () => {
      reset(() => ({
        status: 400,
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: JSON.stringify({ error: "invalid_request", error_description: "missing scope" }),
      }));
      const err = await thrownBy(() => client().token());
      assert.ok(err instanceof lib().OAuthError, String(err));
      assert.equal(err.code, "invalid_request");
      assert.equal(err.description, "missing scope");
      assert.equal(err.status, 400);
      assert.equal(requests.length, 1, "a 400 OAuth error is not retried");
    });

    // AzureAD/microsoft-authentication-library-for-js#1259: msal.js computed a token's expiry
    // from the client clock after the response was processed; a tab put to sleep (or a clock
    // jump) between sending and processing pushed the expiry hours past the token's real `exp`,
    // and acquireTokenSilent kept returning the expired token. Core counts `expires_in` from
    // the time the request was sent (RFC 6749 §5.1 counts from the response; the send is the
    // safe side), so here, with the clock jumping 10 minutes while a 5-minute token is in
    // flight, the token expires 5 minutes after the send, and the next call fetches a new one.
    test("msal-js#1259: expiry counts from the send, not from when the answer was processed", async () => {
      try {
        reset(() => ({ status: 200, body: tokenBody({ expires_in: 300 }), beforeAnswer: () => shiftClock(600_000) }));
        const c = client();
        const sentNotBefore = realNow();
        const first = await c.token();
        const sentNotAfter = requests[0].at;
        const expiresAt = first.expiresAt.getTime();
        assert.ok(expiresAt >= sentNotBefore + 300_000, `${expiresAt - sentNotBefore}`);
        assert.ok(expiresAt <= sentNotAfter + 300_000, `${expiresAt - sentNotAfter}`);
        // Ten minutes later by the client's clock the token is past its expiry: never served again.
        reset(() => ({ status: 200, body: tokenBody() }));
        const second = await c.token();
        assert.notEqual(second.accessToken, first.accessToken);
        assert.equal(requests.length, 1);
      } finally {
        restoreClock();
      }
    });
  });
}
