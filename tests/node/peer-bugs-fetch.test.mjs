// google-cloud-python#18238 / google-auth-library-nodejs#171 against the npm TokenClient.fetch:
// a refused (401 invalid_token) request must not be re-sent with a body the first attempt
// consumed; ProtonDriveApps/sdk#44: a straggling refusal must not force a second new token.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { loadFlavours } from "./load-package.mjs";

let loaded;
let server;
let base;
let tokenRequests = 0;
let bodies = [];
let refuse = 0;
// ProtonDriveApps/sdk#44: the revoked token, the held requests bearing it, and whether a request
// with another token got through.
let revoked;
let held = [];
let renewedSeen = false;
let afterRenewal = [];
const PAYLOAD = "upload-chunk-".repeat(1000);

before(async () => {
  loaded = await loadFlavours();
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      if (req.url === "/token") {
        tokenRequests += 1;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ access_token: `at-${tokenRequests}-${"x".repeat(24)}`, token_type: "Bearer", expires_in: 3600 }));
        return;
      }
      if (req.url === "/api") {
        const presented = (req.headers.authorization ?? "").replace(/^Bearer /, "");
        const refuse401 = () => res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' }).end();
        if (presented !== revoked) {
          renewedSeen = true;
          res.writeHead(200).end("ok");
          for (const answer of afterRenewal.splice(0)) answer();
          return;
        }
        held.push(refuse401);
        if (held.length === 2) {
          // The first refusal at once, the second only once a renewed token got through.
          held[0]();
          if (renewedSeen) held[1]();
          else afterRenewal.push(held[1]);
        }
        return;
      }
      bodies.push(body);
      if (refuse > 0) {
        refuse -= 1;
        res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' }).end();
      } else {
        res.writeHead(200).end("stored");
      }
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

async function* chunks() {
  for (let i = 0; i < PAYLOAD.length; i += 4096) yield new TextEncoder().encode(PAYLOAD.slice(i, i + 4096));
}

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const client = () =>
      new (loaded.flavours[flavour].TokenClient)({ tokenUrl: `${base}/token`, clientId: "svc", clientSecret: "peer-bugs-secret-1" });

    test("google-auth#18238: a streamed body is not re-sent; in-memory bodies are", async () => {
      const c = client();
      await c.token();
      const cases = [
        ["async iterable", () => ({ method: "POST", body: chunks(), duplex: "half" }), false],
        ["ReadableStream", () => ({ method: "POST", body: ReadableStream.from(chunks()), duplex: "half" }), false],
        ["string", () => ({ method: "POST", body: PAYLOAD }), true],
        ["Uint8Array", () => ({ method: "POST", body: new TextEncoder().encode(PAYLOAD) }), true],
        ["Blob", () => ({ method: "POST", body: new Blob([PAYLOAD]) }), true],
      ];
      for (const [name, init, resent] of cases) {
        bodies = [];
        refuse = 1;
        const before = tokenRequests;
        const response = await c.fetch(`${base}/upload`, init());
        assert.equal(response.status, resent ? 200 : 401, name);
        assert.deepEqual(bodies, resent ? [PAYLOAD, PAYLOAD] : [PAYLOAD], name);
        assert.equal(tokenRequests, before + 1, `${name}: the token is renewed either way`);
      }
      // (continued below)
      // A Request with a body as input: sent once, the 401 returned.
      bodies = [];
      refuse = 1;
      const request = new Request(`${base}/upload`, { method: "POST", body: chunks(), duplex: "half" });
      assert.equal((await c.fetch(request)).status, 401);
      assert.deepEqual(bodies, [PAYLOAD]);
    });

    test("ProtonDriveApps/sdk#44: a straggling refusal reuses the renewed token", async () => {
      const c = client();
      revoked = (await c.token()).accessToken;
      held = [];
      renewedSeen = false;
      afterRenewal = [];
      const before = tokenRequests;
      const answers = await Promise.all([c.fetch(`${base}/api`), c.fetch(`${base}/api`)]);
      assert.deepEqual(answers.map((r) => r.status), [200, 200]);
      assert.equal(held.length, 2);
      assert.equal(tokenRequests, before + 1, "one renewal for both refusals");
    });
  });
}
