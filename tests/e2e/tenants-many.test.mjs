// Insights Hub tenants page with a configured server: 250 user tenants (three pages of at most
// 100), a client secret with characters that Basic encodings treat differently, and tokens for
// all 250 tenants in 50 batch calls, each one checked against the server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { assertNoSecretLeaks, me, openPage, startEnvironment } from "./harness.mjs";

const SECRET = "ttm secret: p@ss+/%";
const CONFIG = `
[pat]
database = ":memory:"
prefix = "tsm"

[[clients]]
id = "ops-app"
secret = "${SECRET}"
auth = "form-basic"

[[users]]
username = "operator"
password = "operator password"

[tenants]
host = "opshost"
users = []
generate = 250
`;

let env;
before(async () => {
  env = await startEnvironment({ config: CONFIG });
});
after(async () => {
  await env?.stop();
});

test("250 tenants: three pages listed, 50 batch calls, every token works", async () => {
  const { page, messages } = await openPage(env, "tenants.html");
  const issued = new Map();
  let batchCalls = 0;
  page.on("response", async (response) => {
    if (!new URL(response.url()).pathname.endsWith("/v3/oauthTokens")) return;
    batchCalls += 1;
    for (const { userTenantId, token } of (await response.json()).oauthTokens) issued.set(userTenantId, token.access_token);
  });
  await page.fill("#clientId", "ops-app");
  await page.fill("#clientSecret", SECRET);
  await page.fill("#hostTenant", "opshost");
  await page.click("#start");
  await page.waitForSelector("#key-section:not([hidden])");
  await page.click("#copy-space-key");
  await page.waitForFunction(() => /copied/.test(document.querySelector("#status").textContent));
  // X-SPACE-AUTH-KEY is raw Basic: Base64 of id:secret as typed, not form-encoded.
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `Basic ${Buffer.from(`ops-app:${SECRET}`).toString("base64")}`);

  await page.click("#list-tenants");
  await page.waitForSelector("#tenants-section:not([hidden])");
  assert.equal(await page.textContent("#pages-read"), "250 user tenants, read in 3 pages.");

  await page.click("#get-tokens");
  await page.waitForFunction(() => /^Done/.test(document.querySelector("#status").textContent), null, { timeout: 60000 });
  assert.equal(await page.textContent("#status"), "Done: 250 tokens received.");
  assert.deepEqual(await page.$eval("#progress", (p) => [p.value, p.max]), [250, 250]);
  assert.equal(await page.$$eval("#token-rows td.state-ok", (cells) => cells.length), 250);
  assert.equal(batchCalls, 50);
  assert.equal(issued.size, 250);
  for (const token of issued.values()) assert.equal((await me(env.url, token)).status, 200);
  await assertNoSecretLeaks(page, messages, [SECRET, Buffer.from(`ops-app:${SECRET}`).toString("base64"), ...issued.values()]);
});
