"""TokenClient with requests.Session and httpx.Client (and AsyncTokenClient with
httpx.AsyncClient) as transports (optional dependencies:
these tests run where they are installed), and the transport errors."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET
from token_server import TokenServer

import tokensmith


def _sessions() -> list[Any]:
    out: list[Any] = []
    try:
        import requests  # type: ignore[import-not-found, import-untyped, unused-ignore]

        out.append(requests.Session())
    except ImportError:
        pass
    try:
        import httpx  # type: ignore[import-not-found, import-untyped, unused-ignore]

        out.append(httpx.Client())
    except ImportError:
        pass
    return out


@pytest.mark.parametrize("session", _sessions(), ids=lambda s: type(s).__module__)
def test_session_transports(token_server: TokenServer, session: Any) -> None:
    c = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET, transport=session)
    # The first answer is a 503: core retries in flight through the same session.
    token_server.failures = [(503, {})]
    token = c.token()
    assert token.access_token.startswith("at-1-")
    assert c.token() is token
    assert token_server.count == 2
    closed = TokenServer("a", "b")
    url = closed.url
    closed.close()
    dead = tokensmith.TokenClient(url, "a", "b", transport=session, timeout=2)
    with pytest.raises(tokensmith.TransportError) as info:
        dead.token()
    assert info.value.code == "transport_connect"
    session.close()


def test_a_redirect_is_not_followed_with_credentials(token_server: TokenServer) -> None:
    def transport(
        method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        return tokensmith.UrllibTransport(timeout=5)(method, token_server.url, headers, body)

    # The urllib transport itself: a 3xx from the server becomes transport_redirect.
    redirecting = TokenServer(CLIENT_ID, CLIENT_SECRET)
    try:
        redirecting.answer = lambda *_: (  # type: ignore[method-assign]
            302,
            {"Location": token_server.url},
            b"",
        )
        c = tokensmith.TokenClient(redirecting.url, CLIENT_ID, CLIENT_SECRET)
        with pytest.raises(tokensmith.TransportError) as info:
            c.token()
        assert info.value.code == "transport_redirect"
        assert token_server.count == 0
    finally:
        redirecting.close()
    # A callable transport wrapping urllib works like the default.
    assert (
        tokensmith.TokenClient(
            "https://unused.example/token", CLIENT_ID, CLIENT_SECRET, transport=transport
        )
        .token()
        .access_token.startswith("at-1-")
    )


def test_httpx_async_client_as_the_transport_of_async_token_client(
    token_server: TokenServer,
) -> None:
    httpx = pytest.importorskip("httpx")
    token_server.delay = 0.2
    # The first answer is a 503: core retries in flight through the same AsyncClient.
    token_server.failures = [(503, {})]
    closed = TokenServer("a", "b")
    dead_url = closed.url
    closed.close()

    async def main() -> tuple[list[tokensmith.Token], tokensmith.Token, str]:
        async with httpx.AsyncClient() as http:
            c = tokensmith.AsyncTokenClient(
                token_server.url, CLIENT_ID, CLIENT_SECRET, transport=http
            )
            tokens = await asyncio.gather(*(c.token() for _ in range(20)))
            again = await c.token()
            dead = tokensmith.AsyncTokenClient(dead_url, "a", "b", transport=http, timeout=2)
            try:
                await dead.token()
            except tokensmith.TransportError as error:
                code = error.code
            else:
                code = "no error"
            return tokens, again, code

    tokens, again, dead_code = asyncio.run(main())
    assert {t.access_token for t in tokens} == {again.access_token}
    assert again.access_token.startswith("at-1-")
    assert token_server.count == 2
    assert dead_code == "transport_connect"
    # The requests went out through httpx (its User-Agent), not the default transport.
    assert token_server.requests[-1]["headers"]["User-Agent"].startswith("python-httpx/")


def test_httpx_async_client_needs_the_async_client(token_server: TokenServer) -> None:
    httpx = pytest.importorskip("httpx")

    async def main() -> None:
        async with httpx.AsyncClient() as http:
            c = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET, transport=http)
            # A blocking call on the loop that owns the AsyncClient would wait for itself.
            with pytest.raises(tokensmith.TransportError) as info:
                c.token()
            assert info.value.code == "transport"
            assert "AsyncClient" in str(info.value)

    asyncio.run(main())
    assert token_server.count == 0


def test_httpx_async_client_serves_the_background_refresh(
    token_server: TokenServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The refresh-ahead of a stale token runs on a background thread that no AsyncTokenClient
    call made; it sends through the loop of the latest call while that loop runs."""
    httpx = pytest.importorskip("httpx")
    token_server.lifetime = 4

    async def main() -> tuple[str, str, str]:
        async with httpx.AsyncClient() as http:
            c = tokensmith.AsyncTokenClient(
                token_server.url, CLIENT_ID, CLIENT_SECRET, transport=http
            )
            first = (await c.token()).access_token
            # Past the refresh point (75 % ± 5 % of 4 s), before the token stops being served.
            await asyncio.sleep(3.25)
            served = (await c.token()).access_token
            newer = served
            for _ in range(250):  # up to 5 s in steps of 20 ms
                newer = (await c.token()).access_token
                if newer != first:
                    break
                await asyncio.sleep(0.02)
            return first, served, newer

    with caplog.at_level(logging.WARNING, logger="tokensmith"):
        first, served, newer = asyncio.run(main())
    assert served == first
    assert newer != first
    assert token_server.count == 2
    # The new token came from the background refresh, not from a later blocking fetch after
    # a failed one.
    assert not [r for r in caplog.records if "background refresh failed" in r.getMessage()]
    assert token_server.requests[-1]["headers"]["User-Agent"].startswith("python-httpx/")
