// The whole public API of the npm package as a TypeScript user writes it (strict mode), against
// the .d.ts of the built package (`just test-types`). Every `@ts-expect-error` line is wrong
// usage the types must refuse: if the types stop refusing it, tsc fails on the unused directive.
// Type-checked only, never run.
import {
  basicAuthorization,
  decodeJwt,
  generatePat,
  JwtError,
  KeycloakClient,
  keycloakTokenUrl,
  OAuthError,
  parseTokenResponse,
  patChecksumOk,
  PatError,
  patHash,
  patHint,
  patParse,
  patVerify,
  redactRequest,
  RemoteJwks,
  ResponseError,
  SdxClient,
  spaceAuthKey,
  TechnicalTokenManager,
  Token,
  TokenClient,
  TokenError,
  TransportError,
  verifyJwt,
} from "tokensmith";
import type {
  CacheStats,
  DecodedJwt,
  GetTokenOptions,
  ImportReport,
  JwtKeys,
  RemoteJwksOptions,
  RequestToRedact,
  TokenClientOptions,
  VerifyJwtOptions,
} from "tokensmith";

/** Compile-time equality of two types: `true` only when each is assignable to the other. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// TokenClient: options, grants, fetch wrapper, cache.

const options: TokenClientOptions = {
  tokenUrl: "https://login.example.com/oauth2/token",
  clientId: "svc:reporting",
  clientSecret: "s3cr&t",
  auth: "client_secret_basic",
  scope: ["read", "write"],
  audience: "https://api.example.com",
  resource: "https://rs.example.com/",
  revocationUrl: "https://login.example.com/oauth2/revoke",
  fetch: globalThis.fetch,
  timeoutMs: 5_000,
  defaultLifetime: 300,
};
const client = new TokenClient(options);
new TokenClient({ tokenUrl: "https://as.example/token", clientId: "public", auth: "none", scope: "a b" });
for (const auth of ["client_secret_basic", "client_secret_basic_raw", "client_secret_post", "none", "x_space_auth_key"] as const) {
  new TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", clientSecret: "s", auth });
}

export async function grants(): Promise<void> {
  const cc: Token = await client.clientCredentials({ scope: "read", minTtl: 60 });
  const sameAsCc: Token = await client.token();
  const pw: Token = await client.password("alice", "p@ss", { scope: ["profile"], minTtl: 30 });
  const minimal: GetTokenOptions = {};
  await client.clientCredentials(minimal);
  await client.clientCredentials();
  if (pw.refreshToken !== null) {
    const refreshed: Token = await client.refresh(pw.refreshToken, { scope: "read" });
    await client.refresh(refreshed.refreshToken ?? pw.refreshToken);
  }
  const revoked: void = await client.revoke(cc.accessToken, { hint: "access_token" });
  await client.revoke(sameAsCc.accessToken, { hint: "refresh_token" });
  await client.revoke(sameAsCc.accessToken);
  void revoked;

  const response: Response = await client.fetch("https://api.example.com/data", { headers: { Accept: "application/json" } });
  await client.fetch(new URL("https://api.example.com/data"));
  await client.fetch(new Request("https://api.example.com/data", { method: "POST" }));
  void response.status;

  const forced: Token = await client.token({ force: true, minTtl: 60 });
  await client.clientCredentials({ scope: "a", force: true });
  await client.password("alice", "p@ss", { force: true });
  // @ts-expect-error refresh takes no force (as Python's refresh)
  await client.refresh("rt", { force: true });
  const dropped: number = client.refused(forced) + client.refused(forced.accessToken);
  void dropped;
  client.clearCache();
  const stats: CacheStats = client.cacheStats();
  const counters: number[] = [stats.hits, stats.staleHits, stats.misses, stats.fetches, stats.coalesced, stats.failures, stats.backoffs, stats.retries, stats.abandoned, stats.evictions, stats.purged, stats.entries];
  void counters;
  const exported: string = client.exportCache();
  const withSecrets: string = client.exportCache({ includeSecrets: true });
  const report: ImportReport = client.importCache(withSecrets);
  const imported: number = report.imported + report.skipped;
  void exported;
  void imported;
  client.free();
  {
    using scoped = new TokenClient(options);
    await scoped.token();
  }

  // @ts-expect-error tokenUrl and clientId are required
  new TokenClient({ clientSecret: "s" });
  // @ts-expect-error not an auth method
  new TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", auth: "basic" });
  // @ts-expect-error scope is a string or an array of strings
  new TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", scope: 5 });
  // @ts-expect-error timeoutMs is a number of milliseconds
  new TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", timeoutMs: "5s" });
  // @ts-expect-error fetch must be a fetch function
  new TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", fetch: "https://proxy" });
  // @ts-expect-error minTtl is in seconds, a number
  await client.clientCredentials({ minTtl: "60" });
  // @ts-expect-error password needs the user's password
  await client.password("alice");
  // @ts-expect-error RFC 7009 §2.1 hints are access_token or refresh_token
  await client.revoke("t", { hint: "id_token" });
  // @ts-expect-error token() takes no options (use clientCredentials)
  await client.token({ scope: "x" });
  // @ts-expect-error no such counter
  void stats.hitz;
  // @ts-expect-error importCache takes the exported text
  client.importCache({ version: 1 });
}

// ---------------------------------------------------------------------------------------------
// Token: fields, time helpers, safe printing.

export function tokenFields(token: Token): void {
  const access: string = token.accessToken;
  const type: string = token.tokenType;
  const expiresAt: Date = token.expiresAt;
  const expiresIn: number = token.expiresIn;
  const refresh: string | null = token.refreshToken;
  const refreshExpiresAt: Date | null = token.refreshExpiresAt;
  const scope: string[] = token.scope;
  const idToken: string | null = token.idToken;
  const extra: Record<string, unknown> = token.extra;
  const authorization: string = token.authorization;
  const expired: boolean = token.isExpired() || token.isExpired(30);
  const json: Record<string, unknown> = token.toJSON();
  const text: string = token.toString();
  void [access, type, expiresAt, expiresIn, refresh, refreshExpiresAt, scope, idToken, extra, authorization, expired, json, text];
  new Headers({ Authorization: token.authorization });

  // @ts-expect-error fields are read-only
  token.accessToken = "forged";
  // @ts-expect-error a Token comes from a client or parseTokenResponse, not from new
  new Token();
  // @ts-expect-error the refresh token may be null
  void token.refreshToken.length;
  // @ts-expect-error the ID token may be null
  const id: string = token.idToken;
  // @ts-expect-error extra values are unknown until checked
  const sessionState: string = token.extra["session_state"];
  // @ts-expect-error leeway is in seconds, a number
  token.isExpired("30s");
  void [id, sessionState];
}

export function parsing(): Token {
  const token = parseTokenResponse(
    { status: 200, headers: [["Content-Type", "application/json"]], body: '{"access_token":"a","token_type":"Bearer"}' },
    { sentAt: new Date(), defaultLifetime: 3600, maxLifetime: 86_400, maxBodyBytes: 1 << 20 },
  );
  parseTokenResponse({ status: 200, headers: { "content-type": "application/json" }, body: new Uint8Array() }, { sentAt: Date.now() });
  parseTokenResponse({ status: 400 });
  // @ts-expect-error status is a number
  parseTokenResponse({ status: "200", body: "{}" });
  // @ts-expect-error the body is text or bytes
  parseTokenResponse({ status: 200, body: { access_token: "a" } });
  return token;
}

// ---------------------------------------------------------------------------------------------
// Errors: instanceof narrowing and each class's fields.

export async function errors(): Promise<string> {
  try {
    await client.token();
    return "ok";
  } catch (err: unknown) {
    // @ts-expect-error a caught value is unknown until narrowed
    void err.code;
    if (err instanceof OAuthError) {
      const fields: [string, string, string | null, string | null, number, number | null] = [err.code, err.error, err.description, err.uri, err.status, err.retryAfter];
      const asBase: TokenError = err;
      const asError: Error = err;
      void [fields, asBase, asError];
      // @ts-expect-error fields are read-only
      err.code = "other";
      return err.error;
    }
    if (err instanceof ResponseError) {
      const fields: [string, number | null, string | null, number | null] = [err.code, err.status, err.reason, err.retryAfter];
      void fields;
      return err.message;
    }
    if (err instanceof TransportError || err instanceof JwtError || err instanceof PatError) {
      const code: string = err.code;
      const name: string = err.name;
      // Every error class carries `status` and `retryAfter`, null without an HTTP answer (as
      // Python's `status` / `retry_after`).
      const answer: [number | null, number | null] = [err.status, err.retryAfter];
      void answer;
      return `${name}: ${code}`;
    }
    if (err instanceof TokenError) {
      // @ts-expect-error the base class has no OAuth fields
      void err.description;
      return err.code;
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// JWT: decode for display, verify with a JWK Set, one JWK, JSON text or PEM.

export async function jwt(token: string, jwks: { keys: JsonWebKey[] }, pem: string): Promise<void> {
  const verifyOptions: VerifyJwtOptions = {
    algorithms: ["RS256", "ES256"],
    issuer: "https://idp.example.com",
    audience: "https://api.example.com",
    leeway: 30,
    currentDate: new Date(),
    allowMissingExpInsecure: false,
    understoodCrit: ["b64"],
  };
  const verified: DecodedJwt = await verifyJwt(token, jwks, verifyOptions);
  const alg: unknown = verified.header["alg"];
  const sub: unknown = verified.claims["sub"];
  if (typeof sub === "string") void sub.toUpperCase();
  void alg;
  await verifyJwt(token, pem, { algorithms: ["RS256"] });
  await verifyJwt(token, JSON.stringify(jwks), { algorithms: ["ES256"] });
  const one: JwtKeys = { kty: "oct", k: "c2VjcmV0" };
  await verifyJwt(token, one, { algorithms: ["HS256"] });
  const decoded: DecodedJwt = decodeJwt(token);
  void decoded.claims;

  const remoteOptions: RemoteJwksOptions = { jwksUrl: "https://idp.example.com/jwks", fetch: globalThis.fetch, timeoutMs: 5000 };
  const remote = new RemoteJwks(remoteOptions);
  const fromRemote: DecodedJwt = await remote.verify(token, verifyOptions);
  void fromRemote.header;
  remote.free();
  // @ts-expect-error the JWK Set URL is required
  new RemoteJwks({ timeoutMs: 5000 });
  // @ts-expect-error verify needs the options (the algorithm allowlist)
  await remote.verify(token);

  // @ts-expect-error an algorithm allowlist is required
  await verifyJwt(token, jwks, {});
  // @ts-expect-error options are required (they hold the allowlist)
  await verifyJwt(token, jwks);
  // @ts-expect-error algorithms is a list
  await verifyJwt(token, jwks, { algorithms: "RS256" });
  // @ts-expect-error leeway is in seconds, a number
  await verifyJwt(token, jwks, { algorithms: ["RS256"], leeway: "30s" });
  // @ts-expect-error currentDate is a Date
  await verifyJwt(token, jwks, { algorithms: ["RS256"], currentDate: "2026-01-01" });
  // @ts-expect-error keys are not a number
  await verifyJwt(token, 42, { algorithms: ["RS256"] });
  // @ts-expect-error claims are unknown until checked
  const exp: number = verified.claims["exp"];
  void exp;
}

// ---------------------------------------------------------------------------------------------
// Client authentication helpers and personal access tokens.

export function helpers(): void {
  const basic: string = basicAuthorization("id", "secret");
  const raw: string = basicAuthorization("id", "se:cret", "raw");
  const form: string = basicAuthorization("id", "secret", "form");
  const key: string = spaceAuthKey("id", "secret");
  const url: string = keycloakTokenUrl("https://kc.example/auth", "my realm");
  void [basic, raw, form, key, url];

  const pat: string = generatePat("tsm");
  const hash: string = patHash(pat);
  const peppered: string = patHash(pat, "pepper");
  const pepperedBytes: string = patHash(pat, new Uint8Array([1, 2, 3]));
  const ok: boolean = patVerify(pat, hash) && patVerify(pat, peppered, "pepper") && patVerify(pat, pepperedBytes, new Uint8Array([1, 2, 3]));
  const checksum: boolean = patChecksumOk(pat);
  const hint: string = patHint(pat);
  const { prefix }: { prefix: string } = patParse(pat, "tsm");
  patParse(pat);
  void [ok, checksum, hint, prefix];

  const request: RequestToRedact = {
    method: "POST",
    url: "https://as.example/token",
    headers: [["Authorization", basic]],
    body: "grant_type=client_credentials",
  };
  const redacted: string = redactRequest(request);
  redactRequest({ url: "https://as.example/token", headers: new Headers({ "X-Api-Key": "k" }), body: new Uint8Array() });
  void redacted;
  // @ts-expect-error the URL is required
  redactRequest({ method: "GET" });

  // @ts-expect-error basicAuthorization needs the secret
  basicAuthorization("id");
  // @ts-expect-error the prefix is a string
  generatePat(5);
  // @ts-expect-error a pepper is a string or bytes
  patHash(pat, 5);
  // @ts-expect-error patVerify needs the stored hash
  patVerify(pat);
  // @ts-expect-error patChecksumOk answers a boolean
  const notText: string = patChecksumOk(pat);
  void notText;
}

// ---------------------------------------------------------------------------------------------
// Vendor clients.

export async function vendors(): Promise<void> {
  const ttm = new TechnicalTokenManager({
    baseUrl: "https://gateway.eu1.mindsphere.io",
    clientId: "id",
    clientSecret: "secret",
    appName: "app",
    appVersion: "1.0.0",
    hostTenant: "host",
    batchSize: 5,
    fetch: globalThis.fetch,
    timeoutMs: 10_000,
  });
  const one: Token = await ttm.token("tenant-a");
  const many: Map<string, Token> = await ttm.tokens(["tenant-a", "tenant-b"]);
  const tenants: string[] = await ttm.userTenants();
  const all: Map<string, Token> = await ttm.allTokens();
  const maybe = many.get("tenant-b");
  if (maybe) void maybe.accessToken;
  // @ts-expect-error a Map lookup may miss
  void many.get("tenant-b").accessToken;
  void [one, tenants, all];
  const ttmFacts: [number, string, CacheStats] = [ttm.batchSize, ttm.hostTenant, ttm.cacheStats()];
  ttm.clearCache();
  void ttmFacts;

  const sdx = new SdxClient({ baseUrl: "https://sdx.example", clientId: "id", clientSecret: "secret", keepCredentials: true, timeoutMs: 5000 });
  const signedIn: Token = await sdx.signIn("alice", "p@ss");
  const current: Token = await sdx.token();
  const refreshed: Token = await sdx.refresh();
  void [signedIn, current, refreshed];
  const sdxFacts: [boolean, string] = [sdx.keepCredentials, sdx.tokenUrl];
  void sdxFacts;

  const kc = new KeycloakClient({ baseUrl: "https://kc.example/auth", realm: "main", clientId: "cli", clientSecret: "s", offline: true, scope: ["profile"] });
  const kcUrl: string = kc.tokenUrl;
  const kcOffline: boolean = kc.offline;
  void kcOffline;
  const kcToken: Token = await kc.password("alice", "p@ss");
  if (kcToken.refreshToken) await kc.refresh(kcToken.refreshToken);
  void kcUrl;

  // @ts-expect-error the TTM needs appName, appVersion and hostTenant
  new TechnicalTokenManager({ baseUrl: "https://gw.example", clientId: "id", clientSecret: "s" });
  // @ts-expect-error tokens() takes a list of tenants
  await ttm.tokens("tenant-a");
  // @ts-expect-error SdxClient needs the client secret
  new SdxClient({ baseUrl: "https://sdx.example", clientId: "id" });
  // @ts-expect-error KeycloakClient needs the realm
  new KeycloakClient({ baseUrl: "https://kc.example", clientId: "cli" });
  // @ts-expect-error tokenUrl is read-only
  kc.tokenUrl = "https://elsewhere.example";
}

// ---------------------------------------------------------------------------------------------
// Exact types where a looser one would hide mistakes.

assertType<Equals<Awaited<ReturnType<TokenClient["token"]>>, Token>>();
assertType<Equals<Awaited<ReturnType<TokenClient["revoke"]>>, void>>();
assertType<Equals<Awaited<ReturnType<typeof verifyJwt>>, DecodedJwt>>();
assertType<Equals<TokenClientOptions["auth"], "client_secret_basic" | "client_secret_basic_raw" | "client_secret_post" | "none" | "x_space_auth_key" | undefined>>();
assertType<Equals<OAuthError["status"], number>>();
assertType<Equals<Token["expiresAt"], Date>>();
