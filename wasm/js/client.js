// TokenClient: an OAuth 2 client of one token endpoint, with a token cache.
//
// Every rule (which grant to send, when a token is fresh, stale or expired, single flight,
// retries and backoff, parsing, the `token()` memo's bound, what a 401 challenge means) is core's,
// applied by the engine in wasm/src/client.rs. This class turns the option bags into plain
// arguments, sends the requests the engine builds (`exchange`, js/http.js), sleeps the delays it
// asks for, and shares each flight's Promise between the callers that wait for it.
import {
  Token,
  __TokenEngine as Engine,
  __tokenMemoUntil as memoUntil,
  __isInvalidToken as isInvalidToken,
  __waitPollMs as waitPollMs,
  __fetchFailed as fetchFailed,
  __requestTimeoutMs as requestTimeoutMs,
} from "#native";
import { boolOption, disposable, fetchOption, listArg, numberOption, required, str, stringOption, stringsOption } from "./options.js";
import { sleep } from "./http.js";
import { drive } from "./vendor-drive.js";
import { useToStringForInspect } from "./inspect.js";

// Node's `util.inspect` shows a `Token` as its `toString()` (first four characters of the token
// at most): installed here when the package loads, as wasm-bindgen cannot declare
// symbol-named methods.
useToStringForInspect(Token.prototype);

/** An OAuth 2 client of one token endpoint, with a token cache. See `TokenClientOptions`. */
export class TokenClient {
  #engine;
  #fetch;
  #timeoutMs;
  // The Promise of every flight in progress, by core's flight id. It resolves when the flight
  // is over and never rejects (a background refresh nobody awaits is no unhandled rejection);
  // it resolves to the outcome `[true, token]` or `[false, error]`, which only the caller that
  // started the flight reads: the callers waiting for it get the outcome from core.
  #flights = new Map();
  // The last answer of `token()`: `[until, token]`, valid while `Date.now() < until` (the bound
  // comes from core, see `__tokenMemoUntil`). Cleared whenever a token is refused, imported or
  // revoked.
  #memo;

