"""The vendor clients' ``clock=`` (TechnicalTokenManager, KeycloakClient, SdxClient and their
asyncio twins), against the real dev server: a test clock ages their tokens without sleeping,
and a bad ``clock`` is refused exactly as ``TokenClient`` refuses it.

The test clock starts 10 days ahead of the system clock: had any step (the cache's freshness
check, the time a request was sent, a token's ``expires_in``) read the system clock instead, a
token would look 10 days expired at once (a request where none is expected) or fresh forever
(no request after the jump)."""

from __future__ import annotations

import asyncio
import datetime
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from devserver import (
    HOST_TENANT,
    KEYCLOAK_TOKEN,
    SDX_TOKEN,
    TTM_CLIENT_ID,
    TTM_CLIENT_SECRET,
    TTM_TOKEN,
    USER,
    USER_PASSWORD,
    CountingTransport,
    DevServer,
    config,
    serve,
)

from tokensmith import (
    AsyncKeycloakClient,
    AsyncSdxClient,
    AsyncTechnicalTokenManager,
    KeycloakClient,
    SdxClient,
    TechnicalTokenManager,
    Token,
    TokenClient,
)

#: Ten days, in seconds: the test clock's lead on the system clock.
AHEAD = 10 * 86400.0
#: Seconds past a token's expiry the clock jumps to (well past its refresh point too).
PAST = 60.0
TENANT = "tenant-001"


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    yield from serve(config(3))


class StillClock:
    """A clock that stands still until the test moves it."""

    def __init__(self) -> None:
        self.now = time.time() + AHEAD

    def __call__(self) -> float:
        return self.now

    def jump(self, seconds: float) -> None:
        self.now += seconds


def _ttm(server: DevServer, counter: CountingTransport, **kwargs: Any) -> TechnicalTokenManager:
    return TechnicalTokenManager(
        server.url,
        TTM_CLIENT_ID,
        TTM_CLIENT_SECRET,
        "myapp",
        "1.0.0",
        HOST_TENANT,
        transport=counter,
        **kwargs,
    )


def _async_ttm(
    server: DevServer, counter: CountingTransport, **kwargs: Any
) -> AsyncTechnicalTokenManager:
    return AsyncTechnicalTokenManager(
        server.url,
        TTM_CLIENT_ID,
        TTM_CLIENT_SECRET,
        "myapp",
        "1.0.0",
        HOST_TENANT,
        transport=counter,
        **kwargs,
    )


def _keycloak(server: DevServer, counter: CountingTransport, **kwargs: Any) -> KeycloakClient:
    return KeycloakClient(
        server.url, "demo", TTM_CLIENT_ID, TTM_CLIENT_SECRET, transport=counter, **kwargs
    )


def _sdx(server: DevServer, counter: CountingTransport, **kwargs: Any) -> SdxClient:
    return SdxClient(server.url, TTM_CLIENT_ID, TTM_CLIENT_SECRET, transport=counter, **kwargs)


def _ages_by(token: Token, clock: StillClock) -> float:
    """The token's lifetime left, checked to be read from `clock`: its expiry is in the test
    clock's future (10 days past the system clock's), and it does not shrink while the clock
    stands still. Returns ``expires_in``."""
    left = token.expires_in
    assert 0 < left <= 86400, left
    assert token.expires_at.timestamp() == pytest.approx(clock() + left, abs=0.01)
    assert token.expires_at > datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
        days=9
    )
    assert not token.is_expired()
    assert token.expires_in == left, "the token aged while the client's clock stood still"
    return left


# ------------------------------------------------------------------------------------------
# TechnicalTokenManager


