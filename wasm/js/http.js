// The package's I/O: sends the requests core builds with the caller's `fetch` and hands the
// answers back unread. No rule lives here: what to send, what an answer means (a redirect, a
// timeout, a reset) and what happens next are decided in Rust (wasm/src/exchange.rs) and core.

/**
 * Sends `request` with `fetchImpl` and resolves to what came back; never rejects.
 *
 * `request` is core's `HttpRequest` as wasm/src/exchange.rs writes it: `[method, url, headers,
 * body]`, `headers` a flat array `[name, value, name, value, …]`, `body` a `Uint8Array` or
 * `undefined`. The answer is `[status, headers, body]` (flat headers, body a `Uint8Array`), or
 * `[-1, name, duringBody]` when the request did not complete: `name` is the thrown error's
 * `name` (only the name: a message may quote the URL) and `duringBody` tells whether the
 * response had started.
 *
 * Redirects are not followed (`redirect: "manual"`, RFC 6749 §3.2 gives a token endpoint no
 * reason to redirect a request that carries credentials). Ambient credentials are not sent
 * (`credentials: "omit"`): the request carries its own client authentication (RFC 6749 §2.3),
 * and a browser that saw a 401 with `WWW-Authenticate: Basic` on a request that could carry its
 * HTTP auth would open its own sign-in prompt and leave the request pending. `timeoutMs` aborts
 * the exchange with `AbortSignal.timeout` (browsers, Node ≥ 17.3).
 */
export async function exchange(fetchImpl, request, timeoutMs) {
  const [method, url, flat, body] = request;
  const headers = [];
  for (let i = 0; i < flat.length; i += 2) headers.push([flat[i], flat[i + 1]]);
  const init = { method, headers, redirect: "manual", credentials: "omit" };
  if (body !== undefined) init.body = body;
  if (timeoutMs != null && typeof AbortSignal !== "undefined" && AbortSignal.timeout) {
    init.signal = AbortSignal.timeout(timeoutMs);
  }
  let response;
  try {
    response = await fetchImpl(url, init);
  } catch (e) {
    return [-1, errorName(e), false];
  }
  const answer = [];
  for (const [name, value] of response?.headers ?? []) answer.push(name, value);
  try {
    const bytes = new Uint8Array(await response.arrayBuffer());
    return [response.status ?? 0, answer, bytes];
  } catch (e) {
    return [-1, errorName(e), true];
  }
}

function errorName(e) {
  return typeof e?.name === "string" ? e.name : "";
}

/** Resolves after `ms` milliseconds (a retry's delay, core's backoff). */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
