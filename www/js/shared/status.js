// Status messages in live regions (role="status" is polite, role="alert" is assertive) and
// moving the keyboard focus to what an action produced.

/** Shows `text` in a live region; `kind` is "info", "ok" or "error" (styling only). */
export function announce(region, text, kind = "info") {
  region.hidden = false;
  region.dataset.kind = kind;
  region.textContent = text;
}

/** Clears a live region. */
export function clear(region) {
  region.textContent = "";
  region.hidden = true;
  delete region.dataset.kind;
}

/** Moves the focus to `element` (made focusable by script when it is not) and scrolls it in. */
export function focusOn(element) {
  if (!element.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(element.tagName)) {
    element.setAttribute("tabindex", "-1");
  }
  element.focus();
}

/** Disables `button` and shows `busyText` while `work` runs; returns what `work` returns. */
export async function whileBusy(button, busyText, work) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = busyText;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
  }
}
