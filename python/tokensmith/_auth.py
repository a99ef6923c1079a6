"""``TokenClient.auth()``: an ``auth=`` object for requests and httpx (sync and async).

It sets ``Authorization`` from the client's cached token. When the resource server answers 401
with a Bearer challenge ``error="invalid_token"`` (RFC 6750 §3.1; the token was revoked or
rotated early), it forces one new token and retries the request once; any other 401 is
returned as is.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING, Any

from tokensmith._native import Token, TokenClient, _is_invalid_token_response

if TYPE_CHECKING:
    _Base = object
else:
    try:
        import httpx

        _Base = httpx.Auth
    except ImportError:  # httpx is optional
        _Base = object

#: Marks a requests retry, so that it is never retried again.
_RETRIED = "_tokensmith_retried"


def _refused(status: int, headers: Any) -> bool:
    return _is_invalid_token_response(status, headers.get("WWW-Authenticate"))


class TokenAuth(_Base):
    """``auth=`` for ``requests`` (a callable) and ``httpx`` (an ``httpx.Auth``)."""

    def __init__(self, client: TokenClient, *, min_ttl: float = 0.0) -> None:
        self._client = client
        self._min_ttl = min_ttl

    def _token(self, force: bool = False) -> Token:
        return self._client.token(min_ttl=self._min_ttl, force=force)

    # requests ------------------------------------------------------------------------------

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = self._token().authorization
        register = getattr(request, "register_hook", None)
        if register is not None:
            register("response", self._requests_response)
        return request

    def _requests_response(self, response: Any, **kwargs: Any) -> Any:
        if getattr(response.request, _RETRIED, False):
            return response
        if not _refused(response.status_code, response.headers):
            return response
        token = self._token(force=True)
        # Release the connection of the refused answer before sending the retry.
        _ = response.content
        response.close()
        retry = response.request.copy()
        retry.headers["Authorization"] = token.authorization
        setattr(retry, _RETRIED, True)
        answer = response.connection.send(retry, **kwargs)
        answer.history.append(response)
        answer.request = retry
        return answer

    # httpx ---------------------------------------------------------------------------------

    def sync_auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        request.headers["Authorization"] = self._token().authorization
        response = yield request
        if _refused(response.status_code, response.headers):
            request.headers["Authorization"] = self._token(force=True).authorization
            yield request

    async def async_auth_flow(self, request: Any) -> AsyncGenerator[Any, Any]:
        from tokensmith._async import _resolve

        token = await _resolve(self._client._nowait("client_credentials", min_ttl=self._min_ttl))
        request.headers["Authorization"] = token.authorization
        response = yield request
        if _refused(response.status_code, response.headers):
            fresh = await _resolve(
                self._client._nowait("client_credentials", min_ttl=self._min_ttl, force=True)
            )
            request.headers["Authorization"] = fresh.authorization
            yield request
