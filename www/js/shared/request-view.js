// "Show me what was sent": a fetch wrapper that records each request the package sends, and the
// text of such a request with every secret masked.
//
// The npm package does not expose core's `HttpRequest::redacted()`, so masking works from the
// outside: the values the user entered as secrets, and the header values the package itself
// builds from them (`basicAuthorization`, `spaceAuthKey`), are replaced wherever they appear.
// No encoding rule is repeated here: the derived forms come from the package.

import { pageFetch } from "./fetch.js";

const MASK = "[redacted]";

/**
 * A `fetch` for the package's `fetch` option that calls `onRequest({ method, url, headers,
 * body })` (headers as [name, value] pairs, body as text) before sending it with `pageFetch`.
 */
export function recordingFetch(onRequest) {
  return (input, init = {}) => {
    const headers = init.headers instanceof Headers ? [...init.headers] : Array.isArray(init.headers) ? init.headers.map(([n, v]) => [n, v]) : Object.entries(init.headers ?? {});
    let body = "";
    if (init.body instanceof Uint8Array) body = new TextDecoder().decode(init.body);
    else if (typeof init.body === "string") body = init.body;
    onRequest({ method: init.method ?? "GET", url: String(input), headers, body });
    return pageFetch(input, init);
  };
}

/**
 * The strings to mask for a client secret (and other secrets, e.g. a password): the secrets
 * themselves and the credentials the package derives from them, without their scheme word.
 */
export function secretForms(lib, { clientId = "", secrets = [] }) {
  const forms = new Set();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    const derived = [
      () => lib.basicAuthorization(clientId, secret, "form"),
      () => lib.basicAuthorization(clientId, secret, "raw"),
      () => lib.spaceAuthKey(clientId, secret),
    ];
    for (const make of derived) {
      try {
        // The credentials after the scheme word, so that "Basic [redacted]" stays readable.
        forms.add(make().replace(/^\S+\s+/, ""));
      } catch {
        // e.g. a raw form refused for an id with ":": the package will not send it either.
      }
    }
  }
  // Longest first, so that a whole header value is masked before a part of it.
  return [...forms].sort((a, b) => b.length - a.length);
}

function maskText(text, forms) {
  let out = text;
  for (const form of forms) out = out.split(form).join(MASK);
  return out;
}

/** A form body with each value that decodes to a secret masked (and any secret text left). */
function maskFormBody(body, forms, secrets) {
  const masked = body
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) return pair;
      let value;
      try {
        value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, " "));
      } catch {
        return pair;
      }
      return secrets.includes(value) ? `${pair.slice(0, eq + 1)}${MASK}` : pair;
    })
    .join("&");
  return maskText(masked, forms);
}

/** The request as HTTP/1.1 text, every secret masked. `secrets`: the raw secret values. */
export function maskedRequestText(request, forms, secrets) {
  const url = new URL(request.url);
  const lines = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  let contentType = "";
  for (const [name, value] of request.headers) {
    if (name.toLowerCase() === "content-type") contentType = value;
    lines.push(`${name}: ${maskText(value, forms)}`);
  }
  let body = request.body;
  if (body) {
    body = contentType.startsWith("application/x-www-form-urlencoded")
      ? maskFormBody(body, forms, secrets.filter(Boolean))
      : maskText(body, forms);
  }
  return `${lines.join("\n")}\n\n${body}`;
}
