"""Type stubs for the Rust extension module tokensmith._native."""

import datetime
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, final

from typing_extensions import TypeAlias

from tokensmith._auth import TokenAuth

_Headers: TypeAlias = list[tuple[str, str]]
_Transport: TypeAlias = Callable[
    [str, str, list[tuple[str, str]], bytes], tuple[int, _Headers, bytes]
]
_Scope: TypeAlias = str | Iterable[str] | None

#: The ``timeout=`` default of every client, in seconds per request: 10.0, core's
#: ``DEFAULT_REQUEST_TIMEOUT_MS``, the same as the npm package's ``timeoutMs`` default.
DEFAULT_TIMEOUT: float

__all__ = [
    "DEFAULT_TIMEOUT",
    "AccessDenied",
    "CacheError",
    "InputError",
    "InvalidClient",
    "InvalidGrant",
    "InvalidRequest",
    "InvalidScope",
    "InvalidToken",
    "Jwks",
    "JwksClient",
    "JwtError",
    "KeycloakClient",
    "OAuthError",
    "PatError",
    "ResponseError",
    "SdxClient",
    "ServerError",
    "TechnicalTokenManager",
    "TemporarilyUnavailable",
    "Token",
    "TokenClient",
    "TokenError",
    "TransportError",
    "UnauthorizedClient",
    "UnsupportedGrantType",
    "UnsupportedTokenType",
    "_check_revocation_response",
    "_is_invalid_token_challenge",
    "_is_invalid_token_response",
    "basic_authorization",
    "decode_jwt",
    "generate_pat",
    "keycloak_token_url",
    "parse_token_response",
    "pat_check",
    "pat_checksum_ok",
    "pat_hash",
    "pat_hint",
    "pat_verify",
    "redact_request",
    "space_auth_key",
    "verify_jwt",
]

class TokenError(Exception):
    """Base class of every tokensmith error."""

    code: str
    """Stable snake_case identifier of the error (core's ``Error::code``)."""
    status: int | None
    """The HTTP status, when the error came from a response."""
    retry_after: float | None
    """Seconds the server asked to wait (``Retry-After``), if it did."""

class OAuthError(TokenError):
    """The server answered with an OAuth error (RFC 6749 §5.2)."""

    error: str
    """The ``error`` value as the server sent it."""
    description: str | None
    uri: str | None

class InvalidRequest(OAuthError): ...
class InvalidClient(OAuthError): ...
class InvalidGrant(OAuthError): ...
class InvalidScope(OAuthError): ...
class UnauthorizedClient(OAuthError): ...
class UnsupportedGrantType(OAuthError): ...
class AccessDenied(OAuthError): ...
class ServerError(OAuthError): ...
class TemporarilyUnavailable(OAuthError): ...
class InvalidToken(OAuthError): ...
class UnsupportedTokenType(OAuthError): ...

class ResponseError(TokenError):
    """The server's answer was malformed or unexpected."""

    reason: str | None
    """Why: ``not_json``, ``not_object``, ``truncated``, ``too_large``, ``empty``, ``status``,
    or None for a JSON object that breaks an RFC 6749 §5.1 rule."""

class TransportError(TokenError): ...
class InputError(TokenError): ...
class JwtError(TokenError): ...
class PatError(TokenError): ...
class CacheError(TokenError): ...

@final
class Jwks:
    """A parsed key set (JWK Set, one JWK, or a PEM public key) for ``verify_jwt``."""

    def __new__(cls, jwks: str | bytes | dict[str, Any]) -> Jwks: ...
    def __len__(self) -> int: ...