def test_ttm_cache_ages_by_the_clock(server: DevServer) -> None:
    counter, clock = CountingTransport(), StillClock()
    ttm = _ttm(server, counter, clock=clock)
    first = ttm.token(TENANT)
    assert counter.count(TTM_TOKEN) == 1
    left = _ages_by(first, clock)

    # Still clock: the cached token, no request (however many calls).
    for _ in range(3):
        assert ttm.token(TENANT).access_token == first.access_token
    assert counter.count() == 1

    clock.jump(left + PAST)
    assert first.is_expired(), "the Token the manager returned ages by its clock"
    assert first.expires_in == pytest.approx(-PAST)
    renewed = ttm.token(TENANT)
    assert counter.count(TTM_TOKEN) == 2
    assert renewed.access_token != first.access_token
    _ages_by(renewed, clock)
    assert ttm.token(TENANT).access_token == renewed.access_token
    assert counter.count() == 2


def test_async_ttm_cache_ages_by_the_clock(server: DevServer) -> None:
    counter, clock = CountingTransport(), StillClock()
    ttm = _async_ttm(server, counter, clock=clock)

    async def run() -> None:
        first = await ttm.token(TENANT)
        left = _ages_by(first, clock)
        # Answered from the cache on the event loop (`_cached` reads the clock too).
        assert (await ttm.tokens([TENANT]))[TENANT].access_token == first.access_token
        assert counter.count() == 1
        clock.jump(left + PAST)
        renewed = await ttm.token(TENANT)
        assert renewed.access_token != first.access_token
        assert counter.count(TTM_TOKEN) == 2
        _ages_by(renewed, clock)
        assert (await ttm.token(TENANT)).access_token == renewed.access_token
        assert counter.count() == 2

    asyncio.run(run())


# ------------------------------------------------------------------------------------------
# KeycloakClient: not cached, so every call sends; the clock is the time its tokens are
# stamped with and age by.


def test_keycloak_tokens_age_by_the_clock(server: DevServer) -> None:
    counter, clock = CountingTransport(), StillClock()
    kc = _keycloak(server, counter, clock=clock)
    first = kc.password(USER, USER_PASSWORD)
    assert counter.count(KEYCLOAK_TOKEN) == 1
    left = _ages_by(first, clock)
    assert first.refresh_token is not None
    # Still clock: reading the token sends nothing.
    assert not first.is_expired()
    assert counter.count() == 1

    clock.jump(left + PAST)
    assert first.is_expired()
    assert first.expires_in == pytest.approx(-PAST)
    renewed = kc.refresh(first.refresh_token)
    assert counter.count(KEYCLOAK_TOKEN) == 2
    assert renewed.access_token != first.access_token
    _ages_by(renewed, clock)


def test_async_keycloak_tokens_age_by_the_clock(server: DevServer) -> None:
    counter, clock = CountingTransport(), StillClock()
    kc = AsyncKeycloakClient(
        server.url, "demo", TTM_CLIENT_ID, TTM_CLIENT_SECRET, transport=counter, clock=clock
    )

    async def run() -> None:
        first = await kc.password(USER, USER_PASSWORD)
        left = _ages_by(first, clock)
        assert first.refresh_token is not None
        assert counter.count() == 1
        clock.jump(left + PAST)
        assert first.is_expired()
        renewed = await kc.refresh(first.refresh_token)
        assert counter.count(KEYCLOAK_TOKEN) == 2
        _ages_by(renewed, clock)

    asyncio.run(run())


# ------------------------------------------------------------------------------------------
# SdxClient


@pytest.mark.parametrize("keep_credentials", [False, True])
def test_sdx_cache_ages_by_the_clock(server: DevServer, keep_credentials: bool) -> None:
    counter, clock = CountingTransport(), StillClock()
    sdx = _sdx(server, counter, keep_credentials=keep_credentials, clock=clock)
    first = sdx.sign_in(USER, USER_PASSWORD)
    assert counter.count(SDX_TOKEN) == 1
    left = _ages_by(first, clock)
    for _ in range(3):
        assert sdx.token().access_token == first.access_token
    assert counter.count() == 1

    clock.jump(left + PAST)
    assert first.is_expired()
    renewed = sdx.token()
    assert counter.count(SDX_TOKEN) == 2
    assert renewed.access_token != first.access_token
    _ages_by(renewed, clock)
    assert sdx.token().access_token == renewed.access_token
    assert counter.count() == 2


