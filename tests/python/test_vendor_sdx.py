"""SdxClient (HxGN SDx / TruView) against the real dev server: password sign-in, refresh, and a
server restart (`POST /admin/restart`) with and without kept credentials; faults survived."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from devserver import (
    SDX_TOKEN,
    TTM_CLIENT_ID,
    TTM_CLIENT_SECRET,
    USER,
    USER_PASSWORD,
    CountingTransport,
    DevServer,
    config,
    serve,
)

from tokensmith import (
    AsyncSdxClient,
    InputError,
    InvalidGrant,
    ResponseError,
    SdxClient,
    ServerError,
    TokenError,
)


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    yield from serve(config(1))


def sdx(server: DevServer, counter: Any, keep_credentials: bool) -> SdxClient:
    return SdxClient(
        server.url + "/",
        TTM_CLIENT_ID,
        TTM_CLIENT_SECRET,
        keep_credentials=keep_credentials,
        transport=counter,
    )


def test_kept_credentials_sign_in_again_after_a_restart(server: DevServer) -> None:
    counter = CountingTransport()
    client = sdx(server, counter, True)
    assert client.keep_credentials is True
    assert client.token_url == server.url + SDX_TOKEN
    first = client.sign_in(USER, USER_PASSWORD)
    assert first.refresh_token
    assert client.token().access_token == first.access_token
    assert counter.count(SDX_TOKEN) == 1
    server.restart()
    counter.reset()
    renewed = client.refresh()
    assert renewed.access_token != first.access_token
    # The refused refresh, then the password grant, in one call: no error reaches the caller.
    assert counter.count(SDX_TOKEN) == 2
    assert client.token().access_token == renewed.access_token
    assert counter.count(SDX_TOKEN) == 2


def test_without_kept_credentials_the_error_says_regenerate(server: DevServer) -> None:
    counter = CountingTransport()
    client = sdx(server, counter, False)
    t1 = client.sign_in(USER, USER_PASSWORD)
    t2 = client.refresh()
    assert t2.access_token != t1.access_token
    assert t2.refresh_token is not None
    server.restart()
    counter.reset()
    with pytest.raises(TokenError) as caught:
        client.refresh()
    assert caught.value.code == "refresh_token_inactive"
    assert not isinstance(caught.value, InvalidGrant)
    assert "regenerate the tokens" in str(caught.value)
    for secret in (t2.refresh_token, t2.access_token, USER_PASSWORD, TTM_CLIENT_SECRET):
        assert secret not in str(caught.value)
        assert secret not in repr(caught.value)
    # One request: the refused refresh; the password was never kept, so no sign-in follows.
    assert counter.count(SDX_TOKEN) == 1
    # Signing in again is the way out.
    assert client.sign_in(USER, USER_PASSWORD).access_token


def test_token_before_sign_in_is_an_input_error(server: DevServer) -> None:
    client = sdx(server, None, False)
    with pytest.raises(InputError) as caught:
        client.token()
    assert caught.value.code == "invalid_input"
    with pytest.raises(InvalidGrant):
        client.sign_in(USER, "wrong password")


def test_faults_during_a_refresh_are_typed_and_keep_the_token(server: DevServer) -> None:
    counter = CountingTransport()
    client = sdx(server, counter, True)
    first = client.sign_in(USER, USER_PASSWORD)
    try:
        # A forced refresh while the token is still valid is not retried in-flight (core retries
        # only for callers without a usable token): the caller gets the typed error at once.
        server.fault(SDX_TOKEN, "server_error", 1)
        counter.reset()
        with pytest.raises(ServerError) as failed:
            client.refresh()
        assert failed.value.status == 500
        assert counter.count(SDX_TOKEN) == 1
        # Nothing lost: the still-valid token is served without a request.
        assert client.token().access_token == first.access_token
        assert counter.count(SDX_TOKEN) == 1
        # After core's backoff (1 s after a first failure) the refresh goes through.
        deadline = time.monotonic() + 10
        while True:
            try:
                second = client.refresh()
                break
            except ServerError:
                assert time.monotonic() < deadline, "the client never recovered"
                time.sleep(0.25)
        assert second.access_token != first.access_token
        server.fault(SDX_TOKEN, "rate_limited", 10, retry_after_secs=1)
        with pytest.raises(TokenError) as limited:
            client.refresh()
        assert limited.value.status == 429
        assert limited.value.retry_after == 1.0
        # The dev server's 429 body is plain text: a response error, typed, with the wait.
        assert isinstance(limited.value, ResponseError)
    finally:
        server.clear_faults()
    counter.reset()
    assert client.token().access_token == second.access_token
    assert counter.count() == 0


def test_async_twin(server: DevServer) -> None:
    async def main() -> None:
        client = AsyncSdxClient(
            server.url, TTM_CLIENT_ID, TTM_CLIENT_SECRET, keep_credentials=False
        )
        assert client.keep_credentials is False
        assert client.token_url.endswith(SDX_TOKEN)
        first = await client.sign_in(USER, USER_PASSWORD)
        assert (await client.token()).access_token == first.access_token
        assert (await client.refresh()).access_token != first.access_token
        server.restart()
        with pytest.raises(TokenError) as caught:
            await client.refresh()
        assert caught.value.code == "refresh_token_inactive"
        assert repr(client).startswith("<AsyncSdxClient ")

    asyncio.run(main())


def test_no_secret_in_repr(server: DevServer) -> None:
    client = sdx(server, None, True)
    token = client.sign_in(USER, USER_PASSWORD)
    text = repr(client) + str(client) + repr(token) + str(token)
    for secret in (TTM_CLIENT_SECRET, USER_PASSWORD, token.access_token):
        assert secret not in text
    assert "keep_credentials=True" in repr(client)
