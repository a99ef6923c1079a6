// Start-up shared by every page: load the package, then enable the controls that need it
// (marked data-needs-package, disabled in the HTML so that nothing is sent before the page's
// script runs), or explain why the package is missing.

import { loadTokensmith, PACKAGE_URL } from "./tokensmith.js";

/** Loads the package and calls `ready(lib)`; shows a message in #package-error on failure. */
export async function startPage(ready) {
  let lib;
  try {
    lib = await loadTokensmith();
  } catch (err) {
    const box = document.getElementById("package-error");
    if (box) {
      box.textContent = `The tokensmith package could not be loaded from ${PACKAGE_URL} (${err?.name ?? "Error"}). Build it with "just build-wasm" and serve the pages with the dev server.`;
      box.hidden = false;
    }
    return;
  }
  await ready(lib);
  for (const control of document.querySelectorAll("[data-needs-package]")) control.disabled = false;
  document.body.dataset.ready = "true";
}

/** The trimmed values of a form's named fields, as an object. */
export function formValues(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name) continue;
    if (element.type === "checkbox") values[element.name] = element.checked;
    else values[element.name] = element.type === "password" ? element.value : element.value.trim();
  }
  return values;
}
