// Loads the web build of the npm package (served by the dev server at /pkg/ from wasm/pkg) once,
// and initialises its WebAssembly module. Every page gets the package through here.

/** Where the web build's entry module lives (the dev server serves wasm/pkg at /pkg/). */
export const PACKAGE_URL = "/pkg/web/tokensmith.js";

let loading = null;

/** The initialised package module (TokenClient, decodeJwt, …). Rejects when it cannot load. */
export function loadTokensmith() {
  if (!loading) {
    loading = import(PACKAGE_URL).then(async (lib) => {
      await lib.default();
      return lib;
    });
  }
  return loading;
}
