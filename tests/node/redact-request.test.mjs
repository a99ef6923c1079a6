// redactRequest: core's HttpRequest::redacted() from JS, for logging or showing what was sent.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours } from "./load-package.mjs";

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded.cleanup());

const SECRETS = ["s3cr%t:pass", "hunter2-pw", "rt-Zq9-refresh", "eyJhbGciOi.fake.jwt"];

for (const name of ["require (node condition)", "import (node condition)", "web build"]) {
  describe(name, () => {
    const lib = () => loaded.flavours[name];

    test("credential headers keep their scheme, credential form fields are masked", () => {
      const authorization = lib().basicAuthorization("svc", SECRETS[0]);
      const text = lib().redactRequest({
        method: "POST",
        url: "https://idp.example/oauth/token",
        headers: [
          ["Authorization", authorization],
          ["Content-Type", "application/x-www-form-urlencoded"],
        ],
        body: `grant_type=password&username=alice&password=${encodeURIComponent(SECRETS[1])}&refresh_token=${SECRETS[2]}`,
      });
      const lines = text.split("\n");
      assert.equal(lines[0], "POST https://idp.example/oauth/token");
      assert.equal(lines[1], "Authorization: Basic [redacted]");
      assert.equal(lines[2], "Content-Type: application/x-www-form-urlencoded");
      assert.equal(lines[3], "");
      assert.match(lines[4], /^grant_type=password&username=alice&password=\[redacted\]&refresh_token=\[redacted\]$/);
      for (const secret of SECRETS.slice(0, 3)) assert.ok(!text.includes(secret), secret);
      assert.ok(!text.includes(authorization.slice(6)));
    });

    test("a Headers object, a Uint8Array JSON body, X-SPACE-AUTH-KEY and URL credentials", () => {
      const headers = new Headers({
        "x-space-auth-key": lib().spaceAuthKey("svc", SECRETS[0]),
        "content-type": "application/json",
      });
      const body = new TextEncoder().encode(JSON.stringify({ appName: "demo", access_token: SECRETS[3] }));
      const text = lib().redactRequest({ url: `https://svc:${SECRETS[1]}@idp.example/t?client_secret=${SECRETS[0]}`, headers, body });
      assert.match(text, /^POST /);
      assert.match(text, /x-space-auth-key: Basic \[redacted\]/i);
      assert.match(text, /"appName":"demo"/);
      for (const secret of SECRETS) assert.ok(!text.includes(secret), secret);
      assert.ok(!text.includes(encodeURIComponent(SECRETS[0])));
    });

    test("bad input is a TokenError invalid_input", () => {
      for (const bad of [
        { url: "https://idp.example/t", method: "PATCH" },
        { url: 5 },
        { url: "https://idp.example/t", headers: 5 },
        { url: "https://idp.example/t", headers: [["only-a-name"]] },
        { url: "https://idp.example/t", body: 5 },
      ]) {
        assert.throws(
          () => lib().redactRequest(bad),
          (err) => err instanceof lib().TokenError && err.code === "invalid_input",
          JSON.stringify(bad),
        );
      }
    });
  });
}
