// Declarations of vendor.js (assembled into tokensmith.d.ts by wasm/bundle.mjs).

export interface TechnicalTokenManagerOptions {
    /** The Insights Hub gateway, e.g. `https://gateway.eu1.mindsphere.io`. */
    baseUrl: string;
    clientId: string;
    clientSecret: string;
    appName: string;
    appVersion: string;
    hostTenant: string;
    /** User tenants per `oauthTokens` call, 1 to 5 (default 5, the documented maximum). */
    batchSize?: number;
    /** The fetch to send requests with (default `globalThis.fetch`). */
    fetch?: typeof globalThis.fetch;
    /** Per-request timeout in milliseconds (default 10000, the same as Python's `timeout=10.0`). */
    timeoutMs?: number;
}

export interface SdxClientOptions {
    /** The SDx/TruView server; tokens come from `{baseUrl}/sdx/oauth/token`. */
    baseUrl: string;
    clientId: string;
    clientSecret: string;
    /** Keep the user's password to sign in again when a refresh token is rejected (default
     * false: the rejection becomes an error with code `refresh_token_inactive`). */
    keepCredentials?: boolean;
    fetch?: typeof globalThis.fetch;
    timeoutMs?: number;
}

export interface KeycloakClientOptions {
    /** The Keycloak server (with its context path, e.g. `https://kc.example/auth`). */
    baseUrl: string;
    realm: string;
    clientId: string;
    clientSecret?: string;
    /** Ask for offline tokens (`offline_access` scope): refresh tokens that never expire. */
    offline?: boolean;
    /** Scopes besides `offline_access`: an array, or one space-delimited string. */
    scope?: string[] | string;
    fetch?: typeof globalThis.fetch;
    timeoutMs?: number;
}

/**
 * Siemens Insights Hub Technical Token Manager: tokens per user tenant, cached per (host
 * tenant, user tenant), requested in batches.
 */
export class TechnicalTokenManager {
    /**
     * See `TechnicalTokenManagerOptions`.
     */
    constructor(options: TechnicalTokenManagerOptions);
    /**
     * The token for one user tenant (from the cache when fresh).
     */
    token(userTenant: string): Promise<Token>;
    /**
     * Tokens for many user tenants, as a `Map` from tenant to `Token` in the given order
     * (duplicates once). Only missing or aging tokens are requested, in chunks of `batchSize`;
     * aging ones are served at once and refreshed in the background.
     * Rejects with the first tenant's error if any tenant gets none.
     */
    tokens(userTenants: string[]): Promise<Map<string, Token>>;
    /**
     * Every user tenant of the host tenant, reading all pages with the host tenant's own token.
     */
    userTenants(): Promise<string[]>;
    /**
     * The three steps of the Siemens documentation: the operator token, all user tenants, then
     * their tokens in batches.
     */
    allTokens(): Promise<Map<string, Token>>;
    /**
     * Tenants per `oauthTokens` call: 1 to 5 (5 unless `batchSize` was given).
     */
    readonly batchSize: number;
    /**
     * The host tenant the manager was created for.
     */
    readonly hostTenant: string;
    /**
     * The cache's counters since the manager was created.
     */
    cacheStats(): CacheStats;
    /**
     * Forgets every cached token.
     */
    clearCache(): void;
    /**
     * Releases the manager's cache; calls already running finish.
     */
    free(): void;
    [Symbol.dispose](): void;
}

/**
 * HxGN SDx / TruView: a password grant for an application impersonating a user. A server
 * restart forgets every refresh token; with `keepCredentials` the client signs in again by
 * itself, otherwise it rejects with `refresh_token_inactive`, telling the user to regenerate
 * the tokens.
 */
export class SdxClient {
    /**
     * See `SdxClientOptions`.
     */
    constructor(options: SdxClientOptions);
    /**
     * Signs `username` in (RFC 6749 §4.3 password grant, the application impersonating the
     * user). The password is kept only with `keepCredentials`.
     */
    signIn(username: string, password: string): Promise<Token>;
    /**
     * The current token, refreshed when it expires.
     */
    token(): Promise<Token>;
    /**
     * A new token now, with the refresh token (RFC 6749 §6).
     */
    refresh(): Promise<Token>;
    /**
     * Whether the user's password is kept to sign in again when a refresh token is rejected.
     */
    readonly keepCredentials: boolean;
    /**
     * Where tokens come from: `{baseUrl}/sdx/oauth/token`.
     */
    readonly tokenUrl: string;
    /**
     * Releases the client's cache and session; calls already running finish.
     */
    free(): void;
    [Symbol.dispose](): void;
}

/**
 * One Keycloak realm's token endpoint: password sign-in (offline tokens on request) and
 * refresh, with Keycloak's "Token is not active" turned into `refresh_token_inactive`. Not
 * cached: for cached tokens use `TokenClient` with `keycloakTokenUrl(base, realm)`.
 */
export class KeycloakClient {
    /**
     * See `KeycloakClientOptions`.
     */
    constructor(options: KeycloakClientOptions);
    /**
     * The realm's token endpoint URL.
     */
    readonly tokenUrl: string;
    /**
     * Whether the client asks for offline tokens (`offline_access`).
     */
    readonly offline: boolean;
    /**
     * RFC 6749 §4.3 password grant with the client's scope.
     */
    password(username: string, password: string): Promise<Token>;
    /**
     * RFC 6749 §6 refresh. A refresh token Keycloak no longer accepts rejects with code
     * `refresh_token_inactive`.
     */
    refresh(refreshToken: string): Promise<Token>;
    /**
     * Releases the client.
     */
    free(): void;
    [Symbol.dispose](): void;
}
