// Personal access tokens page in Chromium against the dev server: sign in, create (password
// required; the token shown once, copyable, with a warning), the token authenticates GET /api/me,
// the table lists it by hint and never shows it, revoke one (confirmation; cancel keeps it) and
// revoke all, after which the tokens no longer authenticate.
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

async function create(page, { description, kind = "personal", password = "demo-password" }) {
  await page.selectOption("#kind", kind);
  await page.fill("#description", description);
  await page.fill("#create-password", password);
  await page.click("#create");
  await page.waitForFunction((d) => document.querySelector("#new-token-value") && document.querySelector("#token-rows").textContent.includes(d), description);
  return page.inputValue("#new-token-value");
}

const rowOf = (page, description) => page.locator("#token-rows tr", { hasText: description });

test("create, use, list, revoke one, revoke all", async () => {
  const { page, messages } = await openPage(env, "pats.html");
  assert.equal(await page.isHidden("#create-form"), true, "nothing to create before signing in");
  await page.click("#signin");
  await page.waitForSelector("#create-form:not([hidden])");
  assert.equal(await page.inputValue("#password"), "", "the sign-in password is not kept in the form");
  assert.equal(await page.evaluate(() => document.activeElement.id), "create-title");
  assert.equal(await page.getAttribute("#create-password", "type"), "password");
  assert.equal(await page.getAttribute("#create-password", "autocomplete"), "off");

  const deploy = await create(page, { description: "ci deploy", kind: "client" });
  assert.match(deploy, /^tsm_[0-9A-Za-z]{36}$/);
  assert.match(await page.textContent("#new-token"), /cannot be shown again/);
  assert.equal(await page.evaluate(() => document.activeElement.id), "new-token-title");
  assert.equal(await page.inputValue("#create-password"), "");
  await page.click("#new-token-value-copy");
  await page.waitForFunction(() => /Token copied/.test(document.querySelector("#status").textContent));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), deploy);

  // The token works against the server.
  const who = await me(env.url, deploy);
  assert.equal(who.status, 200);
  assert.deepEqual([who.body.user, who.body.auth], ["demo-user", "pat"]);

  // Listed by description, kind, dates and the last four characters; the token itself never.
  const cells = await rowOf(page, "ci deploy").locator("th, td").allTextContents();
  assert.equal(cells[0], "ci deploy");
  assert.equal(cells[1], "client");
  assert.ok(cells[4].endsWith(deploy.slice(-4)), `hint ${cells[4]}`);
  assert.equal(cells[5], "active");
  assert.ok(!(await page.textContent("#list-section")).includes(deploy.slice(4, 20)));

  // "Done" removes the token from the page.
  await page.click("#new-token-done");
  assert.equal(await page.isHidden("#new-token"), true);
  assert.ok(!(await page.content()).includes(deploy));

  const nightly = await create(page, { description: "nightly export" });
  await screenshots(page, "pats");

  // Revoke one: cancelling keeps it, confirming revokes it.
  await rowOf(page, "ci deploy").locator("button.revoke").click();
  await page.waitForSelector("#confirm[open]");
  assert.match(await page.textContent("#confirm-text"), /ci deploy/);
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("#confirm").open);
  assert.equal((await me(env.url, deploy)).status, 200, "cancel keeps the token");
  await rowOf(page, "ci deploy").locator("button.revoke").click();
  await page.click("#confirm-yes");
  await page.waitForFunction(() => /Token "ci deploy" revoked/.test(document.querySelector("#status").textContent));
  assert.equal((await me(env.url, deploy)).status, 401, "a revoked token no longer authenticates");
  assert.equal((await me(env.url, nightly)).status, 200, "the other one still does");
  assert.equal(await rowOf(page, "ci deploy").locator("td").nth(4).textContent(), "revoked");
  assert.equal(await page.evaluate(() => document.activeElement.id), "list-title");

  // Revoke all.
  const third = await create(page, { description: "third" });
  await page.click("#revoke-all");
  await page.click("#confirm-yes");
  await page.waitForFunction(() => /2 tokens revoked/.test(document.querySelector("#status").textContent));
  assert.equal((await me(env.url, nightly)).status, 401);
  assert.equal((await me(env.url, third)).status, 401);
  assert.equal(await page.isDisabled("#revoke-all"), true);

  await assertNoSecretLeaks(page, messages, [...DEMO_SECRETS, deploy, nightly, third]);
});

test("creating requires the right password; signing in with a wrong one fails readably", async () => {
  const { page, messages } = await openPage(env, "pats.html");
  await page.fill("#password", "nope");
  await page.click("#signin");
  await page.waitForSelector("#error:not([hidden])");
  assert.equal(await page.textContent("#error .error-code"), "invalid_grant");

  await page.fill("#password", "demo-password");
  await page.click("#signin");
  await page.waitForSelector("#create-form:not([hidden])");
  await page.fill("#description", "should not exist");
  await page.fill("#create-password", "not my password");
  await page.click("#create");
  await page.waitForFunction(() => document.querySelector("#error .error-code")?.textContent === "invalid_credentials");
  assert.match(await page.textContent("#error"), /HTTP 401/);
  assert.ok(!(await page.textContent("#token-rows")).includes("should not exist"));
  await assertNoSecretLeaks(page, messages, [...DEMO_SECRETS, "not my password"]);
});
