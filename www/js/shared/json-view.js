// Readable views of decoded JWT parts.

/** Pretty JSON text. */
export function prettyJson(value) {
  return JSON.stringify(value, null, 2);
}

/** NumericDate claims (RFC 7519 §2: seconds since the epoch) that are shown as dates too. */
const DATE_CLAIMS = ["exp", "iat", "nbf", "auth_time"];

/** Lines like "exp: 2026-11-23T13:00:00.000Z" for the NumericDate claims present. */
export function claimDates(claims) {
  return DATE_CLAIMS.filter((name) => typeof claims[name] === "number").map(
    (name) => `${name}: ${new Date(claims[name] * 1000).toISOString()}`,
  );
}
