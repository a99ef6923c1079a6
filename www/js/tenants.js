// Insights Hub Technical Token Manager with the package's TechnicalTokenManager: the
// X-SPACE-AUTH-KEY (spaceAuthKey), the operator token, the user tenants (every page read by
// the package; the pages are counted from the requests it sends), and tokens for the selected
// tenants with a progress bar and a status per tenant. The manager caches every token per
// (host, user) tenant pair and asks only for missing or aging ones, in batches of batchSize.

import { startPage, formValues } from "./shared/page.js";
import { wirePresets } from "./shared/presets.js";
import { announce, clear, focusOn, whileBusy } from "./shared/status.js";
import { describeError, hideError, showError } from "./shared/errors.js";
import { formatDuration, startCountdown } from "./shared/countdown.js";
import { copyButton } from "./shared/clipboard.js";
import { recordingFetch } from "./shared/request-view.js";

const $ = (id) => document.getElementById(id);

startPage((lib) => {
  const form = $("ttm-form");
  const status = $("status");
  const errorBox = $("error");
  // In memory only: the manager (with its token cache) and the tokens per tenant.
  let ttm = null;
  let config = null;
  let spaceKey = "";
  const tokens = new Map();
  let tenantPagesSeen = 0;

  wirePresets($("preset"), form, ["insightsHub"], $("preset-note"));
  // Any change of the settings makes a new manager (a new cache) on the next action.
  form.addEventListener("input", () => { ttm = null; });
  form.addEventListener("preset-applied", () => { ttm = null; });
  copyButton($("copy-space-key"), { getText: () => spaceKey, region: status, what: "X-SPACE-AUTH-KEY value" });

  function manager() {
    if (ttm) return ttm;
    const v = formValues(form);
    config = v;
    ttm = new lib.TechnicalTokenManager({
      baseUrl: v.baseUrl,
      clientId: v.clientId,
      clientSecret: v.clientSecret,
      appName: v.appName,
      appVersion: v.appVersion,
      hostTenant: v.hostTenant,
      batchSize: Number(v.batchSize),
      // Counts the user-tenant pages the package reads (the URL only; nothing else is kept).
      fetch: recordingFetch((request) => {
        if (new URL(request.url).pathname.endsWith("/userTenants")) tenantPagesSeen += 1;
      }),
    });
    tokens.clear();
    return ttm;
  }

  function fail(lead, err) {
    showError(errorBox, lead, err);
    focusOn(errorBox);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    hideError(errorBox);
    clear(status);
    await whileBusy($("start"), "Requesting…", async () => {
      try {
        const m = manager();
        spaceKey = lib.spaceAuthKey(config.clientId, config.clientSecret);
        $("space-key-masked").textContent = `X-SPACE-AUTH-KEY: Basic [redacted] (${spaceKey.length} characters)`;
        const operator = await m.token(config.hostTenant);
        $("operator-tenant").textContent = config.hostTenant;
        startCountdown($("operator-countdown"), operator.expiresAt);
        $("key-section").hidden = false;
        $("tenants-section").hidden = true;
        $("tokens-section").hidden = true;
        announce(status, "Operator token received.", "ok");
        focusOn($("key-title"));
      } catch (err) {
        ttm = null;
        fail("The operator token request failed:", err);
      }
    });
  });

  $("list-tenants").addEventListener("click", async () => {
    hideError(errorBox);
    clear(status);
    await whileBusy($("list-tenants"), "Listing…", async () => {
      try {
        tenantPagesSeen = 0;
        const tenants = await manager().userTenants();
        $("pages-read").textContent = `${tenants.length} user tenants, read in ${tenantPagesSeen} page${tenantPagesSeen === 1 ? "" : "s"}.`;
        const list = $("tenant-list");
        list.replaceChildren();
        for (const tenant of tenants) {
          const label = document.createElement("label");
          const box = document.createElement("input");
          box.type = "checkbox";
          box.checked = true;
          box.value = tenant;
          box.name = "tenant";
          label.append(box, ` ${tenant}`);
          list.append(label);
        }
        $("select-all").checked = true;
        $("tenants-section").hidden = false;
        announce(status, `${tenants.length} user tenants listed.`, "ok");
        focusOn($("tenants-title"));
      } catch (err) {
        fail("Listing the user tenants failed:", err);
      }
    });
  });

  $("select-all").addEventListener("change", (event) => {
    for (const box of $("tenant-list").querySelectorAll("input[type=checkbox]")) box.checked = event.target.checked;
  });

  function row(tenant) {
    const tr = document.createElement("tr");
    tr.dataset.tenant = tenant;
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = tenant;
    const state = document.createElement("td");
    state.className = "state-waiting";
    state.textContent = "waiting";
    const action = document.createElement("td");
    tr.append(name, state, action);
    return tr;
  }

  function markOk(tr, token) {
    const [, state, action] = tr.children;
    state.className = "state-ok";
    state.textContent = `token, expires in ${formatDuration(token.expiresIn)}`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary small";
    button.textContent = "Copy";
    button.setAttribute("aria-label", `Copy the token of ${tr.dataset.tenant}`);
    copyButton(button, { getText: () => tokens.get(tr.dataset.tenant)?.accessToken ?? "", region: status, what: `Token of ${tr.dataset.tenant}` });
    action.replaceChildren(button);
  }

  function markFailed(tr, err) {
    const { code, description } = describeError(err);
    const state = tr.children[1];
    state.className = "state-failed";
    state.textContent = `failed: ${code}${description ? ` (${description})` : ""}`;
    tr.children[2].replaceChildren();
  }

  $("get-tokens").addEventListener("click", async () => {
    hideError(errorBox);
    clear(status);
    const selected = [...$("tenant-list").querySelectorAll("input[type=checkbox]:checked")].map((b) => b.value);
    if (selected.length === 0) {
      announce(status, "Select at least one tenant.", "error");
      focusOn($("select-all"));
      return;
    }
    const rows = new Map(selected.map((t) => [t, row(t)]));
    $("token-rows").replaceChildren(...rows.values());
    const progress = $("progress");
    progress.max = selected.length;
    progress.value = 0;
    $("tokens-section").hidden = false;
    focusOn($("tokens-title"));
    let ok = 0;
    let failed = 0;
    const report = () => {
      $("progress-text").textContent = `${ok + failed} of ${selected.length} tenants done: ${ok} with a token, ${failed} failed.`;
    };
    report();
    await whileBusy($("get-tokens"), "Getting tokens…", async () => {
      const m = manager();
      // The progress bar advances one batch call at a time: each step hands the manager as
      // many tenants as it sends in one call (it may send fewer when some are cached).
      const step = Number(config.batchSize);
      for (let i = 0; i < selected.length; i += step) {
        const chunk = selected.slice(i, i + step);
        let got = null;
        try {
          got = await m.tokens(chunk);
        } catch {
          // The manager rejects with the first failing tenant's error; ask per tenant to tell
          // which ones failed (tenants that got a token are served from its cache).
        }
        for (const tenant of chunk) {
          const tr = rows.get(tenant);
          try {
            const token = got?.get(tenant) ?? (await m.token(tenant));
            tokens.set(tenant, token);
            markOk(tr, token);
            ok += 1;
          } catch (err) {
            markFailed(tr, err);
            failed += 1;
          }
          progress.value = ok + failed;
          report();
        }
      }
    });
    announce(status, failed ? `Done: ${ok} tokens, ${failed} tenants failed.` : `Done: ${ok} tokens received.`, failed ? "error" : "ok");
  });
});
