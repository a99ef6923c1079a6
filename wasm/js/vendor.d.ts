// Declarations of vendor.js (assembled into tokensmith.d.ts by wasm/bundle.mjs).
