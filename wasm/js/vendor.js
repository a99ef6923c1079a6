// The vendor clients: TechnicalTokenManager (Siemens Insights Hub), SdxClient (HxGN
// SDx/TruView), KeycloakClient. Each reads its option bag, keeps a Rust engine
// (wasm/src/vendor/) and runs the engine's calls with `drive` (vendor-drive.js): which requests
// to send, what an answer means, retries, waits and errors are all decided in Rust and core.
// Secrets go to the engine at construction and are not kept here; the private fields below
// hold the engine, the fetch, the timeout (and KeycloakClient's token URL) only, and printing
// an instance shows none of them.

import { __KeycloakEngine, __SdxEngine, __TtmEngine, __requestTimeoutMs, keycloakTokenUrl } from "#native";
import { drive } from "./vendor-drive.js";
import { statsObject } from "./client.js";
import {
  boolOption,
  disposable,
  fetchOption,
  listArg,
  numberOption,
  required,
  str,
  stringOption,
  strs,
  stringsOption,
} from "./options.js";

/**
 * Siemens Insights Hub Technical Token Manager: tokens per user tenant, cached per (host
 * tenant, user tenant), requested in batches.
 */
export class TechnicalTokenManager {
  #engine;
  #fetch;
  #timeoutMs;
  #hostTenant;

  /** See `TechnicalTokenManagerOptions`. */
  constructor(options) {
    const names = ["baseUrl", "clientId", "clientSecret", "appName", "appVersion", "hostTenant"];
    const strings = names.map((key) => required(options, key));
    const batchSize = numberOption(options, "batchSize");
    this.#fetch = fetchOption(options);
    const timeoutMs = numberOption(options, "timeoutMs");
    this.#engine = new __TtmEngine(...strings, batchSize);
    this.#timeoutMs = __requestTimeoutMs(timeoutMs);
    this.#hostTenant = strings[5];
  }

  /** Tenants per `oauthTokens` call (1 to 5; 5 unless `batchSize` was given). */
  get batchSize() {
    return this.#engine.batchSize();
  }

  /** The host tenant the manager was created for. */
  get hostTenant() {
    return this.#hostTenant;
  }

