"""``TokenClient.auth()``: an ``auth=`` object for requests and httpx (sync and async).

It sets ``Authorization`` from the client's cached token. When the resource server answers 401
with a Bearer challenge ``error="invalid_token"`` (RFC 6750 §3.1; the token was revoked or
rotated early), it retries the request once with a new token; any other 401 is returned as is.
The refused token is reported to core (``TokenClient.refused``), which drops it only if it is
still the cached one: when several requests were sent with a token that was then revoked, the
first refusal renews it and the later ones retry with that renewed token instead of forcing one
token request each (ProtonDriveApps/sdk#44).

The retry re-sends the request body, so it happens only when the body can be sent again: none,
bytes, or (requests) a seekable file rewound to where it started; with httpx, a body it holds in
memory. A streamed body (a generator, an iterator, a pipe) was consumed by the first attempt:
re-sending it would send nothing, or promise a length it never delivers
(googleapis/google-cloud-python#18238). Then the 401 is returned as it came, with the new token
already in the cache for the caller's own retry.
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


def _requests_body_resendable(request: Any) -> bool:
    """Whether a requests ``PreparedRequest`` can be sent again with its whole body: no body,
    bytes or text, or a seekable file, which is rewound here to the position requests recorded
    when it prepared the request (as requests itself does before following a redirect)."""
    body = request.body
    if body is None or isinstance(body, (bytes, bytearray, str)):
        return True
    from requests.utils import rewind_body

    try:
        rewind_body(request)
    except Exception:  # requests.exceptions.UnrewindableBodyError: not seekable, or seek failed
        return False
    return True


def _httpx_body_in_memory(request: Any) -> bool:
    """Whether an ``httpx.Request``'s body is held in memory (``content=`` bytes, text, form
    data, JSON), so it can be sent again; a streamed body is not read until it is sent."""
    import httpx

    try:
        _ = request.content
    except httpx.RequestNotRead:
        return False
    return True


class TokenAuth(_Base):
    """``auth=`` for ``requests`` (a callable) and ``httpx`` (an ``httpx.Auth``)."""

    def __init__(self, client: TokenClient, *, min_ttl: float = 0.0) -> None:
        self._client = client
        self._min_ttl = min_ttl

    def _token(self) -> Token:
        return self._client.token(min_ttl=self._min_ttl)

    def _after_refusal(self, refused: Token | str) -> Token:
        """The token to retry with after the server refused ``refused``: core forgets it if it
        is still the cached one, so this is a new token, or the one another request's refusal
        already got."""
        self._client.refused(refused)
        return self._token()

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
        # The access token the request carried: the value this auth set is the token type, one
        # space, then the access token.
        sent = response.request.headers.get("Authorization", "").partition(" ")[2]
        token = self._after_refusal(sent)
        if not _requests_body_resendable(response.request):
            return response
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
        sent = self._token()
        request.headers["Authorization"] = sent.authorization
        response = yield request
        if _refused(response.status_code, response.headers):
            token = self._after_refusal(sent)
            if _httpx_body_in_memory(request):
                request.headers["Authorization"] = token.authorization
                yield request

    async def async_auth_flow(self, request: Any) -> AsyncGenerator[Any, Any]:
        from tokensmith._async import _resolve

        token = await _resolve(self._client._nowait("client_credentials", min_ttl=self._min_ttl))
        request.headers["Authorization"] = token.authorization
        response = yield request
        if _refused(response.status_code, response.headers):
            # As `_after_refusal`, without blocking the loop.
            self._client.refused(token)
            fresh = await _resolve(
                self._client._nowait("client_credentials", min_ttl=self._min_ttl)
            )
            if _httpx_body_in_memory(request):
                request.headers["Authorization"] = fresh.authorization
                yield request
