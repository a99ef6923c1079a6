"""TechnicalTokenManager (Siemens Insights Hub TTM v3) against the real dev server with 250
generated user tenants: every TTM route, batch limits, paging, per-tenant caching, concurrency,
fault injection with the manager surviving, redaction; plus fakes for what the server cannot
do (a server that ignores paging, 4 s tokens for stale-while-revalidate)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from devserver import (
    HOST_TENANT,
    TTM_BATCH,
    TTM_CLIENT_ID,
    TTM_CLIENT_SECRET,
    TTM_TOKEN,
    TTM_USER_TENANTS,
    CountingTransport,
    DevServer,
    config,
    serve,
    tenant_names,
)

import tokensmith
from tokensmith import (
    AsyncTechnicalTokenManager,
    InputError,
    OAuthError,
    ResponseError,
    ServerError,
    TechnicalTokenManager,
    TokenError,
)

TENANTS = 250


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    yield from serve(config(TENANTS))


@pytest.fixture
def faults(server: DevServer) -> Iterator[DevServer]:
    """The server, with its fault plan cleared after the test."""
    try:
        yield server
    finally:
        server.clear_faults()


def manager(server: DevServer, transport: Any = None, **kwargs: Any) -> TechnicalTokenManager:
    return TechnicalTokenManager(
        server.url + "/",
        TTM_CLIENT_ID,
        TTM_CLIENT_SECRET,
        "myapp",
        "1.0.0",
        HOST_TENANT,
        transport=transport,
        **kwargs,
    )


def async_manager(server: DevServer, transport: Any) -> AsyncTechnicalTokenManager:
    return AsyncTechnicalTokenManager(
        server.url,
        TTM_CLIENT_ID,
        TTM_CLIENT_SECRET,
        "myapp",
        "1.0.0",
        HOST_TENANT,
        transport=transport,
    )


def test_user_tenants_reads_every_page_with_the_operator_token(server: DevServer) -> None:
    counter = CountingTransport()
    tenants = manager(server, counter).user_tenants()
    assert len(tenants) == TENANTS
    assert len(set(tenants)) == TENANTS
    assert "tenant-250" in tenants
    assert HOST_TENANT not in tenants
    # 250 tenants at 100 per page: 3 pages, after one operator token (single-token call).
    assert counter.count(TTM_USER_TENANTS) == 3
    assert counter.count(TTM_TOKEN) == 1
    assert counter.count() == 4


def test_six_tenants_take_two_calls_and_asking_again_takes_none(server: DevServer) -> None:
    counter = CountingTransport()
    m = manager(server, counter)
    names = tenant_names(6)
    tokens = m.tokens(names)
    assert list(tokens) == names
    # A chunk of 5 with oauthTokens, the sixth alone with the single-token call.
    assert counter.count(TTM_BATCH) == 1
    assert counter.count(TTM_TOKEN) == 1
    assert counter.count() == 2
    for token in tokens.values():
        assert token.token_type == "Bearer"
        assert 1700 < token.expires_in <= 1799
        assert token.scope == ("myapp.1.0.0",)
    assert len({t.access_token for t in tokens.values()}) == 6
    # The batch body names the host tenant and the five tenants (the documented shape).
    batch_bodies = [json.loads(b) for b in counter.bodies if b"userTenantIds" in b]
    assert batch_bodies == [
        {
            "appName": "myapp",
            "appVersion": "1.0.0",
            "hostTenantId": HOST_TENANT,
            "userTenantIds": names[:5],
        }
    ]

    counter.reset()
    again = m.tokens(list(reversed(names)) + names)
    assert counter.count() == 0
    assert list(again) == list(reversed(names))
    assert again["tenant-003"].access_token == tokens["tenant-003"].access_token
    # The same Python object: a cached hit converts nothing.
    assert again["tenant-003"] is tokens["tenant-003"]

    # One more tenant next to cached ones: only it is requested, with the single-token call.
    single = m.token("tenant-007")
    assert counter.count(TTM_TOKEN) == 1
    assert counter.count() == 1
    assert m.token("tenant-007").access_token == single.access_token
    assert counter.count() == 1
    stats = m.cache_stats()
    assert stats["entries"] == 7
    assert stats["hits"] >= 7


def test_seven_tenants_take_two_batch_calls(server: DevServer) -> None:
    counter = CountingTransport()
    tokens = manager(server, counter).tokens(tenant_names(7, 100))
    assert len(tokens) == 7
    assert counter.count(TTM_BATCH) == 2
    assert counter.count(TTM_TOKEN) == 0


def test_batch_size_chunks_the_calls_and_is_bounded_by_the_documented_5(
    server: DevServer,
) -> None:
    counter = CountingTransport()
    m = manager(server, counter, batch_size=2)
    assert m.batch_size == 2
    m.tokens(tenant_names(5, 20))
    assert counter.count(TTM_BATCH) == 2
    assert counter.count(TTM_TOKEN) == 1
    for bad in (0, 6):
        with pytest.raises(InputError) as caught:
            manager(server, counter, batch_size=bad)
        assert caught.value.code == "invalid_input"


def test_all_tokens_runs_the_three_steps_then_only_lists_again(server: DevServer) -> None:
    counter = CountingTransport()
    m = manager(server, counter)
    everything = m.all_tokens()
    assert len(everything) == TENANTS
    assert list(everything) == tenant_names(TENANTS)
    assert counter.count(TTM_TOKEN) == 1  # the operator token
    assert counter.count(TTM_USER_TENANTS) == 3
    assert counter.count(TTM_BATCH) == TENANTS // 5
    counter.reset()
    # Every token (and the operator's) is cached: only the listing is asked again.
    again = m.all_tokens()
    assert again == everything
    assert counter.count() == 3
    assert counter.count(TTM_USER_TENANTS) == 3


def test_an_unknown_tenant_raises_the_servers_error(server: DevServer) -> None:
    m = manager(server)
    with pytest.raises(OAuthError) as caught:
        m.tokens(["tenant-001", "nobody"])
    assert caught.value.status == 400
    assert TTM_CLIENT_SECRET not in str(caught.value)
    assert TTM_CLIENT_SECRET not in repr(caught.value)


def test_bad_arguments_are_refused(server: DevServer) -> None:
    m = manager(server)
    with pytest.raises(TypeError):
        m.tokens("tenant-001")
    with pytest.raises(InputError) as caught:
        m.tokens(["tenant-001", ""])
    assert caught.value.code == "invalid_input"
    with pytest.raises(TokenError) as missing:
        TechnicalTokenManager(server.url, TTM_CLIENT_ID, "", "app", "1", HOST_TENANT)
    assert missing.value.code == "missing_client_secret"
    with pytest.raises(InputError):
        TechnicalTokenManager("ftp://x", TTM_CLIENT_ID, "s", "app", "1", HOST_TENANT)
    assert m.tokens([]) == {}


def test_a_wrong_secret_is_invalid_client_without_the_secret(server: DevServer) -> None:
    wrong = "wrong-SECRET-value-5a1c"
    m = TechnicalTokenManager(server.url, TTM_CLIENT_ID, wrong, "myapp", "1.0.0", HOST_TENANT)
    with pytest.raises(TokenError) as caught:
        m.token("tenant-001")
    assert caught.value.status == 401
    assert wrong not in str(caught.value)
    assert wrong not in repr(caught.value)


def test_concurrent_callers_request_each_tenant_once(server: DevServer) -> None:
    counter = CountingTransport()
    m = manager(server, counter)
    names = tenant_names(10, 60)
    results: list[dict[str, tokensmith.Token]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker() -> None:
        try:
            start.wait()
            results.append(m.tokens(names))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(results) == 8
    # Core's single-flight: each tenant requested once, in 2 batch calls, whoever sent them.
    assert counter.count(TTM_BATCH) == 2
    assert counter.count() == 2
    first = results[0]
    for other in results[1:]:
        assert {k: v.access_token for k, v in other.items()} == {
            k: v.access_token for k, v in first.items()
        }


def test_a_500_then_recovery_is_retried_within_the_call(faults: DevServer) -> None:
    counter = CountingTransport()
    m = manager(faults, counter)
    faults.fault(TTM_BATCH, "server_error", 1)
    tokens = m.tokens(tenant_names(5, 140))
    assert len(tokens) == 5
    assert counter.count(TTM_BATCH) == 2  # the 500, then the retry


def test_a_429_with_retry_after_is_waited_out(faults: DevServer) -> None:
    counter = CountingTransport()
    m = manager(faults, counter)
    faults.fault(TTM_BATCH, "rate_limited", 1, retry_after_secs=1)
    started = time.monotonic()
    tokens = m.tokens(tenant_names(5, 150))
    assert len(tokens) == 5
    assert counter.count(TTM_BATCH) == 2
    # RFC 9110 §10.2.3: the retry was not sent before the server's Retry-After.
    assert time.monotonic() - started >= 0.9


def test_a_lasting_outage_raises_a_typed_error_and_keeps_cached_tokens(
    faults: DevServer,
) -> None:
    counter = CountingTransport()
    m = manager(faults, counter)
    cached = m.tokens(tenant_names(5, 160))
    faults.fault(TTM_BATCH, "server_error", 10)
    counter.reset()
    new = tenant_names(5, 170)
    with pytest.raises(ServerError) as caught:
        m.tokens(new)
    assert caught.value.code == "server_error"
    assert caught.value.status == 500
    # Three attempts (core's retry policy), then the error.
    assert counter.count(TTM_BATCH) == 3
    # Nothing lost: the cached tenants are still served, without a request.
    counter.reset()
    assert {k: v.access_token for k, v in m.tokens(tenant_names(5, 160)).items()} == {
        k: v.access_token for k, v in cached.items()
    }
    assert counter.count() == 0
    # While the failed tenants back off, asking again fails at once with the same error.
    with pytest.raises(ServerError):
        m.tokens(new)
    assert counter.count() == 0
    # Once the server recovers and the backoff (1 s first, core's policy) is over: tokens.
    faults.clear_faults()
    deadline = time.monotonic() + 15
    while True:
        try:
            recovered = m.tokens(new)
            break
        except ServerError:
            assert time.monotonic() < deadline, "the manager never recovered"
            time.sleep(0.25)
    assert list(recovered) == new


def test_a_lasting_429_raises_with_the_servers_retry_after(faults: DevServer) -> None:
    m = manager(faults)
    faults.fault(TTM_TOKEN, "rate_limited", 10, retry_after_secs=1)
    with pytest.raises(TokenError) as caught:
        m.token("tenant-180")
    assert caught.value.status == 429
    assert caught.value.retry_after == 1.0


def test_an_html_error_page_is_a_response_error(faults: DevServer) -> None:
    m = manager(faults)
    faults.fault(TTM_BATCH, "html", 10)
    with pytest.raises(ResponseError) as caught:
        m.tokens(tenant_names(3, 190))
    assert caught.value.code == "unexpected_response"
    assert caught.value.status == 502


def test_a_failing_tenant_listing_keeps_the_operator_token(faults: DevServer) -> None:
    counter = CountingTransport()
    m = manager(faults, counter)
    assert len(m.user_tenants()) == TENANTS
    faults.fault(TTM_USER_TENANTS, "truncated", 1)
    counter.reset()
    with pytest.raises(ResponseError) as caught:
        m.user_tenants()
    assert caught.value.code == "unexpected_response"
    faults.clear_faults()
    assert len(m.user_tenants()) == TENANTS
    # The operator token stayed cached through the failure.
    assert counter.count(TTM_TOKEN) == 0


@pytest.mark.parametrize("kind", ["requests", "httpx"])
def test_requests_and_httpx_transports(server: DevServer, kind: str) -> None:
    if kind == "requests":
        import requests

        session: Any = requests.Session()
    else:
        import httpx

        session = httpx.Client()
    with session:
        m = manager(server, session)
        tokens = m.tokens(tenant_names(6, 200))
        assert len(tokens) == 6
        assert len(m.user_tenants()) == TENANTS


def test_async_twin_shares_the_rules(server: DevServer) -> None:
    counter = CountingTransport()

    async def main() -> None:
        m = async_manager(server, counter)
        names = tenant_names(5, 210)
        results = await asyncio.gather(*(m.tokens(names) for _ in range(10)))
        assert all(list(r) == names for r in results)
        assert counter.count(TTM_BATCH) == 1
        one = await m.token("tenant-210")
        assert one.access_token == results[0]["tenant-210"].access_token
        assert len(await m.user_tenants()) == TENANTS
        assert len(await m.all_tokens()) == TENANTS
        assert m.sync.cache_stats()["entries"] == TENANTS + 1
        assert TTM_CLIENT_SECRET not in repr(m)
        assert repr(m).startswith("<AsyncTechnicalTokenManager ")

    asyncio.run(main())


def test_async_twin_with_an_httpx_async_client(server: DevServer) -> None:
    import httpx

    async def main() -> None:
        async with httpx.AsyncClient() as client:
            m = async_manager(server, client)
            tokens = await m.tokens(tenant_names(7, 220))
            assert len(tokens) == 7

    asyncio.run(main())


def test_no_secret_in_reprs_or_logs(server: DevServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="tokensmith")
    m = manager(server)
    tokens = m.tokens(tenant_names(3, 230))
    text = repr(m) + str(m) + "".join(repr(t) + str(t) for t in tokens.values())
    text += caplog.text
    assert TTM_CLIENT_SECRET not in text
    assert tokensmith.space_auth_key(TTM_CLIENT_ID, TTM_CLIENT_SECRET) not in text
    for token in tokens.values():
        assert token.access_token not in text
    assert 'host_tenant="opshost"' in repr(m)


# --- Fakes: what the dev server cannot do ---------------------------------------------------


def _json(status: int, body: Any, headers: Sequence[tuple[str, str]] = ()) -> Any:
    return status, [("Content-Type", "application/json"), *headers], json.dumps(body).encode()


def _token(name: str) -> dict[str, Any]:
    return {
        "access_token": f"tok-{name}-0123456789abcdef",
        "token_type": "Bearer",
        "timestamp": str(int(time.time() * 1000)),
        "expires_in": 4,
    }


def test_a_server_that_ignores_paging_is_a_response_error() -> None:
    def transport(method: str, url: str, headers: Any, body: bytes) -> Any:
        if "userTenants" in url:
            # Always page 0 of 3, whatever was asked: would loop forever.
            page = {"size": 100, "totalElements": 250, "totalPages": 3, "number": 0}
            return _json(200, {"userTenants": [{"id": "t1"}], "page": page})
        return _json(200, _token("operator"))

    m = TechnicalTokenManager(
        "https://gateway.example", "id", "secret", "app", "1", "host", transport=transport
    )
    with pytest.raises(ResponseError) as caught:
        m.user_tenants()
    assert caught.value.code == "unexpected_response"


def test_aging_tokens_are_served_and_refreshed_in_the_background() -> None:
    # 4 s tokens: refresh point at 75 % ± 5 % (≤ 3.2 s), served until 90 % (3.6 s).
    calls: list[list[str]] = []
    lock = threading.Lock()

    def transport(method: str, url: str, headers: Any, body: bytes) -> Any:
        tenants: list[str] = json.loads(body)["userTenantIds"]
        with lock:
            calls.append(tenants)
            n = len(calls)
        items = [
            {"userTenantId": t, "token": {**_token(t), "access_token": f"tok-{t}-{n}-padding"}}
            for t in tenants
        ]
        return _json(200, {"oauthTokens": items})

    m = TechnicalTokenManager(
        "https://gateway.example", "id", "secret", "app", "1", "host", transport=transport
    )
    first = m.tokens(["a", "b"])
    assert len(calls) == 1
    time.sleep(3.4)
    aging = m.tokens(["a", "b"])
    # Served at once (the aging token), refreshed on a background thread.
    assert aging["a"].access_token == first["a"].access_token
    deadline = time.monotonic() + 5
    while len(calls) < 2:
        assert time.monotonic() < deadline, "no background refresh"
        time.sleep(0.05)
    time.sleep(0.1)
    renewed = m.tokens(["a", "b"])
    assert renewed["a"].access_token == "tok-a-2-padding"
    assert renewed["b"].access_token == "tok-b-2-padding"
    assert len(calls) == 2


def test_a_transport_bug_is_raised_and_releases_the_tenants() -> None:
    state = {"broken": True}

    def transport(method: str, url: str, headers: Any, body: bytes) -> Any:
        if state["broken"]:
            raise KeyError("bug in the transport")
        tenants = json.loads(body)["userTenantIds"]
        return _json(
            200, {"oauthTokens": [{"userTenantId": t, "token": _token(t)} for t in tenants]}
        )

    m = TechnicalTokenManager(
        "https://gateway.example", "id", "secret", "app", "1", "host", transport=transport
    )
    with pytest.raises(KeyError):
        m.tokens(["a", "b"])
    state["broken"] = False
    # The failure was a transport failure for the cache (retryable after its backoff).
    deadline = time.monotonic() + 10
    while True:
        try:
            assert len(m.tokens(["a", "b"])) == 2
            break
        except TokenError:
            assert time.monotonic() < deadline
            time.sleep(0.25)
