// A bundler (or a browser import map) through the package's `exports`: the web build, whose
// default export initialises the .wasm.
import init, { initSync, TokenClient, type Token } from "tokensmith";

export async function main(bytes: Uint8Array): Promise<Token> {
  await init();
  initSync({ module: bytes });
  return new TokenClient({ tokenUrl: "https://as.example/token", clientId: "spa", auth: "none" }).token();
}
