// Replays tests/vectors/defaults.json: every client class of the npm package aborts a request
// after `request_timeout_ms` when no `timeoutMs` is given (core's DEFAULT_REQUEST_TIMEOUT_MS, the
// value Python's `timeout=` defaults to as well), and after `timeoutMs` when it is.
//
// The timeout is observed where it is applied: `AbortSignal.timeout(ms)` in wasm/js/http.js is
// wrapped for the duration of each call, and the signal handed to fetch must be the one it made.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, vectors } from "./load-package.mjs";

const { request_timeout_ms: DEFAULT_MS } = vectors("defaults.json");

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded.cleanup());

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
// A well-formed JWT naming a key the (empty) key set lacks: enough to make RemoteJwks fetch.
const JWT = `${b64url({ alg: "RS256", kid: "k1" })}.${b64url({ sub: "s" })}.c2ln`;

/** A fetch that records the signal of each request and answers `body` with 200. */
function recordingFetch(body) {
  const signals = [];
  const fetch = async (_url, init) => {
    signals.push(init.signal);
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
  return { fetch, signals };
}

/** Runs `call` with `AbortSignal.timeout` recording its argument; returns the `[ms, signal]`s. */
async function timeoutsOf(call) {
  const original = AbortSignal.timeout;
  const made = [];
  AbortSignal.timeout = (ms) => {
    const signal = original.call(AbortSignal, ms);
    made.push([ms, signal]);
    return signal;
  };
  try {
    await call().catch(() => {});
  } finally {
    AbortSignal.timeout = original;
  }
  return made;
}

const TOKEN = { access_token: "at-1234567890", token_type: "Bearer", expires_in: 3600 };

/** `[name, (lib, options) => Promise]`: one request of each client class, `options` spread in. */
const CLIENTS = [
  [
    "TokenClient.clientCredentials",
    (lib, fetch, extra) =>
      new lib.TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", clientSecret: "s", fetch, ...extra })
        .clientCredentials(),
    TOKEN,
  ],
  [
    "TokenClient.revoke",
    (lib, fetch, extra) =>
      new lib.TokenClient({
        tokenUrl: "https://as.example/token",
        revocationUrl: "https://as.example/revoke",
        clientId: "c",
        clientSecret: "s",
        fetch,
        ...extra,
      }).revoke("some-token"),
    {},
  ],
  ["RemoteJwks.verify", (lib, fetch, extra) => new lib.RemoteJwks({ jwksUrl: "https://as.example/jwks", fetch, ...extra }).verify(JWT), { keys: [] }],
  [
    "TechnicalTokenManager.token",
    (lib, fetch, extra) =>
      new lib.TechnicalTokenManager({
        baseUrl: "https://ttm.example",
        clientId: "c",
        clientSecret: "s",
        appName: "app",
        appVersion: "1.0.0",
        hostTenant: "host",
        fetch,
        ...extra,
      }).token("tenant"),
    {},
  ],
  [
    "KeycloakClient.password",
    (lib, fetch, extra) =>
      new lib.KeycloakClient({ baseUrl: "https://kc.example", realm: "r", clientId: "c", fetch, ...extra }).password("u", "p"),
    TOKEN,
  ],
  [
    "SdxClient.signIn",
    (lib, fetch, extra) =>
      new lib.SdxClient({ baseUrl: "https://sdx.example", clientId: "c", clientSecret: "s", fetch, ...extra }).signIn("u", "p"),
    TOKEN,
  ],
];

describe("request timeout (tests/vectors/defaults.json)", () => {
  test("the vector's default is a positive number of milliseconds", () => {
    assert.ok(Number.isInteger(DEFAULT_MS) && DEFAULT_MS > 0, String(DEFAULT_MS));
  });

  for (const [name, call, body] of CLIENTS) {
    for (const [label, extra, want] of [
      ["default", {}, DEFAULT_MS],
      ["timeoutMs: 1234", { timeoutMs: 1234 }, 1234],
    ]) {
      test(`${name}, ${label}: every request aborts after ${want} ms`, async () => {
        const lib = loaded.flavours["import (node condition)"];
        const { fetch, signals } = recordingFetch(body);
        const made = await timeoutsOf(() => call(lib, fetch, extra));
        assert.ok(signals.length >= 1, "no request was sent");
        assert.equal(made.length, signals.length, "one AbortSignal.timeout per request");
        for (const [i, [ms, signal]] of made.entries()) {
          assert.equal(ms, want);
          assert.equal(signals[i], signal, "fetch got the timeout's signal");
        }
      });
    }
  }
});
