// verifyJwt: core decides (wasm/src/jwt.rs: header rules, key selection, claim rules; HS256
// verified in Rust), WebCrypto computes the other signatures (the wasm links no asymmetric
// crypto). This module turns the options into plain arguments, calls crypto.subtle, and keeps the
// imported public keys.
import { __keyCacheCapacity, __prepareVerify } from "#native";
import { boolOption, invalid, numberOption, str, stringOption, stringsOption } from "./options.js";

/** `verifyJwt`'s imported public keys, by the identity Rust gives (see `rememberKey`). */
const moduleKeys = new Map();

/**
 * Verifies a JWT's signature against `jwks` and its claims against `options`; resolves to
 * `{ header, claims }` or rejects with a `JwtError`.
 */
export async function verifyJwt(token, jwks, options) {
  let text;
  try {
    text = typeof jwks === "string" ? jwks : JSON.stringify(jwks);
  } catch {
    // A cycle or a throwing toJSON: not a key set either.
  }
  if (typeof text !== "string") throw invalid("jwks must be a JWK Set, a JWK, JSON text or a PEM public key");
  return verifyPrepared(__prepareVerify(str(token, "token"), text, verifyArgs(options)), moduleKeys);
}

/**
 * `VerifyJwtOptions` as the array of plain values Rust reads (wasm/src/jwt.rs `validation`):
 * `[algorithms, issuer, audience, leeway, allowMissingExpInsecure, understoodCrit, atMs]`, each
 * type-checked here; `null` counts as absent. @internal
 */
export function verifyArgs(options) {
  const args = [
    stringsOption(options, "algorithms"),
    stringOption(options, "issuer"),
    stringOption(options, "audience"),
    numberOption(options, "leeway"),
    boolOption(options, "allowMissingExpInsecure"),
    stringsOption(options, "understoodCrit"),
  ];
  const date = options?.currentDate;
  if (date == null) {
    args.push(Date.now());
  } else {
    const ms = date instanceof Date ? date.getTime() : typeof date === "number" ? date : NaN;
    if (!Number.isFinite(ms)) throw invalid("currentDate must be a Date or a number of milliseconds");
    args.push(ms);
  }
  return args;
}

/**
 * Finishes what `__prepareVerify` (or `RemoteJwks`'s `prepare`) returned: `{ header, claims }`
 * as is, or the WebCrypto half, with imported public keys kept in `cache`. @internal
 */
export async function verifyPrepared(prepared, cache) {
  if (!Array.isArray(prepared)) return prepared;
  // `finish` is a `__VendorCall`: `next(null)` gives the key's WebCrypto form (asked only for a
  // key `cache` lacks), then one `next` with WebCrypto's verdict (`undefined` when the key was
  // refused) answers `[DONE, { header, claims }]` or throws; freed either way.
  const [finish, id, data, signature] = prepared;
  try {
    return finish.next(await webCrypto(finish, id, data, signature, cache))[1];
  } finally {
    finish.free();
  }
}

/** WebCrypto's verdict on a signature: whether it is valid, or `undefined` for a refused key. */
async function webCrypto(finish, id, data, signature, cache) {
  const subtle = globalThis.crypto?.subtle;
  if (typeof subtle !== "object" || subtle === null) {
    throw invalid("crypto.subtle is unavailable (it needs a secure context: https or localhost)");
  }
  // `[CryptoKey, verify's algorithm]`, imported once per identity.
  let key = id === undefined ? undefined : cache.get(id);
  if (key === undefined) {
    const [jwk, importAlgorithm, verifyAlgorithm] = finish.next(null);
    try {
      key = [await subtle.importKey("jwk", jwk, importAlgorithm, false, ["verify"]), verifyAlgorithm];
    } catch {
      // WebCrypto refused the key (say Ed25519 without Secure Curves): jwt_invalid_key.
      return undefined;
    }
    if (id !== undefined) rememberKey(cache, id, key);
  }
  try {
    return (await subtle.verify(key[1], key[0], signature, data)) === true;
  } catch {
    // A signature WebCrypto cannot even check is not a valid one.
    return false;
  }
}

/** Keeps `key` under `id`; beyond Rust's KEY_CACHE_CAPACITY the oldest entry goes (FIFO). */
function rememberKey(cache, id, key) {
  if (cache.has(id)) return;
  if (cache.size >= __keyCacheCapacity()) cache.delete(cache.keys().next().value);
  cache.set(id, key);
}
