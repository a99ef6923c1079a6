// Shared set-up of the page tests (not a test file: no `.test.` in its name): the dev server
// (built once, started per test file on an ephemeral 127.0.0.1 port with the demo configuration,
// serving www/ and wasm/pkg), headless Chromium through playwright-core, and the checks every
// page test makes: nothing secret in the console, in Web Storage or in the URL.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { launchChromiumContext } from "../node/chromium.mjs";
import { startDevServer } from "../node/devserver.mjs";
import { repo } from "../node/load-package.mjs";

export { repo };
export const screenshotDir = join(repo, "target/e2e-screenshots");

/** The demo configuration's public secrets: none may leak into console, storage or URL. */
export const DEMO_SECRETS = ["demo-secret", "demo-password"];

/** The viewports every page is photographed in. */
export const VIEWPORTS = { desktop: { width: 1280, height: 900 }, narrow: { width: 390, height: 844 } };

/**
 * Starts the dev server (built by cargo unless TOKENSMITH_DEVSERVER names a binary; the demo
 * configuration unless `config` holds a TOML text) and Chromium with a fresh profile.
 * Returns `{ url, browser, newPage(), restart(), stop() }`.
 */
export async function startEnvironment({ config = null } = {}) {
  const server = await startDevServer({
    config: config || null,
    args: ["--www", join(repo, "www"), "--pkg", join(repo, "wasm/pkg")],
  });
  const { url } = server;
  // The browser's profile lives in the server's temporary folder, removed with it.
  const context = await launchChromiumContext(join(server.dir, "chromium"), {
    viewport: VIEWPORTS.desktop,
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const pages = [];

  /** A new tab with every console message and page error collected in `messages`. */
  async function newPage() {
    const page = await context.newPage();
    const messages = [];
    page.on("console", (msg) => messages.push(`${msg.type()}: ${msg.text()}`));
    page.on("pageerror", (err) => messages.push(`pageerror: ${err.message}`));
    pages.push(page);
    return { page, messages };
  }

  return {
    url,
    context,
    newPage,
    /** POST /admin/restart: new signing key, refresh tokens forgotten. */
    async restart() {
      const response = await fetch(`${url}/admin/restart`, { method: "POST" });
      assert.ok(response.ok, `restart: ${response.status}`);
    },
    async stop() {
      for (const page of pages) await page.close().catch(() => {});
      await context.close().catch(() => {});
      server.stop();
    },
  };
}

/** Opens `path` and waits until the page's script loaded the package. */
export async function openPage(env, path) {
  const { page, messages } = await env.newPage();
  await page.goto(`${env.url}/${path}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
  return { page, messages };
}

/**
 * Asserts that none of `secrets` appears in the console messages, in localStorage or
 * sessionStorage, in cookies, or in the page's URL.
 */
export async function assertNoSecretLeaks(page, messages, secrets) {
  const storage = await page.evaluate(() => {
    const dump = (s) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i))}`).join("\n");
    return { local: dump(localStorage), session: dump(sessionStorage), cookie: document.cookie, url: location.href };
  });
  for (const secret of secrets.filter(Boolean)) {
    for (const message of messages) assert.ok(!message.includes(secret), `console message holds a secret: ${message.slice(0, 80)}`);
    assert.ok(!storage.local.includes(secret), "localStorage holds a secret");
    assert.ok(!storage.session.includes(secret), "sessionStorage holds a secret");
    assert.ok(!storage.cookie.includes(secret), "a cookie holds a secret");
    assert.ok(!storage.url.includes(secret), "the URL holds a secret");
  }
}

/**
 * Saves full-page screenshots of `page` at both viewports as target/e2e-screenshots/<name>-*.png,
 * and asserts that the page, in its current state, has no horizontal overflow at either width.
 */
export async function screenshots(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} is ${overflow}px wider than the ${label} viewport`);
    await page.screenshot({ path: join(screenshotDir, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** `GET /api/me` with `token` as Bearer: the response status and body. */
export async function me(url, token) {
  const response = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: response.ok ? await response.json() : null };
}
