// The fetch every page hands to the package. `credentials: "omit"`: token requests carry their
// own credentials and need no cookies, and without credentials mode the browser never answers a
// 401 with `WWW-Authenticate: Basic` (RFC 6749 §5.2's invalid_client) by opening its own
// sign-in prompt (WHATWG Fetch, HTTP-network-or-cache fetch, the 401 step), which would leave the
// request hanging instead of showing the error.

/** `fetch` without cookies or HTTP authentication prompts. */
export function pageFetch(input, init = {}) {
  return fetch(input, { ...init, credentials: "omit" });
}
