"""Side-by-side benchmarks of the Python module (`just bench-py`): tokensmith against msal,
authlib, google-auth, PyJWT, joserfc and the standard library, in one run on one machine.

Times are medians over REPEATS runs of ``timeit`` (each run calibrated by ``autorange`` to last
at least 0.2 s); the figure is the time of one call, loop overhead included for every library
alike. Token requests go to the project's test token server (tests/python/token_server.py) on
127.0.0.1; msal, which insists on an https authority, gets an ``http_client`` that serves its
OpenID configuration in-process and forwards token requests to that server.

Prints a Markdown table (the one in docs/benchmarks.md, section "Python").
"""

from __future__ import annotations

import json
import secrets
import statistics
import sys
import threading
import time
import timeit
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))

import google.auth.transport.requests  # noqa: E402
import google.oauth2.credentials  # noqa: E402
import jwt as pyjwt  # noqa: E402
import msal  # noqa: E402
import requests  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session  # noqa: E402
from joserfc import jwt as jose_jwt  # noqa: E402
from joserfc.jwk import OctKey, RSAKey  # noqa: E402
from token_server import TokenServer  # noqa: E402

import tokensmith  # noqa: E402

#: Runs per figure; the median is reported (odd, so it is one measured run).
REPEATS = 15
#: Concurrent cold callers in the stampede rows, and how long the server takes per token
#: request (long enough for every caller to arrive while the first request is in flight).
STAMPEDE_THREADS = 20
STAMPEDE_DELAY_SECONDS = 0.3

CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-secret-value"
#: msal's authority: never contacted (the http_client below answers for it).
MSAL_AUTHORITY = "https://login.example.test/tenant"
MSAL_SCOPES = ["api://bench/.default"]

VECTORS = json.loads((ROOT / "tests" / "vectors" / "jwt.json").read_text(encoding="utf-8"))
#: The vectors' "current time" (their tokens expire an hour after it).
VECTOR_NOW = int(VECTORS["now"])
ISSUER = "https://idp.example.com"
AUDIENCE = "api://tokensmith"


def per_call_us(function: Callable[[], Any]) -> float:
    """Median time of one call in microseconds."""
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    runs = timer.repeat(REPEATS, number)
    return statistics.median(runs) / number * 1e6


class MsalHttp:
    """msal's ``http_client``: its OpenID configuration in-process, token requests forwarded
    to the local token server."""

    def __init__(self, server: TokenServer) -> None:
        self.server = server
        self.session = requests.Session()

    def get(self, url: str, **kwargs: Any) -> Any:
        if url.endswith("/.well-known/openid-configuration"):
            config = {
                "token_endpoint": f"{MSAL_AUTHORITY}/oauth2/v2.0/token",
                "authorization_endpoint": f"{MSAL_AUTHORITY}/oauth2/v2.0/authorize",
                "issuer": MSAL_AUTHORITY,
            }
            response = requests.models.Response()
            response.status_code = 200
            response._content = json.dumps(config).encode()
            return response
        raise AssertionError(f"msal fetched an unexpected URL: {url}")

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.session.post(self.server.url, **kwargs)

    def close(self) -> None:
        self.session.close()


def msal_app(server: TokenServer) -> Any:
    return msal.ConfidentialClientApplication(
        CLIENT_ID,
        client_credential=CLIENT_SECRET,
        oidc_authority=MSAL_AUTHORITY,
        http_client=MsalHttp(server),
    )


def msal_token(app: Any) -> str:
    answer = app.acquire_token_for_client(scopes=MSAL_SCOPES)
    return str(answer["access_token"])


def google_credentials(server: TokenServer) -> Any:
    # A user credential refreshed through RFC 6749 §6 against the local server, which needs a
    # refresh token it issued: seed one.
    seed = "rt-bench-" + secrets.token_urlsafe(16)
    server.refresh_tokens[seed] = "bench-user"
    return google.oauth2.credentials.Credentials(
        token=None,
        refresh_token=seed,
        token_uri=server.url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )


def google_token(credentials: Any, request: Any) -> str:
    if not credentials.valid:
        credentials.refresh(request)
    return str(credentials.token)


def authlib_session(server: TokenServer) -> Any:
    return OAuth2Session(
        CLIENT_ID,
        CLIENT_SECRET,
        token_endpoint=server.url,
        grant_type="client_credentials",
    )


def authlib_token(session: Any) -> str:
    # What a caller writes with OAuth2Session for a client-credentials token kept fresh.
    if not session.token or session.token.is_expired():
        session.fetch_token()
    return str(session.token["access_token"])


