// Showing a token once: a read-only field with a copy button, and its decoded JWT parts.

import { copyButton } from "./clipboard.js";
import { claimDates, prettyJson } from "./json-view.js";

/**
 * Appends to `container` a labelled read-only field holding `value` and a copy button.
 * `id` names the field; `what` is used in the copy confirmation ("Access token copied…").
 */
export function secretField(container, { id, label, value, what, region }) {
  const wrap = document.createElement("div");
  wrap.className = "secret-value";
  const labelEl = document.createElement("label");
  labelEl.htmlFor = id;
  labelEl.textContent = label;
  const field = document.createElement("textarea");
  field.id = id;
  field.readOnly = true;
  field.rows = Math.min(6, Math.max(2, Math.ceil(value.length / 80)));
  field.spellcheck = false;
  field.setAttribute("autocomplete", "off");
  field.value = value;
  const actions = document.createElement("div");
  actions.className = "actions";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary copy";
  button.id = `${id}-copy`;
  button.textContent = `Copy ${what.toLowerCase()}`;
  copyButton(button, { getText: () => field.value, source: field, region, what });
  actions.append(button);
  wrap.append(labelEl, field, actions);
  container.append(wrap);
  return { field, button };
}

/** The decoded header and claims of `token` as text, or null when it is not a JWT. */
export function decodedText(lib, token) {
  let decoded;
  try {
    decoded = lib.decodeJwt(token);
  } catch {
    return null;
  }
  const dates = claimDates(decoded.claims);
  return `Header\n${prettyJson(decoded.header)}\n\nClaims\n${prettyJson(decoded.claims)}${dates.length ? `\n\n${dates.join("\n")}` : ""}`;
}
