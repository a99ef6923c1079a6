// Personal access tokens against the dev server's /api/tokens routes (docs/devserver.md; the
// XTRF / DataChain shape): sign in (password grant with the package's TokenClient; the access
// token authenticates the list and revoke calls), create (password required, the token shown
// once), list (never the token: its hint), revoke one or all after a confirmation.

import { startPage, formValues } from "./shared/page.js";
import { wirePresets, joinUrl } from "./shared/presets.js";
import { announce, clear, focusOn, whileBusy } from "./shared/status.js";
import { ApiError, hideError, showError } from "./shared/errors.js";
import { secretField } from "./shared/token-view.js";
import { pageFetch } from "./shared/fetch.js";
import { confirmAction } from "./shared/confirm.js";

const $ = (id) => document.getElementById(id);

startPage((lib) => {
  const signin = $("signin-form");
  const createForm = $("create-form");
  const status = $("status");
  const errorBox = $("error");
  // In memory only: who is signed in and their access token.
  let session = null;

  wirePresets($("preset"), signin, ["local"], $("preset-note"));

  function fail(lead, err) {
    showError(errorBox, lead, err);
    focusOn(errorBox);
  }

  /** A JSON call to the token API; throws ApiError for an error answer. */
  async function api(method, path, body) {
    const headers = { accept: "application/json" };
    if (session) headers.authorization = session.token.authorization;
    if (body) headers["content-type"] = "application/json";
    const response = await pageFetch(joinUrl(session.baseUrl, path), { method, headers, body: body ? JSON.stringify(body) : undefined });
    if (!response.ok) throw await ApiError.from(response);
    return response.status === 204 ? null : response.json();
  }

  const when = (ms) => (ms == null ? "never" : new Date(ms).toLocaleString());

  function stateOf(record) {
    if (record.revoked_at != null) return "revoked";
    if (record.expires_at != null && record.expires_at <= Date.now()) return "expired";
    return "active";
  }

  async function refreshList() {
    const { tokens } = await api("GET", "/api/tokens");
    const rows = tokens.map((record) => {
      const tr = document.createElement("tr");
      tr.dataset.id = record.id;
      const state = stateOf(record);
      const cells = [record.description || "(no description)", record.kind, when(record.created_at), when(record.expires_at), record.hint, state];
      for (const [i, text] of cells.entries()) {
        const cell = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) cell.scope = "row";
        if (i === 4) cell.className = "mono";
        cell.textContent = text;
        tr.append(cell);
      }
      const action = document.createElement("td");
      if (state === "active") {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "danger small revoke";
        button.textContent = "Revoke";
        button.setAttribute("aria-label", `Revoke ${record.description || record.hint}`);
        button.addEventListener("click", () => revokeOne(record));
        action.append(button);
      }
      tr.append(action);
      return tr;
    });
    $("token-rows").replaceChildren(...rows);
    $("empty-list").hidden = rows.length > 0;
    $("revoke-all").disabled = !tokens.some((r) => stateOf(r) === "active");
    $("list-section").hidden = false;
  }

  signin.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = formValues(signin);
    hideError(errorBox);
    clear(status);
    await whileBusy($("signin"), "Signing in…", async () => {
      try {
        const client = new lib.TokenClient({
          tokenUrl: joinUrl(v.baseUrl, v.tokenPath),
          clientId: v.clientId,
          clientSecret: v.clientSecret,
          auth: v.auth,
          fetch: pageFetch,
        });
        const token = await client.password(v.username, v.password);
        session = { baseUrl: v.baseUrl, username: v.username, token };
        signin.elements.password.value = "";
        $("signed-in-as").textContent = `Signed in as ${v.username}.`;
        createForm.hidden = false;
        await refreshList();
        announce(status, `Signed in as ${v.username}.`, "ok");
        focusOn($("create-title"));
      } catch (err) {
        fail("Signing in failed:", err);
      }
    });
  });

  createForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!session) return;
    const v = formValues(createForm);
    hideError(errorBox);
    clear(status);
    await whileBusy($("create"), "Creating…", async () => {
      try {
        const body = { username: session.username, password: v.createPassword, description: v.description, kind: v.kind };
        if (v.lifetime) body.lifetime_seconds = Number(v.lifetime);
        const created = await api("POST", "/api/tokens", body);
        createForm.elements.createPassword.value = "";
        createForm.elements.description.value = "";
        $("new-token-box").replaceChildren();
        secretField($("new-token-box"), { id: "new-token-value", label: `Token "${created.description || created.hint}"`, value: created.token, what: "Token", region: status });
        $("new-token").hidden = false;
        await refreshList();
        announce(status, "Token created. Copy it now: it cannot be shown again.", "ok");
        focusOn($("new-token-title"));
      } catch (err) {
        fail("Creating the token failed:", err);
      }
    });
  });

  $("new-token-done").addEventListener("click", () => {
    $("new-token-box").replaceChildren();
    $("new-token").hidden = true;
    announce(status, "The new token was removed from this page.", "info");
    focusOn($("list-title"));
  });

  async function revokeOne(record) {
    const name = record.description || record.hint;
    const yes = await confirmAction($("confirm"), {
      title: "Revoke this token?",
      question: `"${name}" (${record.hint}) stops working at once. This cannot be undone.`,
      yes: "Revoke token",
    });
    if (!yes) return;
    hideError(errorBox);
    try {
      await api("DELETE", `/api/tokens/${encodeURIComponent(record.id)}`);
      await refreshList();
      announce(status, `Token "${name}" revoked.`, "ok");
      focusOn($("list-title"));
    } catch (err) {
      fail("Revoking the token failed:", err);
    }
  }

  $("revoke-all").addEventListener("click", async () => {
    const yes = await confirmAction($("confirm"), {
      title: "Revoke all your tokens?",
      question: "Every one of your personal access tokens stops working at once. This cannot be undone.",
      yes: "Revoke all",
    });
    if (!yes) return;
    hideError(errorBox);
    try {
      const { revoked } = await api("DELETE", "/api/tokens");
      await refreshList();
      announce(status, `${revoked} token${revoked === 1 ? "" : "s"} revoked.`, "ok");
      focusOn($("list-title"));
    } catch (err) {
      fail("Revoking the tokens failed:", err);
    }
  });
});
