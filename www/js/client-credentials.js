// Client credentials (RFC 6749 §4.4) with the package's TokenClient; the request it sent is
// recorded by a fetch wrapper and shown with every secret masked.

import { startPage, formValues } from "./shared/page.js";
import { wirePresets, joinUrl } from "./shared/presets.js";
import { announce, clear, focusOn, whileBusy } from "./shared/status.js";
import { hideError, showError } from "./shared/errors.js";
import { startCountdown, stopCountdown } from "./shared/countdown.js";
import { decodedText, secretField } from "./shared/token-view.js";
import { maskedRequestText, recordingFetch } from "./shared/request-view.js";
import { copyButton } from "./shared/clipboard.js";

const $ = (id) => document.getElementById(id);

startPage((lib) => {
  const form = $("request-form");
  const status = $("status");
  const errorBox = $("error");

  wirePresets($("preset"), form, ["smartCompletions", "local", "keycloak"], $("preset-note"));
  copyButton($("copy-request"), { getText: () => $("request-text").textContent, region: status, what: "Masked request" });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = formValues(form);
    hideError(errorBox);
    clear(status);
    $("result").hidden = true;
    stopCountdown($("token-countdown"));
    const sent = [];
    const showSent = () => {
      $("request-text").textContent = sent.map((r) => maskedRequestText(lib, r)).join("\n\n");
      $("sent").hidden = sent.length === 0;
    };
    await whileBusy($("submit"), "Requesting…", async () => {
      try {
        // A new client per request, so that every click sends one request (no cached token).
        const client = new lib.TokenClient({
          tokenUrl: joinUrl(v.baseUrl, v.tokenPath),
          clientId: v.clientId,
          clientSecret: v.clientSecret,
          auth: v.auth,
          scope: v.scope || undefined,
          fetch: recordingFetch((request) => sent.push(request)),
        });
        const token = await client.clientCredentials();
        showSent();
        $("token-type").textContent = token.tokenType;
        $("token-scope").textContent = token.scope.length ? token.scope.join(" ") : "(not listed by the server)";
        startCountdown($("token-countdown"), token.expiresAt);
        $("token-box").replaceChildren();
        secretField($("token-box"), { id: "access-token", label: "Access token", value: token.accessToken, what: "Access token", region: status });
        $("claims").textContent = decodedText(lib, token.accessToken) ?? "Not a JWT: the server issued an opaque token.";
        $("result").hidden = false;
        announce(status, "Token received.", "ok");
        focusOn($("result-title"));
      } catch (err) {
        showSent();
        showError(errorBox, "The token request failed:", err);
        focusOn(errorBox);
      }
    });
  });
});