def stampede(server: TokenServer, call: Callable[[], Any]) -> tuple[int, int]:
    """(token requests the server saw, callers that got an error) for STAMPEDE_THREADS
    callers released together on a cold cache."""
    server.delay = STAMPEDE_DELAY_SECONDS
    before = server.count
    barrier = threading.Barrier(STAMPEDE_THREADS)
    errors: list[BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            call()
        except Exception as error:  # counted, not raised: a failed caller is a result here
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(STAMPEDE_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.delay = 0.0
    return server.count - before, len(errors)


def jwt_cases() -> list[tuple[str, str, Any, Any, Any]]:
    """(algorithm, token, tokensmith key set, PyJWT key, joserfc key) per verified algorithm."""
    tokens = {case["name"]: case["token"] for case in VECTORS["cases"]}
    keys = {key["kid"]: key for key in VECTORS["jwks"]["keys"]}
    jwks = tokensmith.Jwks(VECTORS["jwks"])
    return [
        (
            "RS256",
            tokens["valid RS256"],
            jwks,
            pyjwt.PyJWK(keys["rsa1"], "RS256").key,
            RSAKey.import_key(keys["rsa1"]),
        ),
        (
            "HS256",
            tokens["valid HS256"],
            jwks,
            pyjwt.PyJWK(keys["hs1"], "HS256").key,
            OctKey.import_key(keys["hs1"]),
        ),
    ]


def main() -> None:
    rows: list[tuple[str, str, str, str]] = []

    def row(case: str, library: str, figure: str, goal: str = "") -> None:
        rows.append((case, library, figure, goal))
        print(f"  {case:<34} {library:<34} {figure}", file=sys.stderr, flush=True)

    def us(value: float) -> str:
        return f"{value:.3f} µs" if value < 1 else f"{value:.2f} µs"

    server = TokenServer(CLIENT_ID, CLIENT_SECRET)
    try:
        # Cached token: one call on a warm cache.
        client = tokensmith.TokenClient(server.url, CLIENT_ID, CLIENT_SECRET)
        client.token()
        row(
            "cached token",
            "tokensmith `TokenClient.token()`",
            us(per_call_us(client.token)),
            "≤ 0.2 µs",
        )
        app = msal_app(server)
        msal_token(app)
        row(
            "cached token",
            "msal `acquire_token_for_client`",
            us(per_call_us(lambda: msal_token(app))),
        )
        session = authlib_session(server)
        authlib_token(session)
        row(
            "cached token",
            "authlib `OAuth2Session` (is_expired + token)",
            us(per_call_us(lambda: authlib_token(session))),
        )
        credentials = google_credentials(server)
        request = google.auth.transport.requests.Request()
        google_token(credentials, request)
        row(
            "cached token",
            "google-auth `Credentials` (valid + token)",
            us(per_call_us(lambda: google_token(credentials, request))),
        )

        # JWT verification with claims (iss, aud, exp) on pre-parsed keys.
        for alg, token, jwks, pyjwt_key, jose_key in jwt_cases():
            goal = {"RS256": "≤ 35 µs", "HS256": "≤ 5 µs"}[alg]
            claims = tokensmith.verify_jwt(
                token, jwks, algorithms=[alg], issuer=ISSUER, audience=AUDIENCE, now=VECTOR_NOW
            )["claims"]
            assert claims["iss"] == ISSUER

            def ours(token: str = token, jwks: Any = jwks, alg: str = alg) -> Any:
                return tokensmith.verify_jwt(
                    token, jwks, algorithms=[alg], issuer=ISSUER, audience=AUDIENCE, now=VECTOR_NOW
                )

            # PyJWT reads the clock; a leeway reaching back to the vectors' time keeps its exp
            # check in the work measured.
            leeway = time.time() - VECTOR_NOW + 30

            def theirs(
                token: str = token, key: Any = pyjwt_key, alg: str = alg, leeway: float = leeway
            ) -> Any:
                return pyjwt.decode(
                    token, key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER, leeway=leeway
                )

            registry = jose_jwt.JWTClaimsRegistry(
                now=VECTOR_NOW,
                leeway=30,
                iss={"essential": True, "value": ISSUER},
                aud={"essential": True, "value": AUDIENCE},
            )

            def jose(
                token: str = token, key: Any = jose_key, alg: str = alg, registry: Any = registry
            ) -> Any:
                decoded = jose_jwt.decode(token, key, algorithms=[alg])
                registry.validate(decoded.claims)
                return decoded

            assert theirs()["iss"] == ISSUER
            assert jose().claims["iss"] == ISSUER
            row(f"verify {alg}", "tokensmith `verify_jwt` (Jwks)", us(per_call_us(ours)), goal)
            row(f"verify {alg}", "PyJWT `jwt.decode`", us(per_call_us(theirs)))
            row(f"verify {alg}", "joserfc `jwt.decode` + claims", us(per_call_us(jose)))

        # PAT generation.
        row(
            "PAT generate",
            'tokensmith `generate_pat("ts")`',
            us(per_call_us(lambda: tokensmith.generate_pat("ts"))),
        )
        row(
            "PAT generate",
            "`secrets.token_urlsafe(32)` (no checksum)",
            us(per_call_us(lambda: secrets.token_urlsafe(32))),
        )

        # Stampede: cold cache, all callers at once.
        cold = tokensmith.TokenClient(server.url, CLIENT_ID, CLIENT_SECRET)
        sent, failed = stampede(server, cold.token)
        row(f"stampede ({STAMPEDE_THREADS} threads cold)", "tokensmith", f"{sent} requests", "1")
        cold_app = msal_app(server)
        sent, failed = stampede(server, lambda: msal_token(cold_app))
        row(f"stampede ({STAMPEDE_THREADS} threads cold)", "msal", f"{sent} requests")
        cold_credentials = google_credentials(server)
        sent, failed = stampede(server, lambda: google_token(cold_credentials, request))
        note = f", {failed} callers failed (refresh token rotated)" if failed else ""
        row(f"stampede ({STAMPEDE_THREADS} threads cold)", "google-auth", f"{sent} requests{note}")
        cold_session = authlib_session(server)
        sent, failed = stampede(server, lambda: authlib_token(cold_session))
        row(
            f"stampede ({STAMPEDE_THREADS} threads cold)",
            "authlib `OAuth2Session`",
            f"{sent} requests",
        )
    finally:
        server.close()

    print("| Case | Library | Median | Goal |")
    print("|------|---------|--------|------|")
    for case, library, figure, goal in rows:
        print(f"| {case} | {library} | {figure} | {goal} |")


if __name__ == "__main__":
    main()
