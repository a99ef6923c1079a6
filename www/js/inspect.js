// Inspect: a JWT decoded with the package's decodeJwt (header, claims, expiry countdown) and
// verified with verifyJwt against the keys at a JWKS URL (RFC 7517 §5); a personal access token
// checked offline with patChecksumOk / patParse / patHint (docs/pat-format.md).

import { startPage, formValues } from "./shared/page.js";
import { PRESETS, wirePresets, joinUrl } from "./shared/presets.js";
import { announce, clear, focusOn, whileBusy } from "./shared/status.js";
import { ApiError, describeError, hideError, showError } from "./shared/errors.js";
import { startCountdown, stopCountdown } from "./shared/countdown.js";
import { claimDates, prettyJson } from "./shared/json-view.js";
import { pageFetch } from "./shared/fetch.js";

const $ = (id) => document.getElementById(id);

startPage((lib) => {
  const status = $("status");
  const errorBox = $("error");
  const verifyForm = $("verify-form");

  wirePresets($("preset"), verifyForm, ["local", "keycloak"]);
  // The presets hold the issuer as a path of the base URL (Keycloak: {base}/realms/{realm}).
  const fillIssuer = () => {
    const { issuerPath } = PRESETS[$("preset").value].values;
    const base = $("baseUrl").value.trim().replace(/\/+$/, "");
    $("issuer").value = issuerPath ? joinUrl(base, issuerPath) : base;
  };
  verifyForm.addEventListener("preset-applied", fillIssuer);
  fillIssuer();

  $("jwt-form").addEventListener("submit", (event) => {
    event.preventDefault();
    hideError(errorBox);
    clear(status);
    $("verify-result").hidden = true;
    const token = $("jwt").value.trim();
    let decoded;
    try {
      decoded = lib.decodeJwt(token);
    } catch (err) {
      $("jwt-result").hidden = true;
      showError(errorBox, "This is not a JWT the package can read:", err);
      focusOn(errorBox);
      return;
    }
    $("jwt-header").textContent = prettyJson(decoded.header);
    $("jwt-claims").textContent = prettyJson(decoded.claims);
    $("jwt-dates").textContent = claimDates(decoded.claims).join(" · ");
    const countdown = $("jwt-countdown");
    if (typeof decoded.claims.exp === "number") {
      startCountdown(countdown, new Date(decoded.claims.exp * 1000));
    } else {
      stopCountdown(countdown);
      countdown.textContent = "no exp claim: the token never expires by itself";
    }
    $("jwt-result").hidden = false;
    announce(status, "Token decoded. It is not verified yet.", "info");
    focusOn($("jwt-result-title"));
  });

  verifyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = formValues(verifyForm);
    const result = $("verify-result");
    await whileBusy($("verify"), "Verifying…", async () => {
      try {
        const response = await pageFetch(joinUrl(v.baseUrl, v.jwksPath), { headers: { accept: "application/json" } });
        if (!response.ok) throw await ApiError.from(response);
        const jwks = await response.json();
        const options = { algorithms: v.algorithms.split(/\s+/).filter(Boolean) };
        if (v.issuer) options.issuer = v.issuer;
        if (v.audience) options.audience = v.audience;
        await lib.verifyJwt($("jwt").value.trim(), jwks, options);
        announce(result, "Valid: the signature matches a key of the JWKS and the claims pass (exp, nbf, issuer, audience).", "ok");
      } catch (err) {
        const { code, description } = describeError(err);
        announce(result, `Not valid: ${code}${description && description !== code ? `: ${description}` : ""}`, "error");
      }
      focusOn(result);
    });
  });

  $("pat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    hideError(errorBox);
    clear(status);
    // Nothing is trimmed: a token is accepted byte for byte or refused (docs/pat-format.md).
    const token = $("pat").value;
    const ok = lib.patChecksumOk(token);
    $("pat-checksum").textContent = ok ? "correct ✓" : "wrong ✗ (mistyped, cut short, or not a token of this format)";
    $("pat-checksum").className = ok ? "state-ok" : "state-failed";
    try {
      const { prefix } = lib.patParse(token);
      $("pat-format").textContent = "well-formed";
      $("pat-prefix").textContent = prefix;
      $("pat-hint").textContent = lib.patHint(token);
    } catch (err) {
      const { code, description } = describeError(err);
      $("pat-format").textContent = `refused: ${code}${description ? ` (${description})` : ""}`;
      $("pat-prefix").textContent = "–";
      $("pat-hint").textContent = "–";
    }
    $("pat-result").hidden = false;
    focusOn($("pat-result-title"));
  });
});
