// Client credentials page in Chromium against the dev server: the Smart Completions preset
// (scope ingr.api), the exact request shown with every secret masked (Basic and post client
// authentication), the token accepted by the server, invalid_client for a wrong secret.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { assertNoSecretLeaks, DEMO_SECRETS, me, openPage, screenshots, startEnvironment } from "./harness.mjs";

let env;
before(async () => {
  env = await startEnvironment();
});
after(async () => {
  await env?.stop();
});

/** Every way a secret could appear in a request: raw, form-encoded, Base64 of id:secret (raw and
 * RFC 6749 §2.3.1 form-encoded first). */
function leaksOf(id, secret) {
  const form = (s) => new URLSearchParams({ s }).toString().slice(2);
  const b64 = (s) => Buffer.from(s).toString("base64");
  return [secret, form(secret), encodeURIComponent(secret), b64(`${id}:${secret}`), b64(`${form(id)}:${form(secret)}`)];
}

test("Smart Completions preset: token for ingr.api and the masked request as sent", async () => {
  const { page, messages } = await openPage(env, "client-credentials.html");
  assert.equal(await page.inputValue("#tokenPath"), "/v1/token");
  assert.equal(await page.inputValue("#scope"), "ingr.api");
  assert.equal(await page.getAttribute("#clientSecret", "type"), "password");

  await page.click("#submit");
  await page.waitForSelector("#result:not([hidden])");
  assert.equal(await page.textContent("#token-scope"), "ingr.api");
  assert.match(await page.textContent("#token-countdown"), /expires in (59 min|1 h)/);
  const token = await page.inputValue("#access-token");
  const who = await me(env.url, token);
  assert.equal(who.status, 200);
  assert.deepEqual(who.body.scopes, ["ingr.api"]);

  const sent = await page.textContent("#request-text");
  assert.match(sent, /^POST \/v1\/token HTTP\/1\.1$/m);
  assert.match(sent, /^Host: 127\.0\.0\.1:\d+$/m);
  assert.match(sent, /^Authorization: Basic \[redacted\]$/im);
  assert.match(sent, /^grant_type=client_credentials&scope=ingr\.api$/m);
  for (const leak of leaksOf("demo-client", "demo-secret")) assert.ok(!sent.includes(leak), `request shows ${leak}`);

  // The masked request can be copied for a bug report.
  await page.click("#copy-request");
  await page.waitForFunction(() => /Masked request copied/.test(document.querySelector("#status").textContent));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), sent);
  await screenshots(page, "client-credentials");
  await assertNoSecretLeaks(page, messages, [...DEMO_SECRETS, token]);
});

test("client_secret_post: the secret in the body is masked, the rest is shown", async () => {
  const { page, messages } = await openPage(env, "client-credentials.html");
  await page.selectOption("#preset", "local");
  await page.fill("#clientId", "demo-post-client");
  await page.selectOption("#auth", "client_secret_post");
  await page.fill("#scope", "");
  await page.click("#submit");
  await page.waitForSelector("#result:not([hidden])");
  const sent = await page.textContent("#request-text");
  assert.match(sent, /^POST \/oauth\/token HTTP\/1\.1$/m);
  assert.match(sent, /client_id=demo-post-client/);
  assert.match(sent, /client_secret=\[redacted\]/);
  assert.doesNotMatch(sent, /^Authorization:/im);
  assert.ok(!sent.includes("demo-secret"));
  await assertNoSecretLeaks(page, messages, DEMO_SECRETS);
});

test("a wrong secret shows invalid_client, and the request that was refused (masked)", async () => {
  const { page, messages } = await openPage(env, "client-credentials.html");
  const wrong = "wrong secret: p@ss+/";
  await page.fill("#clientSecret", wrong);
  await page.click("#submit");
  await page.waitForSelector("#error:not([hidden])");
  assert.equal(await page.textContent("#error .error-code"), "invalid_client");
  assert.match(await page.textContent("#error"), /client authentication failed \(HTTP 401\)/);
  assert.equal(await page.evaluate(() => document.activeElement.id), "error");
  const sent = await page.textContent("#request-text");
  assert.match(sent, /Authorization: Basic \[redacted\]/i);
  for (const leak of leaksOf("demo-client", wrong)) assert.ok(!sent.includes(leak), `request shows ${leak}`);
  await assertNoSecretLeaks(page, messages, [wrong, ...DEMO_SECRETS]);
});
