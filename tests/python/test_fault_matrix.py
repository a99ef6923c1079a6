"""The fault matrix of issue 9 (tests/vectors/faults.json, docs/reliability.md) replayed through
TokenClient against the real dev server's fault injection (``POST /admin/faults``), with the
default urllib transport and with an ``httpx.Client``.

The client's clock is one of the test's (``TokenClient(clock=...)``): "later" (a "warm" case's
stale token, cases 9 and 15) and the clock jumps of case 11 are a jump of that clock, not a
sleep. ``TOKENSMITH_DEVSERVER=<path of a built tokensmith-devserver>`` skips the cargo build.
"""

from __future__ import annotations

import asyncio
import base64
import http.server
import json
import os
import stat
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import load_vectors
from devserver import serve

import tokensmith

V = load_vectors("faults")
CLIENT = V["client"]
M12 = next(c for c in V["cases"] if c["id"] == "m12-credentials-special-chars")["expect"]


def _toml(value: str) -> str:
    # A TOML basic string is a JSON string for these values.
    return json.dumps(value, ensure_ascii=False)


CONFIG = f"""
realms = []

[pat]
database = ":memory:"
prefix = "tsm"

[[clients]]
id = {_toml(CLIENT["client_id"])}
secret = {_toml(CLIENT["client_secret"])}
auth = "form-basic"

[[clients]]
id = {_toml(M12["credentials"][0]["client_id"])}
secret = {_toml(M12["credentials"][0]["client_secret"])}
auth = "form-basic"

[[users]]
username = "demo-user"
password = "demo-password"

[tenants]
host = "demohost"
users = []
"""


class DevServer:
    """The dev server with the admin calls the matrix needs."""

    def __init__(self, base: str) -> None:
        self.base = base

    def admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            text = response.read()
        return json.loads(text) if text else None

    def plan(self, fault: dict[str, Any]) -> None:
        self.admin("POST", "/admin/faults", {"path": CLIENT["path"], **fault})

    def reset(self) -> None:
        """Clears the fault plan and the request counts."""
        self.admin("DELETE", "/admin/faults")

    def requests(self, path: str = CLIENT["path"]) -> int:
        count: int = self.admin("GET", "/admin/faults")["requests"].get(path, 0)
        return count


@pytest.fixture(scope="module")
def devserver() -> Iterator[DevServer]:
    for server in serve(CONFIG):
        yield DevServer(server.url)


def _transports() -> list[str]:
    return ["urllib", "httpx"]


def _transport(name: str) -> Any:
    if name == "httpx":
        import httpx  # type: ignore[import-not-found, import-untyped, unused-ignore]

        return httpx.Client()
    return None


def _refused_url() -> str:
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}/oauth/token"


def _client(url: str, transport: str, **more: Any) -> tokensmith.TokenClient:
    return tokensmith.TokenClient(
        url,
        CLIENT["client_id"],
        CLIENT["client_secret"],
        transport=_transport(transport),
        timeout=CLIENT["timeout_ms"] / 1000,
        default_lifetime=CLIENT["default_lifetime"],
        **more,
    )


FAMILY_CLASS: dict[str, type[tokensmith.TokenError]] = {
    "oauth": tokensmith.OAuthError,
    "response": tokensmith.ResponseError,
    "transport": tokensmith.TransportError,
}


def _check_error(case_id: str, exc: BaseException | None, want: dict[str, Any]) -> None:
    assert isinstance(exc, FAMILY_CLASS[want["family"]]), f"{case_id}: {exc!r}"
    if "python_class" in want:
        assert type(exc) is getattr(tokensmith, want["python_class"]), f"{case_id}: {exc!r}"
    assert exc.code == want["code"], f"{case_id}: {exc}"
    if "status" in want:
        assert exc.status == want["status"], case_id
    if "reason" in want:
        assert isinstance(exc, tokensmith.ResponseError)
        assert exc.reason == want["reason"], case_id
    if "error" in want:
        assert isinstance(exc, tokensmith.OAuthError)
        assert exc.error == want["error"], case_id
    if "description" in want:
        assert isinstance(exc, tokensmith.OAuthError)
        assert exc.description == want["description"], case_id
    if "retry_after_min" in want:
        assert exc.retry_after is not None, case_id
        assert want["retry_after_min"] <= exc.retry_after <= want["retry_after_max"], case_id


