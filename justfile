# tokensmith: one Rust core, shipped as a Rust crate, an npm package (WebAssembly) and a Python module.
# `just test` installs what it needs (each step skipped when already done), then runs every suite.

set shell := ["bash", "-euo", "pipefail", "-c"]
# Comment lines inside recipes are notes for readers, not commands to echo.
set ignore-comments := true

# Tools installed by `cargo install` land here; make them visible to every recipe.
export PATH := env("CARGO_HOME", env("HOME") + "/.cargo") + "/bin:" + env("PATH")

wasm_target := "wasm32-unknown-unknown"
venv := ".venv"

# List the recipes.
default:
    @just --list

# ---------------------------------------------------------------------------------------------
# Setup: every step is idempotent and fast when already done.

# Install everything the build and the tests need.
setup: setup-wasm-target setup-wasm-bindgen setup-node setup-python setup-chromium

# The Rust standard library for WebAssembly.
setup-wasm-target:
    #!/usr/bin/env bash
    set -euo pipefail
    if rustup target list --installed | grep -qx "{{wasm_target}}"; then
      echo "setup: {{wasm_target}} target present"
    else
      rustup target add "{{wasm_target}}"
    fi

# wasm-bindgen-cli (wasm-bindgen, wasm-bindgen-test-runner) at exactly the version in Cargo.lock.
setup-wasm-bindgen:
    #!/usr/bin/env bash
    set -euo pipefail
    # The CLI refuses modules made by another version of the wasm-bindgen crate.
    want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
    if [[ -z "$want" ]]; then echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; fi
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
    runner="$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)"
    if [[ "$have" == "$want" && "$runner" == "$want" ]]; then
      echo "setup: wasm-bindgen-cli $want present"
    else
      # No --locked: the CLI's own lock file names a dependency version the registry lacks.
      cargo install wasm-bindgen-cli --version "$want"
    fi

# npm devDependencies (binaryen's wasm-opt, playwright-core) from the committed lock file.
setup-node:
    #!/usr/bin/env bash
    set -euo pipefail
    stamp=node_modules/.tokensmith-lock.sha256
    want="$(sha256sum package-lock.json | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
      echo "setup: node_modules matches package-lock.json"
    else
      npm ci --no-audit --no-fund
      echo "$want" > "$stamp"
    fi

