// Builds wasm/pkg/web/tokensmith.js and tokensmith.d.ts from wasm-bindgen's output (the glue,
// in a staging directory) and the package's own modules in wasm/js/ (the I/O and the classes
// that drive core's sans-IO steps with Promises). Run by wasm/build.sh:
//   node wasm/bundle.mjs <staging dir> <out dir>
// One ES module comes out: esbuild bundles wasm/js/index.js, resolving `#native` to the glue and
// the glue's snippet copies of wasm/js files back to the files themselves, so the error classes
// exist once and `instanceof` holds across the Rust and JS halves. Minified, with the public
// classes' names kept (see below).
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [stage, out] = process.argv.slice(2).map((p) => resolve(p));
const js = join(dirname(fileURLToPath(import.meta.url)), "js");

const resolveNative = {
  name: "tokensmith-native",
  setup(b) {
    b.onResolve({ filter: /^#native$/ }, () => ({ path: join(stage, "tokensmith.js") }));
    b.onResolve({ filter: /\/snippets\/[^/]+\/js\/[^/]+$/ }, (args) => ({
      path: join(js, args.path.replace(/^.*\/js\//, "")),
    }));
  },
};

await build({
  entryPoints: [join(js, "index.js")],
  bundle: true,
  format: "esm",
  platform: "neutral",
  // Whitespace, syntax and local identifiers are minified (issue 6's size budget; identifiers
  // alone are 1.5 KB of the gzipped bundle). Public names survive: exports keep theirs, and
  // the classes are named explicitly (errors.js `nameClasses`).
  minify: true,
  outfile: join(out, "tokensmith.js"),
  plugins: [resolveNative],
  logLevel: "warning",
});

// Declarations: the error classes, wasm-bindgen's (the Rust exports and their custom sections;
// internal classes are `skip_typescript`), then the hand-written ones of the JS modules.
const glue = readFileSync(join(stage, "tokensmith.d.ts"), "utf8");
const declared = readFileSync(join(js, "errors.d.ts"), "utf8");
let text = glue;
for (const [, name] of declared.matchAll(/^export class (\w+)/gm)) {
  const line = new RegExp(`^export let ${name}: unknown;\\n`, "m");
  if (!line.test(text)) throw new Error(`bundle.mjs: the glue has no re-export of ${name}`);
  text = text.replace(line, "");
}
const modules = ["client", "jwt", "jwks", "vendor"].map((m) => readFileSync(join(js, `${m}.d.ts`), "utf8"));
// wasm-bindgen declares `[Symbol.dispose]()` on every class. Projects whose `lib` predates
// `esnext.disposable` (es2022, say) lack `SymbolConstructor.dispose`; declaring it as the
// TypeScript lib does keeps the file valid there, and merges with the lib declaration where it
// exists.
const disposable = `
declare global {
    interface SymbolConstructor {
        readonly dispose: unique symbol;
    }
}
`;
writeFileSync(join(out, "tokensmith.d.ts"), [declared, text, ...modules, disposable].join("\n"));
