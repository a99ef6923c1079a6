// Declarations of client.js (assembled into tokensmith.d.ts by wasm/bundle.mjs).
