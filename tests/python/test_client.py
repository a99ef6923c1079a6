"""TokenClient against the local token server: caching, single-flight, refresh, failures."""

from __future__ import annotations

import concurrent.futures
import threading
import time
from typing import Callable

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, USER, USER_PASSWORD
from token_server import TokenServer

import tokensmith


def client(server: TokenServer, **kwargs: object) -> tokensmith.TokenClient:
    return tokensmith.TokenClient(server.url, CLIENT_ID, CLIENT_SECRET, **kwargs)  # type: ignore[arg-type]


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Polls `condition` until it holds or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_client_credentials_is_cached(token_server: TokenServer) -> None:
    c = client(token_server, scope="read write")
    first = c.token()
    assert first.access_token.startswith("at-1-")
    assert first.token_type == "Bearer"
    assert first.scope == ("read", "write")
    assert first.authorization == f"Bearer {first.access_token}"
    assert 3590 < first.expires_in <= 3600
    assert not first.is_expired()
    assert first.is_expired(leeway=4000)
    assert c.token() is first
    assert c.client_credentials() is first
    assert c.client_credentials(["write", "read"]) is first
    assert token_server.count == 1
    stats = c.cache_stats()
    assert stats["fetches"] == 1
    assert stats["hits"] >= 3
    assert list(stats) == [
        "hits",
        "stale_hits",
        "misses",
        "fetches",
        "coalesced",
        "failures",
        "backoffs",
        "retries",
        "abandoned",
        "evictions",
        "purged",
        "entries",
    ]
    form = token_server.requests[0]["form"]
    assert form["grant_type"] == "client_credentials"
    assert form["scope"] == "read write"


def test_another_scope_is_another_token(token_server: TokenServer) -> None:
    c = client(token_server)
    a = c.client_credentials("a")
    b = c.client_credentials("b")
    assert a.access_token != b.access_token
    assert c.client_credentials("a") is a
    assert token_server.count == 2


def test_client_secret_post(token_server: TokenServer) -> None:
    c = client(token_server, auth="client_secret_post")
    c.token()
    request = token_server.requests[0]
    assert "Authorization" not in request["headers"]
    assert request["form"]["client_secret"] == CLIENT_SECRET


def test_64_threads_on_a_cold_cache_send_one_request(token_server: TokenServer) -> None:
    token_server.delay = 0.3
    c = client(token_server)
    barrier = threading.Barrier(64)
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        try:
            token = c.token()
            with lock:
                results.append(token.access_token)
        except BaseException as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 64
    assert len(set(results)) == 1
    assert token_server.count == 1


def test_a_short_lived_token_is_refreshed_ahead_in_the_background(
    token_server: TokenServer,
) -> None:
    token_server.lifetime = 4
    c = client(token_server)
    first = c.token()
    # Past the refresh point (75 % ± 5 % of 4 s), before the token stops being served (90 %).
    time.sleep(3.25)
    served = c.token()
    assert served.access_token == first.access_token
    assert eventually(lambda: token_server.count == 2)
    assert eventually(lambda: c.token().access_token != first.access_token)
    assert token_server.count == 2


def test_an_expired_token_is_never_served(token_server: TokenServer) -> None:
    token_server.lifetime = 1
    c = client(token_server)
    first = c.token()
    time.sleep(1.05)
    second = c.token()
    assert second.access_token != first.access_token
    assert not second.is_expired()
    assert token_server.count == 2


def test_min_ttl_beyond_the_cached_lifetime_fetches(token_server: TokenServer) -> None:
    token_server.lifetime = 60
    c = client(token_server)
    first = c.token()
    assert c.token(min_ttl=30).access_token == first.access_token
    assert c.token(min_ttl=120).access_token != first.access_token


def test_server_errors_while_a_valid_token_exists_keep_serving_it(
    token_server: TokenServer,
) -> None:
    token_server.lifetime = 4
    c = client(token_server)
    first = c.token()
    token_server.failures = [(500, {})] * 20
    # Past the refresh point (75 % ± 5 % of 4 s = 3.2 s at most), well before the token stops
    # being served (90 % = 3.6 s).
    time.sleep(3.25)
    # The background refresh fails; callers keep the still-valid token and see no error.
    assert c.token().access_token == first.access_token
    assert eventually(lambda: c.cache_stats()["failures"] >= 1, timeout=0.3)
    assert c.token().access_token == first.access_token
    # The server recovers: a new token follows.
    token_server.failures = []
    assert eventually(lambda: c.token().access_token != first.access_token)


