"""Replays tests/vectors/defaults.json: every Python client sends with a per-request timeout of
``request_timeout_ms`` when the caller gives no ``timeout=`` (core's DEFAULT_REQUEST_TIMEOUT_MS,
which the npm package applies too), and with the caller's ``timeout=`` when given.

The timeout is observed where the clients hand it over: ``tokensmith._transport.make_transport``,
which the native classes look up when they are constructed, is wrapped to record its argument."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tokensmith
from tokensmith import _cli, _transport

VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "defaults.json").read_text("utf-8")
)
DEFAULT_SECONDS = VECTORS["request_timeout_ms"] / 1000


def _never_sent(method: str, url: str, headers: Any, body: bytes) -> Any:
    raise AssertionError("no request is sent by constructing a client")


CLIENTS: dict[str, Callable[..., Any]] = {
    "TokenClient": lambda **kw: tokensmith.TokenClient("https://as.example/token", "c", "s", **kw),
    "AsyncTokenClient": lambda **kw: tokensmith.AsyncTokenClient(
        "https://as.example/token", "c", "s", **kw
    ),
    "JwksClient": lambda **kw: tokensmith.JwksClient("https://as.example/jwks", **kw),
    "AsyncJwksClient": lambda **kw: tokensmith.AsyncJwksClient("https://as.example/jwks", **kw),
    "TechnicalTokenManager": lambda **kw: tokensmith.TechnicalTokenManager(
        "https://ttm.example", "c", "s", "app", "1.0.0", "host", **kw
    ),
    "AsyncTechnicalTokenManager": lambda **kw: tokensmith.AsyncTechnicalTokenManager(
        "https://ttm.example", "c", "s", "app", "1.0.0", "host", **kw
    ),
    "KeycloakClient": lambda **kw: tokensmith.KeycloakClient("https://kc.example", "r", "c", **kw),
    "AsyncKeycloakClient": lambda **kw: tokensmith.AsyncKeycloakClient(
        "https://kc.example", "r", "c", **kw
    ),
    "SdxClient": lambda **kw: tokensmith.SdxClient("https://sdx.example", "c", "s", **kw),
    "AsyncSdxClient": lambda **kw: tokensmith.AsyncSdxClient("https://sdx.example", "c", "s", **kw),
}


@pytest.fixture
def handed_over(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The ``timeout`` of every ``make_transport`` call made while the test runs."""
    seen: list[float] = []
    real = _transport.make_transport

    def recording(transport: Any, timeout: float, verify: Any) -> Any:
        seen.append(timeout)
        return real(transport, timeout, verify)

    monkeypatch.setattr(_transport, "make_transport", recording)
    return seen


def test_the_constant_is_the_vectors() -> None:
    assert tokensmith.DEFAULT_TIMEOUT == DEFAULT_SECONDS


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_default_timeout(name: str, handed_over: list[float]) -> None:
    CLIENTS[name]()
    assert handed_over == [DEFAULT_SECONDS]


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_given_timeout(name: str, handed_over: list[float]) -> None:
    CLIENTS[name](timeout=1.5, transport=_never_sent)
    assert handed_over == [1.5]


def test_urllib_transport_default() -> None:
    assert _transport.UrllibTransport().timeout == DEFAULT_SECONDS


def test_cli_default() -> None:
    args = _cli._parser().parse_args(["token", "https://as.example/token", "c"])
    assert args.timeout == DEFAULT_SECONDS
