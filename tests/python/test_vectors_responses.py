"""Replays tests/vectors/responses.json through the Python module's parsing hooks."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
from conftest import load_vectors

import tokensmith
from tokensmith import _native

CASES = load_vectors("responses")["cases"]

FAMILY_CLASS = {
    "oauth": tokensmith.OAuthError,
    "response": tokensmith.ResponseError,
    "input": tokensmith.InputError,
}


def _name(case: dict[str, Any]) -> str:
    return str(case["name"])


def _body(response: dict[str, Any]) -> bytes:
    body: bytes
    if "body_base64" in response:
        body = base64.b64decode(response["body_base64"])
    else:
        body = str(response["body"]).encode()
    repeat = response.get("body_repeat")
    if repeat:
        body += str(repeat["unit"]).encode() * int(repeat["count"])
    return body + str(response.get("body_suffix", "")).encode()


def _run(case: dict[str, Any]) -> Any:
    response = case["response"]
    headers = [(name, value) for name, value in response["headers"]]
    options = case.get("options", {})
    if case["kind"] == "revocation":
        return _native._check_revocation_response(
            response["status"], headers, _body(response), case["sent_at"]
        )
    return tokensmith.parse_token_response(
        response["status"],
        headers,
        _body(response),
        sent_at=case["sent_at"] / 1000,
        default_lifetime=options.get("default_lifetime_secs"),
        max_lifetime=options.get("max_lifetime_secs"),
        max_body_bytes=options.get("max_body_bytes"),
    )


def _ms(value: datetime.datetime) -> int:
    return round(value.timestamp() * 1000)


@pytest.mark.parametrize("case", CASES, ids=_name)
def test_response_vector(case: dict[str, Any]) -> None:
    expected = case["expected"]
    if "error" in expected:
        want = expected["error"]
        with pytest.raises(tokensmith.TokenError) as info:
            _run(case)
        exc: Any = info.value
        assert exc.code == want["code"]
        assert isinstance(info.value, FAMILY_CLASS[want["family"]])
        assert exc.status == want["status"]
        if want["family"] == "oauth":
            if "description" in want:
                assert exc.description == want["description"]
            if "uri" in want:
                assert exc.uri == want["uri"]
            if "error_value" in want:
                assert exc.error == want["error_value"]
        if "retry_after" in want:
            retry = want["retry_after"]
            if retry is None:
                assert exc.retry_after is None
            else:
                assert exc.retry_after == pytest.approx(retry["delay_ms"] / 1000)
        text = str(exc) + repr(exc)
        for needle in want.get("excerpt_excludes", []):
            assert needle not in text
        if want.get("excerpt"):
            assert want["excerpt"] in str(exc)
        for needle in want.get("excerpt_contains", []):
            assert needle in str(exc)
        return
    if expected.get("ok"):
        assert _run(case) is None
        return
    want = expected["token"]
    token = _run(case)
    assert isinstance(token, tokensmith.Token)
    assert token.access_token == want["access_token"]
    assert token.token_type == want["token_type"]
    assert _ms(token.expires_at) == want["expires_at"]
    assert token.refresh_token == want["refresh_token"]
    assert token.id_token == want["id_token"]
    assert token.scope == tuple(want["scope"] or ())
    assert sorted(token.extra) == want["extra_keys"]
    refresh = want["refresh_expiry"]
    if isinstance(refresh, dict):
        assert token.refresh_expires_at is not None
        assert _ms(token.refresh_expires_at) == refresh["at"]
    else:
        assert token.refresh_expires_at is None
    # Never in repr/str: the access token (beyond 4 characters) and the refresh token.
    for text in (repr(token), str(token)):
        assert want["access_token"] not in text or len(want["access_token"]) <= 4
        if want["refresh_token"]:
            assert want["refresh_token"] not in text
