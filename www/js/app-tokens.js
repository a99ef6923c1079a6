// Application tokens: password grant (RFC 6749 §4.3) with the package's TokenClient, the tokens
// shown once with copy buttons, a live countdown, refresh (RFC 6749 §6), the decoded claims, and
// a clear notice when the server no longer accepts the refresh token (e.g. after a restart).

import { startPage, formValues } from "./shared/page.js";
import { wirePresets, joinUrl } from "./shared/presets.js";
import { announce, clear, focusOn, whileBusy } from "./shared/status.js";
import { describeError, hideError, showError } from "./shared/errors.js";
import { startCountdown, stopCountdown } from "./shared/countdown.js";
import { decodedText, secretField } from "./shared/token-view.js";
import { pageFetch } from "./shared/fetch.js";

const $ = (id) => document.getElementById(id);

/** Error codes meaning "this refresh token is no longer accepted": the OAuth `invalid_grant`
 * (RFC 6749 §5.2) and core's `refresh_token_inactive` (Keycloak "Token is not active", SDx). */
const REFRESH_REFUSED = new Set(["invalid_grant", "refresh_token_inactive"]);

startPage((lib) => {
  const form = $("request-form");
  const status = $("status");
  const errorBox = $("error");
  // The client settings and the current token live in this module only (never in storage).
  let session = null;

  wirePresets($("preset"), form, ["sdx", "local", "keycloak"], $("preset-note"));

  function forget() {
    session = null;
    stopCountdown($("access-countdown"));
    $("access").replaceChildren();
    $("refresh-box").replaceChildren();
    $("claims").textContent = "";
    $("result").hidden = true;
  }

  function show(token) {
    $("invalid").hidden = true;
    $("access").replaceChildren();
    $("refresh-box").replaceChildren();
    secretField($("access"), { id: "access-token", label: "Access token", value: token.accessToken, what: "Access token", region: status });
    if (token.refreshToken) {
      secretField($("refresh-box"), { id: "refresh-token", label: "Refresh token", value: token.refreshToken, what: "Refresh token", region: status });
      const until = token.refreshExpiresAt;
      $("refresh-expiry").textContent = until ? `The refresh token works until ${until.toLocaleString()}.` : "The server gave no expiry for the refresh token.";
    } else {
      $("refresh-expiry").textContent = "The server sent no refresh token.";
    }
    $("refresh").disabled = !token.refreshToken;
    startCountdown($("access-countdown"), token.expiresAt, {
      onExpired: () => announce(status, "The access token has expired. Refresh it or request new tokens.", "error"),
    });
    $("claims").textContent = decodedText(lib, token.accessToken) ?? "Not a JWT: the server issued an opaque token.";
    $("result").hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = formValues(form);
    hideError(errorBox);
    clear(status);
    await whileBusy($("submit"), "Requesting…", async () => {
      try {
        // A new client per request: "Submit" always asks the server for new tokens.
        const options = {
          tokenUrl: joinUrl(v.baseUrl, v.tokenPath),
          clientId: v.clientId,
          clientSecret: v.auth === "none" ? undefined : v.clientSecret,
          auth: v.auth,
          scope: v.scope || undefined,
          fetch: pageFetch,
        };
        const client = new lib.TokenClient(options);
        const token = await client.password(v.username, v.password);
        session = { options, token };
        form.elements.password.value = ""; // asked again for the next request, as TruView does
        show(token);
        announce(status, "Tokens received. Copy them now: they are shown only on this page.", "ok");
        focusOn($("result-title"));
      } catch (err) {
        forget();
        showError(errorBox, "The token request failed:", err);
        focusOn(errorBox);
      }
    });
  });

  $("refresh").addEventListener("click", async () => {
    if (!session?.token.refreshToken) return;
    hideError(errorBox);
    clear(status);
    await whileBusy($("refresh"), "Refreshing…", async () => {
      try {
        // A new client (an empty cache) for each press, so that "Refresh" always asks the
        // server: the package's cache may otherwise answer with the token it already holds.
        const client = new lib.TokenClient(session.options);
        const token = await client.refresh(session.token.refreshToken);
        session.token = token;
        show(token);
        announce(status, "New tokens received; the previous refresh token no longer works (rotation).", "ok");
        focusOn($("result-title"));
      } catch (err) {
        const { code, description } = describeError(err);
        if (REFRESH_REFUSED.has(code)) {
          forget();
          $("invalid-detail").textContent = `The server refused the refresh token (${code}${description ? `: ${description}` : ""}).`;
          $("invalid").hidden = false;
          announce(status, "These tokens are no longer valid: generate new ones.", "error");
          focusOn($("invalid-title"));
        } else {
          showError(errorBox, "The refresh failed:", err);
          focusOn(errorBox);
        }
      }
    });
  });

  $("forget").addEventListener("click", () => {
    forget();
    announce(status, "The tokens were removed from this page.", "info");
    focusOn(form.elements.password);
  });
});
