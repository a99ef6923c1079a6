// Declarations of jwt.js (assembled into tokensmith.d.ts by wasm/bundle.mjs).

/** A JWT's JOSE header (RFC 7515 §4) and claims set (RFC 7519 §4). */
export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** A JWK Set, one JWK, either as JSON text, or a PEM public key. */
export type JwtKeys = { keys: object[] } | object | string;

export interface VerifyJwtOptions {
  /** The accepted `alg` values, e.g. `["RS256"]`. Required. */
  algorithms: string[];
  /** The exact `iss` expected. */
  issuer?: string;
  /** The audience this service identifies as; without it a token with `aud` is refused. */
  audience?: string;
  /** Clock skew tolerated on `exp` and `nbf`, in seconds (default 30). */
  leeway?: number;
  /** The time to verify at (default now). */
  currentDate?: Date;
  /** Accept a token without `exp`. INSECURE: it never expires. */
  allowMissingExpInsecure?: boolean;
  /** `crit` header parameters the caller has processed itself. */
  understoodCrit?: string[];
}

/**
 * Verifies a JWT's signature against `jwks` and its claims against `options`; resolves to
 * `{ header, claims }` or rejects with a `JwtError`.
 *
 * `jwks`: a JWK Set (`{ keys: [...] }`, RFC 7517 §5), a single JWK, either as JSON text, or a
 * PEM `PUBLIC KEY`. `options`: `algorithms` (required, e.g. `["RS256"]`), `issuer`, `audience`,
 * `leeway` (seconds, default 30), `currentDate` (a `Date`, default now),
 * `allowMissingExpInsecure`, `understoodCrit`.
 */
export function verifyJwt(token: string, jwks: JwtKeys, options: VerifyJwtOptions): Promise<DecodedJwt>;