def test_async_sdx_cache_ages_by_the_clock(server: DevServer) -> None:
    counter, clock = CountingTransport(), StillClock()
    sdx = AsyncSdxClient(
        server.url, TTM_CLIENT_ID, TTM_CLIENT_SECRET, transport=counter, clock=clock
    )

    async def run() -> None:
        first = await sdx.sign_in(USER, USER_PASSWORD)
        left = _ages_by(first, clock)
        assert (await sdx.token()).access_token == first.access_token
        assert counter.count() == 1
        clock.jump(left + PAST)
        renewed = await sdx.token()
        assert counter.count(SDX_TOKEN) == 2
        assert renewed.access_token != first.access_token
        _ages_by(renewed, clock)
        assert (await sdx.token()).access_token == renewed.access_token
        assert counter.count() == 2

    asyncio.run(run())


# ------------------------------------------------------------------------------------------
# A bad clock: refused as TokenClient refuses it.

#: Every vendor class, sync and async, made with a given clock (the dev server is not needed:
#: a bad `clock=` is refused before anything is sent).
URL = "http://127.0.0.1:9"
MAKERS: dict[str, Callable[[Any], object]] = {
    "TechnicalTokenManager": lambda clock: TechnicalTokenManager(
        URL, "id", "secret", "app", "1.0", HOST_TENANT, clock=clock
    ),
    "AsyncTechnicalTokenManager": lambda clock: AsyncTechnicalTokenManager(
        URL, "id", "secret", "app", "1.0", HOST_TENANT, clock=clock
    ),
    "KeycloakClient": lambda clock: KeycloakClient(URL, "demo", "id", "secret", clock=clock),
    "AsyncKeycloakClient": lambda clock: AsyncKeycloakClient(
        URL, "demo", "id", "secret", clock=clock
    ),
    "SdxClient": lambda clock: SdxClient(URL, "id", "secret", clock=clock),
    "AsyncSdxClient": lambda clock: AsyncSdxClient(URL, "id", "secret", clock=clock),
}


#: The start of TokenClient's messages (the whole messages are compared below).
NOT_CALLABLE = "clock must be a callable"
NOT_FINITE = "clock must return a finite number"


def _token_client_refusal(clock: Any) -> BaseException:
    with pytest.raises(TypeError, match=NOT_CALLABLE) as caught:
        TokenClient(URL, "id", "secret", clock=clock)
    return caught.value


@pytest.mark.parametrize("name", sorted(MAKERS))
@pytest.mark.parametrize("bad", [3.0, "time.time", object()], ids=["float", "str", "object"])
def test_a_bad_clock_is_refused_as_token_client_refuses_it(name: str, bad: Any) -> None:
    want = _token_client_refusal(bad)
    with pytest.raises(TypeError, match=NOT_CALLABLE) as caught:
        MAKERS[name](bad)
    assert type(caught.value) is type(want)
    assert str(caught.value) == str(want)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_none_and_time_time_are_the_system_clock(name: str) -> None:
    for clock in (None, time.time):
        MAKERS[name](clock)


def test_a_clock_returning_no_finite_number_is_raised_as_token_client_raises_it(
    server: DevServer,
) -> None:
    def nan() -> float:
        return math.nan

    token_client = TokenClient(
        server.url + "/oauth/token", TTM_CLIENT_ID, TTM_CLIENT_SECRET, clock=nan
    )
    with pytest.raises(ValueError, match=NOT_FINITE) as want:
        token_client.token()
    counter = CountingTransport()
    calls: list[Callable[[], object]] = [
        lambda: _ttm(server, counter, clock=nan).token(TENANT),
        lambda: _keycloak(server, counter, clock=nan).password(USER, USER_PASSWORD),
        lambda: _sdx(server, counter, clock=nan).sign_in(USER, USER_PASSWORD),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=NOT_FINITE) as caught:
            call()
        assert str(caught.value) == str(want.value)
    # Each refused before its request was sent: the clock is read first.
    assert counter.count() == 0