  /** The cache's counters since the manager was created. */
  cacheStats() {
    return statsObject(this.#engine.cacheStats());
  }

  /** Forgets every cached token. */
  clearCache() {
    this.#engine.clearCache();
  }

  #run(call) {
    return drive(call, this.#fetch, this.#timeoutMs);
  }

  /** The token for one user tenant (from the cache when fresh). */
  async token(userTenant) {
    return this.#run(this.#engine.token(str(userTenant, "userTenant")));
  }

  /**
   * Tokens for many user tenants, as a `Map` from tenant to `Token` in the given order
   * (duplicates once). Only missing or aging tokens are requested, in chunks of `batchSize`;
   * aging ones are served at once and refreshed in the background.
   * Rejects with the first tenant's error if any tenant gets none.
   */
  async tokens(userTenants) {
    return tokenMap(await this.#run(this.#engine.tokens(listArg(strs(userTenants, "userTenants")))));
  }

  /** Every user tenant of the host tenant, reading all pages with the host tenant's own token. */
  async userTenants() {
    return this.#run(this.#engine.userTenants());
  }

  /**
   * The three steps of the Siemens documentation: the operator token, all user tenants, then
   * their tokens in batches.
   */
  async allTokens() {
    return tokenMap(await this.#run(this.#engine.allTokens()));
  }

  /** Releases the manager's cache; calls already running finish. */
  free() {
    this.#engine.free();
  }
}

/**
 * The `Map` of a `tokens` or `allTokens` answer `[order, got]` (wasm/src/vendor/ttm.rs `answer`):
 * the caller's tenants in their order, each with its latest token (`got` is `[tenant, token, …]`
 * in arrival order), then any other tenant got; a tenant that got no token is left out. A JS Map
 * keeps the first insertion's place, so a later token for a tenant replaces the earlier one
 * there.
 */
function tokenMap([order, got]) {
  const map = new Map(order.map((tenant) => [tenant, undefined]));
  for (let i = 0; i < got.length; i += 2) map.set(got[i], got[i + 1]);
  for (const tenant of order) if (map.get(tenant) === undefined) map.delete(tenant);
  return map;
}

/**
 * HxGN SDx / TruView: a password grant for an application impersonating a user. A server
 * restart forgets every refresh token; with `keepCredentials` the client signs in again by
 * itself, otherwise it rejects with `refresh_token_inactive`, telling the user to regenerate
 * the tokens.
 */
export class SdxClient {
  #engine;
  #fetch;
  #timeoutMs;
  #keepCredentials;

  /** See `SdxClientOptions`. */
  constructor(options) {
    const baseUrl = required(options, "baseUrl");
    const clientId = required(options, "clientId");
    const clientSecret = required(options, "clientSecret");
    this.#fetch = fetchOption(options);
    const keepCredentials = boolOption(options, "keepCredentials");
    const timeoutMs = numberOption(options, "timeoutMs");
    this.#engine = new __SdxEngine(baseUrl, clientId, clientSecret, keepCredentials);
    this.#timeoutMs = __requestTimeoutMs(timeoutMs);
    this.#keepCredentials = keepCredentials;
  }

  /** Whether the user's password is kept to sign in again when a refresh token is rejected. */
  get keepCredentials() {
    return this.#keepCredentials;
  }

  /** Where tokens come from: `{baseUrl}/sdx/oauth/token`. */
  get tokenUrl() {
    return this.#engine.tokenUrl();
  }

  #run(call) {
    return drive(call, this.#fetch, this.#timeoutMs);
  }

  /**
   * Signs `username` in (RFC 6749 §4.3 password grant, the application impersonating the
   * user). The password is kept only with `keepCredentials`.
   */
  async signIn(username, password) {
    return this.#run(this.#engine.signIn(str(username, "username"), str(password, "password")));
  }

  /** The current token, refreshed when it expires. */
  async token() {
    return this.#run(this.#engine.token());
  }

  /** A new token now, with the refresh token (RFC 6749 §6). */
  async refresh() {
    return this.#run(this.#engine.refresh());
  }

  /** Releases the client's cache and session; calls already running finish. */
  free() {
    this.#engine.free();
  }
}

/**
 * One Keycloak realm's token endpoint: password sign-in (offline tokens on request) and
 * refresh, with Keycloak's "Token is not active" turned into `refresh_token_inactive`. Not
 * cached: for cached tokens use `TokenClient` with `keycloakTokenUrl(base, realm)`.
 */
export class KeycloakClient {
  #engine;
  // keycloakTokenUrl's answer, kept here (a getter on the engine would be one more export).
  #tokenUrl;
  #offline;
  #fetch;
  #timeoutMs;

  /** See `KeycloakClientOptions`. */
  constructor(options) {
    const clientSecret = stringOption(options, "clientSecret");
    const tokenUrl = keycloakTokenUrl(required(options, "baseUrl"), required(options, "realm"));
    const clientId = required(options, "clientId");
    const scope = stringsOption(options, "scope");
    const offline = boolOption(options, "offline");
    this.#fetch = fetchOption(options);
    const timeoutMs = numberOption(options, "timeoutMs");
    this.#engine = new __KeycloakEngine(tokenUrl, clientId, clientSecret, offline, listArg(scope));
    this.#tokenUrl = tokenUrl;
    this.#offline = offline;
    this.#timeoutMs = __requestTimeoutMs(timeoutMs);
  }

  /** The realm's token endpoint URL. */
  get tokenUrl() {
    return this.#tokenUrl;
  }

  /** Whether the client asks for offline tokens (`offline_access`). */
  get offline() {
    return this.#offline;
  }

  #run(call) {
    return drive(call, this.#fetch, this.#timeoutMs);
  }

  /** RFC 6749 §4.3 password grant with the client's scope. */
  async password(username, password) {
    return this.#run(this.#engine.password(str(username, "username"), str(password, "password")));
  }

  /**
   * RFC 6749 §6 refresh. A refresh token Keycloak no longer accepts rejects with code
   * `refresh_token_inactive`.
   */
  async refresh(refreshToken) {
    return this.#run(this.#engine.refresh(str(refreshToken, "refreshToken")));
  }

  /** Releases the client. */
  free() {
    this.#engine.free();
  }
}

for (const cls of [TechnicalTokenManager, SdxClient, KeycloakClient]) disposable(cls);
