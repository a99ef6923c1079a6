// The package's plain functions (Rust exports of wasm/src), with their string arguments checked
// first: wasm-bindgen copies a string argument into wasm memory and throws the engine's own
// TypeError for anything else, which is not a `TokenError` and has no stable `code`. Conversions
// only; each function's rule is in Rust and core.
import * as native from "#native";
import { optionalStr, str } from "./options.js";

export function basicAuthorization(clientId, clientSecret, encoding) {
  return native.basicAuthorization(str(clientId, "clientId"), str(clientSecret, "clientSecret"), optionalStr(encoding, "encoding"));
}

export function spaceAuthKey(clientId, clientSecret) {
  return native.spaceAuthKey(str(clientId, "clientId"), str(clientSecret, "clientSecret"));
}

export function decodeJwt(token) {
  return native.decodeJwt(str(token, "token"));
}

export function generatePat(prefix) {
  return native.generatePat(str(prefix, "prefix"));
}

export function patHash(token, pepper) {
  return native.patHash(str(token, "token"), pepper);
}

export function patVerify(token, storedHash, pepper) {
  return native.patVerify(str(token, "token"), str(storedHash, "storedHash"), pepper);
}

export function patChecksumOk(token) {
  return native.patChecksumOk(str(token, "token"));
}

export function patHint(token) {
  return native.patHint(str(token, "token"));
}

export function patParse(token, expectedPrefix) {
  return native.patParse(str(token, "token"), optionalStr(expectedPrefix, "expectedPrefix"));
}

export function keycloakTokenUrl(base, realm) {
  return native.keycloakTokenUrl(str(base, "base"), str(realm, "realm"));
}
