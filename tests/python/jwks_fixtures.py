"""A JWK Set and HS256 tokens for the JWKS client tests (``test_jwks_client``,
``test_async_jwks``): one symmetric key ``k1`` and tokens signed with it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

JWKS_URL = "https://issuer.test/jwks"
SECRET = bytes(range(32))
#: The tokens' issue time; the tests verify at a clock of their own around it.
NOW = 1_800_000_000


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(kid: str, subject: str) -> str:
    """An HS256 JWT (RFC 7515 §3.1) signed with ``SECRET``, valid for an hour from ``NOW``."""
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    claims = b64(json.dumps({"sub": subject, "iat": NOW, "exp": NOW + 3600}).encode())
    signing_input = f"{header}.{claims}".encode()
    signature = hmac.new(SECRET, signing_input, hashlib.sha256).digest()
    return f"{header}.{claims}.{b64(signature)}"


JWKS_BODY = json.dumps(
    {"keys": [{"kty": "oct", "kid": "k1", "alg": "HS256", "k": b64(SECRET)}]}
).encode()
