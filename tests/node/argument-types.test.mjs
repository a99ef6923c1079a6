// Arguments of the wrong JS type: every function and method refuses them with a `TokenError` of
// code `invalid_input` that names the parameter, in all three ways of loading the package. Before
// the checks of wasm/js/functions.js and options.js `str`, wasm-bindgen's string copy threw the
// engine's own TypeError (Node: ERR_INVALID_ARG_TYPE), which is no TokenError and differs between
// engines. No request is sent: the fetch given here fails the test if it is called.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, thrownBy } from "./load-package.mjs";

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

const noFetch = async () => {
  throw new Error("no request may be sent for a refused argument");
};

/** [label, the parameter named in the message, call(lib)] */
const CASES = [
  ["basicAuthorization(clientId)", "clientId", (m) => m.basicAuthorization(1, "s")],
  ["basicAuthorization(clientSecret)", "clientSecret", (m) => m.basicAuthorization("id", null)],
  ["basicAuthorization(encoding)", "encoding", (m) => m.basicAuthorization("id", "s", 7)],
  ["spaceAuthKey(clientSecret)", "clientSecret", (m) => m.spaceAuthKey("id", {})],
  ["decodeJwt(token)", "token", (m) => m.decodeJwt(5)],
  ["generatePat(prefix)", "prefix", (m) => m.generatePat(undefined)],
  ["patHash(token)", "token", (m) => m.patHash(["tsm_x"])],
  ["patVerify(storedHash)", "storedHash", (m) => m.patVerify("tsm_x", 12)],
  ["patChecksumOk(token)", "token", (m) => m.patChecksumOk(null)],
  ["patHint(token)", "token", (m) => m.patHint(1n)],
  ["patParse(expectedPrefix)", "expectedPrefix", (m) => m.patParse("tsm_x", 3)],
  ["keycloakTokenUrl(realm)", "realm", (m) => m.keycloakTokenUrl("http://127.0.0.1:1", 1)],
  ["verifyJwt(token)", "token", (m) => m.verifyJwt(5, { keys: [] }, { algorithms: ["RS256"] })],
  ["TokenClient.password(username)", "username", (m) => client(m).password(1, "pw")],
  ["TokenClient.password(password)", "password", (m) => client(m).password("alice", undefined)],
  ["TokenClient.refresh(refreshToken)", "refreshToken", (m) => client(m).refresh(undefined)],
  ["TokenClient.revoke(token)", "token", (m) => client(m, { revocationUrl: "https://as.example/revoke" }).revoke(5)],
  ["TokenClient.importCache(json)", "json", (m) => client(m).importCache({})],
  ["RemoteJwks.verify(token)", "token", (m) => new m.RemoteJwks({ jwksUrl: "https://as.example/jwks", fetch: noFetch }).verify(5, { algorithms: ["RS256"] })],
  ["TechnicalTokenManager.token(userTenant)", "userTenant", (m) => ttm(m).token(7)],
  ["TechnicalTokenManager.tokens(userTenants)", "userTenants", (m) => ttm(m).tokens("one")],
  ["TechnicalTokenManager.tokens(userTenants) with a non-string item", "userTenants", (m) => ttm(m).tokens(["a", 2])],
  ["SdxClient.signIn(password)", "password", (m) => new m.SdxClient({ baseUrl: "https://sdx.example", clientId: "c", clientSecret: "s", fetch: noFetch }).signIn("alice", 1)],
  ["KeycloakClient.password(username)", "username", (m) => keycloak(m).password(null, "pw")],
  ["KeycloakClient.refresh(refreshToken)", "refreshToken", (m) => keycloak(m).refresh(42)],
];

function client(m, extra = {}) {
  return new m.TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", clientSecret: "s", fetch: noFetch, ...extra });
}

function ttm(m) {
  return new m.TechnicalTokenManager({
    baseUrl: "https://ttm.example",
    clientId: "c",
    clientSecret: "s",
    appName: "app",
    appVersion: "1.0.0",
    hostTenant: "host",
    fetch: noFetch,
  });
}

function keycloak(m) {
  return new m.KeycloakClient({ baseUrl: "https://kc.example", realm: "demo", clientId: "c", fetch: noFetch });
}

describe("arguments of the wrong type are refused with invalid_input", () => {
  for (const flavour of ["require (node condition)", "import (node condition)", "web build"]) {
    describe(flavour, () => {
      for (const [label, parameter, call] of CASES) {
        test(label, async () => {
          const lib = loaded.flavours[flavour];
          const err = await thrownBy(() => call(lib));
          assert.ok(err instanceof lib.TokenError, `${label}: ${err?.constructor?.name}: ${err?.message}`);
          assert.equal(err.code, "invalid_input");
          assert.match(err.message, new RegExp(`\\b${parameter} must be`));
        });
      }
    });
  }
});
