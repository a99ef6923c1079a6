// Copy buttons: the Clipboard API (secure contexts; http://127.0.0.1 is one), with a visible
// confirmation on the button and in a live region. When the browser refuses, the text is
// selected so that Ctrl+C / ⌘C copies it.

import { announce } from "./status.js";

const CONFIRMATION_MS = 2500; // long enough to read "Copied", short enough not to mislead later

/**
 * Wires `button` to copy `getText()`; `source` (optional) is the field selected on failure;
 * `region` the live region for the confirmation; `what` names the thing copied.
 */
export function copyButton(button, { getText, source = null, region, what }) {
  button.addEventListener("click", async () => {
    const text = getText();
    if (!text) return;
    const label = button.dataset.label ?? button.textContent;
    button.dataset.label = label;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied ✓";
      button.classList.add("copied");
      announce(region, `${what} copied to the clipboard.`, "ok");
    } catch {
      if (source) {
        source.focus();
        source.select?.();
      }
      announce(region, `The browser did not allow copying: the ${what.toLowerCase()} is selected, press Ctrl+C (⌘C) to copy it.`, "error");
    }
    setTimeout(() => {
      button.textContent = label;
      button.classList.remove("copied");
    }, CONFIRMATION_MS);
  });
}
