// `just bench-js`: the npm package side by side with its JS peers, in one run, printed as Markdown
// tables (copied into docs/benchmarks.md by hand).
//   (a) bundle size: esbuild --bundle --minify of an entry, then gzip -9, for oauth4webapi, jose,
//       openid-client, @azure/msal-browser, and tokensmith (its .wasm and glue measured live from
//       wasm/pkg, the output of `just build-wasm`);
//   (b) JWT verification (RS256, ES256, HS256): tokensmith `verifyJwt` vs jose `jwtVerify`, the
//       same keys (WebCrypto) and tokens (signed with jose);
//   (c) the cost of a cached token: `token()` (JS memo) and `clientCredentials()` (core's cache),
//       against a fake fetch;
//   (d) stampede: 100 and 1000 concurrent cold calls, requests sent.
// No network: every fetch here is a function in this file.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import * as jose from "jose";
import * as openid from "openid-client";
import { Bench, hrtimeNow } from "tinybench";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = join(repo, "wasm/pkg");
const tokensmith = await import(join(pkg, "node/tokensmith.js"));

// Time budget per tinybench task in milliseconds (and warmup): long enough for a stable mean on
// a shared machine, short enough for the whole run to take about a minute.
const TASK_MS = 1000;
const WARMUP_MS = 200;
// Calls per sample for operations far below the timer's resolution (cached-token calls): each
// sample is the mean of a batch, as tinybench's `overriddenDuration` documents.
const BATCH = 1000;

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);
const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

// ---------------------------------------------------------------------------------------------
// (a) Bundle size.

