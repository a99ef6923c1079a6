// Declarations of jwks.js (assembled into tokensmith.d.ts by wasm/bundle.mjs).

export interface RemoteJwksOptions {
  /** The issuer's JWK Set URL (`jwks_uri`). */
  jwksUrl: string;
  /** The fetch to use (default: the global `fetch`). */
  fetch?: typeof fetch;
  /** Abort a JWK Set request after this many milliseconds (default 10000). */
  timeoutMs?: number;
}

/**
 * Verifies JWTs with the key set published at `jwksUrl` (RFC 7517 §5), fetched on first use and
 * again when a token names a `kid` the cached set lacks (key rotation, OpenID Connect Core
 * §10.1.1), at most once per 30 s: tokens with made-up `kid`s cause no request storm. Single
 * flight (core's rule): while one call fetches, concurrent calls that need the keys await that
 * fetch, then verify with its set or reject with its error; a cold start sends one request.
 */
export class RemoteJwks {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * See `RemoteJwksOptions`.
     */
    constructor(options: RemoteJwksOptions);
    /**
     * `verifyJwt(token, <the issuer's keys>, options)`: resolves to `{ header, claims }`, or
     * rejects with a `JwtError` (`jwt_key_not_found` for a `kid` the set lacks after the
     * refetch allowed now) or the fetch's own error (`TransportError`, `ResponseError`), which
     * every call waiting on that fetch gets too.
     */
    verify(token: string, options: VerifyJwtOptions): Promise<DecodedJwt>;
}
