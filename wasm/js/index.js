// The package's entry (web build; wasm/js/node-entry.js re-exports it for Node, initialised).
// Rust exports come from `#native` (wasm-bindgen's glue, see wasm/bundle.mjs); the classes that
// drive core's steps over fetch and WebCrypto are the modules beside this file.
export { default, initSync, Token, parseTokenResponse, redactRequest } from "#native";
export {
  basicAuthorization,
  spaceAuthKey,
  decodeJwt,
  generatePat,
  patHash,
  patVerify,
  patChecksumOk,
  patHint,
  patParse,
  keycloakTokenUrl,
} from "./functions.js";
export { TokenError, OAuthError, ResponseError, TransportError, JwtError, PatError, InputError, CacheError } from "./errors.js";
export { TokenClient } from "./client.js";
export { verifyJwt } from "./jwt.js";
export { RemoteJwks } from "./jwks.js";
export { TechnicalTokenManager, KeycloakClient, SdxClient } from "./vendor.js";

// The public classes keep their names in the minified bundle (stack traces, `constructor.name`).
import { Token } from "#native";
import { nameClasses } from "./errors.js";
import { TokenClient } from "./client.js";
import { RemoteJwks } from "./jwks.js";
import { TechnicalTokenManager, KeycloakClient, SdxClient } from "./vendor.js";
nameClasses({ Token, TokenClient, RemoteJwks, TechnicalTokenManager, KeycloakClient, SdxClient });
