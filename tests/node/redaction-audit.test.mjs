// Redaction audit (issue 9) of the built npm package against the real dev server: known secrets
// go through every public class and every error path, and nothing the package produces may show
// them — toJSON, toString, String(), util.inspect (with hidden properties), JSON.stringify of
// every object, and message, stack, String(err), util.inspect and own properties of every error;
// console output is captured for the whole run. Both the Node (require) and the web build.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import { startDevServer } from "./devserver.mjs";
import { loadFlavours } from "./load-package.mjs";

const CLIENT_ID = "audit-client";
const CLIENT_SECRET = "cs-JsAuditClientSecret5k: +%/é";
const USER = "audit-user";
const PASSWORD = "pw-JsAuditUserPassword8r with spaces";
const URL_PASSWORD = "up-JsAuditUrlPassword3v";
const URL_QUERY_SECRET = "uq-JsAuditUrlQuerySecret6t";
const WRONG_SECRET = "ws-JsAuditWrongSecret2n";
const WRONG_PASSWORD = "wp-JsAuditWrongPassword4h";
const UNKNOWN_REFRESH = "ur-JsAuditUnknownRefresh9c";
const HMAC_KEY = "hk-JsAuditJwtHmacKey7x4Wz2Qv8Lp";
const ECHOED = "ec-JsAuditEchoedToken3m8Nq5Rw1Kt";
const HOST = "audithost";

const CONFIG = `
realms = ["demo"]

[pat]
database = ":memory:"
prefix = "tsm"

[[clients]]
id = "${CLIENT_ID}"
secret = "${CLIENT_SECRET}"
auth = "form-basic"

[[users]]
username = "${USER}"
password = "${PASSWORD}"

[tenants]
host = "${HOST}"
users = ["tenant-a"]
generate = 0
`;

let loaded;
let server;
let url;

before(async () => {
  loaded = await loadFlavours();
  server = await startDevServer({ config: CONFIG });
  url = server.url;
});

after(() => {
  loaded?.cleanup();
  server?.stop();
});

class Audit {
  constructor() {
    this.secrets = [
      CLIENT_SECRET, PASSWORD, URL_PASSWORD, URL_QUERY_SECRET, WRONG_SECRET, WRONG_PASSWORD,
      UNKNOWN_REFRESH, HMAC_KEY, ECHOED,
    ];
    this.texts = [];
    this.errors = 0;
  }

  secret(value) {
    if (value) this.secrets.push(value);
  }

  text(what, value) {
    this.texts.push([what, String(value)]);
  }

  /** Every printed form of a public object. */
  obj(what, value) {
    this.text(`String(${what})`, String(value));
    // What console.log prints, and with hidden properties. Accessors are not invoked (`getters`
    // off): an accessor returns what the caller configured or asked for (`accessToken`,
    // `tokenUrl`), which is the point of it.
    this.text(`inspect(${what})`, util.inspect(value));
    this.text(`inspect(${what}, showHidden)`, util.inspect(value, { showHidden: true, depth: 6 }));
    this.text(`JSON(${what})`, JSON.stringify(value) ?? "");
    if (typeof value?.toJSON === "function") this.text(`toJSON(${what})`, JSON.stringify(value.toJSON()));
  }

  /** `call` must reject or throw a TokenError; records every printed form of it. */
  async fails(what, call, TokenError) {
    let err;
    try {
      await call();
    } catch (e) {
      err = e;
    }
    assert.ok(err !== undefined, `${what} did not fail`);
    assert.ok(err instanceof TokenError, `${what}: ${err?.name} is not a TokenError: ${err}`);
    this.errors += 1;
    this.text(`${what}: String`, String(err));
    this.text(`${what}: message`, err.message);
    this.text(`${what}: stack`, err.stack);
    this.text(`${what}: toString`, err.toString());
    this.text(`${what}: inspect`, util.inspect(err, { showHidden: true, depth: 6 }));
    this.text(`${what}: JSON`, JSON.stringify(err));
    this.text(`${what}: own properties`, JSON.stringify(Object.getOwnPropertyNames(err).map((k) => [k, String(err[k])])));
    if (err.cause !== undefined) this.text(`${what}: cause`, util.inspect(err.cause, { depth: 6 }));
    return err;
  }

  check() {
    const leaks = [];
    for (const [what, text] of this.texts) {
      for (const s of this.secrets) {
        if (s.length >= 8 && text.includes(s)) leaks.push(`${what} shows ${JSON.stringify(s)}: ${text.slice(0, 300)}`);
      }
    }
    assert.deepEqual(leaks, []);
  }
}

