// Server presets: the paths and demo settings of each server shape tokensmith speaks. The base
// URL defaults to this page's origin, where the local dev server imitates every one of them
// (docs/devserver.md), so the local presets work out of the box; for a real server, change the
// base URL (and the credentials) after picking its preset. Demo credentials are the dev
// server's public demo configuration; no other secret is ever pre-filled.

const DEMO = { clientId: "demo-client", clientSecret: "demo-secret", auth: "client_secret_basic" };

export const PRESETS = {
  local: {
    label: "Local server (generic OAuth 2)",
    real: "any RFC 6749 server: {base}/oauth/token",
    values: { ...DEMO, tokenPath: "/oauth/token", username: "demo-user", password: "demo-password", scope: "", jwksPath: "/.well-known/jwks.json", issuerPath: "" },
  },
  sdx: {
    label: "HxGN SDx / TruView",
    real: "https://sdx.example.com/sdx/oauth/token (password grant, the application impersonates the user)",
    values: { ...DEMO, tokenPath: "/sdx/oauth/token", username: "demo-user", password: "demo-password", scope: "" },
  },
  keycloak: {
    label: "Keycloak (realm demo)",
    real: "https://keycloak.example.com/realms/{realm}/protocol/openid-connect/token",
    values: { ...DEMO, tokenPath: "/realms/demo/protocol/openid-connect/token", username: "demo-user", password: "demo-password", scope: "openid", jwksPath: "/realms/demo/protocol/openid-connect/certs", issuerPath: "/realms/demo" },
  },
  smartCompletions: {
    label: "Intergraph Smart Completions",
    real: "https://completions.example.com/v1/token with scope ingr.api",
    values: { ...DEMO, tokenPath: "/v1/token", scope: "ingr.api" },
  },
  insightsHub: {
    label: "Siemens Insights Hub (Technical Token Manager)",
    real: "https://gateway.eu1.mindsphere.io (X-SPACE-AUTH-KEY, /api/technicaltokenmanager/v3/…)",
    values: { ...DEMO, appName: "demo-app", appVersion: "1.0.0", hostTenant: "demohost", batchSize: "5" },
  },
};

/**
 * Fills `select` with the named presets and, on change (and once now, with the first), writes
 * the preset's values into the form's fields of the same name; `baseUrl` gets this origin.
 * `note` (optional) shows what the real server's URL looks like.
 */
export function wirePresets(select, form, names, note = null) {
  for (const name of names) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = PRESETS[name].label;
    select.append(option);
  }
  const apply = () => {
    const preset = PRESETS[select.value];
    const values = { baseUrl: location.origin, ...preset.values };
    for (const [field, value] of Object.entries(values)) {
      const input = form.elements.namedItem(field);
      if (input && "value" in input) input.value = value;
    }
    if (note) note.textContent = `Real servers of this kind: ${preset.real}. Change the base URL and the credentials to use one.`;
    form.dispatchEvent(new Event("preset-applied"));
  };
  select.addEventListener("change", apply);
  apply();
}

/** `base` + `path` without a doubled or missing slash. */
export function joinUrl(base, path) {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