def _check_token(
    case_id: str, token: tokensmith.Token, want: dict[str, Any], ctx: dict[str, str | None]
) -> None:
    if want.get("same_as_warm"):
        assert token.access_token == ctx["warm"], f"{case_id}: the cached token"
    if want.get("cached"):
        assert token.access_token == ctx["previous"], f"{case_id}: served from the cache"
    if "token_type" in want:
        assert token.token_type == want["token_type"], case_id
    if "access_token" in want:
        assert token.access_token == want["access_token"], case_id
    if "expires_in" in want:
        left = token.expires_in
        lo, hi = want["expires_in"]["min"], want["expires_in"]["max"]
        assert lo <= left <= hi, f"{case_id}: expires in {left} s"
    ctx["previous"] = token.access_token


class _Clock:
    """The client's clock (``TokenClient(clock=...)``): real time plus an offset the test moves,
    so "later" and clock jumps are a jump, not a sleep."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def jump(self, seconds: float) -> None:
        self.offset += seconds


VECTOR_CASES = [c for c in V["cases"] if not c.get("scenario")]


@pytest.mark.parametrize("transport", _transports())
@pytest.mark.parametrize("case", VECTOR_CASES, ids=[c["id"] for c in VECTOR_CASES])
def test_fault_matrix_vector(devserver: DevServer, case: dict[str, Any], transport: str) -> None:
    devserver.reset()
    url = _refused_url() if case.get("token_url") == "refused" else devserver.base + CLIENT["path"]
    clock = _Clock()
    client = _client(url, transport, clock=clock)
    ctx: dict[str, str | None] = {"warm": None, "previous": None}
    if "warm" in case:
        warm = case["warm"]
        devserver.plan({"kind": "patch", "set": {"expires_in": warm["expires_in"]}, "count": 1})
        started = clock()
        ctx["warm"] = client.token().access_token
        # The age counts from just before the call (the token's issue time is its send time).
        clock.jump(warm["age_ms"] / 1000 - (clock() - started))
        devserver.reset()
    for fault in case["faults"]:
        devserver.plan(fault)
    for call in case["calls"]:
        if "sleep_ms" in call:
            time.sleep(call["sleep_ms"] / 1000)
        started = time.monotonic()
        token: tokensmith.Token | None = None
        exc: BaseException | None = None
        try:
            token = client.token()
        except tokensmith.TokenError as error:
            exc = error
        elapsed_ms = (time.monotonic() - started) * 1000
        want = call["token"] if "token" in call else call["error"]
        if "min_elapsed_ms" in want:
            assert elapsed_ms >= want["min_elapsed_ms"], f"{case['id']}: {elapsed_ms} ms"
        if "max_elapsed_ms" in want:
            assert elapsed_ms <= want["max_elapsed_ms"], f"{case['id']}: {elapsed_ms} ms"
        if "error" in call:
            _check_error(case["id"], exc, call["error"])
        else:
            assert exc is None, f"{case['id']}: {exc!r}"
            assert token is not None
            _check_token(case["id"], token, call["token"], ctx)
    if "requests" in case:
        _expect_requests(devserver, case["requests"], case["id"])


def _expect_requests(devserver: DevServer, n: int, case_id: str) -> None:
    """Waits until the server has seen ``n`` requests (a stale token is refreshed on a background
    thread, after the call returned), then a little longer so that one too many shows too."""
    deadline = time.monotonic() + 3
    while devserver.requests() < n and time.monotonic() < deadline:
        time.sleep(0.025)
    time.sleep(0.1)
    assert devserver.requests() == n, f"{case_id}: requests"


# ---- scenarios with code of their own ----------------------------------------------------------


def _recording(transport: str) -> tuple[Any, list[tuple[str, str | None]]]:
    """A transport callable that records (grant_type, Authorization) of each request."""
    inner = tokensmith.UrllibTransport(timeout=5) if transport == "urllib" else None
    httpx_client = _transport(transport)
    sent: list[tuple[str, str | None]] = []

    def send(
        method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        fields = dict(p.split("=", 1) for p in body.decode().split("&") if "=" in p)
        auth = next((v for n, v in headers if n.lower() == "authorization"), None)
        sent.append((fields.get("grant_type", "-"), auth))
        if inner is not None:
            return inner(method, url, headers, body)
        r = httpx_client.request(method, url, headers=headers, content=body)
        return r.status_code, list(r.headers.multi_items()), r.content

    return send, sent


def _recording_client(
    devserver: DevServer, transport: str, **more: Any
) -> tuple[tokensmith.TokenClient, list[tuple[str, str | None]]]:
    """A client of the matrix's endpoint whose requests are recorded (`_recording`)."""
    send, sent = _recording(transport)
    client = tokensmith.TokenClient(
        devserver.base + CLIENT["path"],
        CLIENT["client_id"],
        CLIENT["client_secret"],
        transport=send,
        **more,
    )
    return client, sent


