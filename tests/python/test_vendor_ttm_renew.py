"""TechnicalTokenManager.user_tenants when a page refuses the cached operator token (HTTP 401:
the token was revoked, or the server restarted and forgot its signing key): the manager forgets
it, gets a new one and sends that page again, once (core's `read_user_tenants_page`). Against
the real dev server across `/admin/restart`, and with fake transports for a refusal on a later
page and for a server that refuses every token."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from devserver import (
    HOST_TENANT,
    TTM_CLIENT_ID,
    TTM_CLIENT_SECRET,
    DevServer,
    config,
    serve,
)

from tokensmith import (
    OAuthError,
    ResponseError,
    TechnicalTokenManager,
    UrllibTransport,
)

# 250 tenants at 100 per page: 3 pages per listing.
TENANTS = 250

Response = tuple[int, list[tuple[str, str]], bytes]
Transport = Callable[[str, str, Sequence[tuple[str, str]], bytes], Response]


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    yield from serve(config(TENANTS))


class Recording:
    """A transport recording each request as `token` or `userTenants?page=N`, then passing it
    to `inner`."""

    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self.log: list[str] = []

    def __call__(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> Response:
        parts = urlsplit(url)
        name = parts.path.rsplit("/", 1)[-1]
        page = parse_qs(parts.query).get("page")
        self.log.append(name if page is None else f"{name}?page={page[0]}")
        return self._inner(method, url, headers, body)


def manager(base_url: str, transport: Transport) -> TechnicalTokenManager:
    return TechnicalTokenManager(
        base_url,
        TTM_CLIENT_ID,
        TTM_CLIENT_SECRET,
        "myapp",
        "1.0.0",
        HOST_TENANT,
        transport=transport,
    )


def _json(status: int, body: Any) -> Response:
    return status, [("Content-Type", "application/json")], json.dumps(body).encode()


def _operator(n: int) -> Response:
    return _json(
        200,
        {"access_token": f"operator-{n}-padding", "token_type": "Bearer", "expires_in": 1799},
    )


def _page(number: int) -> Response:
    page = {"size": 100, "totalElements": 3, "totalPages": 3, "number": number}
    return _json(200, {"userTenants": [{"id": f"t{number}"}], "page": page})


def test_a_dev_server_restart_renews_the_operator_token_once(server: DevServer) -> None:
    recording = Recording(UrllibTransport(timeout=10.0))
    m = manager(server.url, recording)
    assert len(m.user_tenants()) == TENANTS
    assert recording.log == [
        "token",
        "userTenants?page=0",
        "userTenants?page=1",
        "userTenants?page=2",
    ]
    # The restart makes the server forget its signing key: the cached operator token is refused.
    server.restart()
    recording.log.clear()
    tenants = m.user_tenants()
    assert len(tenants) == TENANTS
    assert len(set(tenants)) == TENANTS
    # Exactly one extra operator token and one repeated page.
    assert recording.log == [
        "userTenants?page=0",
        "token",
        "userTenants?page=0",
        "userTenants?page=1",
        "userTenants?page=2",
    ]
    # The new operator token is cached: the next listing sends pages only.
    recording.log.clear()
    assert len(m.user_tenants()) == TENANTS
    assert recording.log == ["userTenants?page=0", "userTenants?page=1", "userTenants?page=2"]


def test_a_refusal_on_a_later_page_resumes_at_that_page() -> None:
    operators = 0
    refused = False

    def fake(method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes) -> Response:
        nonlocal operators, refused
        if url.endswith("/oauth/token"):
            operators += 1
            return _operator(operators)
        number = int(parse_qs(urlsplit(url).query)["page"][0])
        auth = dict((k.lower(), v) for k, v in headers).get("authorization")
        # Page 1 refuses the first operator token once (revoked between two pages).
        if number == 1 and auth == "Bearer operator-1-padding":
            assert not refused, "the refused token was sent again"
            refused = True
            return _json(401, {"error": "unauthorized", "error_description": "token revoked"})
        return _page(number)

    recording = Recording(fake)
    m = manager("https://gateway.example", recording)
    assert m.user_tenants() == ["t0", "t1", "t2"]
    assert recording.log == [
        "token",
        "userTenants?page=0",
        "userTenants?page=1",
        "token",
        "userTenants?page=1",
        "userTenants?page=2",
    ]
    # The renewed token stayed cached: the next listing gets no operator token.
    recording.log.clear()
    assert m.user_tenants() == ["t0", "t1", "t2"]
    assert "token" not in recording.log


def test_a_server_refusing_every_operator_token_raises_after_one_renewal() -> None:
    operators = 0

    def fake(method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes) -> Response:
        nonlocal operators
        if url.endswith("/oauth/token"):
            operators += 1
            return _operator(operators)
        return 401, [("WWW-Authenticate", 'Bearer error="invalid_token"')], b""

    recording = Recording(fake)
    m = manager("https://gateway.example", recording)
    with pytest.raises((OAuthError, ResponseError)) as caught:
        m.user_tenants()
    assert caught.value.status == 401
    assert recording.log == ["token", "userTenants?page=0", "token", "userTenants?page=0"]
    # The next call starts with the cached (renewed) token and renews once more: no loop.
    recording.log.clear()
    with pytest.raises((OAuthError, ResponseError)):
        m.all_tokens()
    assert recording.log == ["userTenants?page=0", "token", "userTenants?page=0"]


def test_a_403_is_not_renewed() -> None:
    def fake(method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes) -> Response:
        if url.endswith("/oauth/token"):
            return _operator(1)
        return _json(403, {"error": "forbidden"})

    recording = Recording(fake)
    with pytest.raises((OAuthError, ResponseError)) as caught:
        manager("https://gateway.example", recording).user_tenants()
    assert caught.value.status == 403
    assert recording.log == ["token", "userTenants?page=0"]
