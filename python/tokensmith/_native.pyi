"""Type stubs for the Rust extension module tokensmith._native."""

from typing import Literal

class TokenError(Exception):
    """Base class of every tokensmith error."""

    code: str
    """Stable snake_case identifier of the error (core's ``Error::code``)."""

def basic_authorization(
    client_id: str,
    client_secret: str,
    *,
    encoding: Literal["form", "raw"] = "form",
) -> str:
    """The ``Authorization`` header value ``Basic base64(id:secret)`` for a client.

    ``encoding="form"`` applies RFC 6749 §2.3.1 (id and secret each form-urlencoded first);
    ``encoding="raw"`` uses them as-is and raises ``TokenError`` with code
    ``colon_in_client_id`` for an id containing ``:``.
    """

def space_auth_key(client_id: str, client_secret: str) -> str:
    """The ``X-SPACE-AUTH-KEY`` header value (raw ``Basic base64(id:secret)``) that Siemens
    Insights Hub's Technical Token Manager expects."""
