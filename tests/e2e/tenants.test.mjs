// Insights Hub tenants page in Chromium against the dev server: X-SPACE-AUTH-KEY (masked on the
// page, copyable), operator token, user tenants, and tokens for the selected tenants in batches
// with a progress bar and a status per tenant; every token is checked against the server and
// carries its tenant.
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

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());
const TENANTS = Array.from({ length: 12 }, (_, i) => `tenant-${String(i + 1).padStart(3, "0")}`);

test("operator token, user tenants, batch tokens that all work", async () => {
  const { page, messages } = await openPage(env, "tenants.html");
  // Tokens as the server sent them, read from the network (the page shows none of them in full).
  const issued = new Map();
  const calls = { batch: 0, single: 0 };
  page.on("response", async (response) => {
    const path = new URL(response.url()).pathname;
    if (path.endsWith("/v3/oauthTokens")) {
      calls.batch += 1;
      for (const { userTenantId, token } of (await response.json()).oauthTokens) issued.set(userTenantId, token.access_token);
    } else if (path.endsWith("/v3/oauth/token")) {
      calls.single += 1;
    }
  });

  await page.click("#start");
  await page.waitForSelector("#key-section:not([hidden])");
  const keyText = await page.textContent("#space-key-masked");
  assert.match(keyText, /^X-SPACE-AUTH-KEY: Basic \[redacted\]/);
  const rawKey = Buffer.from("demo-client:demo-secret").toString("base64");
  assert.ok(!keyText.includes(rawKey));
  await page.click("#copy-space-key");
  await page.waitForFunction(() => /X-SPACE-AUTH-KEY value copied/.test(document.querySelector("#status").textContent));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `Basic ${rawKey}`);
  assert.match(await page.textContent("#operator-countdown"), /expires in 29 min/);

  await page.click("#list-tenants");
  await page.waitForSelector("#tenants-section:not([hidden])");
  assert.equal(await page.textContent("#pages-read"), "12 user tenants, read in 1 page.");
  const listed = await page.$$eval("#tenant-list input", (boxes) => boxes.map((b) => b.value));
  assert.deepEqual(listed, TENANTS);

  await page.click("#get-tokens");
  await page.waitForFunction(() => /^Done/.test(document.querySelector("#status").textContent));
  assert.equal(await page.textContent("#status"), "Done: 12 tokens received.");
  assert.deepEqual(await page.$eval("#progress", (p) => [p.value, p.max]), [12, 12]);
  const states = await page.$$eval("#token-rows tr", (rows) => rows.map((r) => [r.dataset.tenant, r.children[1].className]));
  assert.deepEqual(states, TENANTS.map((t) => [t, "state-ok"]));
  // Batches of 5: 5 + 5 + 2 tenants in three oauthTokens calls; one single call (the operator token).
  assert.deepEqual(calls, { batch: 3, single: 1 });

  assert.deepEqual([...issued.keys()].sort(), TENANTS);
  for (const [tenant, token] of issued) {
    assert.equal(claimsOf(token).ten, tenant);
    assert.equal((await me(env.url, token)).status, 200, tenant);
  }
  // The copy button of a row copies that tenant's token.
  await page.click('#token-rows tr[data-tenant="tenant-007"] button');
  await page.waitForFunction(() => /Token of tenant-007 copied/.test(document.querySelector("#status").textContent));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), issued.get("tenant-007"));

  // Again with the same settings: every token comes from the manager's cache, no new call.
  await page.click("#get-tokens");
  await page.waitForFunction(() => /^Done/.test(document.querySelector("#status").textContent) && !document.querySelector("#get-tokens").disabled);
  assert.equal(calls.batch, 3);
  await screenshots(page, "tenants");
  await assertNoSecretLeaks(page, messages, [...DEMO_SECRETS, rawKey, ...issued.values()]);
});

test("a selection of tenants, and a wrong secret shown as the server's error", async () => {
  const { page, messages } = await openPage(env, "tenants.html");
  await page.fill("#batchSize", "2");
  await page.click("#start");
  await page.waitForSelector("#key-section:not([hidden])");
  await page.click("#list-tenants");
  await page.waitForSelector("#tenants-section:not([hidden])");
  await page.uncheck("#select-all");
  for (const t of ["tenant-002", "tenant-003", "tenant-011"]) await page.check(`#tenant-list input[value="${t}"]`);
  await page.click("#get-tokens");
  await page.waitForFunction(() => /^Done/.test(document.querySelector("#status").textContent));
  assert.deepEqual(await page.$$eval("#token-rows tr", (rows) => rows.map((r) => r.dataset.tenant)), ["tenant-002", "tenant-003", "tenant-011"]);
  assert.match(await page.textContent("#progress-text"), /3 of 3 tenants done: 3 with a token, 0 failed/);

  await page.fill("#clientSecret", "wrong");
  await page.click("#start");
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error"), /operator token request failed/);
  assert.match(await page.textContent("#error"), /HTTP 401/);
  await assertNoSecretLeaks(page, messages, [...DEMO_SECRETS, "wrong"]);
});
