"""`just demo`'s script (scripts/demo.sh) runs end to end: it starts the dev server, gets a token
with the CLI by client credentials and prints it as JSON and as a shortened Authorization header,
with the client secret nowhere in what the CLI printed. DEMO_ONESHOT=1 stops it after the
example and DEMO_PORT=0 takes an ephemeral port; the recipe's build steps (wasm package,
wheel) are the ones `just test` has already run."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def test_demo_script_gets_a_token() -> None:
    result = subprocess.run(
        ["bash", str(REPO / "scripts/demo.sh")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DEMO_ONESHOT": "1", "DEMO_PORT": "0"},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    url = out.splitlines()[0]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), url

    # The CLI's JSON: the first `{` at the start of a line up to the matching closing line.
    start = out.index("\n{\n") + 1
    end = out.index("\n}\n", start) + 2
    token = json.loads(out[start:end])
    assert token["token_type"] == "Bearer"
    assert token["scope"] == ["ingr.api"]
    assert token["access_token"].count(".") == 2  # the dev server issues JWT access tokens
    assert 0 < token["expires_in"] <= 3600

    # The header form shows the first 8 characters of the same token, then an ellipsis.
    header = re.search(r"^Bearer (\S+)…$", out, re.M)
    assert header is not None, out
    assert token["access_token"].startswith(header.group(1))
    assert f"open {url}/" in out

    # The server's banner lists the demo credentials on purpose; what the CLI printed after it
    # must not show the secret.
    cli_part = out[out.index("== client credentials") :]
    assert "TOKENSMITH_CLIENT_SECRET=…" in cli_part
    assert "demo-secret" not in cli_part