@pytest.mark.parametrize("transport", _transports())
def test_m12_credentials_with_special_characters(devserver: DevServer, transport: str) -> None:
    devserver.reset()
    for cred in M12["credentials"]:
        send, sent = _recording(transport)
        client = tokensmith.TokenClient(
            devserver.base + CLIENT["path"],
            cred["client_id"],
            cred["client_secret"],
            transport=send,
        )
        try:
            client.token()
            error = None
        except tokensmith.TokenError as exc:
            error = exc
        assert sent[0][1] == cred["authorization"], cred["client_id"]
        if cred.get("server_accepts"):
            assert error is None, repr(error)
        else:
            # The server does not know this client; the bytes above are the point.
            assert isinstance(error, tokensmith.InvalidClient), repr(error)


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        _Recorder.seen.append(self.path)
        body = b'{"access_token":"stolen","token_type":"Bearer","expires_in":60}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.parametrize("transport", _transports())
def test_m13_redirect_to_another_origin_is_not_followed(
    devserver: DevServer, transport: str
) -> None:
    want = next(c for c in V["cases"] if c["id"] == "m13-redirect-other-origin")["expect"]
    other = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    _Recorder.seen = []
    try:
        devserver.reset()
        location = f"http://127.0.0.1:{other.server_address[1]}/steal"
        devserver.plan({"kind": "redirect", "location": location, "count": 3})
        with pytest.raises(tokensmith.TokenError) as info:
            _client(devserver.base + CLIENT["path"], transport).token()
        _check_error("m13", info.value, want["error"])
        assert devserver.requests() == 1, "not retried"
        assert len(_Recorder.seen) == want["other_origin_requests"]
    finally:
        other.shutdown()
        other.server_close()