def test_a_cold_fetch_rides_out_transient_errors(token_server: TokenServer) -> None:
    token_server.failures = [(503, {}), (500, {})]
    c = client(token_server)
    token = c.token()
    assert token.access_token.startswith("at-")
    assert token_server.count == 3
    assert c.cache_stats()["retries"] == 2


def test_retry_after_on_429_is_honoured(token_server: TokenServer) -> None:
    token_server.failures = [(429, {"Retry-After": "1"})]
    c = client(token_server)
    started = time.monotonic()
    c.token()
    assert time.monotonic() - started >= 0.95
    assert token_server.count == 2


def test_wrong_secret_raises_invalid_client(token_server: TokenServer) -> None:
    c = tokensmith.TokenClient(token_server.url, CLIENT_ID, "wrong-secret-XYZ")
    with pytest.raises(tokensmith.InvalidClient) as info:
        c.token()
    exc = info.value
    assert isinstance(exc, tokensmith.OAuthError)
    assert isinstance(exc, tokensmith.TokenError)
    assert exc.code == "invalid_client"
    assert exc.error == "invalid_client"
    assert exc.status == 401
    # Negative cache: the next call fails at once, without a request.
    with pytest.raises(tokensmith.InvalidClient):
        c.token()
    assert token_server.count == 1


def test_password_grant_is_cached_per_user_and_refreshed(token_server: TokenServer) -> None:
    token_server.lifetime = 2
    c = client(token_server)
    first = c.password(USER, USER_PASSWORD, "profile")
    assert first.refresh_token is not None
    assert first.refresh_token.startswith("rt-")
    assert c.password(USER, USER_PASSWORD, "profile") is first
    time.sleep(1.65)
    c.password(USER, USER_PASSWORD, "profile")
    assert eventually(lambda: token_server.count == 2)
    assert token_server.requests[-1]["form"]["grant_type"] == "refresh_token"
    assert token_server.requests[-1]["form"]["refresh_token"] == first.refresh_token


def test_wrong_password_raises_invalid_grant(token_server: TokenServer) -> None:
    c = client(token_server)
    with pytest.raises(tokensmith.InvalidGrant) as info:
        c.password(USER, "not-the-password")
    assert info.value.code == "invalid_grant"


def test_refresh_and_revoke(token_server: TokenServer) -> None:
    c = client(token_server, revocation_url=token_server.revoke_url)
    first = c.password(USER, USER_PASSWORD)
    assert first.refresh_token is not None
    second = c.refresh(first.refresh_token)
    assert second.access_token != first.access_token
    sent = token_server.count
    # The same refresh token again: the token its exchange gave, from the cache (the server
    # rotated it, so a second request could only fail).
    assert c.refresh(first.refresh_token).access_token == second.access_token
    assert token_server.count == sent
    # Without that cache entry the rotated refresh token is refused.
    with pytest.raises(tokensmith.InvalidGrant):
        client(token_server).refresh(first.refresh_token)
    c.revoke(second.access_token, "access_token")
    revocation = token_server.requests[-1]
    assert revocation["path"] == "/revoke"
    assert revocation["form"] == {
        "token": second.access_token,
        "token_type_hint": "access_token",
    }


def test_revoked_access_token_leaves_the_cache(token_server: TokenServer) -> None:
    c = client(token_server, revocation_url=token_server.revoke_url)
    first = c.token()
    assert c.token() is first
    c.revoke(first.access_token)
    sent = token_server.count
    second = c.token()
    # The revoked token is not served again: a new client-credentials request.
    assert token_server.count == sent + 1
    assert token_server.requests[-1]["form"]["grant_type"] == "client_credentials"
    assert second.access_token != first.access_token
    assert c.token() is second


def test_revoked_refresh_token_makes_the_next_call_use_the_primary_grant(
    token_server: TokenServer,
) -> None:
    c = client(token_server, revocation_url=token_server.revoke_url)
    first = c.password(USER, USER_PASSWORD)
    assert first.refresh_token is not None
    c.revoke(first.refresh_token, "refresh_token")
    sent = token_server.count
    second = c.password(USER, USER_PASSWORD)
    # The whole entry is gone (RFC 7009 §2.1: the server may revoke the access token with it);
    # the new token comes from the password grant, not from the revoked refresh token.
    assert token_server.count == sent + 1
    assert token_server.requests[-1]["form"]["grant_type"] == "password"
    assert second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token


