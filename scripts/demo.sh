#!/usr/bin/env bash
# `just demo`: start the local token server (demo configuration, 127.0.0.1 only) with the pages and
# the npm package, get a token from it with the Python CLI, then keep serving until Ctrl-C.
# DEMO_PORT picks the port (default 8787); DEMO_ONESHOT=1 stops after the example (for checks).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

port="${DEMO_PORT:-8787}"
cargo build --quiet -p tokensmith-devserver
log="$(mktemp)"
target/debug/tokensmith-devserver --port "$port" --www www --pkg wasm/pkg >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT INT TERM

# The server prints its URL as the first line of stdout once it listens.
for _ in $(seq 1 100); do
  url="$(head -n 1 "$log" 2>/dev/null || true)"
  [[ "$url" == http://* ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[[ "$url" == http://* ]] || { echo "demo: the server did not start" >&2; cat "$log" >&2; exit 1; }
cat "$log"

echo
echo "== client credentials with the demo client (secret from the environment, never argv):"
echo "   TOKENSMITH_CLIENT_SECRET=… tokensmith token $url/oauth/token demo-client --scope ingr.api"
TOKENSMITH_CLIENT_SECRET=demo-secret .venv/bin/tokensmith token "$url/oauth/token" demo-client --scope ingr.api
echo
echo "== the same as an Authorization header:"
TOKENSMITH_CLIENT_SECRET=demo-secret .venv/bin/tokensmith token "$url/v1/token" demo-client --scope ingr.api --header \
  | sed -E 's/(Bearer [A-Za-z0-9_-]{8})[^ ]*/\1…/'
echo
echo "== token pages (generate, copy, inspect, revoke; docs/pages.md): open $url/"
echo
if [[ "${DEMO_ONESHOT:-0}" == 1 ]]; then
  exit 0
fi
echo "Serving $url (pages under /, the npm package under /pkg/). Ctrl-C stops."
wait "$server"