@final
class JwksClient:
    """Verifies JWTs with the key set published at ``jwks_url`` (RFC 7517 §5), fetched on first
    use and again when a token names an unknown ``kid`` (key rotation), at most once per 30 s.
    One fetch at a time: concurrent calls that need the keys wait for it (GIL released), then
    verify with its set or raise its error. ``transport``, ``timeout`` and ``clock`` are
    :class:`TokenClient`'s."""

    def __new__(
        cls,
        jwks_url: str,
        *,
        transport: _Transport | None = None,
        timeout: float = ...,
        clock: Callable[[], float] | None = None,
    ) -> JwksClient: ...
    def verify(
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
        """Verifies signature and claims with the issuer's current keys; ``{"header": ...,
        "claims": ...}``, or ``JwtError`` (``jwt_key_not_found`` for a ``kid`` the set lacks
        after the refetch allowed now), or the fetch's ``TransportError``/``ResponseError``."""

@final
class Token:
    """An access token with its metadata (RFC 6749 §5.1). Immutable; ``repr`` shows at most
    the first 4 characters of the access token."""

    @property
    def access_token(self) -> str: ...
    @property
    def authorization(self) -> str:
        """``"<token_type> <access_token>"``, the ``Authorization`` header value."""
    @property
    def token_type(self) -> str: ...
    @property
    def scope(self) -> tuple[str, ...]: ...
    @property
    def expires_at(self) -> datetime.datetime: ...
    @property
    def expires_in(self) -> float:
        """Seconds of validity left (negative once expired)."""
    @property
    def refresh_token(self) -> str | None: ...
    @property
    def refresh_expires_at(self) -> datetime.datetime | None: ...
    @property
    def id_token(self) -> str | None: ...
    @property
    def extra(self) -> dict[str, Any]: ...
    def is_expired(self, leeway: float = 0.0) -> bool: ...
    def to_dict(self, include_secrets: bool = False) -> dict[str, Any]:
        """Type, times, scope and ``extra_keys``; the tokens and the ``extra`` values only with
        ``include_secrets=True``."""

@final
class TokenClient:
    """A thread-safe client of one token endpoint, with a token cache.

    ``clock``: a callable returning the current time in seconds since the epoch as a float
    (default ``time.time``). Every time this client needs (cache expiry, refresh-ahead, backoff,
    ``Retry-After``, background refreshes, its tokens' ``expires_in`` and ``is_expired``) comes
    from it; sleeps still take real time.
    """

    def __new__(
        cls,
        token_url: str,
        client_id: str,
        client_secret: str | None = None,
        *,
        auth: Literal[
            "client_secret_basic",
            "client_secret_basic_raw",
            "client_secret_post",
            "none",
            "x_space_auth_key",
        ] = "client_secret_basic",
        scope: _Scope = None,
        audience: str | None = None,
        resource: str | None = None,
        transport: _Transport | None = None,
        timeout: float = ...,
        verify: str | None = None,
        default_lifetime: int = 3600,
        revocation_url: str | None = None,
        clock: Callable[[], float] | None = None,
    ) -> TokenClient: ...
    def token(self, *, min_ttl: float = 0.0, force: bool = False) -> Token: ...
    def client_credentials(
        self, scope: _Scope = None, *, min_ttl: float = 0.0, force: bool = False
    ) -> Token: ...
    def password(
        self,
        username: str,
        password: str,
        scope: _Scope = None,
        *,
        min_ttl: float = 0.0,
        force: bool = False,
    ) -> Token: ...
    def refresh(self, refresh_token: str, scope: _Scope = None, *, min_ttl: float = 0.0) -> Token:
        """The token ``refresh_token`` gives (RFC 6749 §6), cached under that refresh token;
        renewed when it has less than ``min_ttl`` seconds left."""
    def revoke(
        self, token: str, hint: Literal["access_token", "refresh_token"] | None = None
    ) -> None:
        """Revokes ``token`` at ``revocation_url`` (RFC 7009). Once the server accepted it, the
        cache drops every entry holding it (as access or refresh token): the next call fetches
        a new token with the client's own grant."""
    def refused(self, token: Token | str) -> int:
        """A resource server refused ``token`` (a :class:`Token` or its access token; RFC 6750
        §3.1 ``invalid_token``): the cache drops it if it is still the cached one, keeping the
        refresh token, so the next call gets a new token. If it was already replaced (another
        request's refusal renewed it), nothing changes and the next call returns the
        replacement, so N refusals of one token cause one token request. Returns how many
        cache entries dropped it."""
    def cache_stats(self) -> dict[str, int]: ...
    def export_cache(self, *, include_secrets: bool = False) -> str:
        """The cache as JSON text (the npm package's ``exportCache``); the tokens themselves
        only with ``include_secrets=True``."""
    def import_cache(self, json: str) -> dict[str, int]:
        """Loads an ``export_cache`` text; ``{"imported", "skipped"}``, or ``CacheError``
        (cache unchanged)."""
    def save_cache(self, path: str | os.PathLike[str]) -> None: ...
    def load_cache(self, path: str | os.PathLike[str]) -> dict[str, int]: ...
    def clear_cache(self) -> None: ...
    def auth(self, *, min_ttl: float = 0.0) -> TokenAuth:
        """``auth=`` for requests and httpx: sets ``Authorization``; a 401 ``invalid_token``
        (RFC 6750 §3.1) reports the token :meth:`refused` and retries once with the next one
        when the body can be sent again (else the 401 is returned, the new token cached)."""
    def _nowait(
        self,
        grant: Literal["client_credentials", "password"],
        scope: _Scope = None,
        username: str | None = None,
        password: str | None = None,
        *,
        min_ttl: float = 0.0,
        force: bool = False,
    ) -> Token | _Pending: ...

@final
class TechnicalTokenManager:
    """Siemens Insights Hub Technical Token Manager (v3): tokens per user tenant, cached per
    (host tenant, user tenant), requested in chunks of ``batch_size`` (1 to 5). Thread-safe.

    ``clock`` is :class:`TokenClient`'s: the cache's expiry and refresh-ahead (in the background
    too) and the tokens' ``expires_in`` and ``is_expired`` read it; retry sleeps take real time.
    """

    def __new__(
        cls,
        base_url: str,
        client_id: str,
        client_secret: str,
        app_name: str,
        app_version: str,
        host_tenant: str,
        *,
        batch_size: int = 5,
        transport: _Transport | None = None,
        timeout: float = ...,
        verify: str | None = None,
        clock: Callable[[], float] | None = None,
    ) -> TechnicalTokenManager: ...
    def token(self, user_tenant: str) -> Token: ...
    def tokens(self, user_tenants: Iterable[str]) -> dict[str, Token]:
        """Tokens in the given order (duplicates once); only missing or aging ones requested."""
    def user_tenants(self) -> list[str]:
        """Every user tenant (all pages, with the host tenant's operator token)."""
    def all_tokens(self) -> dict[str, Token]:
        """Operator token, every user tenant, then their tokens in batches."""
    def _cached(self, user_tenants: Iterable[str]) -> dict[str, Token] | None: ...
    @property
    def batch_size(self) -> int: ...
    @property
    def host_tenant(self) -> str: ...
    def cache_stats(self) -> dict[str, int]: ...
    def clear_cache(self) -> None: ...

@final
class KeycloakClient:
    """One Keycloak realm's token endpoint: password grant (offline tokens with
    ``offline=True``) and refresh; "Token is not active" raises ``TokenError`` with code
    ``refresh_token_inactive``. Not cached.

    ``clock`` is :class:`TokenClient`'s: the tokens' ``expires_at``, ``expires_in`` and
    ``is_expired`` read it.
    """

    def __new__(
        cls,
        base_url: str,
        realm: str,
        client_id: str,
        client_secret: str | None = None,
        *,
        offline: bool = False,
        scope: _Scope = None,
        transport: _Transport | None = None,
        timeout: float = ...,
        verify: str | None = None,
        clock: Callable[[], float] | None = None,
    ) -> KeycloakClient: ...
    @property
    def token_url(self) -> str: ...
    @property
    def offline(self) -> bool: ...
    def password(self, username: str, password: str) -> Token: ...
    def refresh(self, refresh_token: str) -> Token: ...

@final
class SdxClient:
    """HxGN SDx / TruView password sign-in. After a server restart a rejected refresh token
    signs in again with ``keep_credentials=True``, else raises ``TokenError`` with code
    ``refresh_token_inactive`` (regenerate the tokens).

    ``clock`` is :class:`TokenClient`'s: the cache's expiry and refresh-ahead and the tokens'
    ``expires_in`` and ``is_expired`` read it.
    """

    def __new__(
        cls,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        keep_credentials: bool = False,
        transport: _Transport | None = None,
        timeout: float = ...,
        verify: str | None = None,
        clock: Callable[[], float] | None = None,
    ) -> SdxClient: ...
    @property
    def keep_credentials(self) -> bool: ...
    @property
    def token_url(self) -> str: ...
    def sign_in(self, username: str, password: str) -> Token: ...
    def token(self) -> Token: ...
    def refresh(self) -> Token: ...

def keycloak_token_url(base: str, realm: str) -> str:
    """``{base}/realms/{realm}/protocol/openid-connect/token`` (realm percent-encoded)."""

@final
class _Pending:
    """The blocking rest of a token request (run once, in an executor)."""

    def run(self) -> Token: ...

def basic_authorization(
    client_id: str,
    client_secret: str,
    *,
    encoding: Literal["form", "raw"] = "form",
) -> str:
    """The ``Authorization`` header value ``Basic base64(id:secret)`` for a client.

    ``encoding="form"`` applies RFC 6749 §2.3.1 (id and secret each form-urlencoded first);
    ``encoding="raw"`` uses them as-is and raises ``InputError`` with code
    ``colon_in_client_id`` for an id containing ``:``.
    """

def space_auth_key(client_id: str, client_secret: str) -> str:
    """The ``X-SPACE-AUTH-KEY`` header value (raw ``Basic base64(id:secret)``) that Siemens
    Insights Hub's Technical Token Manager expects."""

def decode_jwt(token: str) -> dict[str, dict[str, Any]]:
    """``{"header": ..., "claims": ...}`` WITHOUT verification (display and debugging only)."""

def verify_jwt(
    token: str,
    jwks: Jwks | str | bytes | dict[str, Any],
    *,
    algorithms: Sequence[str],
    issuer: str | None = None,
    audience: str | None = None,
    leeway: int = 30,
    now: float | None = None,
    allow_missing_exp_insecure: bool = False,
    understood_crit: Sequence[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Verifies signature and claims; ``{"header": ..., "claims": ...}`` or ``JwtError``."""

def generate_pat(prefix: str) -> str: ...
def pat_checksum_ok(token: str) -> bool: ...
def pat_check(token: str, *, prefix: str | None = None) -> str: ...
def pat_hash(token: str, *, pepper: str | bytes | None = None) -> str: ...
def pat_verify(token: str, stored_hash: str, *, pepper: str | bytes | None = None) -> bool: ...
def pat_hint(token: str) -> str:
    """``prefix_…`` and the last four characters, to list tokens without showing them."""

def parse_token_response(
    status: int,
    headers: Sequence[tuple[str, str]],
    body: bytes | str,
    *,
    sent_at: float | datetime.datetime | None = None,
    default_lifetime: int | None = None,
    max_lifetime: int | None = None,
    max_body_bytes: int | None = None,
) -> Token:
    """A token endpoint's response fetched by the caller, parsed by core's rules (RFC 6749
    §5.1); ``OAuthError`` for an OAuth error (§5.2), ``ResponseError`` for anything unusable.
    ``sent_at`` (seconds since the epoch or a ``datetime``, default now) is the base of
    ``expires_in``."""

def redact_request(
    url: str,
    *,
    method: str = "POST",
    headers: Sequence[tuple[str, str]] = (),
    body: bytes | str | None = None,
) -> str:
    """The request as text (request line, headers, blank line, body) with every credential
    replaced by ``[redacted]``, for showing or logging what was sent. ``method``: ``GET``,
    ``POST`` or ``DELETE`` (any case; else ``InputError``)."""

def _is_invalid_token_challenge(value: str) -> bool: ...
def _is_invalid_token_response(status: int, www_authenticate: str | None) -> bool: ...
def _check_revocation_response(
    status: int, headers: Sequence[tuple[str, str]], body: bytes, now_ms: int
) -> None: ...