  constructor(options) {
    const auth = stringOption(options, "auth");
    const tokenUrl = required(options, "tokenUrl");
    const clientId = required(options, "clientId");
    const clientSecret = stringOption(options, "clientSecret");
    const defaultLifetime = numberOption(options, "defaultLifetime");
    const fetchImpl = fetchOption(options);
    const scope = scopeOption(options) ?? [];
    const audience = stringOption(options, "audience");
    const resource = stringOption(options, "resource");
    const revocationUrl = stringOption(options, "revocationUrl");
    this.#timeoutMs = requestTimeoutMs(numberOption(options, "timeoutMs"));
    this.#fetch = fetchImpl;
    this.#engine = new Engine(
      tokenUrl,
      clientId,
      clientSecret,
      auth,
      defaultLifetime,
      listArg(scope),
      audience,
      resource,
      revocationUrl,
    );
  }

  /** Releases the client's cache (wasm memory); the client is unusable afterwards. */
  free() {
    this.#engine.free();
  }

  /**
   * A client-credentials token (RFC 6749 §4.4), from the cache when fresh enough.
   * `options.scope` replaces the client's default scope.
   */
  async clientCredentials(options) {
    const scope = scopeOption(options);
    const minTtl = minTtlMs(options);
    return this.#get(this.#engine.clientCredentials(listArg(scope)), minTtl, forceOption(options));
  }

  /**
   * The client's token: client credentials with the default scope. While the last token is
   * surely fresh, the answer is an already-resolved Promise of the same `Token` object.
   */
  token(options) {
    // Only the plain call is memoised: a caller needing a minimum validity or a new token asks
    // core, which alone knows whether the cached token satisfies it.
    if (options !== undefined) return this.#tokenWith(options);
    const memo = this.#memo;
    if (memo && Date.now() < memo[0]) return Promise.resolve(memo[1]);
    // Past its bound the memo is dropped: core's view of time never runs backwards (an expired
    // token stays expired after the clock jumps back), and the memo must not bring the token
    // back either when the clock later reads an earlier time.
    this.#memo = undefined;
    return this.#remembered();
  }

  /** `token(options)`: `minTtl` and `force` go to core (an async method, so a wrong option
   * rejects the Promise as in the other methods). */
  async #tokenWith(options) {
    const minTtl = minTtlMs(options);
    const force = forceOption(options);
    if (!minTtl && !force) return this.token();
    return this.#get(this.#engine.clientCredentials(), minTtl, force);
  }

  async #remembered() {
    const token = await this.#get(this.#engine.clientCredentials(), 0);
    this.#memo = [memoUntil(token), token];
    return token;
  }

  /** A resource-owner password token (RFC 6749 §4.3), cached per user and scope. */
  async password(username, password, options) {
    const scope = scopeOption(options);
    const minTtl = minTtlMs(options);
    const force = forceOption(options);
    return this.#get(this.#engine.password(str(username, "username"), str(password, "password"), listArg(scope)), minTtl, force);
  }

  /**
   * A refresh-token grant (RFC 6749 §6); no `scope` asks for the scope originally granted.
   * Cached under the refresh token, like any grant.
   */
  async refresh(refreshToken, options) {
    const scope = scopeOption(options);
    const minTtl = minTtlMs(options);
    return this.#get(this.#engine.refresh(str(refreshToken, "refreshToken"), listArg(scope)), minTtl);
  }

  /**
   * Revokes a token at `revocationUrl` (RFC 7009). Resolves when the server accepted it; the
   * cache then holds no entry with the token and the `token()` memo is cleared.
   */
  async revoke(token, options) {
    await drive(this.#engine.revocation(str(token, "token"), stringOption(options, "hint")), this.#fetch, this.#timeoutMs);
    this.#memo = undefined;
  }

  /**
   * A resource server refused `token` (a `Token` or its access token; RFC 6750 §3.1
   * `invalid_token`): the cache drops it if it is still the cached one (core's rule), keeping
   * the refresh token, so the next call gets a new token. If another request's refusal already
   * replaced it, nothing changes: N refusals of one token cause one token request. Returns how
   * many cache entries dropped it.
   */
  refused(token) {
    const accessToken = token instanceof Token ? token.accessToken : str(token, "token");
    const dropped = this.#engine.refused(accessToken);
    // The memo holds the cached token: it goes when that token went.
    if (dropped) this.#memo = undefined;
    return dropped;
  }

  /**
   * Like `fetch(input, init)`, with `Authorization` set from the client's token. A 401 whose
   * `WWW-Authenticate` says `error="invalid_token"` (RFC 6750 §3.1) reports the token `refused`
   * and retries once with the next one, when the body can be sent again (`resendable`);
   * otherwise the 401 is returned, the new token already cached for the caller's own retry.
   */
  async fetch(input, init) {
    const token = await this.#get(this.#engine.clientCredentials(), 0);
    const response = await this.#authorized(input, init, token);
    if (!invalidToken(response)) return response;
    this.refused(token);
    const replaced = await this.#get(this.#engine.clientCredentials(), 0);
    if (!resendable(input, init)) return response;
    // The refused answer is not handed out: release its connection before the retry.
    try {
      await response.body?.cancel();
    } catch {
      // Already read or errored: nothing to release.
    }
    return this.#authorized(input, init, replaced);
  }

  /** The cache as JSON text. Secrets only with `includeSecrets: true`. */
  exportCache(options) {
    return this.#engine.exportCache(boolOption(options, "includeSecrets"));
  }

  /** Loads an `exportCache()` text; a corrupted text throws and leaves the cache untouched. */
  importCache(json) {
    this.#memo = undefined;
    const [imported, skipped] = this.#engine.importCache(str(json, "json"));
    return { imported, skipped };
  }

  /** The cache's counters since the client was created. */
  cacheStats() {
    return statsObject(this.#engine.cacheStats());
  }

  /** Forgets every cached token (and the `token()` memo). */
  clearCache() {
    this.#memo = undefined;
    this.#engine.clearCache();
  }

  /**
   * Follows core's steps for `source` (an `__TokenSource`, freed here) until it yields a token
   * or an error. `force` asks for a new token even if the cached one is fresh (it joins a
   * flight in progress); the `token()` memo then goes too.
   */
  async #get(source, minTtlMs, force = false) {
    if (force) this.#memo = undefined;
    try {
      for (;;) {
        const [token, flight, id] = source.begin(minTtlMs, force);
        if (token) {
          // Stale-while-revalidate: the refresh runs on; its failure is recorded by core and
          // does not touch the token returned here.
          if (flight) this.#fly(flight, id);
          return token;
        }
        if (flight) {
          const [ok, value] = await this.#fly(flight, id);
          if (ok) return value;
          throw value;
        }
        // Another caller's flight: once it is over, its outcome (a token, or a thrown error) is
        // this caller's too. Nothing comes back when it was abandoned, or when it is a flight this
        // client does not know and is still running: then ask core again after Rust's wait
        // poll (read here, not when the module loads: the web build's wasm is not ready then).
        await (this.#flights.get(id) ?? sleep(waitPollMs()));
        const outcome = source.waited();
        if (outcome) return outcome;
      }
    } finally {
      source.free();
    }
  }

  /** Runs `flight` and registers its Promise under `id` until it is over. */
  #fly(flight, id) {
    // `#run` runs synchronously up to its first `await`, so the Promise is registered below
    // before the flight can end and remove it.
    const over = this.#run(flight).finally(() => this.#flights.delete(id));
    this.#flights.set(id, over);
    return over;
  }

  /** Sends a flight's request and its retries until core says the flight is over (`drive`
   * follows the flight's steps and frees it). */
  async #run(flight) {
    try {
      return [true, await drive(flight, this.#fetch, this.#timeoutMs)];
    } catch (error) {
      return [false, error];
    }
  }

  /** The caller's request with `Authorization` set to `token`'s (replacing any). */
  async #authorized(input, init, token) {
    try {
      // WHATWG `Headers` merges whatever form the caller used: an object, an array of pairs,
      // Headers, or the headers of a Request passed as `input`.
      const fromRequest = typeof Request !== "undefined" && input instanceof Request ? input.headers : undefined;
      const headers = new Headers(init?.headers ?? fromRequest);
      headers.set("Authorization", token.authorization);
      // Called as a plain function, not as a method of this client: a browser's `fetch` throws
      // "Illegal invocation" when `this` is anything but the window (or undefined).
      const fetchImpl = this.#fetch;
      return await fetchImpl(input, { ...init, headers });
    } catch (error) {
      throw fetchFailed(error);
    }
  }
}

