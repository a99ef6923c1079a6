// Option bags to plain arguments, for every JS class of the package: checks of the values' JS
// types, with core's code for caller input (`invalid_input`, `Error::InvalidInput`, an
// `InputError` like every error of core's input family) and its message text. Conversions
// only; what a value means is decided in Rust.
import { InputError } from "./errors.js";

/** A caller input error, worded as core's `Error::InvalidInput` Display. */
export function invalid(message) {
  return new InputError(`invalid input: ${message}`, "invalid_input");
}

/**
 * A string argument, else `invalid_input` naming the parameter (wasm-bindgen would throw the
 * engine's own `TypeError` while copying it into wasm memory, which is no `TokenError`).
 */
export function str(value, name) {
  if (typeof value !== "string") throw invalid(`${name} must be a string`);
  return value;
}

/** An array-of-strings argument. */
export function strs(value, name) {
  // for…of, unlike `every`, also visits the holes of a sparse array.
  let ok = Array.isArray(value);
  if (ok) for (const item of value) ok &&= typeof item === "string";
  if (!ok) throw invalid(`${name} must be an array of strings`);
  return value;
}

/**
 * A string list as the wasm exports take it: JSON text. One string crosses into wasm instead of
 * an array, whose wasm-bindgen conversion is WebAssembly bytes of its own (issue 6's size
 * budget); `undefined` stays `undefined`.
 */
export function listArg(list) {
  return list === undefined ? undefined : JSON.stringify(list.map(wellFormed));
}

/**
 * Lone surrogates as U+FFFD, as wasm-bindgen's copy of a string argument (`TextEncoder`) writes
 * them: `JSON.stringify` would escape one as `\ud800`, a string RFC 8259 §8.2 leaves
 * unpredictable and core's parser refuses.
 */
function wellFormed(s) {
  return s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, (m) => (m.length > 1 ? m : "\uFFFD"));
}

/** An optional string argument: `undefined` or `null` is absent. */
export function optionalStr(value, name) {
  return value == null ? undefined : str(value, name);
}

/** An option; `undefined` when the bag or the option is `undefined` or `null`. */
function option(bag, key) {
  return bag?.[key] ?? undefined;
}

/** A string option; present but not a string is refused. */
export function stringOption(bag, key) {
  const value = option(bag, key);
  if (value !== undefined && typeof value !== "string") throw invalid(`option ${key} must be a string`);
  return value;
}

/** A required string option. */
export function required(bag, key) {
  const value = stringOption(bag, key);
  if (value === undefined) throw invalid(`option ${key} is required`);
  return value;
}

/** A finite, non-negative number option; anything else present is refused. */
export function numberOption(bag, key) {
  const value = option(bag, key);
  if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
    throw invalid(`option ${key} must be a non-negative number`);
  }
  return value;
}

/** A boolean option (absent is false); present but not a boolean is refused. */
export function boolOption(bag, key) {
  const value = option(bag, key);
  if (value !== undefined && typeof value !== "boolean") throw invalid(`option ${key} must be a boolean`);
  return value ?? false;
}

/** A string-array option: an array of strings, or one string as a one-element array; absent is
 * empty. `split` reads a string as a space-delimited list instead (`scope`, RFC 6749 §3.3). */
export function stringsOption(bag, key, split = false) {
  const value = option(bag, key);
  if (value === undefined) return [];
  if (typeof value === "string") return split ? value.split(" ").filter((s) => s !== "") : [value];
  return Array.from(strs(value, `option ${key}`));
}

/** The `fetch` option, else `globalThis.fetch` (read now, as the option would be). */
export function fetchOption(bag) {
  const fetchImpl = option(bag, "fetch") ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") throw invalid("option fetch must be a function (no global fetch found)");
  return fetchImpl;
}

/** Gives `cls` the `[Symbol.dispose]` alias of `free` where the runtime has the symbol. */
export function disposable(cls) {
  if (typeof Symbol.dispose === "symbol") cls.prototype[Symbol.dispose] = cls.prototype.free;
}
