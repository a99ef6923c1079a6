// The header mechanics of TokenClient.fetch: WHATWG `Headers` merges whatever form the caller
// used (object, array of pairs, Headers, or the headers of a Request passed as `input`).
// The rules (which token, when to refresh and retry) stay in Rust and core.

/** Calls `fetchImpl(input, init)` with `Authorization` set to `authorization` (replacing any). */
export function fetchWithAuthorization(fetchImpl, input, init, authorization) {
  const fromRequest = typeof Request !== "undefined" && input instanceof Request ? input.headers : undefined;
  const headers = new Headers(init?.headers ?? fromRequest);
  headers.set("Authorization", authorization);
  return fetchImpl(input, { ...init, headers });
}