def _damaged_exports(text: str) -> dict[str, str]:
    newer = text.replace('"version":1', '"version":2', 1)
    assert newer != text
    return {
        "corrupted": text.replace("{", "{,", 1),
        "truncated": text[: len(text) // 2],
        "newer_version": newer,
    }


def test_m14_damaged_cache_files_leave_the_cache_intact(
    devserver: DevServer, tmp_path: Path
) -> None:
    want = next(c for c in V["cases"] if c["id"] == "m14-cache-file")["expect"]
    devserver.reset()
    client = _client(devserver.base + CLIENT["path"], "urllib")
    token = client.token()
    good = tmp_path / "tokens.json"
    client.save_cache(good)
    text = good.read_text(encoding="utf-8")
    for name, data in _damaged_exports(text).items():
        path = tmp_path / f"{name}.json"
        path.write_text(data, encoding="utf-8")
        path.chmod(0o600)
        with pytest.raises(tokensmith.CacheError) as info:
            client.load_cache(path)
        assert info.value.code == want[name], name
    devserver.reset()
    assert client.token().access_token == token.access_token
    assert devserver.requests() == 0, "the in-memory cache is intact"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_m14_a_world_readable_cache_file_is_refused(devserver: DevServer, tmp_path: Path) -> None:
    devserver.reset()
    writer = _client(devserver.base + CLIENT["path"], "urllib")
    writer.token()
    path = tmp_path / "tokens.json"
    writer.save_cache(path)
    path.chmod(0o644)
    reader = _client(devserver.base + CLIENT["path"], "urllib")
    with pytest.raises(tokensmith.CacheError) as info:
        reader.load_cache(path)
    assert info.value.code == "cache_file_not_private"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644, "left as it was"
    # Nothing was imported: the reader fetches its own token.
    reader.token()
    assert devserver.requests() == 2


def test_m12_vector_bytes_are_rfc6749_form_encoding() -> None:
    # The vector's expected header, decoded, is the form-encoded id and secret (RFC 6749 §2.3.1).
    cred = M12["credentials"][0]
    raw = base64.b64decode(cred["authorization"].removeprefix("Basic ")).decode()
    assert raw == "weird%3Aid%2B%25x+%C3%A9:p%40ss%3Aw%2Brd+%252F%2F%C3%A9%E2%82%AC"


def _jwks(devserver: DevServer) -> dict[str, Any]:
    with urllib.request.urlopen(devserver.base + "/.well-known/jwks.json", timeout=5) as r:
        keys: dict[str, Any] = json.loads(r.read())
    return keys


@pytest.mark.parametrize("transport", _transports())
def test_m10_server_restart(devserver: DevServer, transport: str) -> None:
    """New signing key, refresh tokens forgotten: the forced refresh is refused (invalid_grant)
    and core falls back to the password grant once, in the same call; the new token verifies
    with the new key set and the old one no longer does."""
    devserver.reset()
    client, sent = _recording_client(devserver, transport)
    before = client.password("demo-user", "demo-password")
    assert before.refresh_token
    devserver.admin("POST", "/admin/restart")
    after = client.password("demo-user", "demo-password", force=True)
    assert [grant for grant, _ in sent] == ["password", "refresh_token", "password"]
    jwks = _jwks(devserver)
    tokensmith.verify_jwt(after.access_token, jwks, algorithms=["RS256"])
    with pytest.raises(tokensmith.JwtError) as info:
        tokensmith.verify_jwt(before.access_token, jwks, algorithms=["RS256"])
    assert info.value.code == "jwt_key_not_found"


@pytest.mark.parametrize("transport", _transports())
def test_m9_concurrent_forced_refresh_of_one_rotating_token(
    devserver: DevServer, transport: str
) -> None:
    """16 threads force a refresh of one rotating refresh token at once: one request, one token
    for all (a second request with the rotated-away token would revoke the whole family)."""
    devserver.reset()
    client, sent = _recording_client(devserver, transport)
    first = client.password("demo-user", "demo-password")
    # The refresh answer is held back 1 s so that every thread joins the flight even on a busy
    # machine (a forced call arriving after the flight ended would rightly force another one).
    devserver.plan({"kind": "slow", "delay_ms": 1000, "count": 1})
    barrier = threading.Barrier(16)
    tokens: list[str] = []

    def call() -> None:
        barrier.wait()
        tokens.append(client.password("demo-user", "demo-password", force=True).access_token)

    threads = [threading.Thread(target=call) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(tokens)) == 1
    assert tokens[0] != first.access_token
    assert [grant for grant, _ in sent] == ["password", "refresh_token"]


def _clocked_client(
    devserver: DevServer, transport: str
) -> tuple[tokensmith.TokenClient, _Clock, list[tuple[str, str | None]]]:
    clock = _Clock()
    client, sent = _recording_client(
        devserver, transport, timeout=CLIENT["timeout_ms"] / 1000, clock=clock
    )
    return client, clock, sent


def _grants(sent: list[tuple[str, str | None]]) -> list[str]:
    """The grant types sent since the last call (and forgets them)."""
    grants = [grant for grant, _ in sent]
    sent.clear()
    return grants


@pytest.mark.parametrize("transport", _transports())
def test_m9_refresh_rotation_omission_and_invalid_grant(
    devserver: DevServer, transport: str
) -> None:
    """m9-refresh-rotation, m9-refresh-omitted, m9-refresh-invalid-grant: the client's clock
    ages the token past its 6 s lifetime, so each call refreshes it."""
    devserver.reset()
    client, clock, sent = _clocked_client(devserver, transport)

    def user() -> tokensmith.Token:
        return client.password("demo-user", "demo-password")

    devserver.plan({"kind": "patch", "set": {"expires_in": 6}, "count": 1})
    first = user()
    assert first.refresh_token
    assert _grants(sent) == ["password"]
    # Rotation: the next refresh must send the new refresh token (the server revokes the whole
    # family when a rotated-away token comes back, which would show as a second request).
    devserver.plan({"kind": "patch", "set": {"expires_in": 6}, "count": 1})
    clock.jump(7)
    assert first.is_expired()
    second = user()
    assert second.access_token != first.access_token
    assert second.refresh_token
    assert second.refresh_token != first.refresh_token
    assert _grants(sent) == ["refresh_token"], "m9-refresh-rotation"
    # Omission: no refresh_token in this answer, so the previous one is kept and sent next
    # time (RFC 6749 §6); the server already consumed it: invalid_grant, then one fallback to
    # the password grant in the same call.
    devserver.plan({"kind": "patch", "set": {"expires_in": 6, "refresh_token": None}, "count": 1})
    clock.jump(7)
    user()
    assert _grants(sent) == ["refresh_token"]
    clock.jump(7)
    fallback = user()
    assert _grants(sent) == ["refresh_token", "password"], "m9-refresh-omitted"
    assert fallback.expires_in > 3500
    # invalid_grant on the refresh and on the fallback: a typed error, no third request.
    clock.jump(3600)
    devserver.plan(
        {
            "kind": "respond",
            "status": 400,
            "count": 5,
            "body": '{"error":"invalid_grant","error_description":"refresh token revoked"}',
        }
    )
    with pytest.raises(tokensmith.InvalidGrant) as info:
        user()
    assert info.value.code == "invalid_grant"
    assert _grants(sent) == ["refresh_token", "password"], "m9-refresh-invalid-grant"


@pytest.mark.parametrize("transport", _transports())
def test_m9_refresh_token_rotation_through_refresh(devserver: DevServer, transport: str) -> None:
    """``refresh(rt)`` (cached under the refresh token): the rotated token comes back, and the
    old refresh token presented again gets that exchange's token instead of a doomed request."""
    devserver.reset()
    client, _, sent = _clocked_client(devserver, transport)
    first = client.password("demo-user", "demo-password")
    assert first.refresh_token
    _grants(sent)
    renewed = client.refresh(first.refresh_token)
    assert renewed.refresh_token
    assert renewed.refresh_token != first.refresh_token
    again = client.refresh(first.refresh_token)
    assert again.access_token == renewed.access_token
    assert _grants(sent) == ["refresh_token"]
    # The new refresh token works: the server kept the family alive.
    newer = client.refresh(renewed.refresh_token)
    assert newer.access_token != renewed.access_token
    assert _grants(sent) == ["refresh_token"]


@pytest.mark.parametrize("transport", _transports())
def test_m9_concurrent_callers_of_one_expired_rotating_token(
    devserver: DevServer, transport: str
) -> None:
    """m9-concurrent-refresh as in Rust and Node: the access token expired by the client's
    clock, 16 threads ask at once: one refresh request, one token for all."""
    devserver.reset()
    client, clock, sent = _clocked_client(devserver, transport)
    devserver.plan({"kind": "patch", "set": {"expires_in": 6}, "count": 1})
    first = client.password("demo-user", "demo-password")
    assert _grants(sent) == ["password"]
    clock.jump(7)
    devserver.plan({"kind": "slow", "delay_ms": 1000, "count": 1})
    barrier = threading.Barrier(16)
    tokens: list[str] = []

    def call() -> None:
        barrier.wait()
        tokens.append(client.password("demo-user", "demo-password").access_token)

    threads = [threading.Thread(target=call) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(tokens) == 16
    assert len(set(tokens)) == 1
    assert tokens[0] != first.access_token
    assert _grants(sent) == ["refresh_token"]


@pytest.mark.parametrize("transport", _transports())
def test_m11_clock_jumps_forward_and_backward(devserver: DevServer, transport: str) -> None:
    """m11-clock-forward, m11-clock-backward: never an expired token, no stall, one fetch each."""
    devserver.reset()
    client, clock, _ = _clocked_client(devserver, transport)
    first = client.token()
    clock.jump(2 * 3600)
    assert first.is_expired()
    second = client.token()
    assert second.access_token != first.access_token
    assert second.expires_in > 3500
    assert devserver.requests() == 2, "m11-clock-forward"

    devserver.plan({"kind": "patch", "set": {"expires_in": 6}, "count": 1})
    clock.jump(3600)
    short = client.token()
    clock.jump(7)
    devserver.plan({"kind": "html", "count": 3})
    with pytest.raises(tokensmith.ResponseError):
        client.token()
    devserver.reset()
    clock.jump(-86400)
    # Right after the jump back: neither the expired token nor a request (the key backs off).
    with pytest.raises(tokensmith.ResponseError):
        client.token()
    assert devserver.requests() == 0
    # The backoff (at most 1 s) ends after its real duration, then one fetch.
    time.sleep(1.1)
    back = client.token()
    assert back.access_token != short.access_token
    assert back.expires_in > 3500
    assert devserver.requests() == 1, "m11-clock-backward"


def test_every_time_of_the_client_is_its_clock(devserver: DevServer) -> None:
    """A client clock 10 days ahead of the system's: a token fetched in the foreground, by the
    background refresh of a stale one, and by AsyncTokenClient's executor is judged by that
    clock (had any of them read the system clock, the token would be 10 days expired)."""
    devserver.reset()
    clock = _Clock()
    clock.jump(10 * 86400)
    client = _client(devserver.base + CLIENT["path"], "urllib", clock=clock)
    devserver.plan({"kind": "patch", "set": {"expires_in": 6}, "count": 1})
    warm = client.token()
    assert 5 < warm.expires_in <= 6
    assert not warm.is_expired()
    clock.jump(5.1)
    assert client.token().access_token == warm.access_token  # stale: refreshed in background
    _expect_requests(devserver, 2, "background refresh")
    refreshed = client.token()
    assert refreshed.access_token != warm.access_token
    assert refreshed.expires_in > 3500
    assert devserver.requests() == 2

    async_client = tokensmith.AsyncTokenClient(
        devserver.base + CLIENT["path"], CLIENT["client_id"], CLIENT["client_secret"], clock=clock
    )

    async def twice() -> tuple[tokensmith.Token, tokensmith.Token]:
        return await async_client.token(), await async_client.token()

    first, second = asyncio.run(twice())
    assert first.expires_in > 3500
    assert second.access_token == first.access_token
    assert devserver.requests() == 3


def test_a_failing_clock_is_raised_not_hidden(devserver: DevServer) -> None:
    def broken() -> float:
        raise RuntimeError("clock unplugged")

    client = _client(devserver.base + CLIENT["path"], "urllib", clock=broken)
    with pytest.raises(RuntimeError, match="clock unplugged"):
        client.token()
    with pytest.raises(TypeError):
        _client(devserver.base + CLIENT["path"], "urllib", clock=3.0)


JWKS_PATH = "/.well-known/jwks.json"


def _with_kid(token: str, kid: str) -> str:
    """The token with its header's ``kid`` replaced (the signature no longer matches; a token
    naming an unknown key is refused before any signature check)."""
    header_b64, rest = token.split(".", 1)
    header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
    header["kid"] = kid
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return f"{encoded}.{rest}"


def _kid(token: str) -> str:
    kid: str = tokensmith.decode_jwt(token)["header"]["kid"]
    return kid


@pytest.mark.parametrize("transport", _transports())
def test_m15_jwks_rotation_refetches_once_per_interval(
    devserver: DevServer, transport: str
) -> None:
    """m15-jwks-unknown-kid through ``JwksClient`` (core's JwksRefresh): the server's key rotates
    (restart); the new kid is refused without a request inside the 30 s interval, verifies after
    exactly one refetch once it has passed, and 100 made-up kids right after cause no request."""
    devserver.reset()
    tokens = _client(devserver.base + CLIENT["path"], transport)
    before = tokens.token().access_token
    clock = _Clock()
    fetched: list[str] = []
    inner = tokensmith.UrllibTransport(timeout=5) if transport == "urllib" else None
    httpx_client = _transport(transport)

    def send(
        method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        fetched.append(f"{method} {url.removeprefix(devserver.base)}")
        if inner is not None:
            return inner(method, url, headers, body)
        r = httpx_client.request(method, url, headers=headers, content=body)
        return r.status_code, list(r.headers.multi_items()), r.content

    jwks = tokensmith.JwksClient(devserver.base + JWKS_PATH, transport=send, clock=clock)
    claims = jwks.verify(before, algorithms=["RS256"])["claims"]
    assert claims["iss"]
    assert fetched == [f"GET {JWKS_PATH}"]
    jwks.verify(before, algorithms=["RS256"])
    assert devserver.requests(JWKS_PATH) == 1

    devserver.admin("POST", "/admin/restart")
    devserver.reset()
    after = tokens.token(force=True).access_token
    assert _kid(after) != _kid(before)
    # 7 s after the first fetch: the new kid is unknown and no refetch is allowed yet.
    clock.jump(7)
    with pytest.raises(tokensmith.JwtError) as info:
        jwks.verify(after, algorithms=["RS256"])
    assert info.value.code == "jwt_key_not_found"
    assert devserver.requests(JWKS_PATH) == 0
    # Past the interval: exactly one refetch, and the new token verifies.
    clock.jump(30)
    assert jwks.verify(after, algorithms=["RS256"])["header"]["kid"] == _kid(after)
    assert devserver.requests(JWKS_PATH) == 1
    # 100 made-up kids, and the old key's token, right after: refused, no request.
    for i in range(100):
        with pytest.raises(tokensmith.JwtError) as info:
            jwks.verify(_with_kid(after, f"forged-{i}"), algorithms=["RS256"])
        assert info.value.code == "jwt_key_not_found"
    with pytest.raises(tokensmith.JwtError):
        jwks.verify(before, algorithms=["RS256"])
    assert devserver.requests(JWKS_PATH) == 1
    assert len(fetched) == 2
    # The key set in use is still the new one.
    jwks.verify(after, algorithms=["RS256"])
    assert devserver.requests(JWKS_PATH) == 1


def test_m15_a_failed_jwks_fetch_is_typed_and_rate_limited(devserver: DevServer) -> None:
    """The JWK Set endpoint answers 503 (HTML): the fetch's ResponseError, then no new request
    within the interval."""
    devserver.reset()
    token = _client(devserver.base + CLIENT["path"], "urllib").token().access_token
    clock = _Clock()
    jwks = tokensmith.JwksClient(devserver.base + JWKS_PATH, clock=clock)
    devserver.admin("POST", "/admin/faults", {"path": JWKS_PATH, "kind": "html", "count": 1})
    with pytest.raises(tokensmith.ResponseError) as info:
        jwks.verify(token, algorithms=["RS256"])
    assert info.value.status == 502
    with pytest.raises(tokensmith.JwtError) as key_error:
        jwks.verify(token, algorithms=["RS256"])
    assert key_error.value.code == "jwt_key_not_found"
    assert devserver.requests(JWKS_PATH) == 1
    clock.jump(31)
    assert jwks.verify(token, algorithms=["RS256"])["claims"]
    assert devserver.requests(JWKS_PATH) == 2
    assert "keys=1" in repr(jwks)
