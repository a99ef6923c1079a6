#!/usr/bin/env bash
# Builds the npm package `tokensmith` into wasm/pkg/:
#   wasm/pkg/web/   wasm-bindgen --target web (ES module; call the default export `init()` first)
#                   and the one .wasm of the package
#   wasm/pkg/node/  wasm/js/node-entry.js: re-exports web/ after `initSync` from the same .wasm
#                   (ES module; Node >= 20.19 also require()s it)
#   wasm/pkg/package.json  from wasm/package.template.json (conditional exports: node → node/,
#                          browser/import/default → web/)
# The .wasm is shrunk with wasm-opt -Oz from the npm package `binaryen` (node_modules):
# Debian's wasm-opt 108 produces modules that fail to load (WebAssembly.Table.set error).
# Prerequisites (`just setup`): the wasm32 target, wasm-bindgen-cli matching Cargo.lock, `npm ci`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

pkg="wasm/pkg"
wasm_opt="node_modules/.bin/wasm-opt"
if [[ ! -x "$wasm_opt" ]]; then
  echo "build.sh: $wasm_opt is missing; run \`just setup\` (npm ci)" >&2
  exit 1
fi

cargo build --target wasm32-unknown-unknown --profile wasm-release -p tokensmith-wasm

# Honour CARGO_TARGET_DIR / .cargo/config.toml: ask cargo where the target dir is.
target_dir="$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
crate_version="$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).packages.find(p=>p.name==="tokensmith-wasm").version))')"
input="$target_dir/wasm32-unknown-unknown/wasm-release/tokensmith_wasm.wasm"

# The WebAssembly features rustc enables by default for wasm32-unknown-unknown (since Rust 1.82:
# bulk memory, mutable globals, multi-value, non-trapping float-to-int, reference types, sign
# extension). wasm-opt must accept exactly these; --all-features would let it emit instructions
# engines may lack.
wasm_features=(
  --enable-bulk-memory --enable-bulk-memory-opt --enable-mutable-globals --enable-multivalue
  --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext
)

rm -rf "$pkg"
# wasm-bindgen's glue goes to a staging directory; wasm/bundle.mjs bundles it with the package's
# JS modules (wasm/js/index.js and what it imports) into one ES module, web/tokensmith.js.
stage="$target_dir/wasm-glue"
rm -rf "$stage"
wasm-bindgen --target web --out-dir "$stage" --out-name tokensmith "$input"
mkdir -p "$pkg/web"
# -Oz: optimise for size, the package's budget is its gzipped size. --strip-debug also drops
# the `name` section (function names) that the `strip = "debuginfo"` profile keeps.
"$wasm_opt" -Oz --strip-debug --strip-producers "${wasm_features[@]}" "$stage/tokensmith_bg.wasm" -o "$pkg/web/tokensmith_bg.wasm"
# One .wasm for every runtime: the web build (ES module; `init()` / `initSync()`), and for Node a
# small entry (wasm/js/node-entry.js) that initialises it synchronously from the same file.
node wasm/bundle.mjs "$stage" "$pkg/web"
# Tell Node and bundlers how to read the .js files.
printf '{\n  "type": "module"\n}\n' > "$pkg/web/package.json"
# The Node entry: an ES module (require()-able from Node 20.19 on) over ../web/.
mkdir -p "$pkg/node"
cp wasm/js/node-entry.js "$pkg/node/tokensmith.js"
cp wasm/js/node-entry.d.ts "$pkg/node/tokensmith.d.ts"
printf '{\n  "type": "module"\n}\n' > "$pkg/node/package.json"

node -e '
const fs = require("fs");
const [template, out, version] = process.argv.slice(1);
const manifest = JSON.parse(fs.readFileSync(template, "utf8"));
manifest.version = version;
fs.writeFileSync(out, JSON.stringify(manifest, null, 2) + "\n");
' wasm/package.template.json "$pkg/package.json" "$crate_version"

cp wasm/README.md "$pkg/README.md"

gzip_size() { gzip -9 -c "$@" | wc -c; }
wasm_file="$pkg/web/tokensmith_bg.wasm"
echo "tokensmith $crate_version: wasm $(wc -c < "$wasm_file") bytes, gzip -9 $(gzip_size "$wasm_file") bytes;" \
  "per runtime (wasm + web glue) gzip -9 $(cat "$wasm_file" "$pkg/web/tokensmith.js" | gzip -9 | wc -c) bytes"
# The budget (issue 6): every file of the package, each compressed on its own (how a CDN or
# server sends them), summed; and the `npm pack` tarball for comparison.
whole=0
while IFS= read -r -d '' file; do whole=$((whole + $(gzip_size "$file"))); done < <(find "$pkg" -type f -print0)
echo "tokensmith $crate_version: whole package, sum of gzip -9 of each file: $whole bytes" \
  "(budget 61440); tar | gzip -9: $(tar -C "$pkg" -cf - . | gzip -9 | wc -c) bytes"
