"""TokenClient.auth() with requests and httpx (sync and async) against the local server's
resource endpoint, which refuses revoked tokens with `error="invalid_token"` (RFC 6750 §3.1).

requests and httpx are optional dependencies: these tests run where they are installed.
"""

from __future__ import annotations

import asyncio

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET
from token_server import TokenServer

import tokensmith
from tokensmith import _native


def client(server: TokenServer) -> tokensmith.TokenClient:
    return tokensmith.TokenClient(server.url, CLIENT_ID, CLIENT_SECRET)


def test_invalid_token_challenges() -> None:
    assert _native._is_invalid_token_challenge('Bearer error="invalid_token"')
    assert _native._is_invalid_token_challenge('Basic realm="x", Bearer error="invalid_token"')
    assert not _native._is_invalid_token_challenge('Bearer error="insufficient_scope"')
    assert not _native._is_invalid_token_challenge('Basic realm="x"')
    assert not _native._is_invalid_token_challenge("")


def test_requests_adds_the_header_and_retries_once_on_invalid_token(
    token_server: TokenServer,
) -> None:
    requests = pytest.importorskip("requests")
    c = client(token_server)
    with requests.Session() as session:
        assert session.get(token_server.resource_url, auth=c.auth()).status_code == 200
        token_server.invalidate_access_tokens()
        answer = session.get(token_server.resource_url, auth=c.auth())
        assert answer.status_code == 200
        assert [r.status_code for r in answer.history] == [401]
        assert token_server.count == 2
        # A server that keeps refusing: one retry, then the 401 is returned.
        token_server.valid_access.clear()
        token_server.new_token = lambda: "never-valid-token"  # type: ignore[method-assign]
        refused = session.get(token_server.resource_url, auth=c.auth())
        assert refused.status_code == 401
    assert token_server.resource_hits == 5


def test_httpx_sync_and_async(token_server: TokenServer) -> None:
    httpx = pytest.importorskip("httpx")
    c = client(token_server)
    with httpx.Client() as http:
        assert http.get(token_server.resource_url, auth=c.auth()).status_code == 200
        token_server.invalidate_access_tokens()
        assert http.get(token_server.resource_url, auth=c.auth()).status_code == 200
    assert token_server.count == 2

    async_client = tokensmith.AsyncTokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)

    async def main() -> list[int]:
        async with httpx.AsyncClient() as http:
            first = await http.get(token_server.resource_url, auth=async_client.auth())
            token_server.invalidate_access_tokens()
            second = await http.get(token_server.resource_url, auth=async_client.auth())
            return [first.status_code, second.status_code]

    assert asyncio.run(main()) == [200, 200]
    assert token_server.count == 4