def test_revoke_without_url_is_an_input_error(token_server: TokenServer) -> None:
    with pytest.raises(tokensmith.InputError) as info:
        client(token_server).revoke("x")
    assert info.value.code == "invalid_input"


def test_connection_refused_is_a_transport_error() -> None:
    server = TokenServer("a", "b")
    url = server.url
    server.close()
    c = tokensmith.TokenClient(url, "a", "b", timeout=2)
    with pytest.raises(tokensmith.TransportError) as info:
        c.token()
    assert info.value.code == "transport_connect"


def test_a_callable_transport_and_its_bugs() -> None:
    seen: list[tuple[str, str]] = []

    def transport(
        method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        seen.append((method, url))
        raise KeyError("bug in the transport")

    c = tokensmith.TokenClient("https://idp.example/token", "id", "secret", transport=transport)
    with pytest.raises(KeyError):
        c.token()
    assert seen[0] == ("POST", "https://idp.example/token")


def test_invalid_arguments() -> None:
    with pytest.raises(tokensmith.InputError):
        tokensmith.TokenClient("https://idp.example/token", "id", "s", auth="bogus")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        tokensmith.TokenClient("https://idp.example/token", "id", "s", timeout=0)
    with pytest.raises(TypeError):
        tokensmith.TokenClient("https://idp.example/token", "id", "s", transport=42)  # type: ignore[arg-type]
    c = tokensmith.TokenClient("https://idp.example/token", "id", "s", transport=lambda *a: a)
    with pytest.raises(ValueError, match="min_ttl"):
        c.token(min_ttl=-1)


def test_a_wrong_password_is_not_served_the_cached_token(token_server: TokenServer) -> None:
    c = client(token_server)
    token = c.password(USER, USER_PASSWORD)
    with pytest.raises(tokensmith.InvalidGrant):
        c.password(USER, USER_PASSWORD + "-wrong")
    assert c.password(USER, USER_PASSWORD).access_token == token.access_token
    assert token_server.count == 2


def test_refresh_tokens_of_two_users_never_share_a_token(token_server: TokenServer) -> None:
    c = client(token_server)
    alice = client(token_server).password(USER, USER_PASSWORD)
    other = client(token_server).password(USER, USER_PASSWORD)
    assert alice.refresh_token is not None
    assert other.refresh_token is not None
    assert alice.refresh_token != other.refresh_token
    a = c.refresh(alice.refresh_token)
    b = c.refresh(other.refresh_token)
    assert a.access_token != b.access_token
    assert token_server.requests[-1]["form"]["refresh_token"] == other.refresh_token


def test_concurrent_refreshes_of_one_refresh_token_send_one_request(
    token_server: TokenServer,
) -> None:
    first = client(token_server).password(USER, USER_PASSWORD)
    assert first.refresh_token is not None
    rt = first.refresh_token
    c = client(token_server)
    sent = token_server.count
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        tokens = list(pool.map(lambda _: c.refresh(rt), range(16)))
    assert token_server.count == sent + 1
    assert len({t.access_token for t in tokens}) == 1


def test_refused_drops_the_token_only_while_it_is_cached(token_server: TokenServer) -> None:
    c = client(token_server)
    first = c.token()
    assert c.refused(first) == 1
    second = c.token()
    assert second.access_token != first.access_token
    assert token_server.count == 2
    # Later refusals of the replaced token (as a Token or as its text) change nothing.
    assert c.refused(first) == 0
    assert c.refused(first.access_token) == 0
    assert c.token() is second
    assert token_server.count == 2
    with pytest.raises(TypeError, match="token must be a Token or a str"):
        c.refused(5)  # type: ignore[arg-type]


def test_refused_keeps_the_refresh_token(token_server: TokenServer) -> None:
    c = client(token_server)
    first = c.password(USER, USER_PASSWORD, "profile")
    assert c.refused(first.access_token) == 1
    second = c.password(USER, USER_PASSWORD, "profile")
    assert second.access_token != first.access_token
    assert token_server.requests[-1]["form"]["grant_type"] == "refresh_token"
    assert token_server.requests[-1]["form"]["refresh_token"] == first.refresh_token
