"""The Python counterparts added for api-parity.json: ``pat_hint``, ``parse_token_response``,
``redact_request`` (the npm package's ``patHint``, ``parseTokenResponse``, ``redactRequest``),
``TokenClient.export_cache`` / ``import_cache`` (``exportCache`` / ``importCache``),
``refresh(min_ttl=)`` (``refresh(token, { minTtl })``) and the async client's ``clear_cache``.
The expected values are the npm package's answers to the same input
(tests/node/redact-request.test.mjs, tests/node/pat.test.mjs)."""

from __future__ import annotations

import asyncio
import datetime
import json
import urllib.parse

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, USER, USER_PASSWORD
from token_server import TokenServer

import tokensmith

JSON_HEADERS = [("Content-Type", "application/json")]
SECRETS = ["s3cr%t:pass", "hunter2-pw", "rt-Zq9-refresh"]


def test_pat_hint_shows_prefix_and_last_four() -> None:
    token = tokensmith.generate_pat("tsm")
    assert tokensmith.pat_hint(token) == f"tsm_…{token[-4:]}"
    assert tokensmith.pat_hint("ab") == "_…ab"


def test_parse_token_response_reads_expires_in_from_sent_at() -> None:
    body = '{"access_token":"AT-1","token_type":"Bearer","expires_in":60,"scope":"a b"}'
    token = tokensmith.parse_token_response(200, JSON_HEADERS, body, sent_at=1_000.0)
    assert token.access_token == "AT-1"
    assert token.scope == ("a", "b")
    assert token.expires_at == datetime.datetime.fromtimestamp(1_060, datetime.timezone.utc)
    at = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    token = tokensmith.parse_token_response(200, JSON_HEADERS, body.encode(), sent_at=at)
    assert token.expires_at == at + datetime.timedelta(seconds=60)


def test_parse_token_response_options_and_errors() -> None:
    body = b'{"access_token":"AT-1","token_type":"Bearer","expires_in":86400}'
    capped = tokensmith.parse_token_response(200, JSON_HEADERS, body, sent_at=0, max_lifetime=30)
    assert capped.expires_at == datetime.datetime.fromtimestamp(30, datetime.timezone.utc)
    bare = b'{"access_token":"AT-1","token_type":"Bearer"}'
    lived = tokensmith.parse_token_response(200, JSON_HEADERS, bare, sent_at=0, default_lifetime=5)
    assert lived.expires_at == datetime.datetime.fromtimestamp(5, datetime.timezone.utc)
    with pytest.raises(tokensmith.ResponseError) as too_large:
        tokensmith.parse_token_response(200, JSON_HEADERS, body, max_body_bytes=10)
    assert too_large.value.reason == "too_large"
    with pytest.raises(tokensmith.InvalidGrant):
        tokensmith.parse_token_response(400, JSON_HEADERS, b'{"error":"invalid_grant"}')
    for status in (0, 99, 1000, -1):
        with pytest.raises(tokensmith.InputError) as bad:
            tokensmith.parse_token_response(status, JSON_HEADERS, body)
        assert bad.value.code == "invalid_input"
    with pytest.raises(tokensmith.InputError):
        tokensmith.parse_token_response(200, JSON_HEADERS, body, sent_at=float("nan"))


def test_redact_request_masks_credentials_like_npm() -> None:
    authorization = tokensmith.basic_authorization("svc", SECRETS[0])
    body = (
        "grant_type=password&username=alice&password="
        f"{urllib.parse.quote(SECRETS[1], safe='')}&refresh_token={SECRETS[2]}"
    )
    text = tokensmith.redact_request(
        "https://idp.example/oauth/token",
        headers=[
            ("Authorization", authorization),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body=body,
    )
    assert text.split("\n") == [
        "POST https://idp.example/oauth/token",
        "Authorization: Basic [redacted]",
        "Content-Type: application/x-www-form-urlencoded",
        "",
        "grant_type=password&username=alice&password=[redacted]&refresh_token=[redacted]",
    ]
    shown = tokensmith.redact_request(
        f"https://svc:{SECRETS[1]}@idp.example/t?client_secret=x", method="get", body=b""
    )
    assert shown.startswith("GET https://[redacted]@idp.example/t?client_secret=[redacted]")
    with pytest.raises(tokensmith.InputError):
        tokensmith.redact_request("https://idp.example/t", method="PATCH")


def test_export_and_import_cache_text(token_server: TokenServer) -> None:
    client = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    token = client.token()
    without = client.export_cache()
    assert token.access_token not in without
    text = client.export_cache(include_secrets=True)
    assert token.access_token in text
    json.loads(text)
    other = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    assert other.import_cache(text) == {"imported": 1, "skipped": 0}
    assert other.token().access_token == token.access_token
    # An export without secrets imports nothing usable.
    assert (
        tokensmith.TokenClient(token_server.url, "id", "s").import_cache(without)["imported"] == 0
    )
    with pytest.raises(tokensmith.CacheError) as corrupt:
        other.import_cache("{")
    assert corrupt.value.code == "cache_corrupt"


def test_async_client_cache_methods(token_server: TokenServer) -> None:
    async def scenario() -> None:
        client = tokensmith.AsyncTokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
        first = await client.token()
        text = client.export_cache(include_secrets=True)
        client.clear_cache()
        assert client.cache_stats()["entries"] == 0
        assert client.import_cache(text)["imported"] == 1
        assert (await client.token()).access_token == first.access_token

    asyncio.run(scenario())


def test_refresh_min_ttl_renews_a_token_too_short_for_the_caller(token_server: TokenServer) -> None:
    client = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    first = client.password(USER, USER_PASSWORD)
    assert first.refresh_token is not None
    refreshed = client.refresh(first.refresh_token)
    before = token_server.count
    # Cached under the refresh token: fresh enough for no minimum, and for one under its life.
    assert client.refresh(first.refresh_token).access_token == refreshed.access_token
    assert client.refresh(first.refresh_token, min_ttl=60).access_token == refreshed.access_token
    assert token_server.count == before
    # More than the token's whole life (3600 s): one new request, sent (core's rule) with the
    # refresh token the server rotated to at the first exchange (RFC 6749 §6).
    renewed = client.refresh(first.refresh_token, min_ttl=7200)
    assert token_server.count == before + 1
    assert renewed.access_token != refreshed.access_token
    assert token_server.requests[-1]["form"]["refresh_token"] == refreshed.refresh_token
