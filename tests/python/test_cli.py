"""The tokensmith command, run as `python -m tokensmith` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import CLIENT_ID, CLIENT_SECRET, USER, USER_PASSWORD, load_vectors
from token_server import TokenServer

import tokensmith


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TOKENSMITH_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tokensmith", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def test_token_with_the_secret_from_the_environment(token_server: TokenServer) -> None:
    result = run(
        "token",
        token_server.url,
        CLIENT_ID,
        "--scope",
        "read",
        env={"TOKENSMITH_CLIENT_SECRET": CLIENT_SECRET},
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["access_token"].startswith("at-1-")
    assert doc["scope"] == ["read"]
    assert doc["token_type"] == "Bearer"


def test_password_grant_with_secrets_on_stdin_and_header_output(
    token_server: TokenServer,
) -> None:
    result = run(
        "token",
        token_server.url,
        CLIENT_ID,
        "--username",
        USER,
        "--client-secret-stdin",
        "--password-stdin",
        "--header",
        stdin=f"{CLIENT_SECRET}\n{USER_PASSWORD}\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Bearer at-1-")
    assert token_server.requests[0]["form"]["grant_type"] == "password"


def test_errors_and_usage(token_server: TokenServer) -> None:
    missing = run("token", token_server.url, CLIENT_ID)
    assert missing.returncode == 2
    assert "TOKENSMITH_CLIENT_SECRET" in missing.stderr
    wrong = run(
        "token", token_server.url, CLIENT_ID, env={"TOKENSMITH_CLIENT_SECRET": "wrong-XYZ-secret"}
    )
    assert wrong.returncode == 1
    assert json.loads(wrong.stderr)["error"] == "invalid_client"
    assert "wrong-XYZ-secret" not in wrong.stderr + wrong.stdout


def test_basic_and_space_auth_key() -> None:
    case = next(c for c in load_vectors("encoding")["basic"] if "expected" in c)
    env = {"TOKENSMITH_CLIENT_SECRET": case["client_secret"]}
    args = ["basic", case["client_id"]] + (["--raw"] if case["encoding"] == "raw" else [])
    result = run(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == case["expected"]
    key = run("space-auth-key", "svc", env={"TOKENSMITH_CLIENT_SECRET": "s"})
    assert key.stdout.strip() == tokensmith.space_auth_key("svc", "s")


def test_decode_reads_the_token_from_stdin() -> None:
    case = next(c for c in load_vectors("jwt")["cases"] if c["expect"].get("ok"))
    result = run("decode", stdin=case["token"] + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == tokensmith.decode_jwt(case["token"])
    bad = run("decode", stdin="not-a-jwt\n")
    assert bad.returncode == 1
    assert json.loads(bad.stderr)["error"] == "jwt_malformed"


def test_pat_new_and_check() -> None:
    new = run("pat", "new", "tsm")
    assert new.returncode == 0, new.stderr
    doc = json.loads(new.stdout)
    assert tokensmith.pat_hash(doc["token"]) == doc["sha256"]
    ok = run("pat", "check", "--prefix", "tsm", stdin=doc["token"] + "\n")
    assert ok.returncode == 0
    assert json.loads(ok.stdout) == {"valid": True, "prefix": "tsm"}
    bad = run("pat", "check", stdin=doc["token"][:-1] + "\n")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["valid"] is False