/** Captures every console method for the duration of `body`. */
async function capturingConsole(body) {
  const lines = [];
  const saved = {};
  for (const m of ["log", "info", "warn", "error", "debug", "trace"]) {
    saved[m] = console[m];
    console[m] = (...args) => lines.push(util.format(...args));
  }
  try {
    await body();
  } finally {
    Object.assign(console, saved);
  }
  return lines.join("\n");
}

/** A fetch that answers every request with this response. */
const echoFetch = (status, body, headers) => async () => new Response(body, { status, headers });

const b64url = (s) => Buffer.from(s).toString("base64url");

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    test("no secret in any object, error or console line", async () => {
      const lib = loaded.flavours[flavour];
      const { TokenClient, TokenError } = lib;
      const audit = new Audit();
      const tokenUrl = `${url}/oauth/token`;

      const consoleText = await capturingConsole(async () => {
        // Generic client: tokens of each grant, then every object that holds them.
        const client = new TokenClient({
          tokenUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, revocationUrl: `${url}/oauth/revoke`,
        });
        const cc = await client.token();
        const pw = await client.password(USER, PASSWORD);
        const oldRefresh = pw.refreshToken;
        assert.ok(oldRefresh);
        const rotated = await client.refresh(oldRefresh);
        for (const t of [cc, pw, rotated]) {
          audit.secret(t.accessToken);
          audit.secret(t.refreshToken);
          audit.secret(t.idToken);
          audit.obj("Token", t);
          audit.text("Token.toString()", t.toString());
          audit.text("Token.extra", JSON.stringify(t.extra));
        }
        audit.obj("TokenClient", client);
        audit.text("cacheStats", JSON.stringify(client.cacheStats()));
        audit.text("exportCache without secrets", client.exportCache());
        await client.revoke(rotated.accessToken, { hint: "access_token" });

        // Failures at the server.
        await audit.fails("wrong client secret", () => new TokenClient({ tokenUrl, clientId: CLIENT_ID, clientSecret: WRONG_SECRET }).token(), TokenError);
        await audit.fails("wrong password", () => client.password(USER, WRONG_PASSWORD), TokenError);
        await audit.fails("unknown refresh token", () => client.refresh(UNKNOWN_REFRESH), TokenError);
        // A replayed refresh token: the package may answer from its cache (the rotated token is
        // cached for this refresh token) or fail; either way nothing may show a secret.
        try {
          audit.obj("Token from a replayed refresh token", await client.refresh(oldRefresh));
        } catch (err) {
          assert.ok(err instanceof TokenError);
          audit.text("replayed refresh token: stack", err.stack);
          audit.text("replayed refresh token: inspect", util.inspect(err, { showHidden: true }));
        }

        // Credentials in URLs (fetch itself refuses userinfo, quoting the URL in its message).
        for (const badUrl of [
          `http://${CLIENT_ID}:${URL_PASSWORD}@127.0.0.1:9/oauth/token`,
          `http://127.0.0.1:9/oauth/token?client_secret=${URL_QUERY_SECRET}`,
        ]) {
          const c = new TokenClient({ tokenUrl: badUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timeoutMs: 2000 });
          audit.obj("TokenClient with credentials in its URL", c);
          await audit.fails("transport error for a URL with credentials", () => c.token(), TokenError);
        }

        // A server echoing secrets in every shape of bad answer.
        const echo = `token ${ECHOED} for ${CLIENT_SECRET} / ${PASSWORD}`;
        const json = { "Content-Type": "application/json" };
        for (const [status, body, headers] of [
          [400, JSON.stringify({ error: "invalid_grant", error_description: echo }), json],
          [400, JSON.stringify({ error: ECHOED }), json],
          [502, `<html><body>${echo}</body></html>`, { "Content-Type": "text/html" }],
          [200, `{"access_token":"${ECHOED}","refresh_token":"${ECHOED}",`, json],
          [200, JSON.stringify([ECHOED, CLIENT_SECRET]), json],
          [200, JSON.stringify({ access_token: `${ECHOED} x`, token_type: "Bearer" }), json],
          [200, JSON.stringify({ access_token: ECHOED }), json],
          [401, "", { "WWW-Authenticate": `Bearer error="invalid_token", error_description="${echo}"` }],
        ]) {
          const c = new TokenClient({ tokenUrl: "https://idp.example/token", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, fetch: echoFetch(status, body, headers) });
          await audit.fails(`server echo ${status} ${body.slice(0, 30)}`, () => c.token(), TokenError);
          await audit.fails(`server echo ${status} (password)`, () => c.password(USER, PASSWORD), TokenError);
          await audit.fails(`parseTokenResponse ${status}`, () => lib.parseTokenResponse({ status, headers: Object.entries(headers), body }), TokenError);
        }

        // Input errors, JWT, PAT, cache import.
        await audit.fails("raw Basic with ':'", () => lib.basicAuthorization("a:b", CLIENT_SECRET, "raw"), TokenError);
        await audit.fails("client_secret_post without a secret", () => new TokenClient({ tokenUrl, clientId: CLIENT_ID, auth: "client_secret_post" }).token(), TokenError);
        await audit.fails("decodeJwt of a non-JWT", () => lib.decodeJwt(ECHOED), TokenError);
        await audit.fails("decodeJwt of a broken JWT", () => lib.decodeJwt(`${ECHOED}.${HMAC_KEY}.x`), TokenError);
        const jwks = { keys: [{ kty: "oct", k: b64url(HMAC_KEY), kid: "audit", alg: "HS256" }] };
        await audit.fails("verifyJwt with the wrong key", () => lib.verifyJwt(pw.accessToken, jwks, { algorithms: ["HS256"] }), TokenError);
        await audit.fails("verifyJwt with a broken key set", () => lib.verifyJwt(pw.accessToken, JSON.stringify({ keys: [{ kty: "oct", k: HMAC_KEY }] }), { algorithms: ["RS256"] }), TokenError);
        const pat = lib.generatePat("tsm");
        audit.secret(pat);
        const broken = pat.slice(0, -1) + (pat.endsWith("A") ? "B" : "A");
        audit.secret(broken);
        await audit.fails("patParse of a broken PAT", () => lib.patParse(broken, "tsm"), TokenError);
        audit.text("patHint", lib.patHint(pat));
        audit.text("patHash", lib.patHash(pat, HMAC_KEY));
        const exported = client.exportCache({ includeSecrets: true });
        for (const doc of [
          exported.slice(0, exported.length / 2) + `"${ECHOED}"`,
          exported.replace('"version":1', '"version":99'),
          `{"version":1,"entries":[{"token":"${ECHOED}"}]}`,
        ]) {
          await audit.fails("importCache of a broken document", () => new TokenClient({ tokenUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).importCache(doc), TokenError);
        }

        // Vendor clients.
        const kc = new lib.KeycloakClient({ baseUrl: url, realm: "demo", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
        audit.obj("KeycloakClient", kc);
        const kt = await kc.password(USER, PASSWORD);
        audit.secret(kt.accessToken);
        audit.secret(kt.refreshToken);
        await audit.fails("Keycloak wrong password", () => kc.password(USER, WRONG_PASSWORD), TokenError);
        await audit.fails("Keycloak unknown refresh token", () => kc.refresh(UNKNOWN_REFRESH), TokenError);
        const sdx = new lib.SdxClient({ baseUrl: url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, keepCredentials: true });
        const st = await sdx.signIn(USER, PASSWORD);
        audit.secret(st.accessToken);
        audit.secret(st.refreshToken);
        audit.obj("SdxClient (keeping credentials)", sdx);
        await audit.fails("SDx wrong password", () => new lib.SdxClient({ baseUrl: url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).signIn(USER, WRONG_PASSWORD), TokenError);
        const ttmOptions = { baseUrl: url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appName: "app", appVersion: "1.0.0", hostTenant: HOST };
        const ttm = new lib.TechnicalTokenManager(ttmOptions);
        const tt = await ttm.token("tenant-a");
        audit.secret(tt.accessToken);
        audit.obj("TechnicalTokenManager", ttm);
        await audit.fails("TTM wrong secret", () => new lib.TechnicalTokenManager({ ...ttmOptions, clientSecret: WRONG_SECRET }).token("tenant-a"), TokenError);
        const credsUrl = `http://${CLIENT_ID}:${URL_PASSWORD}@127.0.0.1:9`;
        audit.obj("KeycloakClient with credentials in its URL", new lib.KeycloakClient({ baseUrl: credsUrl, realm: "demo", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }));
        audit.obj("SdxClient with credentials in its URL", new lib.SdxClient({ baseUrl: credsUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }));
      });
      audit.text("console output", consoleText);
      assert.ok(audit.errors >= 30, `${audit.errors} errors`);
      audit.check();
    });
  });
}
