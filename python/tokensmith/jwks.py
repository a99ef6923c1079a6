"""AsyncJwksClient: :class:`JwksClient`'s API as a coroutine.

The native :class:`JwksClient` offers no call that verifies only if the key set is already
cached (its ``verify`` decides inside core whether to use the keys, fetch them or wait for
another caller's fetch), so every ``verify`` here runs whole in the loop's default executor, with
the GIL released while it waits. Single flight is core's (``JwksRefresh``): any number of tasks
(and threads) verifying on a cold client cause one JWK Set request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from tokensmith._async import _in_executor
from tokensmith._native import DEFAULT_TIMEOUT, JwksClient

__all__ = ["AsyncJwksClient", "JwksClient"]


class AsyncJwksClient:
    """The asyncio twin of :class:`JwksClient`; same arguments, same refetch rules (fetched on
    first use and again for an unknown ``kid``, at most once per 30 s). The transport is called
    from executor threads, and may also be an ``httpx.AsyncClient`` (its requests then run on the
    event loop of the call). ``verify`` always runs in a worker thread, even with the keys
    cached: the native class has no cache-only verification to keep on the loop."""

    def __init__(
        self,
        jwks_url: str,
        *,
        transport: Any = None,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._sync = JwksClient(jwks_url, transport=transport, timeout=timeout, clock=clock)

    @property
    def sync(self) -> JwksClient:
        """The blocking client sharing this one's key set and refetch interval."""
        return self._sync

    async def verify(
        self,
        token: str,
        *,
        algorithms: Sequence[str],
        issuer: str | None = None,
        audience: str | None = None,
        leeway: int = 30,
        now: float | None = None,
        allow_missing_exp_insecure: bool = False,
        understood_crit: Sequence[str] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """See :meth:`JwksClient.verify`: ``{"header": ..., "claims": ...}`` or the same errors
        (``JwtError``, or the fetch's ``TransportError``/``ResponseError``)."""
        return await _in_executor(
            functools.partial(
                self._sync.verify,
                token,
                algorithms=algorithms,
                issuer=issuer,
                audience=audience,
                leeway=leeway,
                now=now,
                allow_missing_exp_insecure=allow_missing_exp_insecure,
                understood_crit=understood_crit,
            )
        )

    def __repr__(self) -> str:
        # The native repr redacts the URL's userinfo, query and fragment.
        return f"<Async{repr(self._sync)[1:]}"
