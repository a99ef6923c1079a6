// Inspect page in Chromium against the dev server: a server-issued JWT decoded (header, claims,
// a countdown that counts down), verified against the server's JWKS URL, refused after the
// server rotated its key (POST /admin/restart) or with another issuer; a personal access token's
// checksum checked (a real one from the server passes, a one-character change fails).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { assertNoSecretLeaks, DEMO_SECRETS, openPage, screenshots, startEnvironment } from "./harness.mjs";

let env;
before(async () => {
  env = await startEnvironment();
});
after(async () => {
  await env?.stop();
});

async function accessToken() {
  const response = await fetch(`${env.url}/oauth/token`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from("demo-client:demo-secret").toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  assert.equal(response.status, 200);
  return (await response.json()).access_token;
}

async function pat() {
  const response = await fetch(`${env.url}/api/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "demo-user", password: "demo-password", description: "inspect" }),
  });
  assert.equal(response.status, 201);
  return (await response.json()).token;
}

test("JWT: decode, countdown, verify against the JWKS URL, refused after a key rotation", async () => {
  const { page, messages } = await openPage(env, "inspect.html");
  assert.equal(await page.getAttribute("#jwt", "type"), "password");
  const jwt = await accessToken();
  await page.fill("#jwt", jwt);
  await page.click("#decode");
  await page.waitForSelector("#jwt-result:not([hidden])");
  assert.match(await page.textContent("#jwt-header"), /"alg": "RS256"/);
  const claims = JSON.parse(await page.textContent("#jwt-claims"));
  assert.equal(claims.iss, env.url);
  assert.equal(claims.client_id, "demo-client");
  assert.equal(await page.evaluate(() => document.activeElement.id), "jwt-result-title");

  const left = () => page.$eval("#jwt-countdown", (el) => Number(el.dataset.secondsLeft));
  const first = await left();
  assert.ok(first > 3500 && first <= 3600, `seconds left ${first}`);
  await page.waitForFunction((s) => Number(document.querySelector("#jwt-countdown").dataset.secondsLeft) < s, first, { timeout: 5000 });

  assert.equal(await page.inputValue("#issuer"), env.url);
  await page.click("#verify");
  await page.waitForSelector("#verify-result:not([hidden])");
  assert.match(await page.textContent("#verify-result"), /^Valid/);

  await page.fill("#issuer", "https://someone-else.example");
  await page.click("#verify");
  await page.waitForFunction(() => /^Not valid: jwt_issuer/.test(document.querySelector("#verify-result").textContent));
  await page.fill("#issuer", env.url);
  await screenshots(page, "inspect");

  // After a restart the server signs with a new key: the old token no longer verifies.
  await env.restart();
  await page.click("#verify");
  await page.waitForFunction(() => /^Not valid/.test(document.querySelector("#verify-result").textContent));
  assert.doesNotMatch(await page.textContent("#verify-result"), /jwt_issuer/);

  await page.fill("#jwt", "not.a-jwt");
  await page.click("#decode");
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error"), /not a JWT/);
  await assertNoSecretLeaks(page, messages, [...DEMO_SECRETS, jwt]);
});

test("personal access token: checksum and format", async () => {
  const { page, messages } = await openPage(env, "inspect.html");
  const token = await pat();
  await page.fill("#pat", token);
  await page.click("#check-pat");
  await page.waitForSelector("#pat-result:not([hidden])");
  assert.match(await page.textContent("#pat-checksum"), /^correct/);
  assert.equal(await page.textContent("#pat-format"), "well-formed");
  assert.equal(await page.textContent("#pat-prefix"), "tsm");
  assert.ok((await page.textContent("#pat-hint")).endsWith(token.slice(-4)));

  // One character changed in the random part: the checksum catches it.
  const last = token.at(-10) === "A" ? "B" : "A";
  const typo = token.slice(0, -10) + last + token.slice(-9);
  await page.fill("#pat", typo);
  await page.click("#check-pat");
  await page.waitForFunction(() => /^wrong/.test(document.querySelector("#pat-checksum").textContent));
  assert.match(await page.textContent("#pat-format"), /pat_checksum/);
  // Cut short.
  await page.fill("#pat", token.slice(0, -1));
  await page.click("#check-pat");
  await page.waitForFunction(() => /pat_length/.test(document.querySelector("#pat-format").textContent));
  assert.match(await page.textContent("#pat-checksum"), /^wrong/);
  await assertNoSecretLeaks(page, messages, [...DEMO_SECRETS, token]);
});
