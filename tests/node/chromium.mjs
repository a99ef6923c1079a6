// Headless Chromium for the browser suites (not a test file: no `.test.` in its name): Debian's
// /usr/bin/chromium (or CHROMIUM) through playwright-core, which never downloads a browser.
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
// The flags this machine's closed network needs (no background connections, no first-run UI).
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A headless Chromium with a fresh temporary profile (playwright's `launch`). */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A headless Chromium with its profile in `userDataDir`: one context, `options` as playwright's. */
export function launchChromiumContext(userDataDir, options = {}) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    ...options,
  });
}
