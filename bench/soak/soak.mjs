// Node soak (issue 9): the built npm package (wasm/pkg, Node build) against the local dev server
// issuing 1-second tokens. First 10,000 concurrent token() calls on a cold cache (goal: one
// request), then sustained rounds of SOAK_CONCURRENCY concurrent calls every SOAK_INTERVAL_MS for
// SOAK_SECONDS (many token lifetimes). Reports requests per key per lifetime and redundant ones
// (sent before the previous token reached its earliest refresh point, 70 % of its lifetime),
// errors, per-call latency percentiles and RSS before/after (after a forced GC).
//
// Environment: SOAK_CONCURRENCY (10000), SOAK_INTERVAL_MS (100), SOAK_SECONDS (20), SOAK_KEYS (2),
// TOKENSMITH_DEVSERVER (default target/debug/tokensmith-devserver).
// Run: node --expose-gc bench/soak/soak.mjs (`just soak` builds what it needs first).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { TokenClient } = createRequire(import.meta.url)(join(repo, "wasm/pkg/node/tokensmith.js"));

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const CONCURRENCY = env("SOAK_CONCURRENCY", 10_000);
const INTERVAL_MS = env("SOAK_INTERVAL_MS", 100);
const SECONDS = env("SOAK_SECONDS", 20);
const KEYS = env("SOAK_KEYS", 2);
const LIFETIME_MS = 1000;
const EARLIEST_REFRESH = 0.7;

// Latency histogram in microseconds: 16 buckets per power of two, no per-call allocation.
const BUCKETS = 64 * 16;
const bucket = (us) => {
  const n = Math.max(0, Math.floor(us));
  if (n < 16) return n;
  const exp = Math.floor(Math.log2(n));
  return Math.min((exp - 3) * 16 + (Math.floor(n / 2 ** (exp - 4)) & 15), BUCKETS - 1);
};
const bucketFloor = (b) => (b < 16 ? b : (16 + (b % 16)) * 2 ** (Math.floor(b / 16) + 3 - 4));
const percentile = (hist, p) => {
  const target = Math.max(1, Math.ceil(hist.reduce((a, b) => a + b, 0) * p));
  let seen = 0;
  for (let b = 0; b < hist.length; b++) {
    seen += hist[b];
    if (seen >= target) return bucketFloor(b);
  }
  return 0;
};

const rssKib = () => {
  globalThis.gc?.();
  return Math.round(process.memoryUsage().rss / 1024);
};

async function startServer() {
  const clients = Array.from(
    { length: KEYS },
    (_, i) => `\n[[clients]]\nid = "soak-${i}"\nsecret = "soak secret ${i}"\nauth = "form-basic"\n`,
  ).join("");
  const config = `realms = []
[lifetimes]
access_seconds = ${LIFETIME_MS / 1000}
[pat]
database = ":memory:"
prefix = "tsm"
${clients}
[[users]]
username = "u"
password = "p"
[tenants]
host = "h"
users = []
generate = 0
`;
  const dir = mkdtempSync(join(tmpdir(), "tokensmith-soak-"));
  writeFileSync(join(dir, "devserver.toml"), config);
  const binary = process.env.TOKENSMITH_DEVSERVER ?? join(repo, "target/debug/tokensmith-devserver");
  const child = spawn(binary, ["--port", "0", "--config", join(dir, "devserver.toml")], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [url] = await once(createInterface({ input: child.stdout }), "line");
  if (!url.startsWith("http://127.0.0.1:")) throw new Error(`the dev server did not start: ${url}`);
  return { url, stop: () => { child.kill(); rmSync(dir, { recursive: true, force: true }); } };
}

/** A fetch that records when each request was sent. */
function countingFetch() {
  const sent = [];
  return { sent, fetchFn: (input, init) => { sent.push(performance.now()); return fetch(input, init); } };
}

/** `n` concurrent calls spread over the clients; latencies into `hist`, returns the errors. */
async function burst(clients, n, hist) {
  let errors = 0;
  const calls = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    calls.push(
      clients[i % clients.length].token().then(
        (token) => {
          hist[bucket((performance.now() - t0) * 1000)] += 1;
          if (!(token.expiresAt.getTime() > Date.now())) errors += 1;
        },
        () => { errors += 1; },
      ),
    );
  }
  await Promise.all(calls);
  return errors;
}

const server = await startServer();
try {
  const counters = Array.from({ length: KEYS }, countingFetch);
  const clients = counters.map(
    (c, i) => new TokenClient({ tokenUrl: `${server.url}/oauth/token`, clientId: `soak-${i}`, clientSecret: `soak secret ${i}`, fetch: c.fetchFn }),
  );

  // 1. Cold stampede: CONCURRENCY calls on one client at once.
  const coldHist = new Array(BUCKETS).fill(0);
  const coldErrors = await burst([clients[0]], CONCURRENCY, coldHist);
  console.log(`node soak: cold stampede of ${CONCURRENCY} concurrent calls -> ${counters[0].sent.length} request(s), ${coldErrors} errors, p50 ${(percentile(coldHist, 0.5) / 1000).toFixed(1)} ms, p99 ${(percentile(coldHist, 0.99) / 1000).toFixed(1)} ms`);

  // 2. Warm-up rounds, then the sustained rounds over many lifetimes.
  const rounds = async (seconds, hist) => {
    let errors = 0;
    let n = 0;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const started = performance.now();
      errors += await burst(clients, CONCURRENCY, hist);
      n += 1;
      const wait = INTERVAL_MS - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return { errors, n };
  };
  await rounds(Math.max(2, SECONDS / 10), new Array(BUCKETS).fill(0));
  for (const c of counters) c.sent.length = 0;
  const before = rssKib();
  const hist = new Array(BUCKETS).fill(0);
  const t0 = performance.now();
  const { errors, n } = await rounds(SECONDS, hist);
  const elapsed = (performance.now() - t0) / 1000;
  const after = rssKib();

  const total = hist.reduce((a, b) => a + b, 0);
  const lifetimes = (elapsed * 1000) / LIFETIME_MS;
  console.log(`sustained: ${n} rounds of ${CONCURRENCY} concurrent calls every ${INTERVAL_MS} ms, ${KEYS} keys, ${LIFETIME_MS / 1000} s tokens`);
  console.log(`calls: ${total} in ${elapsed.toFixed(1)} s (${Math.round(total / elapsed)} calls/s); errors: ${errors}`);
  let redundantTotal = 0;
  counters.forEach((c, i) => {
    const gaps = c.sent.slice(1).map((t, j) => t - c.sent[j]);
    const redundant = gaps.filter((g) => g < EARLIEST_REFRESH * LIFETIME_MS).length;
    redundantTotal += redundant;
    console.log(`key soak-${i}: ${c.sent.length} requests over ${lifetimes.toFixed(1)} lifetimes = ${(c.sent.length / Math.max(lifetimes, 1)).toFixed(2)} per lifetime; gap min ${Math.round(Math.min(...gaps))} ms, redundant ${redundant}`);
  });
  console.log(`redundant requests: ${redundantTotal}`);
  console.log(`latency (call to resolution, within a burst): p50 ${(percentile(hist, 0.5) / 1000).toFixed(2)} ms, p99 ${(percentile(hist, 0.99) / 1000).toFixed(2)} ms`);
  console.log(`RSS: ${before} KiB before, ${after} KiB after${globalThis.gc ? " (after GC)" : " (run with --expose-gc for a GC first)"}`);
} finally {
  server.stop();
}
