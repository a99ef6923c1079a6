"""tokensmith: access-token handling from one Rust core.

Every error is a :class:`TokenError` (or a subclass) whose ``code`` attribute is a stable
snake_case identifier; branch on the class or on ``exc.code``, never on the message. Messages
never contain secrets.

Log records go to ``logging.getLogger("tokensmith")``: grant type, endpoint host, status and
error codes, never a secret.
"""

from tokensmith._async import AsyncTokenClient
from tokensmith._auth import TokenAuth
from tokensmith._native import (
    DEFAULT_TIMEOUT,
    AccessDenied,
    CacheError,
    InputError,
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    InvalidToken,
    Jwks,
    JwksClient,
    JwtError,
    KeycloakClient,
    OAuthError,
    PatError,
    ResponseError,
    SdxClient,
    ServerError,
    TechnicalTokenManager,
    TemporarilyUnavailable,
    Token,
    TokenClient,
    TokenError,
    TransportError,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedTokenType,
    basic_authorization,
    decode_jwt,
    generate_pat,
    keycloak_token_url,
    pat_check,
    pat_checksum_ok,
    pat_hash,
    pat_verify,
    space_auth_key,
    verify_jwt,
)
from tokensmith._transport import UrllibTransport
from tokensmith.jwks import AsyncJwksClient
from tokensmith.vendor import AsyncKeycloakClient, AsyncSdxClient, AsyncTechnicalTokenManager

__all__ = [
    "DEFAULT_TIMEOUT",
    "AccessDenied",
    "AsyncJwksClient",
    "AsyncKeycloakClient",
    "AsyncSdxClient",
    "AsyncTechnicalTokenManager",
    "AsyncTokenClient",
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
    "TokenAuth",
    "TokenClient",
    "TokenError",
    "TransportError",
    "UnauthorizedClient",
    "UnsupportedGrantType",
    "UnsupportedTokenType",
    "UrllibTransport",
    "basic_authorization",
    "decode_jwt",
    "generate_pat",
    "keycloak_token_url",
    "pat_check",
    "pat_checksum_ok",
    "pat_hash",
    "pat_verify",
    "space_auth_key",
    "verify_jwt",
]
