// Node entry: the same API as the web build, already initialised (no default `init` export).
export * from "../web/tokensmith.js";
