// What the vendor classes (vendor.js) share: reading their option bags into plain arguments
// (type checks only; every rule is in Rust) and `drive`, which runs one call of a Rust engine
// (wasm/src/vendor/): the engine says what to do next, this file does the I/O.

import { exchange, sleep } from "./http.js";
import { TokenError } from "./errors.js";

// Step kinds, as wasm/src/vendor/mod.rs numbers them.
const SEND = 0;
const SLEEP = 1;
const SPAWN = 2;

/**
 * Runs `call` to its end and resolves to its result: each `call.next(reply)` answers
 * `[kind, value]`: send the request `value` (its answer is the next `reply`), sleep `value` ms,
 * start the call `value` in the background (not awaited; its failure concerns no caller), or
 * (DONE) the result. Rejects with the error `next` throws. The call is freed either way, which
 * releases whatever it still held (a tenant's single-flight ticket, say).
 */
export async function drive(call, fetchImpl, timeoutMs) {
  try {
    let reply;
    for (;;) {
      const [kind, value] = call.next(reply);
      reply = undefined;
      if (kind === SEND) reply = await exchange(fetchImpl, value, timeoutMs);
      else if (kind === SLEEP) await sleep(value);
      else if (kind === SPAWN) drive(value, fetchImpl, timeoutMs).catch(() => {});
      else return value;
    }
  } finally {
    call.free();
  }
}

// Core's `Error::InvalidInput` as the Rust conversions threw it: its code, its `Display`.
const invalid = (message) => new TokenError(`invalid input: ${message}`, "invalid_input");

/** An option bag property; `undefined` when the bag or the property is `undefined` or `null`. */
function property(bag, key) {
  const value = bag == null ? undefined : bag[key];
  return value === null ? undefined : value;
}

/** A string option; present but not a string is refused. */
export function stringOption(bag, key) {
  const value = property(bag, key);
  if (value !== undefined && typeof value !== "string") throw invalid(`option ${key} must be a string`);
  return value;
}

/** A required string option. */
export function required(bag, key) {
  const value = stringOption(bag, key);
  if (value === undefined) throw invalid(`option ${key} is required`);
  return value;
}

/** A boolean option (default false); present but not a boolean is refused. */
export function boolOption(bag, key) {
  const value = property(bag, key);
  if (value !== undefined && typeof value !== "boolean") throw invalid(`option ${key} must be a boolean`);
  return value ?? false;
}

/** A finite, non-negative number option; anything else present is refused. */
export function numberOption(bag, key) {
  const value = property(bag, key);
  if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
    throw invalid(`option ${key} must be a non-negative number`);
  }
  return value;
}

/** A string-array option (one string is a one-element array; default empty). */
export function stringsOption(bag, key) {
  const value = property(bag, key);
  if (value === undefined) return [];
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) throw invalid(`option ${key} must be an array of strings`);
  const items = Array.from(value);
  if (!items.every((item) => typeof item === "string")) throw invalid(`option ${key} must be an array of strings`);
  return items;
}

/** The `fetch` option, else `globalThis.fetch` (read now, as the option would be). */
export function fetchOption(bag) {
  const fetchImpl = property(bag, "fetch") ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") throw invalid("option fetch must be a function (no global fetch found)");
  return fetchImpl;
}

/** Gives `cls` the `[Symbol.dispose]` alias of `free` where the runtime has the symbol. */
export function disposable(cls) {
  if (typeof Symbol.dispose === "symbol") cls.prototype[Symbol.dispose] = cls.prototype.free;
}
