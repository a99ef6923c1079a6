// Declarations of jwks.js (assembled into tokensmith.d.ts by wasm/bundle.mjs).
