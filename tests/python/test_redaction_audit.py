"""Redaction audit (issue 9): known secrets go through every public object and every error path
of the Python package, against the real dev server, and no text the package produces may show
them: ``repr``/``str`` of every public object, ``str``/``repr``/``args``/attributes and the
formatted traceback (``traceback.format_exc()``) of every exception, every log record at DEBUG,
and the CLI's stdout and stderr.

``test_redaction.py`` covers the basic token/password/refresh paths against the Python test
server; this audit adds the vendor clients, async twins, JWT/PAT/cache/transport/input errors,
credentials in URLs, server echoes, and the CLI."""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from devserver import REPO, DevServer, serve

import tokensmith

CLIENT_ID = "audit-client"
CLIENT_SECRET = "cs-PyAuditClientSecret5k: +%/é"
USER = "audit-user"
PASSWORD = "pw-PyAuditUserPassword8r with spaces"
#: Secrets the audit makes up itself (wrong credentials, credentials in URLs, keys).
URL_PASSWORD = "up-PyAuditUrlPassword3v"
URL_QUERY_SECRET = "uq-PyAuditUrlQuerySecret6t"
WRONG_SECRET = "ws-PyAuditWrongSecret2n"
WRONG_PASSWORD = "wp-PyAuditWrongPassword4h"
UNKNOWN_REFRESH = "ur-PyAuditUnknownRefresh9c"
HMAC_KEY = "hk-PyAuditJwtHmacKey7x4Wz2Qv8Lp"
ECHOED = "ec-PyAuditEchoedToken3m8Nq5Rw1Kt"
HOST = "audithost"

CONFIG = f"""
realms = ["demo"]

[pat]
database = ":memory:"
prefix = "tsm"

[[clients]]
id = "{CLIENT_ID}"
secret = "{CLIENT_SECRET}"
auth = "form-basic"

[[users]]
username = "{USER}"
password = "{PASSWORD}"

[tenants]
host = "{HOST}"
users = ["tenant-a"]
generate = 0
"""


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    yield from serve(CONFIG)


class Audit:
    """Texts produced by the package, and the secrets none of them may contain."""

    def __init__(self) -> None:
        self.secrets: list[str] = [
            CLIENT_SECRET,
            PASSWORD,
            URL_PASSWORD,
            URL_QUERY_SECRET,
            WRONG_SECRET,
            WRONG_PASSWORD,
            UNKNOWN_REFRESH,
            HMAC_KEY,
            ECHOED,
        ]
        self.texts: list[tuple[str, str]] = []
        self.errors = 0

    def secret(self, value: str | None) -> None:
        if value:
            self.secrets.append(value)

    def obj(self, what: str, value: object) -> None:
        self.texts.append((f"repr({what})", repr(value)))
        self.texts.append((f"str({what})", str(value)))

    def fails(self, what: str, call: Callable[[], object]) -> BaseException:
        """Runs `call`, which must raise a TokenError; records everything the error shows."""
        try:
            call()
        except tokensmith.TokenError as exc:
            self.errors += 1
            self.texts.append((f"{what}: traceback", traceback.format_exc()))
            self.texts.append((f"{what}: str", str(exc)))
            self.texts.append((f"{what}: repr", repr(exc)))
            self.texts.append((f"{what}: args", repr(exc.args)))
            self.texts.append((f"{what}: attributes", repr(vars(exc))))
            self.texts.append(
                (f"{what}: format_exception", "".join(traceback.format_exception(exc)))
            )
            return exc
        raise AssertionError(f"{what} did not fail")

    def check(self) -> None:
        leaks = [
            f"{what} shows {secret!r}: {text[:300]}"
            for what, text in self.texts
            for secret in self.secrets
            if len(secret) >= 8 and secret in text
        ]
        assert not leaks, "\n".join(leaks)


