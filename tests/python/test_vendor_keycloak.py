"""Keycloak: keycloak_token_url, KeycloakClient (offline tokens, "Token is not active") and
TokenClient over a realm URL, against the real dev server's Keycloak realm `demo`."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from devserver import (
    KEYCLOAK_TOKEN,
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
    AsyncKeycloakClient,
    InputError,
    InvalidGrant,
    KeycloakClient,
    ServerError,
    TokenClient,
    TokenError,
    keycloak_token_url,
)


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    yield from serve(config(3))


def client(server: DevServer, **kwargs: Any) -> KeycloakClient:
    return KeycloakClient(server.url + "/", "demo", TTM_CLIENT_ID, TTM_CLIENT_SECRET, **kwargs)


def test_keycloak_token_url() -> None:
    assert (
        keycloak_token_url("https://kc.example/auth//", "demo")
        == "https://kc.example/auth/realms/demo/protocol/openid-connect/token"
    )
    # The realm is one path segment (RFC 3986 §3.3): it can add neither a segment nor a query.
    assert (
        keycloak_token_url("https://kc.example", "a b/c?d")
        == "https://kc.example/realms/a%20b%2Fc%3Fd/protocol/openid-connect/token"
    )
    for base, realm in (("https://kc", ""), ("ftp://kc", "demo"), ("https://kc?x=1", "demo")):
        with pytest.raises(InputError) as caught:
            keycloak_token_url(base, realm)
        assert caught.value.code == "invalid_input"


def test_offline_tokens_never_expire_and_a_dead_refresh_token_is_not_active(
    server: DevServer,
) -> None:
    counter = CountingTransport()
    kc = client(server, offline=True, scope="openid offline_access", transport=counter)
    assert kc.offline is True
    assert kc.token_url == server.url + KEYCLOAK_TOKEN
    first = kc.password(USER, USER_PASSWORD)
    # offline_access sent once, next to the client's scope.
    sent = parse_qs(counter.bodies[0].decode())
    assert sorted(sent["scope"][0].split()) == ["offline_access", "openid"]
    assert "offline_access" in first.scope
    assert first.refresh_token
    # refresh_expires_in 0: an offline refresh token never expires.
    assert first.refresh_expires_at is None
    second = kc.refresh(first.refresh_token)
    assert second.refresh_token
    assert second.refresh_token != first.refresh_token
    assert second.refresh_expires_at is None
    # The rotated-away refresh token: Keycloak's invalid_grant "Token is not active".
    with pytest.raises(TokenError) as caught:
        kc.refresh(first.refresh_token)
    assert caught.value.code == "refresh_token_inactive"
    assert not isinstance(caught.value, InvalidGrant)
    assert "Token is not active" in str(caught.value)
    assert "sign in again" in str(caught.value)
    assert first.refresh_token not in str(caught.value)
    assert first.refresh_token not in repr(caught.value)


def test_offline_is_added_to_the_clients_scope(server: DevServer) -> None:
    counter = CountingTransport()
    kc = client(server, offline=True, scope=["openid"], transport=counter)
    kc.password(USER, USER_PASSWORD)
    assert sorted(parse_qs(counter.bodies[0].decode())["scope"][0].split()) == [
        "offline_access",
        "openid",
    ]


def test_online_sessions_have_a_refresh_expiry(server: DevServer) -> None:
    kc = client(server)
    assert kc.offline is False
    token = kc.password(USER, USER_PASSWORD)
    assert isinstance(token.refresh_expires_at, datetime.datetime)
    assert "offline_access" not in token.scope


def test_other_failures_keep_their_own_class(server: DevServer) -> None:
    kc = client(server)
    with pytest.raises(InvalidGrant) as caught:
        kc.password(USER, "wrong password")
    assert caught.value.code == "invalid_grant"
    assert "wrong password" not in str(caught.value)
    unknown = KeycloakClient(server.url, "nope", TTM_CLIENT_ID, TTM_CLIENT_SECRET)
    with pytest.raises(TokenError) as missing:
        unknown.password(USER, USER_PASSWORD)
    assert missing.value.status == 404


def test_a_server_error_is_typed_and_the_next_call_works(server: DevServer) -> None:
    kc = client(server)
    server.fault(KEYCLOAK_TOKEN, "server_error", 1)
    try:
        with pytest.raises(ServerError) as caught:
            kc.password(USER, USER_PASSWORD)
        assert caught.value.status == 500
    finally:
        server.clear_faults()
    assert kc.password(USER, USER_PASSWORD).access_token


def test_token_client_over_the_realm_url_caches_offline_tokens(server: DevServer) -> None:
    counter = CountingTransport()
    url = keycloak_token_url(server.url, "demo")
    tc = TokenClient(url, TTM_CLIENT_ID, TTM_CLIENT_SECRET, transport=counter)
    first = tc.password(USER, USER_PASSWORD, scope="openid offline_access")
    assert first.refresh_expires_at is None
    assert tc.password(USER, USER_PASSWORD, scope="openid offline_access") is first
    assert counter.count(KEYCLOAK_TOKEN) == 1
    assert first.refresh_token is not None
    tc.refresh(first.refresh_token)
    # The generic client keeps Keycloak's answer as it is: invalid_grant "Token is not active"
    # (a second client: the first answers the same refresh token from its cache).
    with pytest.raises(InvalidGrant) as caught:
        TokenClient(url, TTM_CLIENT_ID, TTM_CLIENT_SECRET).refresh(first.refresh_token)
    assert caught.value.description == "Token is not active"


def test_async_twin(server: DevServer) -> None:
    async def main() -> None:
        kc = AsyncKeycloakClient(server.url, "demo", TTM_CLIENT_ID, TTM_CLIENT_SECRET, offline=True)
        assert kc.offline is True
        assert kc.token_url.endswith(KEYCLOAK_TOKEN)
        first = await kc.password(USER, USER_PASSWORD)
        assert first.refresh_token is not None
        await kc.refresh(first.refresh_token)
        with pytest.raises(TokenError) as caught:
            await kc.refresh(first.refresh_token)
        assert caught.value.code == "refresh_token_inactive"
        assert repr(kc).startswith("<AsyncKeycloakClient ")

    asyncio.run(main())


def test_no_secret_in_repr(server: DevServer) -> None:
    kc = client(server, offline=True)
    token = kc.password(USER, USER_PASSWORD)
    text = repr(kc) + str(kc) + repr(token) + str(token)
    assert TTM_CLIENT_SECRET not in text
    assert USER_PASSWORD not in text
    assert token.access_token not in text
    assert token.refresh_token is not None
    assert token.refresh_token not in text
    assert "offline=True" in repr(kc)
