// The package's entry for Node (package.json `exports`, `node` condition): the web build of
// ../web/ initialised synchronously from the same .wasm file, so Node users need no init call and
// the package ships the .wasm once. An ES module without top-level await, so Node >= 20.19 can
// also require() it.
import { readFileSync } from "node:fs";
import { initSync } from "../web/tokensmith.js";

initSync({ module: readFileSync(new URL("../web/tokensmith_bg.wasm", import.meta.url)) });

export * from "../web/tokensmith.js";
