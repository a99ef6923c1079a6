"""``AsyncJwksClient``: ``JwksClient``'s verification as a coroutine. The JWK Set fetch runs in a
worker thread (the event loop keeps running), core's single flight holds across tasks, and the
errors, the blocking twin and the repr are the sync client's."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest
from jwks_fixtures import JWKS_BODY, JWKS_URL, NOW, hs256

import tokensmith

#: Concurrent ``verify`` calls on one cold client (more than the default executor's workers, so
#: some wait for a thread and some for the fetch).
CALLS = 50
#: How long the fake issuer takes to answer: long enough for the first wave of calls to ask
#: while the fetch is in flight, short for the test.
FETCH_SECONDS = 0.3


class SlowIssuer:
    """A transport that counts JWK Set requests and answers after ``FETCH_SECONDS``, recording
    whether it was called on the event loop's thread."""

    def __init__(self) -> None:
        self.requests = 0
        self.threads: set[int] = set()
        self._lock = threading.Lock()

    def __call__(
        self, method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        assert (method, url) == ("GET", JWKS_URL)
        with self._lock:
            self.requests += 1
            self.threads.add(threading.get_ident())
        time.sleep(FETCH_SECONDS)
        return 200, [("Content-Type", "application/json")], JWKS_BODY


def _client(issuer: SlowIssuer) -> tokensmith.AsyncJwksClient:
    return tokensmith.AsyncJwksClient(JWKS_URL, transport=issuer, clock=lambda: float(NOW))


def test_a_valid_token_verifies_off_the_event_loop() -> None:
    issuer = SlowIssuer()
    jwks = _client(issuer)

    async def main() -> tuple[dict[str, dict[str, object]], int]:
        ticks = 0
        done = asyncio.Event()

        async def tick() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        ticker = asyncio.create_task(tick())
        try:
            result = await jwks.verify(hs256("k1", "alice"), algorithms=["HS256"])
        finally:
            done.set()
            await ticker
        return result, ticks

    result, ticks = asyncio.run(main())
    assert result["header"]["kid"] == "k1"
    assert result["claims"]["sub"] == "alice"
    assert issuer.requests == 1
    assert threading.get_ident() not in issuer.threads
    # The loop kept running during the 0.3 s fetch (a fetch on the loop would allow 1 tick).
    assert ticks >= 5


def test_concurrent_calls_on_a_cold_client_send_one_request() -> None:
    issuer = SlowIssuer()
    jwks = _client(issuer)

    async def main() -> list[dict[str, dict[str, Any]]]:
        return await asyncio.gather(
            *(jwks.verify(hs256("k1", f"user-{i}"), algorithms=["HS256"]) for i in range(CALLS))
        )

    results = asyncio.run(main())
    assert sorted(str(r["claims"]["sub"]) for r in results) == sorted(
        f"user-{i}" for i in range(CALLS)
    )
    assert issuer.requests == 1
    assert "keys=1" in repr(jwks)


def test_an_unknown_kid_raises_what_the_sync_client_raises() -> None:
    issuer = SlowIssuer()
    jwks = _client(issuer)
    forged = hs256("rotated-away", "mallory")
    with pytest.raises(tokensmith.JwtError) as sync_info:
        jwks.sync.verify(forged, algorithms=["HS256"])
    with pytest.raises(tokensmith.JwtError) as async_info:
        asyncio.run(jwks.verify(forged, algorithms=["HS256"]))
    assert type(async_info.value) is type(sync_info.value)
    assert async_info.value.code == sync_info.value.code == "jwt_key_not_found"
    # One fetch for the first call; the second is inside the 30 s refetch interval.
    assert issuer.requests == 1


def test_claims_are_checked_as_by_the_sync_client() -> None:
    jwks = _client(SlowIssuer())
    # The token has no ``iss``, so asking for one fails the claim checks (RFC 7519 §4.1.1).
    token = hs256("k1", "alice")
    with pytest.raises(tokensmith.JwtError) as sync_info:
        jwks.sync.verify(token, algorithms=["HS256"], issuer="https://issuer.test")
    with pytest.raises(tokensmith.JwtError) as async_info:
        asyncio.run(jwks.verify(token, algorithms=["HS256"], issuer="https://issuer.test"))
    assert async_info.value.code == sync_info.value.code == "jwt_missing_claim"


def test_sync_is_a_working_jwks_client_sharing_the_key_set() -> None:
    issuer = SlowIssuer()
    jwks = _client(issuer)
    asyncio.run(jwks.verify(hs256("k1", "alice"), algorithms=["HS256"]))
    sync = jwks.sync
    assert isinstance(sync, tokensmith.JwksClient)
    assert sync.verify(hs256("k1", "bob"), algorithms=["HS256"])["claims"]["sub"] == "bob"
    assert issuer.requests == 1


def test_an_httpx_async_client_transport_sends_on_the_calling_loop() -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return httpx.Response(200, content=JWKS_BODY)

    async def main() -> dict[str, dict[str, object]]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
            jwks = tokensmith.AsyncJwksClient(JWKS_URL, transport=http, clock=lambda: float(NOW))
            return await jwks.verify(hs256("k1", "carol"), algorithms=["HS256"])

    assert asyncio.run(main())["claims"]["sub"] == "carol"
    assert requests == [JWKS_URL]


def test_repr_shows_no_secret() -> None:
    # Userinfo and a secret-named query parameter (core's ``redact_url``).
    jwks = tokensmith.AsyncJwksClient(
        "https://jwks-user:s3cr3t-pw@issuer.test/jwks?access_token=q-s3cr3t"
    )
    text = repr(jwks)
    assert text.startswith("<AsyncJwksClient ")
    assert "issuer.test/jwks" in text
    assert "s3cr3t" not in text
    assert "jwks-user" not in text
    assert "keys=0" in text
