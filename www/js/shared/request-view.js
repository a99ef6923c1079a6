// "Show me what was sent": a fetch wrapper that records each request the package sends, and the
// text of such a request with every secret masked.
//
// The masking is the package's `redactRequest`, which is core's `HttpRequest::redacted()`: which
// headers and body fields are credentials, and how a URL's userinfo and credential query
// parameters are masked, is decided there, once, for every runtime. This file only lays the
// result out as HTTP/1.1 text.

import { pageFetch } from "./fetch.js";

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

/** The request as HTTP/1.1 text, every credential masked by the package (`lib.redactRequest`). */
export function maskedRequestText(lib, request) {
  const text = lib.redactRequest(request);
  const lineEnd = text.indexOf("\n");
  const requestLine = lineEnd < 0 ? text : text.slice(0, lineEnd);
  const rest = lineEnd < 0 ? "" : text.slice(lineEnd + 1);
  const space = requestLine.indexOf(" ");
  const url = new URL(requestLine.slice(space + 1));
  return `${requestLine.slice(0, space)} ${url.pathname}${url.search} HTTP/1.1\nHost: ${url.host}\n${rest}`;
}