/** Minified esbuild bundle of `contents` (an ES module entry) for browsers, and its gzip -9. */
async function bundle(contents) {
  const result = await build({
    stdin: { contents, resolveDir: repo, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.length, gzip: gz(code) };
}

// Two entries per peer: the API a token client uses (what an app ships after tree shaking), and
// everything the package exports (the figures quoted in issue 6).
const PEERS = [
  {
    name: "oauth4webapi",
    client: 'export { discoveryRequest, processDiscoveryResponse, clientCredentialsGrantRequest, processClientCredentialsResponse, ClientSecretBasic, revocationRequest, processRevocationResponse } from "oauth4webapi";',
    all: 'export * from "oauth4webapi";',
  },
  {
    name: "jose",
    client: 'export { jwtVerify, createLocalJWKSet, createRemoteJWKSet, decodeJwt } from "jose";',
    all: 'export * from "jose";',
  },
  {
    name: "openid-client",
    client: 'export { discovery, Configuration, clientCredentialsGrant, refreshTokenGrant, tokenRevocation, ClientSecretBasic } from "openid-client";',
    all: 'export * from "openid-client";',
  },
  {
    name: "@azure/msal-browser",
    client: 'export { PublicClientApplication } from "@azure/msal-browser";',
    all: 'export * from "@azure/msal-browser";',
  },
];

function version(name) {
  return JSON.parse(readFileSync(join(repo, "node_modules", name, "package.json"), "utf8")).version;
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

async function sizes() {
  const rows = [];
  for (const peer of PEERS) {
    const client = await bundle(peer.client);
    const all = await bundle(peer.all);
    rows.push([`${peer.name} ${version(peer.name)}`, kb(client.gzip), kb(all.gzip), "—", kb(client.gzip)]);
  }
  // tokensmith: the .wasm is fetched beside the bundle (not inlined), so its share is the .wasm's
  // gzip; the JS share is the esbuild bundle of the web build's glue.
  const wasm = readFileSync(join(pkg, "web/tokensmith_bg.wasm"));
  const web = pathToSpecifier(join(pkg, "web/tokensmith.js"));
  const client = await bundle(`export { default, TokenClient, verifyJwt } from ${web};`);
  const all = await bundle(`export * from ${web}; export { default } from ${web};`);
  const wasmGz = gz(wasm);
  rows.push([`**tokensmith** (wasm/pkg)`, kb(client.gzip), kb(all.gzip), kb(wasmGz), `**${kb(client.gzip + wasmGz)}**`]);

  const glueGz = gz(readFileSync(join(pkg, "web/tokensmith.js")));
  const packageFiles = filesUnder(pkg);
  const wholePackage = packageFiles.reduce((sum, f) => sum + gz(readFileSync(f)), 0);
  const detail = [
    [".wasm (web/tokensmith_bg.wasm)", fmt(wasm.length), fmt(wasmGz)],
    ["glue (web/tokensmith.js, unminified)", fmt(statSync(join(pkg, "web/tokensmith.js")).size), fmt(glueGz)],
    [".wasm + glue", fmt(wasm.length + statSync(join(pkg, "web/tokensmith.js")).size), fmt(wasmGz + glueGz)],
    [`whole package: ${packageFiles.length} files, each gzip -9, summed (budget 60 KB = 61,440)`, "", fmt(wholePackage)],
  ];
  return [
    "### Bundle size (esbuild --bundle --minify --format=esm --platform=browser, then gzip -9; KB = 1024 bytes)",
    "",
    table(["package", "token-client entry, JS gz KB", "`export *`, JS gz KB", ".wasm gz KB", "total gz KB (client entry + wasm)"], rows),
    "",
    "tokensmith in bytes, measured from `wasm/pkg`:",
    "",
    table(["file", "bytes", "gzip -9 bytes"], detail),
  ].join("\n");
}

function pathToSpecifier(path) {
  return JSON.stringify(`./${relative(repo, path)}`);
}

// ---------------------------------------------------------------------------------------------
// (b) JWT verification.

const ISSUER = "https://idp.bench.example";
const AUDIENCE = "https://api.bench.example";

async function keysFor(alg) {
  const subtle = globalThis.crypto.subtle;
  if (alg === "HS256") {
    const secret = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const jwk = { kty: "oct", k: Buffer.from(secret).toString("base64url"), kid: "hs-1", alg };
    return { sign: secret, joseKey: secret, joseSet: secret, jwks: { keys: [jwk] } };
  }
  const params =
    alg === "RS256"
      ? { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }
      : { name: "ECDSA", namedCurve: "P-256" };
  const pair = await subtle.generateKey(params, true, ["sign", "verify"]);
  const jwk = { ...(await subtle.exportKey("jwk", pair.publicKey)), kid: `${alg}-1`, alg, use: "sig" };
  delete jwk.key_ops;
  delete jwk.ext;
  const jwks = { keys: [jwk] };
  return { sign: pair.privateKey, joseKey: pair.publicKey, joseSet: jose.createLocalJWKSet(jwks), jwks };
}

async function verification() {
  const bench = new Bench({ time: TASK_MS, warmupTime: WARMUP_MS, now: hrtimeNow });
  for (const alg of ["RS256", "ES256", "HS256"]) {
    const keys = await keysFor(alg);
    const token = await new jose.SignJWT({ sub: "user-1", scope: "read" })
      .setProtectedHeader({ alg, kid: keys.jwks.keys[0].kid, typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(keys.sign);
    const options = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
    // Both must accept the token before they are timed.
    const mine = await tokensmith.verifyJwt(token, keys.jwks, options);
    const theirs = await jose.jwtVerify(token, keys.joseSet, options);
    if (mine.claims.sub !== "user-1" || theirs.payload.sub !== "user-1") throw new Error(`${alg}: verification disagrees`);
    bench.add(`${alg}|tokensmith verifyJwt (JWK Set)`, () => tokensmith.verifyJwt(token, keys.jwks, options));
    if (alg !== "HS256" && tokensmith.RemoteJwks) {
      // The issuer's key set from a fake fetch, fetched once and then kept by RemoteJwks.
      const remote = new tokensmith.RemoteJwks({
        jwksUrl: "https://idp.bench.example/jwks",
        fetch: async () => new Response(JSON.stringify(keys.jwks), { status: 200, headers: { "content-type": "application/json" } }),
      });
      await remote.verify(token, options);
      bench.add(`${alg}|tokensmith RemoteJwks.verify (set fetched once)`, () => remote.verify(token, options));
    }
    if (alg !== "HS256") {
      bench.add(`${alg}|jose jwtVerify (createLocalJWKSet)`, () => jose.jwtVerify(token, keys.joseSet, options));
    }
    bench.add(`${alg}|jose jwtVerify (${alg === "HS256" ? "secret bytes" : "CryptoKey"})`, () => jose.jwtVerify(token, keys.joseKey, options));
  }
  await bench.run();
  const rows = bench.tasks.map((task) => {
    const [alg, who] = task.name.split("|");
    const r = task.result;
    return [alg, who, fmt(r.throughput.mean), fmt(r.latency.mean * 1000, 1), `±${fmt(r.latency.rme, 1)} %`];
  });
  return [
    "### JWT verification (one token, valid signature and claims; tinybench mean)",
    "",
    table(["alg", "implementation", "ops/s", "µs/op", "rme"], rows),
    "",
    "Keys generated with WebCrypto (RSA 2048, P-256, 32-byte HMAC secret), tokens signed with jose. " +
      "tokensmith `verifyJwt` takes the JWK Set on every call (RS256/ES256 verified by `crypto.subtle`, HS256 in wasm); " +
      "`RemoteJwks` keeps the set it fetched; jose with `createLocalJWKSet` keeps imported keys, jose with a `CryptoKey` skips key import.",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// (c) Cached-token call cost, (d) stampede.

const TOKEN_URL = "https://as.bench.example/token";

/** A fake fetch answering a token response after `delayMs`, counting calls. */
function fakeFetch(delayMs = 0) {
  const counter = { requests: 0 };
  counter.fetch = async () => {
    counter.requests += 1;
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    const body = JSON.stringify({ access_token: `bench-access-token-${counter.requests}`, token_type: "Bearer", expires_in: 3600 });
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  };
  return counter;
}

function newClient(fetch) {
  return new tokensmith.TokenClient({ tokenUrl: TOKEN_URL, clientId: "bench-client", clientSecret: "bench-secret", fetch });
}

/** A tinybench task doing `BATCH` calls per sample (sync or async), reported per call. */
function batched(call, isAsync) {
  if (isAsync) {
    return async () => {
      const t0 = hrtimeNow();
      for (let i = 0; i < BATCH; i++) await call();
      const total = hrtimeNow() - t0;
      return { overriddenDuration: total / BATCH, overriddenIterationCost: total };
    };
  }
  return () => {
    const t0 = hrtimeNow();
    for (let i = 0; i < BATCH; i++) call();
    const total = hrtimeNow() - t0;
    return { overriddenDuration: total / BATCH, overriddenIterationCost: total };
  };
}

async function cachedCalls() {
  const counter = fakeFetch();
  const client = newClient(counter.fetch);
  const token = await client.token();
  await client.clientCredentials();
  const before = counter.requests;
  const resolved = Promise.resolve(token);
  const bench = new Bench({ time: TASK_MS, warmupTime: WARMUP_MS, now: hrtimeNow });
  bench.add("`client.token()` memo hit, the call (returns a resolved Promise)", batched(() => client.token(), false));
  bench.add("`await client.token()` memo hit", batched(() => client.token(), true));
  bench.add("`await client.clientCredentials()` cache hit (core's cache)", batched(() => client.clientCredentials(), true));
  bench.add("baseline: `await` of an already-resolved Promise", batched(() => resolved, true));
  await bench.run();
  if (counter.requests !== before) throw new Error("a cached call sent a request");
  const rows = bench.tasks.map((task) => [task.name, fmt(task.result.latency.mean * 1e6, 0), fmt(1000 / task.result.latency.mean)]);
  const stats = client.cacheStats();
  return [
    `### Cached token: cost per call (mean of batches of ${BATCH} calls; fake fetch, no network)`,
    "",
    table(["call", "ns/call", "calls/s"], rows),
    "",
    `Requests sent during the run: 0 (cache stats after it: ${stats.hits} hits, ${stats.fetches} fetch).`,
  ].join("\n");
}

async function stampede() {
  const rows = [];
  for (const n of [100, 1000]) {
    const mine = fakeFetch(10);
    const client = newClient(mine.fetch);
    const tokens = await Promise.all(Array.from({ length: n }, () => client.clientCredentials()));
    if (new Set(tokens.map((t) => t.accessToken)).size !== 1) throw new Error("callers got different tokens");
    // openid-client 6 has no token cache: every call is a request (for scale, not a defect).
    const theirs = fakeFetch(10);
    const config = new openid.Configuration({ issuer: "https://as.bench.example", token_endpoint: TOKEN_URL }, "bench-client", "bench-secret");
    config[openid.customFetch] = theirs.fetch;
    await Promise.all(Array.from({ length: n }, () => openid.clientCredentialsGrant(config)));
    rows.push([String(n), String(mine.requests), String(theirs.requests)]);
  }
  return [
    "### Stampede: concurrent cold calls → token requests sent (fake fetch answering after 10 ms)",
    "",
    table(["concurrent calls", "tokensmith `clientCredentials()`", `openid-client ${version("openid-client")} \`clientCredentialsGrant()\` (no cache)`], rows),
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------

function git(...args) {
  try {
    return execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

const commit = git("rev-parse", "--short", "HEAD");
const dirtyWasm = git("status", "--porcelain", "--", "wasm/src", "wasm/js", "wasm/build.sh", "core/src") !== "";
const built = statSync(join(pkg, "web/tokensmith_bg.wasm")).mtime.toISOString().replace(/\.\d+Z$/, "Z");
const sections = [
  `Measured ${new Date().toISOString().slice(0, 10)} with Node ${process.version} on ${process.platform}/${process.arch}, ` +
    `\`just bench-js\` at commit ${commit}${dirtyWasm ? " (with uncommitted changes in wasm/ or core/)" : ""}; ` +
    `wasm/pkg built ${built}. jose ${version("jose")}, tinybench ${version("tinybench")}, esbuild ${version("esbuild")}.`,
  await sizes(),
  await verification(),
  await cachedCalls(),
  await stampede(),
];
console.log(sections.join("\n\n"));
