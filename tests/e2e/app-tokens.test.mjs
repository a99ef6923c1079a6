// Application tokens page in Chromium against the dev server: password grant (SDx/TruView
// preset), tokens shown with working copy buttons, a countdown that counts down, refresh with
// rotation, the access token accepted by the server, the "no longer valid" notice after
// POST /admin/restart, invalid_client for a wrong client secret, and no secret leaked.
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

const secondsLeft = (page) => page.$eval("#access-countdown", (el) => Number(el.dataset.secondsLeft));

test("password grant: tokens shown once with copy, countdown, refresh, claims; restart makes them invalid", async () => {
  const { page, messages } = await openPage(env, "app-tokens.html");
  assert.equal(await page.inputValue("#tokenPath"), "/sdx/oauth/token");
  for (const id of ["#clientSecret", "#password"]) {
    assert.equal(await page.getAttribute(id, "type"), "password");
    assert.equal(await page.getAttribute(id, "autocomplete"), "off");
  }

  await page.click("#submit");
  await page.waitForSelector("#result:not([hidden])");
  const access = await page.inputValue("#access-token");
  const refresh = await page.inputValue("#refresh-token");
  assert.match(access, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.ok(refresh.length > 20);
  // The password is not kept in the form once used; focus moved to the result.
  assert.equal(await page.inputValue("#password"), "");
  assert.equal(await page.evaluate(() => document.activeElement.id), "result-title");
  // The token is real: the server accepts it, as the user impersonated by the application.
  const who = await me(env.url, access);
  assert.equal(who.status, 200);
  assert.equal(who.body.user, "demo-user");
  // Decoded claims on the page.
  const claims = await page.textContent("#claims");
  assert.match(claims, /"sub": "demo-user"/);
  assert.match(claims, /"act"/);

  // Copy: the clipboard holds the token and the button and live region confirm it.
  await page.click("#access-token-copy");
  await page.waitForFunction(() => document.querySelector("#access-token-copy").textContent.includes("Copied"));
  assert.match(await page.textContent("#status"), /Access token copied/);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), access);
  await page.click("#refresh-token-copy");
  await page.waitForFunction(() => /Refresh token copied/.test(document.querySelector("#status").textContent));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), refresh);

  // The countdown counts down.
  const first = await secondsLeft(page);
  assert.ok(first > 3500 && first <= 3600, `seconds left: ${first}`);
  await page.waitForFunction((start) => Number(document.querySelector("#access-countdown").dataset.secondsLeft) < start, first, { timeout: 5000 });
  assert.ok((await secondsLeft(page)) < first);

  // Refresh: new tokens, the refresh token rotated.
  await page.click("#refresh");
  await page.waitForFunction((old) => document.querySelector("#refresh-token")?.value && document.querySelector("#refresh-token").value !== old, refresh);
  const refreshed = await page.inputValue("#access-token");
  assert.notEqual(refreshed, access);
  assert.equal((await me(env.url, refreshed)).status, 200);
  await screenshots(page, "app-tokens");

  // A server restart forgets the refresh tokens: the page says so clearly and drops the tokens.
  await env.restart();
  await page.click("#refresh");
  await page.waitForSelector("#invalid:not([hidden])");
  assert.match(await page.textContent("#invalid"), /no longer valid/);
  assert.match(await page.textContent("#invalid-detail"), /invalid_grant/);
  assert.equal(await page.evaluate(() => document.activeElement.id), "invalid-title");
  assert.equal(await page.isHidden("#result"), true);
  assert.equal((await me(env.url, refreshed)).status, 401, "the old access token no longer verifies either");
  await screenshots(page, "app-tokens-after-restart");

  // Signing in again works.
  await page.fill("#password", "demo-password");
  await page.click("#submit");
  await page.waitForSelector("#result:not([hidden])");
  assert.equal(await page.isHidden("#invalid"), true);
  assert.equal((await me(env.url, await page.inputValue("#access-token"))).status, 200);

  await assertNoSecretLeaks(page, messages, [...DEMO_SECRETS, access, refresh, refreshed]);
});

test("a wrong client secret shows invalid_client; a wrong password invalid_grant", async () => {
  const { page, messages } = await openPage(env, "app-tokens.html");
  await page.fill("#clientSecret", "not-the-secret");
  await page.click("#submit");
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error .error-code"), /^invalid_client$/);
  assert.match(await page.textContent("#error"), /HTTP 401/);
  assert.equal(await page.evaluate(() => document.activeElement.id), "error");
  assert.equal(await page.isHidden("#result"), true);

  await page.fill("#clientSecret", "demo-secret");
  await page.fill("#password", "wrong password");
  await page.click("#submit");
  await page.waitForFunction(() => document.querySelector("#error .error-code")?.textContent === "invalid_grant");
  await assertNoSecretLeaks(page, messages, [...DEMO_SECRETS, "not-the-secret", "wrong password"]);
});

test("the Keycloak preset: password grant at the realm, refresh refused after a restart", async () => {
  const { page } = await openPage(env, "app-tokens.html");
  await page.selectOption("#preset", "keycloak");
  assert.equal(await page.inputValue("#tokenPath"), "/realms/demo/protocol/openid-connect/token");
  await page.click("#submit");
  await page.waitForSelector("#result:not([hidden])");
  assert.match(await page.textContent("#claims"), /realms\/demo/);
  assert.match(await page.textContent("#refresh-expiry"), /works until/);
  await env.restart();
  await page.click("#refresh");
  await page.waitForSelector("#invalid:not([hidden])");
  assert.match(await page.textContent("#invalid-detail"), /Token is not active/);
});

test("when the browser refuses the clipboard, the token is selected and the page says so", async () => {
  const { page, messages } = await openPage(env, "app-tokens.html");
  await page.click("#submit");
  await page.waitForSelector("#result:not([hidden])");
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
  });
  await page.click("#access-token-copy");
  await page.waitForFunction(() => /did not allow copying/.test(document.querySelector("#status").textContent));
  assert.equal(await page.getAttribute("#status", "data-kind"), "error");
  const selection = await page.evaluate(() => {
    const field = document.activeElement;
    return [field.id, field.selectionStart, field.selectionEnd, field.value.length];
  });
  assert.deepEqual(selection, ["access-token", 0, selection[3], selection[3]]);
  await assertNoSecretLeaks(page, messages, [...DEMO_SECRETS, await page.inputValue("#access-token")]);
});
