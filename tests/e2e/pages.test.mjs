// Every page: the package loads, the navigation marks the current page, every form control has
// a label, every secret field is type=password with autocomplete=off, nothing overflows a narrow
// (390 px) screen, the keyboard reaches the main action, and the home page is photographed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openPage, screenshots, startEnvironment, VIEWPORTS } from "./harness.mjs";

let env;
before(async () => {
  env = await startEnvironment();
});
after(async () => {
  await env?.stop();
});

const PAGES = ["index.html", "app-tokens.html", "client-credentials.html", "tenants.html", "pats.html", "inspect.html"];
/** Fields that hold a secret, per page. */
const SECRETS = {
  "app-tokens.html": ["clientSecret", "password"],
  "client-credentials.html": ["clientSecret"],
  "tenants.html": ["clientSecret"],
  "pats.html": ["password", "clientSecret", "create-password"],
  "inspect.html": ["jwt", "pat"],
};

for (const path of PAGES) {
  test(`${path}: labels, secret fields, navigation, narrow screen`, async () => {
    const { page, messages } = await openPage(env, path);
    assert.equal(await page.$eval('nav a[aria-current="page"]', (a) => a.getAttribute("href")), path);
    assert.equal(await page.isHidden("#package-error"), true);
    const unlabelled = await page.$$eval("input, select, textarea", (controls) =>
      controls.filter((c) => c.type !== "hidden" && c.labels.length === 0 && !c.getAttribute("aria-label")).map((c) => c.id || c.name),
    );
    assert.deepEqual(unlabelled, []);
    for (const id of SECRETS[path] ?? []) {
      assert.deepEqual(await page.$eval(`#${id}`, (el) => [el.type, el.getAttribute("autocomplete")]), ["password", "off"], id);
    }
    await page.setViewportSize(VIEWPORTS.narrow);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} is ${overflow}px wider than a narrow screen`);
    assert.deepEqual(messages.filter((m) => m.startsWith("error") || m.startsWith("pageerror")), []);
  });
}

test("keyboard: the skip link, then the form's first control, and Enter submits", async () => {
  const { page } = await openPage(env, "client-credentials.html");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await page.keyboard.press("Enter");
  await page.focus("#scope");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#result:not([hidden])");
  assert.equal(await page.evaluate(() => document.activeElement.id), "result-title");
});

test("home page screenshot", async () => {
  const { page } = await openPage(env, "index.html");
  assert.equal(await page.textContent("#package-status"), "The tokensmith package is loaded.");
  await screenshots(page, "index");
});
