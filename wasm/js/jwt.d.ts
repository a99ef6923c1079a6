// Declarations of jwt.js (assembled into tokensmith.d.ts by wasm/bundle.mjs).
