"""``JwksClient`` under concurrency: core's single flight for the JWK Set fetch. While one thread
fetches, the others that need the keys wait for it (the GIL released) instead of failing with
``jwt_key_not_found``; a failed fetch reaches every waiter as its own error, with one request."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from jwks_fixtures import JWKS_BODY, JWKS_URL, NOW, SECRET, b64, hs256

import tokensmith
from tokensmith._transport import transport_error

THREADS = 32
#: How long the fake transport takes to answer: long enough for every thread to ask while the
#: fetch is in flight (the threads start together on a barrier), short for the test.
FETCH_SECONDS = 0.3


class SlowIssuer:
    """A transport that counts JWK Set requests and answers after ``FETCH_SECONDS``."""

    def __init__(self, answer: Callable[[], tuple[int, list[tuple[str, str]], bytes]]) -> None:
        self.requests = 0
        self._lock = threading.Lock()
        self._answer = answer

    def __call__(
        self, method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        assert (method, url) == ("GET", JWKS_URL)
        with self._lock:
            self.requests += 1
        time.sleep(FETCH_SECONDS)
        return self._answer()


def _on_threads(work: Callable[[int], object]) -> list[object]:
    """Runs ``work(i)`` on ``THREADS`` threads started together; each result or exception."""
    barrier = threading.Barrier(THREADS)
    results: list[object] = [None] * THREADS

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as e:  # the test inspects every outcome
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a verify call hung"
    return results


def _client(transport: SlowIssuer) -> tokensmith.JwksClient:
    return tokensmith.JwksClient(JWKS_URL, transport=transport, clock=lambda: float(NOW))


def test_a_cold_client_fetches_once_for_32_concurrent_verifications() -> None:
    issuer = SlowIssuer(lambda: (200, [("Content-Type", "application/json")], JWKS_BODY))
    jwks = _client(issuer)
    results = _on_threads(lambda i: jwks.verify(hs256("k1", f"user-{i}"), algorithms=["HS256"]))
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    subjects = sorted(r["claims"]["sub"] for r in results if isinstance(r, dict))
    assert subjects == sorted(f"user-{i}" for i in range(THREADS))
    assert issuer.requests == 1
    assert "keys=1" in repr(jwks)


def test_waiters_for_a_set_without_their_kid_are_refused_without_a_second_request() -> None:
    issuer = SlowIssuer(lambda: (200, [], JWKS_BODY))
    jwks = _client(issuer)
    results = _on_threads(
        lambda i: jwks.verify(hs256("k1" if i % 2 else f"forged-{i}", "u"), algorithms=["HS256"])
    )
    for i, result in enumerate(results):
        if i % 2:
            assert isinstance(result, dict), result
        else:
            assert isinstance(result, tokensmith.JwtError), result
            assert result.code == "jwt_key_not_found"
    assert issuer.requests == 1


def test_a_failed_fetch_reaches_every_waiter_as_its_response_error() -> None:
    issuer = SlowIssuer(lambda: (502, [("Content-Type", "text/html")], b"<html>bad gateway</html>"))
    jwks = _client(issuer)
    results = _on_threads(lambda i: jwks.verify(hs256("k1", "u"), algorithms=["HS256"]))
    for result in results:
        assert isinstance(result, tokensmith.ResponseError), result
        assert result.status == 502
    assert issuer.requests == 1
    # The interval still counts from that fetch: no retry, no request.
    with pytest.raises(tokensmith.JwtError) as info:
        jwks.verify(hs256("k1", "u"), algorithms=["HS256"])
    assert info.value.code == "jwt_key_not_found"
    assert issuer.requests == 1


def test_a_transport_failure_reaches_every_waiter_as_a_transport_error() -> None:
    def refuse() -> tuple[int, list[tuple[str, str]], bytes]:
        raise transport_error("transport_connect", "connection refused")

    issuer = SlowIssuer(refuse)
    jwks = _client(issuer)
    results = _on_threads(lambda i: jwks.verify(hs256("k1", "u"), algorithms=["HS256"]))
    for result in results:
        assert isinstance(result, tokensmith.TransportError), result
        assert result.code == "transport_connect"
    assert issuer.requests == 1


def test_a_transport_bug_is_raised_to_the_fetcher_and_a_transport_error_to_the_waiters() -> None:
    def broken() -> tuple[int, list[tuple[str, str]], bytes]:
        raise ZeroDivisionError("bug in the transport")

    issuer = SlowIssuer(broken)
    jwks = _client(issuer)
    results = _on_threads(lambda i: jwks.verify(hs256("k1", "u"), algorithms=["HS256"]))
    bugs = [r for r in results if isinstance(r, ZeroDivisionError)]
    others = [r for r in results if not isinstance(r, ZeroDivisionError)]
    assert len(bugs) == 1
    for result in others:
        assert isinstance(result, tokensmith.TransportError), result
        assert result.code == "transport"
    assert issuer.requests == 1


def test_repr_hides_credentials_in_the_jwks_url() -> None:
    # An API key (`key=`, Google's spelling) or a pre-signed URL's signature (`sig=`, Azure SAS)
    # grants access on its own; core's redact_url masks them, the other parameters stay.
    url = "https://keys.example/jwks?p=B2C_1_signin&key=k-secret&sig=s-secret"
    shown = repr(tokensmith.JwksClient(url, transport=lambda *a: (500, [], b"")))
    assert "k-secret" not in shown
    assert "s-secret" not in shown
    assert "p=B2C_1_signin&key=[redacted]&sig=[redacted]" in shown


def _signed(header: dict[str, Any], claims: dict[str, Any]) -> str:
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(claims).encode())
    mac = hmac.new(SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def test_verify_takes_verify_jwts_claim_options() -> None:
    # `now=`, `allow_missing_exp_insecure=` and `understood_crit=`, as `verify_jwt` has them.
    issuer = SlowIssuer(lambda: (200, [], JWKS_BODY))
    jwks = _client(issuer)
    token = hs256("k1", "ann")
    with pytest.raises(tokensmith.JwtError) as expired:
        jwks.verify(token, algorithms=["HS256"], now=float(NOW + 10 * 3600))
    assert expired.value.code == "jwt_expired"
    assert jwks.verify(token, algorithms=["HS256"], now=float(NOW))["claims"]["sub"] == "ann"

    no_exp = _signed({"alg": "HS256", "kid": "k1"}, {"sub": "bob", "iat": NOW})
    with pytest.raises(tokensmith.JwtError):
        jwks.verify(no_exp, algorithms=["HS256"])
    allowed = jwks.verify(no_exp, algorithms=["HS256"], allow_missing_exp_insecure=True)
    assert allowed["claims"]["sub"] == "bob"

    crit = _signed(
        {"alg": "HS256", "kid": "k1", "crit": ["exp_hint"], "exp_hint": 1},
        {"sub": "cy", "exp": NOW + 3600},
    )
    with pytest.raises(tokensmith.JwtError):
        jwks.verify(crit, algorithms=["HS256"])
    understood = jwks.verify(crit, algorithms=["HS256"], understood_crit=["exp_hint"])
    assert understood["claims"]["sub"] == "cy"
    assert issuer.requests == 1
