// Cost of a cached TokenClient.token() call from JS (the memo path) and of Token getters, with
// the built node flavour (`just build-wasm` first). Plain Node timing loops; run:
//   node wasm/bench/cached_token.mjs
// The fetch is a stub answering a 900-character access token valid for an hour.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "../pkg/node/tokensmith.js");
const lib = createRequire(import.meta.url)(pkg);
const body = JSON.stringify({ access_token: "a".repeat(900), token_type: "Bearer", expires_in: 3600 });
const fetch = async () => new Response(body, { status: 200, headers: { "content-type": "application/json" } });
const client = new lib.TokenClient({ tokenUrl: "https://idp.example.com/token", clientId: "id", clientSecret: "s", fetch });

function report(name, n, start) {
  console.log(`${name}: ${(((performance.now() - start) * 1000) / n).toFixed(3)} µs per call (n = ${n})`);
}

await client.token();
for (let round = 0; round < 3; round++) {
  const n = 100_000;
  let start = performance.now();
  for (let i = 0; i < n; i++) await client.token();
  report("await client.token() (cached)", n, start);
  const opts = { minTtl: 1 };
  start = performance.now();
  for (let i = 0; i < n / 10; i++) await client.clientCredentials(opts);
  report("await client.clientCredentials({ minTtl: 1 }) (cached, through core)", n / 10, start);
  const token = await client.token();
  let chars = 0;
  start = performance.now();
  for (let i = 0; i < n; i++) chars += token.authorization.length;
  report("token.authorization", n, start);
}
