// RemoteJwks: follows the steps of core's JwksRefresh (wasm/src/jwks.rs) with fetch and
// Promises. When to fetch, wait or refuse a kid, and what an answer means, are core's; this
// module sends the request, shares one Promise per fetch among the calls core tells to wait, and
// verifies as verifyJwt does.
import { __Jwks } from "#native";
import { exchange } from "./http.js";
import { verifyArgs, verifyPrepared } from "./jwt.js";
import { disposable, invalid, numberOption, required, str } from "./options.js";

/**
 * Verifies JWTs with the key set published at `jwksUrl` (RFC 7517 §5), fetched on first use and
 * again when a token names a `kid` the cached set lacks (key rotation, OpenID Connect Core
 * §10.1.1), at most once per 30 s: tokens with made-up `kid`s cause no request storm. Single
 * flight (core's rule): while one call fetches, concurrent calls that need the keys await that
 * fetch, then verify with its set or reject with its error; a cold start sends one request.
 */
export class RemoteJwks {
  #native;
  #fetch;
  /** The fetch in flight: core's flight id, and a Promise of its error (undefined: stored). */
  #flight;
  /** The CryptoKeys imported from the current set's keys; emptied when a new set is stored. */
  #keys = new Map();

  /** See `RemoteJwksOptions`. */
  constructor(options) {
    const url = required(options, "jwksUrl");
    const fetchImpl = options?.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") throw invalid("option fetch must be a function");
    const timeoutMs = numberOption(options, "timeoutMs");
    this.#fetch = fetchImpl;
    this.#native = new __Jwks(url, timeoutMs);
  }

  /**
   * `verifyJwt(token, <the issuer's keys>, options)`: resolves to `{ header, claims }`, or
   * rejects with a `JwtError` (`jwt_key_not_found` for a `kid` the set lacks after the refetch
   * allowed now) or the fetch's own error (`TransportError`, `ResponseError`), which every call
   * waiting on that fetch gets too.
   */
  async verify(token, options) {
    str(token, "token");
    for (let attempt = 0; ; attempt++) {
      // Throws for an undecodable token, a refused kid, or too many steps (core's bound).
      const step = this.#native.step(token, attempt);
      if (step === undefined) {
        // `prepare` verifies the token `step` has just decoded.
        return verifyPrepared(this.#native.prepare(verifyArgs(options)), this.#keys);
      }
      if (typeof step !== "number") this.#start(step);
      const id = typeof step === "number" ? step : step[0];
      // The fetching call waits for its own fetch like any waiter.
      if (this.#flight?.id === id) {
        const failed = await this.#flight.promise;
        if (failed !== undefined) throw failed;
      }
      // Stored (or no such fetch here): ask core again.
    }
  }

  /** Sends core's request for fetch `id`; its Promise resolves to the fetch's error, or to
   * undefined once the set is stored. */
  #start([id, request, timeoutMs]) {
    const promise = exchange(this.#fetch, request, timeoutMs).then((reply) => {
      const failed = this.#native.receive(id, reply);
      if (failed === undefined) this.#keys.clear();
      if (this.#flight?.id === id) this.#flight = undefined;
      return failed;
    });
    this.#flight = { id, promise };
  }

  /** Frees the key set held in WebAssembly memory; the object is unusable afterwards. */
  free() {
    this.#native.free();
  }
}

disposable(RemoteJwks);
