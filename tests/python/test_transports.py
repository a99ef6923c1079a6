"""TokenClient with requests.Session and httpx.Client as transports (optional dependencies:
these tests run where they are installed), and the transport errors."""

from __future__ import annotations

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
