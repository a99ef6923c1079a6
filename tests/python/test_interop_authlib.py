"""TokenClient against authlib's authorization server (tests/python/authlib_server.py):
client_credentials (RFC 6749 §4.4) with client_secret_basic and client_secret_post
(RFC 6749 §2.3.1), with credentials holding `:`, `+`, `%`, `/`, spaces and non-ASCII.

What authlib 1.9 does with HTTP Basic: it base64-decodes, splits at the first `:` and applies
``urllib.parse.unquote`` to each half. That undoes the percent-encoding of RFC 6749 §2.3.1
(application/x-www-form-urlencoded, Appendix B) but not its `+` for a space, so a credential
with a space cannot authenticate to authlib through ``client_secret_basic``; every other
character round-trips. The interoperable choices for such credentials are
``client_secret_post`` (the form body, which authlib decodes correctly) or
``client_secret_basic_raw`` (no encoding; only for an id without `:` and credentials without
`%`). The tests below pin exactly that, so a change on either side shows up.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator

import pytest

pytest.importorskip("authlib")

from authlib_server import AuthlibServer

import tokensmith

#: Every character RFC 6749 §2.3.1 must encode except the space (see the module docstring).
ID_NO_SPACE = "svc:client+1%/é"
SECRET_NO_SPACE = "s3cr3t%25+:/ü€-AUTHLIB-SECRET-71d2"
#: The same with spaces.
ID_SPACES = "svc client:+%é"
SECRET_SPACES = "pass word %+:/ü-AUTHLIB-SECRET-9e04"


@pytest.fixture
def no_space_server() -> Iterator[AuthlibServer]:
    server = AuthlibServer(ID_NO_SPACE, SECRET_NO_SPACE)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def spaces_server() -> Iterator[AuthlibServer]:
    server = AuthlibServer(ID_SPACES, SECRET_SPACES)
    try:
        yield server
    finally:
        server.close()


def _basic_credentials(server: AuthlibServer) -> str:
    header = server.requests[-1]["headers"]["Authorization"]
    assert header.startswith("Basic ")
    return base64.b64decode(header[6:]).decode("utf-8")


def test_client_secret_basic(no_space_server: AuthlibServer) -> None:
    c = tokensmith.TokenClient(no_space_server.url, ID_NO_SPACE, SECRET_NO_SPACE)
    token = c.token()
    assert token.access_token == no_space_server.issued[0]["access_token"]
    assert token.token_type == "Bearer"
    assert 3590 < token.expires_in <= 3600
    assert c.token() is token
    assert no_space_server.count == 1
    # §2.3.1: each half form-urlencoded before Basic; nothing in the body.
    assert _basic_credentials(no_space_server) == (
        "svc%3Aclient%2B1%25%2F%C3%A9:s3cr3t%2525%2B%3A%2F%C3%BC%E2%82%AC-AUTHLIB-SECRET-71d2"
    )
    assert "client_secret" not in no_space_server.requests[0]["form"]


def test_client_secret_post_with_every_character(spaces_server: AuthlibServer) -> None:
    c = tokensmith.TokenClient(
        spaces_server.url, ID_SPACES, SECRET_SPACES, auth="client_secret_post"
    )
    token = c.client_credentials("read write")
    assert token.access_token == spaces_server.issued[0]["access_token"]
    assert token.scope == ("read", "write")
    request = spaces_server.requests[0]
    assert "Authorization" not in request["headers"]
    assert request["form"]["client_id"] == ID_SPACES
    assert request["form"]["client_secret"] == SECRET_SPACES


def test_spaces_through_basic_need_the_raw_form_with_authlib(spaces_server: AuthlibServer) -> None:
    """authlib reads `+` in Basic credentials as `+`, not as the space §2.3.1 encodes: the
    correctly encoded request is refused, the raw one (no `:` in the id, no `%`) accepted."""
    encoded = tokensmith.TokenClient(spaces_server.url, ID_SPACES, SECRET_SPACES)
    with pytest.raises(tokensmith.InvalidClient) as info:
        encoded.token()
    assert info.value.code == "invalid_client"
    assert info.value.status == 401
    assert SECRET_SPACES not in str(info.value)
    assert _basic_credentials(spaces_server).startswith("svc+client%3A%2B%25%C3%A9:pass+word+")

    raw_id, raw_secret = "svc client é", "pass word ü-AUTHLIB-SECRET-3b8f"
    raw_server = AuthlibServer(raw_id, raw_secret)
    try:
        raw = tokensmith.TokenClient(
            raw_server.url, raw_id, raw_secret, auth="client_secret_basic_raw"
        )
        assert raw.token().access_token == raw_server.issued[0]["access_token"]
        assert _basic_credentials(raw_server) == f"{raw_id}:{raw_secret}"
    finally:
        raw_server.close()


def test_a_wrong_secret_is_invalid_client_without_the_secret(
    no_space_server: AuthlibServer,
) -> None:
    wrong = "not-the-secret-AUTHLIB-WRONG-5c0a"
    for auth in ("client_secret_basic", "client_secret_post"):
        c = tokensmith.TokenClient(no_space_server.url, ID_NO_SPACE, wrong, auth=auth)
        with pytest.raises(tokensmith.InvalidClient) as info:
            c.token()
        assert wrong not in str(info.value)
        assert wrong not in repr(info.value)
    assert no_space_server.issued == []


def test_20_threads_on_a_cold_cache_send_one_request(no_space_server: AuthlibServer) -> None:
    c = tokensmith.TokenClient(no_space_server.url, ID_NO_SPACE, SECRET_NO_SPACE)
    barrier = threading.Barrier(20)
    tokens: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        value = c.token().access_token
        with lock:
            tokens.append(value)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tokens) == 20
    assert set(tokens) == {no_space_server.issued[0]["access_token"]}
    assert no_space_server.count == 1
