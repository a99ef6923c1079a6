"""No secret in repr, str, exceptions, tracebacks or log output."""

from __future__ import annotations

import logging
import traceback
from typing import Any, Callable

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, USER, USER_PASSWORD
from token_server import TokenServer

import tokensmith


def _assert_clean(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text


def _exception_text(exc: BaseException) -> str:
    return str(exc) + repr(exc) + "".join(traceback.format_exception(exc))


def test_no_secret_in_tokens_clients_errors_or_logs(
    token_server: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tokensmith")
    client = tokensmith.TokenClient(
        token_server.url, CLIENT_ID, CLIENT_SECRET, revocation_url=token_server.revoke_url
    )
    cc = client.token()
    pw = client.password(USER, USER_PASSWORD, "profile")
    assert pw.refresh_token is not None
    refresh = pw.refresh_token
    secrets = [CLIENT_SECRET, USER_PASSWORD, cc.access_token, pw.access_token, pw.refresh_token]
    texts = [repr(cc), str(cc), repr(pw), str(pw), repr(client), str(client)]
    texts.append(repr(pw.to_dict()))
    errors: list[BaseException] = []
    calls: list[Callable[[], object]] = [
        lambda: client.password(USER, USER_PASSWORD + "-wrong"),
        lambda: tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET + "x").token(),
        lambda: client.refresh(refresh + "-unknown"),
    ]
    for call in calls:
        with pytest.raises(tokensmith.TokenError) as info:
            call()
        errors.append(info.value)
    texts += [_exception_text(e) for e in errors]
    texts.append(caplog.text)
    assert "status=200" in caplog.text  # the log is there, just without secrets
    assert "reason=missing plan=primary" in caplog.text
    for text in texts:
        _assert_clean(text, [*secrets, CLIENT_SECRET + "x", USER_PASSWORD + "-wrong"])
    assert pw.to_dict(include_secrets=True)["refresh_token"] == pw.refresh_token


def test_a_server_echoing_secrets_in_its_error_does_not_leak_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="tokensmith")
    leaked = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LWxlYWtlZC10b2tlbg.c2lnbmF0dXJlLXZhbHVl"

    def transport(*_: Any) -> tuple[int, list[tuple[str, str]], bytes]:
        body = f'{{"error":"invalid_request","error_description":"bad token {leaked}"}}'
        return 400, [("Content-Type", "application/json")], body.encode()

    client = tokensmith.TokenClient(
        "https://idp.example/token", CLIENT_ID, CLIENT_SECRET, transport=transport
    )
    with pytest.raises(tokensmith.InvalidRequest) as info:
        client.token()
    _assert_clean(_exception_text(info.value) + caplog.text, [leaked, CLIENT_SECRET])


def test_token_repr_shows_at_most_four_characters() -> None:
    token = tokensmith.parse_token_response(
        200,
        [("Content-Type", "application/json")],
        b'{"access_token":"abcdefghijklmnopqrstuvwxyz","token_type":"Bearer","scope":"a b"}',
        sent_at=0,
    )
    text = repr(token)
    assert "abcd" in text
    assert "abcde" not in text
    assert "Bearer" in text
    assert "a b" in text
    short = tokensmith.parse_token_response(
        200, [], b'{"access_token":"shorttok","token_type":"Bearer"}', sent_at=0
    )
    assert "shor" not in repr(short)