def _jwks() -> dict[str, Any]:
    k = base64.urlsafe_b64encode(HMAC_KEY.encode()).rstrip(b"=").decode()
    return {"keys": [{"kty": "oct", "k": k, "kid": "audit", "alg": "HS256"}]}


def _echo_transport(status: int, body: str, headers: list[tuple[str, str]]) -> Any:
    def transport(*_: Any) -> tuple[int, list[tuple[str, str]], bytes]:
        return status, headers, body.encode()

    return transport


def test_every_object_error_and_log_record_is_clean(
    server: DevServer, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("tokensmith").setLevel(logging.DEBUG)
    audit = Audit()
    url = server.url
    token_url = f"{url}/oauth/token"

    # Generic client: tokens of each grant, then every object that holds them.
    client = tokensmith.TokenClient(
        token_url, CLIENT_ID, CLIENT_SECRET, revocation_url=f"{url}/oauth/revoke"
    )
    cc = client.token()
    pw = client.password(USER, PASSWORD)
    assert pw.refresh_token is not None
    old_refresh = pw.refresh_token
    rotated = client.refresh(old_refresh)
    for t in (cc, pw, rotated):
        audit.secret(t.access_token)
        audit.secret(t.refresh_token)
        audit.secret(t.id_token)
        audit.obj("Token", t)
        audit.texts.append(("Token.to_dict()", repr(t.to_dict())))
        audit.texts.append(("Token.extra", repr(t.extra)))
    audit.obj("TokenClient", client)
    audit.obj("TokenAuth", client.auth())
    audit.texts.append(("cache_stats", repr(client.cache_stats())))
    audit.obj("AsyncTokenClient", tokensmith.AsyncTokenClient(token_url, CLIENT_ID, CLIENT_SECRET))
    audit.obj("UrllibTransport", tokensmith.UrllibTransport())
    audit.obj("Jwks", tokensmith.Jwks(_jwks()))
    client.revoke(rotated.access_token, "access_token")

    # Failures at the server: wrong secret, wrong password, unknown and replayed refresh tokens.
    audit.fails(
        "wrong client secret",
        lambda: tokensmith.TokenClient(token_url, CLIENT_ID, WRONG_SECRET).token(),
    )
    audit.fails("wrong password", lambda: client.password(USER, WRONG_PASSWORD))
    audit.fails("unknown refresh token", lambda: client.refresh(UNKNOWN_REFRESH))
    # A replayed refresh token: answered from the cache (the rotated token is cached for this
    # refresh token) or refused; either way nothing may show a secret.
    try:
        audit.obj("Token from a replayed refresh token", client.refresh(old_refresh))
    except tokensmith.TokenError:
        audit.texts.append(("replayed refresh token", traceback.format_exc()))

    # Credentials inside the URL: userinfo and a query parameter, with nothing listening.
    for bad_url in (
        f"http://{CLIENT_ID}:{URL_PASSWORD}@127.0.0.1:9/oauth/token",
        f"http://127.0.0.1:9/oauth/token?client_secret={URL_QUERY_SECRET}",
    ):
        c = tokensmith.TokenClient(bad_url, CLIENT_ID, CLIENT_SECRET, timeout=2)
        audit.obj("TokenClient with credentials in its URL", c)
        audit.fails("transport error for a URL with credentials", c.token)

    # A server that echoes secrets in every shape of bad answer.
    echo = f"token {ECHOED} for {CLIENT_SECRET} / {PASSWORD}"
    json_ct = [("Content-Type", "application/json")]
    for status, body, headers in (
        (400, json.dumps({"error": "invalid_grant", "error_description": echo}), json_ct),
        (400, json.dumps({"error": ECHOED}), json_ct),
        (502, f"<html><body>{echo}</body></html>", [("Content-Type", "text/html")]),
        (200, f'{{"access_token":"{ECHOED}","refresh_token":"{ECHOED}",', json_ct),
        (200, json.dumps([ECHOED, CLIENT_SECRET]), json_ct),
        (200, json.dumps({"access_token": f"{ECHOED} x", "token_type": "Bearer"}), json_ct),
        (200, json.dumps({"access_token": ECHOED}), json_ct),
        (
            401,
            "",
            [("WWW-Authenticate", f'Bearer error="invalid_token", error_description="{echo}"')],
        ),
    ):
        c = tokensmith.TokenClient(
            "https://idp.example/token",
            CLIENT_ID,
            CLIENT_SECRET,
            transport=_echo_transport(status, body, headers),
        )
        audit.fails(f"server echo {status} {body[:30]}", c.token)
        audit.fails(
            f"server echo {status} (password grant)", functools.partial(c.password, USER, PASSWORD)
        )

    # A server putting session data in extra members: only their names are shown.
    session = tokensmith.TokenClient(
        "https://idp.example/token",
        CLIENT_ID,
        CLIENT_SECRET,
        transport=_echo_transport(
            200,
            json.dumps({"access_token": "at-x", "token_type": "Bearer", "session_state": ECHOED}),
            json_ct,
        ),
    ).token()
    audit.obj("Token with a secret extra member", session)
    audit.texts.append(("to_dict() of a token with a secret extra member", repr(session.to_dict())))
    assert session.to_dict()["extra_keys"] == ["session_state"]
    assert session.to_dict(include_secrets=True)["extra"] == {"session_state": ECHOED}

    # Input errors built from secrets.
    audit.fails(
        "raw Basic with ':' in the id",
        lambda: tokensmith.basic_authorization("a:b", CLIENT_SECRET, encoding="raw"),
    )
    audit.fails(
        "client_secret_post without a secret",
        lambda: tokensmith.TokenClient(token_url, CLIENT_ID, auth="client_secret_post").token(),
    )

    # JWT: decoding garbage made of secrets, verifying with the wrong key, a broken key set.
    audit.fails("decode_jwt of a non-JWT", lambda: tokensmith.decode_jwt(ECHOED))
    audit.fails(
        "decode_jwt of a broken JWT", lambda: tokensmith.decode_jwt(f"{ECHOED}.{HMAC_KEY}.x")
    )
    audit.fails(
        "verify_jwt with the wrong key",
        lambda: tokensmith.verify_jwt(pw.access_token, _jwks(), algorithms=["HS256"]),
    )
    audit.fails(
        "verify_jwt with a broken key set",
        lambda: tokensmith.verify_jwt(
            pw.access_token,
            json.dumps({"keys": [{"kty": "oct", "k": HMAC_KEY}]}),
            algorithms=["RS256"],
        ),
    )

    # PAT: a broken token, a wrong pepper.
    pat = tokensmith.generate_pat("tsm")
    audit.secret(pat)
    broken = pat[:-1] + ("A" if pat[-1] != "A" else "B")
    audit.secret(broken)
    audit.fails("pat_check of a broken PAT", lambda: tokensmith.pat_check(broken, prefix="tsm"))
    audit.fails("pat_check with another prefix", lambda: tokensmith.pat_check(pat, prefix="xyz"))
    audit.texts.append(("pat_hash", tokensmith.pat_hash(pat, pepper=HMAC_KEY)))

    # Cache files: a corrupted one that holds tokens, a newer version.
    saved = tmp_path / "cache.json"
    client.save_cache(saved)
    text = saved.read_text(encoding="utf-8")
    for name, content in (
        ("truncated", text[: len(text) // 2] + f'"{ECHOED}"'),
        ("newer", text.replace('"version":1', '"version":99')),
        ("garbage", f'{{"version":1,"entries":[{{"token":"{ECHOED}"}}]}}'),
    ):
        corrupt = tmp_path / f"{name}.json"
        corrupt.write_text(content, encoding="utf-8")
        audit.fails(f"load_cache of a {name} file", functools.partial(client.load_cache, corrupt))

    # Vendor clients: objects, successes and failures.
    kc = tokensmith.KeycloakClient(url, "demo", CLIENT_ID, CLIENT_SECRET)
    audit.obj("KeycloakClient", kc)
    kt = kc.password(USER, PASSWORD)
    audit.secret(kt.access_token)
    audit.secret(kt.refresh_token)
    audit.obj("Keycloak Token", kt)
    audit.fails("Keycloak wrong password", lambda: kc.password(USER, WRONG_PASSWORD))
    audit.fails("Keycloak unknown refresh token", lambda: kc.refresh(UNKNOWN_REFRESH))
    sdx = tokensmith.SdxClient(url, CLIENT_ID, CLIENT_SECRET, keep_credentials=True)
    st = sdx.sign_in(USER, PASSWORD)
    audit.secret(st.access_token)
    audit.secret(st.refresh_token)
    audit.obj("SdxClient (keeping credentials)", sdx)
    audit.fails(
        "SDx wrong password",
        lambda: tokensmith.SdxClient(url, CLIENT_ID, CLIENT_SECRET).sign_in(USER, WRONG_PASSWORD),
    )
    ttm = tokensmith.TechnicalTokenManager(url, CLIENT_ID, CLIENT_SECRET, "app", "1.0.0", HOST)
    tt = ttm.token("tenant-a")
    audit.secret(tt.access_token)
    audit.obj("TechnicalTokenManager", ttm)
    audit.obj("TTM Token", tt)
    audit.fails(
        "TTM wrong secret",
        lambda: tokensmith.TechnicalTokenManager(
            url, CLIENT_ID, WRONG_SECRET, "app", "1.0.0", HOST
        ).token("tenant-a"),
    )
    creds_url = f"http://{CLIENT_ID}:{URL_PASSWORD}@127.0.0.1:9/base"
    audit.obj(
        "KeycloakClient with credentials in its URL",
        tokensmith.KeycloakClient(creds_url, "demo", CLIENT_ID, CLIENT_SECRET),
    )
    audit.obj(
        "SdxClient with credentials in its URL",
        tokensmith.SdxClient(creds_url, CLIENT_ID, CLIENT_SECRET),
    )
    audit.obj(
        "TechnicalTokenManager with credentials in its URL",
        tokensmith.TechnicalTokenManager(
            f"http://{CLIENT_ID}:{URL_PASSWORD}@127.0.0.1:9",
            CLIENT_ID,
            CLIENT_SECRET,
            "app",
            "1.0.0",
            HOST,
        ),
    )
    for twin in (
        tokensmith.AsyncKeycloakClient(url, "demo", CLIENT_ID, CLIENT_SECRET),
        tokensmith.AsyncSdxClient(url, CLIENT_ID, CLIENT_SECRET),
        tokensmith.AsyncTechnicalTokenManager(url, CLIENT_ID, CLIENT_SECRET, "app", "1.0.0", HOST),
    ):
        audit.obj(type(twin).__name__, twin)

    # Async: a failure raised inside the event loop.
    async def async_wrong() -> None:
        await tokensmith.AsyncTokenClient(token_url, CLIENT_ID, WRONG_SECRET).token()

    audit.fails("async wrong client secret", lambda: asyncio.run(async_wrong()))

    # Every log record, formatted and raw.
    assert caplog.records, "the package logged nothing at DEBUG"
    audit.texts.append(("caplog.text", caplog.text))
    for record in caplog.records:
        audit.texts.append((f"log record {record.name}", record.getMessage()))
        audit.texts.append((f"log record args {record.name}", repr(record.args)))
    assert audit.errors >= 30
    audit.check()


def _cli(
    args: list[str], env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TOKENSMITH_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tokensmith", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=REPO,
        timeout=60,
    )


def test_cli_output_and_errors_are_clean(server: DevServer) -> None:
    token_url = f"{server.url}/oauth/token"
    secret_env = {"TOKENSMITH_CLIENT_SECRET": CLIENT_SECRET}
    always_hidden = [CLIENT_SECRET, PASSWORD, WRONG_SECRET, WRONG_PASSWORD, UNKNOWN_REFRESH]
    outputs: list[tuple[str, str]] = []

    def run(
        what: str, args: list[str], env: dict[str, str], stdin: str = "", ok: bool = True
    ) -> str:
        p = _cli(args, env, stdin)
        assert (p.returncode == 0) == ok, f"{what}: {p.returncode} {p.stderr}"
        outputs.append((f"{what} stderr", p.stderr))
        if not ok:
            outputs.append((f"{what} stdout", p.stdout))
        return p.stdout

    # Successes print the token (their purpose) but never the credentials that got it.
    out = run("client credentials", ["token", token_url, CLIENT_ID], secret_env)
    outputs.append(("client credentials stdout", out))
    out = run(
        "password grant",
        ["token", token_url, CLIENT_ID, "--username", USER],
        {**secret_env, "TOKENSMITH_PASSWORD": PASSWORD},
    )
    outputs.append(("password grant stdout", out))
    refresh = json.loads(out)["refresh_token"]
    out = run(
        "password grant, secrets on stdin",
        [
            "token",
            token_url,
            CLIENT_ID,
            "--username",
            USER,
            "--client-secret-stdin",
            "--password-stdin",
        ],
        {},
        stdin=f"{CLIENT_SECRET}\n{PASSWORD}\n",
    )
    outputs.append(("password grant (stdin) stdout", out))
    run(
        "refresh",
        ["token", token_url, CLIENT_ID, "--refresh", "--header"],
        {**secret_env, "TOKENSMITH_REFRESH_TOKEN": refresh},
    )
    # Failures print a JSON error on stderr and nothing secret anywhere.
    run(
        "wrong secret",
        ["token", token_url, CLIENT_ID],
        {"TOKENSMITH_CLIENT_SECRET": WRONG_SECRET},
        ok=False,
    )
    run(
        "wrong password",
        ["token", token_url, CLIENT_ID, "--username", USER],
        {**secret_env, "TOKENSMITH_PASSWORD": WRONG_PASSWORD},
        ok=False,
    )
    run(
        "unknown refresh token",
        ["token", token_url, CLIENT_ID, "--refresh"],
        {**secret_env, "TOKENSMITH_REFRESH_TOKEN": UNKNOWN_REFRESH},
        ok=False,
    )
    run(
        "replayed refresh token",
        ["token", token_url, CLIENT_ID, "--refresh"],
        {**secret_env, "TOKENSMITH_REFRESH_TOKEN": refresh},
        ok=False,
    )
    run(
        "credentials in the URL",
        ["token", f"http://{CLIENT_ID}:{URL_PASSWORD}@127.0.0.1:9/t", CLIENT_ID, "--timeout", "2"],
        secret_env,
        ok=False,
    )
    run("missing secret", ["token", token_url, CLIENT_ID], {}, ok=False)
    run("decode of a non-JWT", ["decode"], {}, stdin=f"{ECHOED}\n", ok=False)
    pat = tokensmith.generate_pat("tsm")
    broken = pat[:-1] + ("A" if pat[-1] != "A" else "B")
    out = run(
        "pat check of a broken PAT",
        ["pat", "check", "--prefix", "tsm"],
        {},
        stdin=f"{broken}\n",
        ok=False,
    )
    assert json.loads(out)["valid"] is False
    outputs.append(("pat check stdout", out))
    run("basic", ["basic", CLIENT_ID, "--client-secret-stdin"], {}, stdin=f"{CLIENT_SECRET}\n")

    leaks = [
        f"{what} shows {secret!r}: {text[:300]}"
        for what, text in outputs
        for secret in [*always_hidden, URL_PASSWORD, ECHOED, broken, refresh]
        if secret in text and not (secret == refresh and what.startswith("password grant"))
    ]
    assert not leaks, "\n".join(leaks)
