"""AsyncTokenClient: TokenClient's API as coroutines.

A cached token is returned without leaving the event loop. Otherwise the blocking rest (the
token request, or waiting for another caller's) runs in the loop's default executor, with the
GIL released while it waits; single-flight is core's, so any number of tasks (and threads)
asking for the same token cause one request.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Iterable
from typing import Any, Callable, TypeVar, Union

from tokensmith._auth import TokenAuth
from tokensmith._native import Token, TokenClient
from tokensmith._transport import run_with_loop

_T = TypeVar("_T")
_Scope = Union[str, Iterable[str], None]


async def _in_executor(function: Callable[[], _T]) -> _T:
    # The worker thread learns this loop, on which an httpx.AsyncClient transport sends.
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(run_with_loop, loop, function))


async def _resolve(answer: Any) -> Token:
    if isinstance(answer, Token):
        return answer
    token: Token = await _in_executor(answer.run)
    return token


class AsyncTokenClient:
    """The asyncio client of one token endpoint. Arguments are :class:`TokenClient`'s; the
    transport is called from executor threads, and may also be an ``httpx.AsyncClient`` (its
    requests then run on the event loop of the call)."""

    def __init__(
        self, token_url: str, client_id: str, client_secret: str | None = None, **kwargs: Any
    ):
        self._client = TokenClient(token_url, client_id, client_secret, **kwargs)

    @property
    def sync(self) -> TokenClient:
        """The blocking client sharing this client's cache."""
        return self._client

    async def token(self, *, min_ttl: float = 0.0, force: bool = False) -> Token:
        return await _resolve(
            self._client._nowait("client_credentials", min_ttl=min_ttl, force=force)
        )

    async def client_credentials(
        self, scope: _Scope = None, *, min_ttl: float = 0.0, force: bool = False
    ) -> Token:
        return await _resolve(
            self._client._nowait("client_credentials", scope, min_ttl=min_ttl, force=force)
        )

    async def password(
        self,
        username: str,
        password: str,
        scope: _Scope = None,
        *,
        min_ttl: float = 0.0,
        force: bool = False,
    ) -> Token:
        return await _resolve(
            self._client._nowait(
                "password", scope, username, password, min_ttl=min_ttl, force=force
            )
        )

    async def refresh(
        self, refresh_token: str, scope: _Scope = None, *, min_ttl: float = 0.0
    ) -> Token:
        return await _in_executor(
            functools.partial(self._client.refresh, refresh_token, scope, min_ttl=min_ttl)
        )

    async def revoke(self, token: str, hint: str | None = None) -> None:
        await _in_executor(functools.partial(self._client.revoke, token, hint))  # type: ignore[arg-type]

    def refused(self, token: Token | str) -> int:
        """See ``TokenClient.refused``; no I/O, so not a coroutine."""
        return self._client.refused(token)

    def auth(self, *, min_ttl: float = 0.0) -> TokenAuth:
        """``auth=`` for ``httpx.AsyncClient`` (and the sync clients); see ``TokenClient.auth``."""
        return TokenAuth(self._client, min_ttl=min_ttl)

    def cache_stats(self) -> dict[str, int]:
        return self._client.cache_stats()

    def clear_cache(self) -> None:
        """See ``TokenClient.clear_cache``; no I/O, so not a coroutine."""
        self._client.clear_cache()

    def export_cache(self, *, include_secrets: bool = False) -> str:
        """See ``TokenClient.export_cache``; no I/O, so not a coroutine."""
        return self._client.export_cache(include_secrets=include_secrets)

    def import_cache(self, json: str) -> dict[str, int]:
        """See ``TokenClient.import_cache``; no I/O, so not a coroutine."""
        return self._client.import_cache(json)

    async def save_cache(self, path: str | os.PathLike[str]) -> None:
        await _in_executor(functools.partial(self._client.save_cache, path))

    async def load_cache(self, path: str | os.PathLike[str]) -> dict[str, int]:
        return await _in_executor(functools.partial(self._client.load_cache, path))

    def __repr__(self) -> str:
        return f"<Async{repr(self._client)[1:]}"
