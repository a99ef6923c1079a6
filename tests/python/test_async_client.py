"""AsyncTokenClient: single-flight across asyncio tasks, cached hits on the loop."""

from __future__ import annotations

import asyncio
import threading

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, USER, USER_PASSWORD
from token_server import TokenServer

import tokensmith


def test_100_tasks_on_a_cold_cache_send_one_request(token_server: TokenServer) -> None:
    token_server.delay = 0.3
    client = tokensmith.AsyncTokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)

    async def main() -> list[tokensmith.Token]:
        return await asyncio.gather(*(client.token() for _ in range(100)))

    tokens = asyncio.run(main())
    assert len({t.access_token for t in tokens}) == 1
    assert token_server.count == 1


def test_a_cached_token_is_returned_on_the_loop_thread(token_server: TokenServer) -> None:
    seen: list[str] = []
    urllib_transport = tokensmith.UrllibTransport(timeout=5)

    def transport(
        method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        seen.append(threading.current_thread().name)
        return urllib_transport(method, url, headers, body)

    client = tokensmith.AsyncTokenClient(
        token_server.url, CLIENT_ID, CLIENT_SECRET, transport=transport
    )

    async def main() -> tuple[tokensmith.Token, tokensmith.Token]:
        first = await client.token()
        second = await client.client_credentials()
        return first, second

    first, second = asyncio.run(main())
    assert first is second
    assert len(seen) == 1
    assert seen[0] != threading.main_thread().name
    assert client.cache_stats()["fetches"] == 1


def test_async_password_refresh_and_errors(token_server: TokenServer) -> None:
    client = tokensmith.AsyncTokenClient(
        token_server.url, CLIENT_ID, CLIENT_SECRET, revocation_url=token_server.revoke_url
    )

    async def main() -> None:
        token = await client.password(USER, USER_PASSWORD)
        assert token.refresh_token is not None
        renewed = await client.refresh(token.refresh_token)
        assert renewed.access_token != token.access_token
        await client.revoke(renewed.access_token)
        with pytest.raises(tokensmith.InvalidGrant) as info:
            await client.password(USER, "wrong")
        assert info.value.code == "invalid_grant"

    asyncio.run(main())
    assert token_server.requests[-2]["path"] == "/revoke"
