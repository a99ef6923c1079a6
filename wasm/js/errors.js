// The error classes of the npm package `tokensmith`, one per family of core's errors
// (`tokensmith::error::ErrorFamily`). Real classes, so that `err instanceof OAuthError` works and
// stack traces carry the class name. Created from Rust through `createError`; callers branch on
// `err.code` (core's stable `Error::code()`), never on the message. No message carries a secret
// or a raw response body: the text is core's `Display`, which masks both.

/** Every error thrown by tokensmith. `code` is core's stable snake_case code. */
export class TokenError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
    // On every error, as in Python: null unless the error came from an HTTP response
    // (`OAuthError`, `ResponseError` set them).
    this.status = null;
    this.retryAfter = null;
  }
}

/** The server answered with an OAuth error (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1). */
export class OAuthError extends TokenError {
  constructor(message, code, details) {
    super(message, code);
    /** The `error` value as the server sent it (an extension code is kept, `code` is then `oauth_error`). */
    this.error = details.error;
    this.description = details.description ?? null;
    this.uri = details.uri ?? null;
    this.status = details.status;
    /** Seconds the server asked to wait (`Retry-After`, RFC 9110 §10.2.3), or null. */
    this.retryAfter = details.retryAfter ?? null;
  }
}

/** A response tokensmith could not use: not JSON, truncated, too large, unexpected status. */
export class ResponseError extends TokenError {
  constructor(message, code, details) {
    super(message, code);
    this.status = details.status ?? null;
    /** Why: `not_json`, `not_object`, `truncated`, `too_large`, `empty`, `status`, or null. */
    this.reason = details.reason ?? null;
    this.retryAfter = details.retryAfter ?? null;
  }
}

/** The request did not complete: connection refused, timeout, reset, redirect. */
export class TransportError extends TokenError {}

/** A JWT could not be decoded or verified (RFC 7519, RFC 7515). */
export class JwtError extends TokenError {}

/** A personal access token is malformed or could not be generated. */
export class PatError extends TokenError {}

/** Caller input that cannot be used: a URL, an option, an argument's type, an encoding. */
export class InputError extends TokenError {}

/** The token cache could not complete an operation (a corrupted or newer-version export). */
export class CacheError extends TokenError {}

// The classes' names written out, not read from `cls.name`: the shipped bundle minifies
// identifiers (wasm/bundle.mjs), which would rename them. `name` goes on each class and on each
// prototype (not an own property of the errors), so `err.name` and the stack's first line show
// the class.
export function nameClasses(classes) {
  for (const [name, cls] of Object.entries(classes)) {
    Object.defineProperty(cls, "name", { value: name, configurable: true });
    if (cls.prototype instanceof Error) {
      Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true, enumerable: false });
    }
  }
}

const FAMILIES = {
  oauth: OAuthError,
  response: ResponseError,
  transport: TransportError,
  jwt: JwtError,
  pat: PatError,
  input: InputError,
  cache: CacheError,
};
nameClasses({ TokenError, OAuthError, ResponseError, TransportError, JwtError, PatError, InputError, CacheError });

/**
 * Builds the error object for a core error of `family` (`ErrorFamily::as_str`). The one family
 * without a class of its own (token: `refresh_token_expired`, `random_unavailable`) gives a plain
 * `TokenError`, as in Python. The family's fields come as
 * arguments (`undefined` when absent) and become the constructor's details object here; `kind` is
 * an `OAuthError`'s `error` or a `ResponseError`'s `reason` (each class reads its own).
 * @internal
 */
export function createError(family, code, message, status, retryAfter, kind, description, uri) {
  const cls = FAMILIES[family];
  return cls
    ? new cls(message, code, { status, retryAfter, error: kind, description, uri, reason: kind })
    : new TokenError(message, code);
}
