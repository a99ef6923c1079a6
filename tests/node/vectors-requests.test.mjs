// Replays tests/vectors/requests.json through TokenClient of the built package with a recording
// `fetch`: the request the client sends must be the vector's byte for byte (method, URL, headers
// in order, form body), and a case with an error must reject with that code and send nothing.
//
// Not replayed here: the authorization_code and extension grants (no TokenClient method) and
// the PKCE pairs (no JS function); the Rust suite replays them (core/tests/vectors_requests.rs).
// The client-credentials cases with a resource indicator (RFC 8707) go through the `resource`
// option and are compared byte for byte like the others.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, thrownBy, vectors } from "./load-package.mjs";

const OK_BODY = '{"access_token":"vector-access-token-0000","token_type":"Bearer","expires_in":3600}';
const SUPPORTED = new Set(["client_credentials", "password", "refresh_token"]);
const file = vectors("requests.json");
const cases = file.cases.filter((c) => c.request.kind === "revocation" || SUPPORTED.has(c.request.grant.type));
let loaded;

before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

/** A `fetch` that records what it is given and answers like a token or revocation endpoint. */
function recorder() {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, init });
    return url.endsWith("/revoke")
      ? new Response(null, { status: 200 })
      : new Response(OK_BODY, { status: 200, headers: { "content-type": "application/json" } });
  };
  return { sent, fetch };
}

/** Whether a case names a resource indicator (RFC 8707), sent with the `resource` option. */
const hasResource = (c) => c.request.kind === "token" && c.request.grant.resource != null;

async function run(lib, c, fetch) {
  const { endpoint, request } = c;
  const grant = request.grant ?? {};
  const options = {
    tokenUrl: endpoint.url,
    clientId: endpoint.client_id,
    clientSecret: endpoint.client_secret ?? undefined,
    auth: endpoint.auth,
    fetch,
  };
  if (grant.type === "client_credentials") options.scope = grant.scope;
  if (grant.audience != null) options.audience = grant.audience;
  if (grant.resource != null) options.resource = grant.resource;
  if (request.kind === "revocation") options.revocationUrl = request.url;
  const client = new lib.TokenClient(options);
  if (request.kind === "revocation") {
    return client.revoke(request.token, request.hint ? { hint: request.hint } : undefined);
  }
  if (grant.type === "client_credentials") return client.token();
  if (grant.type === "password") return client.password(grant.username, grant.password, { scope: grant.scope });
  return client.refresh(grant.refresh_token, { scope: grant.scope });
}

test("the vector file has the cases this replay expects", () => {
  assert.ok(cases.length >= 38, String(cases.length));
  assert.ok(cases.filter((c) => c.request.kind === "revocation").length >= 7);
  assert.ok(cases.filter((c) => c.error).length >= 12);
  // The resource cases are replayed too (through the `resource` option).
  assert.equal(cases.filter(hasResource).length, 5);
});

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];

    for (const c of cases) {
      test(`request vector: ${c.name}`, async () => {
        const { sent, fetch } = recorder();
        if (c.error) {
          const err = await thrownBy(() => run(lib(), c, fetch));
          assert.ok(err instanceof lib().TokenError, `rejects with a TokenError, got ${err}`);
          assert.equal(err.code, c.error);
          assert.equal(sent.length, 0, "a refused request must not be sent");
          const secret = c.endpoint.client_secret;
          if (secret) assert.ok(!err.message.includes(secret) && !String(err).includes(secret));
          return;
        }
        await run(lib(), c, fetch);
        assert.equal(sent.length, 1);
        const [{ url, init }] = sent;
        const want = c.expected;
        assert.equal(init.method, want.method);
        assert.equal(url, want.url);
        assert.deepEqual(init.headers.map(([name, value]) => [name, value]), want.headers);
        const body = init.body === undefined ? "" : new TextDecoder().decode(init.body);
        assert.equal(body, want.body);
        if (hasResource(c)) assert.match(body, /(^|&)resource=/);
      });
    }
  });
}
