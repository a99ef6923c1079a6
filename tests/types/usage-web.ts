// The web build (every package.json `exports` condition but `node`): initialised by the caller,
// then the same API as the Node entry. Type-checked only (`just test-types`), never run.
import init, { initSync, TokenClient, type InitInput, type InitOutput } from "tokensmith/web";
import * as node from "tokensmith";

export async function start(bytes: Uint8Array, module: WebAssembly.Module): Promise<node.Token> {
  const output: InitOutput = await init({ module_or_path: new URL("tokensmith_bg.wasm", import.meta.url) });
  await init({ module_or_path: fetch("/assets/tokensmith_bg.wasm") });
  await init();
  const input: InitInput = bytes;
  initSync({ module: input });
  initSync({ module });
  void output.memory;
  // One declaration behind both entries: a web TokenClient is the Node entry's TokenClient.
  const client: node.TokenClient = new TokenClient({ tokenUrl: "https://as.example/token", clientId: "spa", auth: "none" });
  const web: TokenClient = client;
  void web;
  return client.token();
}

// @ts-expect-error the Node entry initialises itself: it has no default (init) export
void node.default;
