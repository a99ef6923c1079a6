// Replays the form_component cases of tests/vectors/encoding.json (one
// application/x-www-form-urlencoded component, WHATWG serializer, as RFC 6749 §2.3.1 and
// Appendix B use it). JS has no function for it, so each input goes into the body of a
// client_secret_post password request (as the password, and as the client secret) and the
// recorded body must hold exactly the vector's encoding. basic and space_auth_key are replayed by
// encoding.test.mjs.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { loadFlavours, vectors } from "./load-package.mjs";

const cases = vectors("encoding.json").form_component;
const OK_BODY = '{"access_token":"form-vector-token-0000","token_type":"Bearer","expires_in":3600}';
let loaded;

before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

/** The raw (still encoded) value of `name` in a form body: the exact bytes the client wrote. */
function rawParam(body, name) {
  const pairs = body.split("&").filter((pair) => pair.startsWith(`${name}=`));
  assert.equal(pairs.length, 1, `${name} once in ${body}`);
  return pairs[0].slice(name.length + 1);
}

test("the vector file has form_component cases, reserved and non-ASCII characters among them", () => {
  assert.ok(cases.length >= 8);
  assert.ok(cases.some((c) => /[^\x00-\x7f]/.test(c.input)));
  assert.ok(cases.some((c) => c.input.includes(" ")));
});

for (const flavour of ["require (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];

    for (const c of cases) {
      test(`form component ${JSON.stringify(c.input)} → ${JSON.stringify(c.expected)}`, async () => {
        const bodies = [];
        const client = new (lib().TokenClient)({
          tokenUrl: "https://as.example.com/token",
          clientId: "form-vector-client",
          // An empty secret is no secret for client_secret_post; the password carries that case.
          clientSecret: c.input === "" ? "x" : c.input,
          auth: "client_secret_post",
          fetch: async (_url, init) => {
            bodies.push(new TextDecoder().decode(init.body));
            return new Response(OK_BODY, { status: 200, headers: { "content-type": "application/json" } });
          },
        });
        await client.password("form-vector-user", c.input);
        assert.equal(bodies.length, 1);
        assert.equal(rawParam(bodies[0], "password"), c.expected);
        if (c.input !== "") assert.equal(rawParam(bodies[0], "client_secret"), c.expected);
      });
    }
  });
}
