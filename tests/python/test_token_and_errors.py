"""Token values and the exception hierarchy."""

from __future__ import annotations

import datetime
import time

import pytest

import tokensmith


def _token(body: bytes, sent_at_ms: int | None = None) -> tokensmith.Token:
    sent = int(time.time() * 1000) if sent_at_ms is None else sent_at_ms
    return tokensmith.parse_token_response(
        200, [("Content-Type", "application/json")], body, sent_at=sent / 1000
    )


def test_token_fields() -> None:
    token = _token(
        b'{"access_token":"AT-0123456789abcdef","token_type":"bearer","expires_in":120,'
        b'"refresh_token":"RT-1","refresh_expires_in":600,"scope":"b a","id_token":"IDT",'
        b'"custom":{"n":1}}'
    )
    assert token.access_token == "AT-0123456789abcdef"
    assert token.authorization == f"{token.token_type} AT-0123456789abcdef"
    assert token.scope == ("b", "a")
    assert token.refresh_token == "RT-1"
    assert token.id_token == "IDT"
    assert token.extra == {"custom": {"n": 1}}
    assert isinstance(token.expires_at, datetime.datetime)
    assert token.expires_at.tzinfo is not None
    assert token.refresh_expires_at is not None
    assert token.refresh_expires_at > token.expires_at
    assert 110 < token.expires_in <= 120
    assert not token.is_expired()
    assert token.is_expired(leeway=121)
    d = token.to_dict()
    assert "access_token" not in d
    assert "refresh_token" not in d
    assert "id_token" not in d
    assert d["scope"] == ("b", "a")
    full = token.to_dict(include_secrets=True)
    assert full["access_token"] == "AT-0123456789abcdef"
    assert full["id_token"] == "IDT"


def test_token_is_immutable() -> None:
    token = _token(b'{"access_token":"x","token_type":"Bearer"}')
    with pytest.raises(AttributeError):
        token.access_token = "y"  # type: ignore[misc]


def test_an_old_token_is_expired() -> None:
    token = _token(b'{"access_token":"x","token_type":"Bearer","expires_in":60}', 0)
    assert token.is_expired()
    assert token.expires_in < 0


@pytest.mark.parametrize(
    ("error", "cls"),
    [
        ("invalid_request", tokensmith.InvalidRequest),
        ("invalid_client", tokensmith.InvalidClient),
        ("invalid_grant", tokensmith.InvalidGrant),
        ("invalid_scope", tokensmith.InvalidScope),
        ("unauthorized_client", tokensmith.UnauthorizedClient),
        ("unsupported_grant_type", tokensmith.UnsupportedGrantType),
        ("temporarily_unavailable", tokensmith.TemporarilyUnavailable),
        ("server_error", tokensmith.ServerError),
        ("access_denied", tokensmith.AccessDenied),
        ("invalid_token", tokensmith.InvalidToken),
        ("unsupported_token_type", tokensmith.UnsupportedTokenType),
        ("vendor_specific", tokensmith.OAuthError),
    ],
)
def test_oauth_errors_map_to_their_class(error: str, cls: type[Exception]) -> None:
    body = (
        f'{{"error":"{error}","error_description":"d","error_uri":"https://e.example/x"}}'
    ).encode()
    with pytest.raises(tokensmith.OAuthError) as info:
        tokensmith.parse_token_response(
            400, [("Content-Type", "application/json"), ("Retry-After", "7")], body, sent_at=0
        )
    exc = info.value
    assert type(exc) is cls
    assert isinstance(exc, tokensmith.TokenError)
    assert exc.error == error
    assert exc.code == (error if cls is not tokensmith.OAuthError else "oauth_error")
    assert exc.description == "d"
    assert exc.uri == "https://e.example/x"
    assert exc.status == 400
    assert exc.retry_after == 7.0


def test_families_map_to_their_class() -> None:
    with pytest.raises(tokensmith.ResponseError) as info:
        tokensmith.parse_token_response(502, [("Content-Type", "text/html")], b"<html>", sent_at=0)
    assert info.value.code == "unexpected_response"
    assert info.value.status == 502
    with pytest.raises(tokensmith.InputError):
        tokensmith.basic_authorization("a:b", "s", encoding="raw")
    with pytest.raises(tokensmith.JwtError):
        tokensmith.decode_jwt("not-a-jwt")
    with pytest.raises(tokensmith.PatError):
        tokensmith.pat_check("nope")
    for cls in (
        tokensmith.OAuthError,
        tokensmith.ResponseError,
        tokensmith.TransportError,
        tokensmith.InputError,
        tokensmith.JwtError,
        tokensmith.PatError,
        tokensmith.CacheError,
    ):
        assert issubclass(cls, tokensmith.TokenError)
