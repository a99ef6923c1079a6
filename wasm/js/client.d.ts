// Declarations of client.js (assembled into tokensmith.d.ts by wasm/bundle.mjs).

// The two error classes of errors.js that wasm/src/errors.rs does not re-export: bundle.mjs
// expects every class of errors.d.ts among the glue's re-exports. Declared here until
// errors.rs lists them too (they would then move to errors.d.ts).

/** Caller input that cannot be used: a URL, an option, an argument's type, an encoding. */
export class InputError extends TokenError {}

/** The token cache could not complete an operation (a corrupted or newer-version export). */
export class CacheError extends TokenError {}

export interface TokenClientOptions {
  /** The token endpoint (RFC 6749 §3.2), https (or http on loopback). */
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  /** Client authentication (default `client_secret_basic`). */
  auth?: "client_secret_basic" | "client_secret_basic_raw" | "client_secret_post" | "none" | "x_space_auth_key";
  /** Default scopes: an array, or one space-delimited string (RFC 6749 §3.3). */
  scope?: string[] | string;
  /** The `audience` parameter of client-credentials requests (Auth0, Okta). */
  audience?: string;
  /** The `resource` parameter of client-credentials requests (RFC 8707 §2): an absolute URI. */
  resource?: string;
  /** The revocation endpoint (RFC 7009 §2), needed by `revoke`. */
  revocationUrl?: string;
  /** The fetch to send requests with (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout in milliseconds (default 10000, the same as Python's `timeout=10.0`). */
  timeoutMs?: number;
  /** Seconds a token lives when the server says neither `expires_in` nor a JWT `exp`. */
  defaultLifetime?: number;
}

export interface TokenOptions {
  /** Seconds of validity the caller needs; a token with less left is renewed. */
  minTtl?: number;
  /** Get a new token even if the cached one is fresh (concurrent calls still share one
   * request). To replace a token a resource server refused, `refused(token)` is better: it
   * cannot make N refusals cost N requests. */
  force?: boolean;
}

export interface GetTokenOptions {
  /** Scopes for this request instead of the client's default. */
  scope?: string[] | string;
  /** Seconds of validity the caller needs; a token with less left is renewed. */
  minTtl?: number;
  /** Get a new token even if the cached one is fresh (see `TokenOptions.force`). */
  force?: boolean;
}

export interface RefreshOptions {
  /** Scopes to ask for (at most those originally granted); none asks for the original ones. */
  scope?: string[] | string;
  /** Seconds of validity the caller needs; a token with less left is renewed. */
  minTtl?: number;
}

export interface ExportCacheOptions {
  /** Write the tokens themselves (access, refresh, ID) and `extra`. Off by default: without
   * them an export only documents what was cached and imports nothing usable. */
  includeSecrets?: boolean;
}

export interface ImportReport {
  imported: number;
  skipped: number;
}

export interface RevokeOptions {
  /** RFC 7009 §2.1 `token_type_hint`. */
  hint?: "access_token" | "refresh_token";
}

export interface CacheStats {
  hits: number; staleHits: number; misses: number; fetches: number; coalesced: number;
  failures: number; backoffs: number; retries: number; abandoned: number; evictions: number;
  purged: number; entries: number;
}

/**
 * An OAuth 2 client of one token endpoint, with a token cache.
 */
export class TokenClient {
    /**
     * Releases the client's cache (WebAssembly memory); the client is unusable afterwards.
     */
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The cache's counters since the client was created.
     */
    cacheStats(): CacheStats;
    /**
     * Forgets every cached token (and the `token()` memo).
     */
    clearCache(): void;
    /**
     * A client-credentials token (RFC 6749 §4.4), from the cache when fresh enough.
     * `options.scope` replaces the client's default scope.
     */
    clientCredentials(options?: GetTokenOptions): Promise<Token>;
    /**
     * The cache as JSON text (for `sessionStorage` or a file). Secrets only with
     * `includeSecrets: true`.
     */
    exportCache(options?: ExportCacheOptions): string;
    /**
     * Like `fetch(input, init)`, with `Authorization` set from the client's token. A 401 whose
     * `WWW-Authenticate` says `error="invalid_token"` (RFC 6750 §3.1) reports the token
     * `refused` and retries once with the next token, if the body can be sent again (none, a
     * string, bytes, a Blob, URLSearchParams or FormData). A streamed body, or a `Request` with
     * a body, was consumed by the first attempt: then the 401 is returned, with the new token
     * already cached for your own retry.
     */
    fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
    /**
     * Loads an `exportCache()` text. Expired entries, and entries whose key holds a longer-lived
     * token, are skipped; a corrupted text throws and leaves the cache untouched.
     */
    importCache(json: string): ImportReport;
    /**
     * See `TokenClientOptions`.
     */
    constructor(options: TokenClientOptions);
    /**
     * A resource-owner password token (RFC 6749 §4.3), cached per user and scope.
     */
    password(username: string, password: string, options?: GetTokenOptions): Promise<Token>;
    /**
     * A refresh-token grant (RFC 6749 §6); an empty `scope` asks for the scope originally
     * granted. Cached under the refresh token, like any grant.
     */
    refresh(refreshToken: string, options?: RefreshOptions): Promise<Token>;
    /**
     * Revokes a token at `revocationUrl` (RFC 7009). Resolves when the server accepted it
     * (it also answers 200 for tokens it does not know, RFC 7009 §2.2); the cache then drops
     * every entry holding the token, as access or refresh token, and the `token()` memo is
     * cleared, so the next call fetches a new token with the client's own grant.
     */
    revoke(token: string, options?: RevokeOptions): Promise<void>;
    /**
     * A resource server refused `token` (a `Token` or its access token; RFC 6750 §3.1
     * `invalid_token`). The cache drops it if it is still the cached one, keeping the refresh
     * token, so the next call gets a new token; if another request's refusal already replaced
     * it, nothing changes and the next call returns the replacement (N refusals of one token
     * cause one token request). Returns how many cache entries dropped it. `fetch()` calls this
     * itself; use it when you send requests with a token some other way.
     */
    refused(token: Token | string): number;
    /**
     * The client's token: client credentials with the default scope.
     *
     * The hot path of a busy caller: while the last token is surely fresh (before the earliest
     * point core may refresh it), the answer is an already-resolved Promise of the same `Token`
     * object, without asking the cache. With `minTtl` or `force`, core is asked each time.
     */
    token(options?: TokenOptions): Promise<Token>;
}