# The project venv with maturin, pytest, ruff and mypy (python/requirements-dev.txt).
setup-python:
    #!/usr/bin/env bash
    set -euo pipefail
    stamp="{{venv}}/.tokensmith-requirements.sha256"
    want="$(sha256sum python/requirements-dev.txt | cut -d' ' -f1)"
    if [[ -x "{{venv}}/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
      echo "setup: {{venv}} up to date"
    else
      [[ -x "{{venv}}/bin/python" ]] || python3 -m venv "{{venv}}"
      "{{venv}}/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements-dev.txt
      echo "$want" > "$stamp"
    fi

# Debian's Chromium and ChromeDriver, for the wasm tests in a browser.
setup-chromium:
    #!/usr/bin/env bash
    set -euo pipefail
    if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
      echo "setup: chromium and chromedriver present"
    else
      sudo=""; [[ "$(id -u)" == 0 ]] || sudo="sudo"
      $sudo apt-get update
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium chromium-driver
    fi

# ---------------------------------------------------------------------------------------------
# Build

# The npm package into wasm/pkg/ (one web-target .wasm, wasm-opt -Oz, a Node entry over it); prints the sizes, whole package included.
build-wasm: setup-wasm-target setup-wasm-bindgen setup-node
    bash wasm/build.sh

# The Python wheel (maturin, abi3), installed into the project venv.
build-py: setup-python
    #!/usr/bin/env bash
    set -euo pipefail
    rm -rf target/wheels
    "{{venv}}/bin/maturin" build --release --manifest-path python/Cargo.toml \
      --interpreter "{{venv}}/bin/python" --out target/wheels
    "{{venv}}/bin/python" -m pip install --quiet --disable-pip-version-check \
      --force-reinstall --no-deps target/wheels/tokensmith-*.whl

# ---------------------------------------------------------------------------------------------
# Tests

# Every suite: Rust, wasm in Node and Chromium, the Node suite, pytest.
test: setup test-rust test-wasm-node test-wasm-browser test-node test-types test-py test-e2e

# Rust unit, integration and vector tests of the workspace.
test-rust:
    # tokensmith-wasm runs on wasm32 (test-wasm-*); tokensmith-py has no Rust tests (test = false:
    # a PyO3 test binary would need libpython at run time) and is tested through pytest.
    cargo test --workspace --exclude tokensmith-wasm

# wasm-bindgen-test suites of tokensmith-wasm in Node.
test-wasm-node: setup-wasm-target setup-wasm-bindgen
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
      cargo test -p tokensmith-wasm --target {{wasm_target}}

# The same wasm-bindgen-test suites in headless Chromium, with a fresh profile each run.
test-wasm-browser: setup-wasm-target setup-wasm-bindgen setup-chromium
    #!/usr/bin/env bash
    set -euo pipefail
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    # wasm/webdriver.json holds the Chromium flags; add a --user-data-dir nobody has used.
    node -e '
      const fs = require("fs");
      const [src, profile, out] = process.argv.slice(1);
      const caps = JSON.parse(fs.readFileSync(src, "utf8"));
      caps["goog:chromeOptions"].args.push(`--user-data-dir=${profile}`);
      fs.writeFileSync(out, JSON.stringify(caps));
    ' wasm/webdriver.json "$tmp/profile" "$tmp/webdriver.json"
    WASM_BINDGEN_USE_BROWSER=1 \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$tmp/webdriver.json" \
    CHROMEDRIVER=/usr/bin/chromedriver \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
      cargo test -p tokensmith-wasm --target {{wasm_target}}

# The Node suite against the built npm package (its web build also in Chromium via playwright-core).
test-node: build-wasm setup-chromium
    node --test tests/node/

# The browser token pages (www/) in Chromium against the dev server; screenshots in target/e2e-screenshots/.
test-e2e: build-wasm setup-chromium
    # The dev server is built once here; each test file starts that binary on its own port.
    cargo build --quiet -p tokensmith-devserver
    TOKENSMITH_DEVSERVER=target/debug/tokensmith-devserver node --test tests/e2e/

# tests/types: the whole API, wrong usage refused (@ts-expect-error), a project on lib es2022, and
# the package resolved through its package.json `exports` as Node and bundlers resolve it
# (node_modules/tokensmith -> wasm/pkg).
# Type-check the npm package's .d.ts files as a strict TypeScript project uses them.
test-types: build-wasm
    npx --no-install tsc -p tests/types
    npx --no-install tsc -p tests/types/tsconfig.es2022.json
    mkdir -p tests/types/node_modules
    ln -sfn ../../../wasm/pkg tests/types/node_modules/tokensmith
    npx --no-install tsc -p tests/types/tsconfig.exports-node.json
    npx --no-install tsc -p tests/types/tsconfig.exports-bundler.json

# pytest against the installed wheel.
test-py: build-py
    "{{venv}}/bin/pytest" tests/python -q

# ---------------------------------------------------------------------------------------------
# Lint and benchmarks

# rustfmt, clippy -D warnings (native and wasm32), ruff, mypy.
lint: setup-wasm-target setup-python
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    # Core as the npm package builds it (no native-crypto), linted together with tokensmith-wasm,
    # which enables getrandom's `wasm_js` backend; core's dev-dependencies are native-only.
    cargo clippy -p tokensmith -p tokensmith-wasm --target {{wasm_target}} --no-default-features -- -D warnings
    cargo clippy -p tokensmith-wasm --target {{wasm_target}} --all-targets -- -D warnings
    "{{venv}}/bin/ruff" check python tests/python bench/python
    "{{venv}}/bin/ruff" format --check python tests/python bench/python
    "{{venv}}/bin/mypy" --strict python/tokensmith tests/python

# Criterion benchmarks of the core.
bench:
    cargo bench -p tokensmith

# Python benchmarks side by side with msal, authlib, google-auth, PyJWT, joserfc and `secrets`
# (bench/python/requirements.txt, installed into the venv only here); prints a Markdown table.
bench-py: build-py
    "{{venv}}/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
    "{{venv}}/bin/python" bench/python/bench.py

# Bundle size with esbuild + gzip -9, JWT verify vs jose, cached-token call cost, stampede counts
# (tinybench, no network); prints Markdown tables for docs/benchmarks.md.
# npm package benchmarks side by side with oauth4webapi, jose, openid-client and msal-browser.
bench-js: build-wasm
    node bench/js/bench.mjs

# Not part of `test`. FUZZ_TARGETS="a b" picks targets; crashes land in fuzz/artifacts/<target>/,
# the grown corpus in fuzz/target/corpus/ (only the seeds in fuzz/corpus/ are committed).
# Every cargo-fuzz target of fuzz/, one at a time, FUZZ_SECONDS (60) or FUZZ_RUNS each; prints executions.
fuzz:
    #!/usr/bin/env bash
    set -euo pipefail
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
    cd fuzz
    # cargo-fuzz passes nightly-only rustc flags (-Zsanitizer, -Cpasses); the stable toolchain
    # accepts them with RUSTC_BOOTSTRAP=1.
    export RUSTC_BOOTSTRAP=1
    # No sanitizer by default: core forbids unsafe code and a panic is the finding, so ASan would
    # only slow the search 2-3x. FUZZ_SANITIZER=address turns it on.
    san="${FUZZ_SANITIZER:-none}"
    cargo fuzz build -O -s "$san"
    limits=(-max_total_time="${FUZZ_SECONDS:-60}" -print_final_stats=1)
    [[ -n "${FUZZ_RUNS:-}" ]] && limits+=(-runs="$FUZZ_RUNS")
    failed=0
    for target in ${FUZZ_TARGETS:-$(cargo fuzz list)}; do
      mkdir -p "target/corpus/$target"
      log="target/fuzz-$target.log"
      # One process (libFuzzer's default): the machine is shared.
      if cargo fuzz run -O -s "$san" "$target" "target/corpus/$target" "corpus/$target" -- "${limits[@]}" >"$log" 2>&1; then
        result=ok
      elif grep -q "Test unit written" "$log"; then
        result="CRASH (input in fuzz/artifacts/$target/, see fuzz/$log)"; failed=1
      else
        result="FAILED (see fuzz/$log)"; failed=1
      fi
      execs="$(awk -F': ' '/stat::number_of_executed_units/ { gsub(/ /, "", $2); print $2 }' "$log")"
      rate="$(awk -F': ' '/stat::average_exec_per_sec/ { gsub(/ /, "", $2); print $2 }' "$log")"
      printf '%-18s %12s executions %8s exec/s  %s\n' "$target" "${execs:-?}" "${rate:-?}" "$result"
    done
    exit "$failed"

# Not part of `test`. Three bounded runs (each about a minute; SOAK_* variables scale them, see
# bench/soak/README.md) with 1-second tokens: the core engine (64 threads x 100,000 calls over
# TokenCache), Python (64 threads x 100,000 calls) and Node (10,000 concurrent calls, then
# sustained rounds) against the dev server. Prints requests per key per lifetime, errors,
# latency percentiles and RSS.
# Soak the cache in all three runtimes (requests per key per lifetime, errors, latency, memory).
soak: build-py build-wasm
    cargo build --quiet -p tokensmith-devserver
    cargo run --release --quiet -p tokensmith --example soak
    "{{venv}}/bin/python" bench/soak/soak.py
    node --expose-gc bench/soak/soak.mjs

# ---------------------------------------------------------------------------------------------
# Demo

# Build everything, start the local token server with the pages, get a token from it with the CLI,
# and keep serving until Ctrl-C (DEMO_PORT=8787 by default).
demo: build-wasm build-py
    bash scripts/demo.sh
