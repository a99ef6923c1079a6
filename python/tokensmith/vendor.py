"""Vendor flows: Siemens Insights Hub Technical Token Manager, Keycloak, HxGN SDx/TruView.

The blocking classes are native (core's ``tokensmith::vendor`` driven with the binding's
transports); the ``Async…`` classes here are their asyncio twins, built like
:class:`tokensmith.AsyncTokenClient`: a call answered from the cache stays on the event loop,
anything that sends a request or waits for another caller's runs in the loop's default executor
(GIL released while waiting). An ``httpx.AsyncClient`` transport sends on the calling loop.

See ``docs/vendors.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from tokensmith._async import _in_executor
from tokensmith._native import (
    KeycloakClient,
    SdxClient,
    TechnicalTokenManager,
    Token,
    keycloak_token_url,
)

__all__ = [
    "AsyncKeycloakClient",
    "AsyncSdxClient",
    "AsyncTechnicalTokenManager",
    "KeycloakClient",
    "SdxClient",
    "TechnicalTokenManager",
    "keycloak_token_url",
]


class AsyncTechnicalTokenManager:
    """The asyncio twin of :class:`TechnicalTokenManager`; same arguments, same cache rules."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        app_name: str,
        app_version: str,
        host_tenant: str,
        **kwargs: Any,
    ) -> None:
        self._sync = TechnicalTokenManager(
            base_url, client_id, client_secret, app_name, app_version, host_tenant, **kwargs
        )

    @property
    def sync(self) -> TechnicalTokenManager:
        """The blocking manager sharing this one's cache."""
        return self._sync

    async def token(self, user_tenant: str) -> Token:
        cached = self._sync._cached([user_tenant])
        if cached is not None:
            return cached[user_tenant]
        return await _in_executor(functools.partial(self._sync.token, user_tenant))

    async def tokens(self, user_tenants: Iterable[str]) -> dict[str, Token]:
        tenants = list(user_tenants) if not isinstance(user_tenants, str) else user_tenants
        cached = self._sync._cached(tenants)
        if cached is not None:
            return cached
        return await _in_executor(functools.partial(self._sync.tokens, tenants))

    async def user_tenants(self) -> list[str]:
        return await _in_executor(self._sync.user_tenants)

    async def all_tokens(self) -> dict[str, Token]:
        return await _in_executor(self._sync.all_tokens)

    def cache_stats(self) -> dict[str, int]:
        return self._sync.cache_stats()

    def clear_cache(self) -> None:
        self._sync.clear_cache()

    @property
    def batch_size(self) -> int:
        return self._sync.batch_size

    @property
    def host_tenant(self) -> str:
        return self._sync.host_tenant

    def __repr__(self) -> str:
        return f"<Async{repr(self._sync)[1:]}"


class AsyncKeycloakClient:
    """The asyncio twin of :class:`KeycloakClient`; same arguments."""

    def __init__(
        self,
        base_url: str,
        realm: str,
        client_id: str,
        client_secret: str | None = None,
        **kwargs: Any,
    ) -> None:
        self._sync = KeycloakClient(base_url, realm, client_id, client_secret, **kwargs)

    @property
    def sync(self) -> KeycloakClient:
        return self._sync

    @property
    def token_url(self) -> str:
        return self._sync.token_url

    @property
    def offline(self) -> bool:
        return self._sync.offline

    async def password(self, username: str, password: str) -> Token:
        return await _in_executor(functools.partial(self._sync.password, username, password))

    async def refresh(self, refresh_token: str) -> Token:
        return await _in_executor(functools.partial(self._sync.refresh, refresh_token))

    def __repr__(self) -> str:
        return f"<Async{repr(self._sync)[1:]}"


class AsyncSdxClient:
    """The asyncio twin of :class:`SdxClient`; same arguments."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, **kwargs: Any) -> None:
        self._sync = SdxClient(base_url, client_id, client_secret, **kwargs)

    @property
    def sync(self) -> SdxClient:
        return self._sync

    @property
    def keep_credentials(self) -> bool:
        return self._sync.keep_credentials

    @property
    def token_url(self) -> str:
        return self._sync.token_url

    async def sign_in(self, username: str, password: str) -> Token:
        return await _in_executor(functools.partial(self._sync.sign_in, username, password))

    async def token(self) -> Token:
        return await _in_executor(self._sync.token)

    async def refresh(self) -> Token:
        return await _in_executor(self._sync.refresh)

    def __repr__(self) -> str:
        return f"<Async{repr(self._sync)[1:]}"