disposable(TokenClient);

/** Core's counters `[name, count, …]` as an object, `stale_hits` named `staleHits` (the
 * package's JS naming); `TokenClient`'s and `TechnicalTokenManager`'s `cacheStats()`. */
export function statsObject(counters) {
  const stats = {};
  for (let i = 0; i < counters.length; i += 2) {
    stats[counters[i].replace(/_(.)/g, (_, c) => c.toUpperCase())] = counters[i + 1];
  }
  return stats;
}

/**
 * Whether a request can be sent a second time with its whole body: none, or one `fetch` can
 * read again (string, bytes, Blob, URLSearchParams, FormData). A stream or async iterable was
 * consumed by the first attempt, and so was the body of a `Request` passed as `input`: sent
 * again it would upload nothing (googleapis/google-cloud-python#18238).
 */
function resendable(input, init) {
  const body = init?.body;
  if (body != null) {
    return (
      typeof body === "string" ||
      body instanceof ArrayBuffer ||
      ArrayBuffer.isView(body) ||
      (typeof Blob !== "undefined" && body instanceof Blob) ||
      (typeof URLSearchParams !== "undefined" && body instanceof URLSearchParams) ||
      (typeof FormData !== "undefined" && body instanceof FormData)
    );
  }
  return !(typeof Request !== "undefined" && input instanceof Request && input.body !== null);
}

/** Whether `response` says the token was refused (the rule is core's, see `__isInvalidToken`). */
function invalidToken(response) {
  let challenge;
  try {
    challenge = response?.headers?.get?.("www-authenticate");
  } catch {
    // A response without readable headers carries no challenge.
  }
  const status = response?.status;
  return isInvalidToken(typeof status === "number" ? status : 0, typeof challenge === "string" ? challenge : undefined);
}

/** `scope` as an array, or one space-delimited string (RFC 6749 §3.3); absent is `undefined`
 * (the client's default scope, or for `refresh` the scope originally granted). */
function scopeOption(bag) {
  return bag?.scope == null ? undefined : stringsOption(bag, "scope", true);
}

/** `minTtl` (seconds) as milliseconds. */
/** The `force` option (`boolOption`: `false` when absent). */
function forceOption(bag) {
  return boolOption(bag, "force");
}

function minTtlMs(bag) {
  return (numberOption(bag, "minTtl") ?? 0) * 1000;
}
