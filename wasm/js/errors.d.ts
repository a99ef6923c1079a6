/** Every error thrown by tokensmith. `code` is core's stable snake_case code. */
export class TokenError extends Error {
  readonly code: string;
  /** The HTTP status, when the error came from a response (else null). */
  readonly status: number | null;
  /** Seconds the server asked to wait (`Retry-After`), if it did (else null). */
  readonly retryAfter: number | null;
}

/** The server answered with an OAuth error (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1). */
export class OAuthError extends TokenError {
  /** The `error` value as the server sent it (for an extension value `code` is `oauth_error`). */
  readonly error: string;
  readonly description: string | null;
  readonly uri: string | null;
  readonly status: number;
  /** Seconds the server asked to wait (`Retry-After`, RFC 9110 §10.2.3), or null. */
  readonly retryAfter: number | null;
}

/** A response tokensmith could not use: not JSON, truncated, too large, unexpected status. */
export class ResponseError extends TokenError {
  readonly status: number | null;
  /** `not_json`, `not_object`, `truncated`, `too_large`, `empty`, `status`, or null. */
  readonly reason: string | null;
  readonly retryAfter: number | null;
}

/** The request did not complete: connection refused, timeout, reset, redirect. */
export class TransportError extends TokenError {}

/** A JWT could not be decoded or verified (RFC 7519, RFC 7515). */
export class JwtError extends TokenError {}

/** A personal access token is malformed or could not be generated. */
export class PatError extends TokenError {}
