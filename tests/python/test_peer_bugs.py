"""Bugs users filed against other Python token libraries, replayed against tokensmith.

Each test is named after the report it reproduces (reference in its docstring) and asserts what
tokensmith does instead. The table of all checked reports is in docs/reliability.md, "Peer bugs
checked".
"""

from __future__ import annotations

import asyncio
import datetime
import io
import os
import stat
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, USER, USER_PASSWORD
from token_server import TokenServer

import tokensmith


@pytest.fixture
def far_from_utc() -> Iterator[None]:
    """The process runs in a time zone 5 hours behind UTC (4 with daylight saving time)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_google_auth_1323_expiry_does_not_depend_on_the_local_time_zone(
    token_server: TokenServer, far_from_utc: None
) -> None:
    """googleapis/google-auth-library-python#1323 (and google-cloud-python#15192): an expiry
    parsed as local time, or with its "Z" stripped, was compared with a UTC "now", so outside
    UTC tokens counted as valid hours after they expired (or expired at once). tokensmith's
    times are milliseconds since the epoch (core's UnixMillis) and ``expires_at`` is an aware
    UTC datetime, whatever ``TZ`` says."""
    assert time.localtime().tm_gmtoff != 0
    client = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    before = time.time()
    token = client.token()
    expires_at = token.expires_at
    assert expires_at.utcoffset() == datetime.timedelta(0)
    # The lifetime the server gave (3600 s), counted from the request, in absolute time.
    assert before + 3600 - 5 <= expires_at.timestamp() <= time.time() + 3600
    assert 3590 < token.expires_in <= 3600
    assert not token.is_expired()
    # Comparable with an aware "now"; a naive local time cannot be mixed in by mistake.
    assert expires_at > datetime.datetime.now(datetime.timezone.utc)
    with pytest.raises(TypeError):
        _ = expires_at > datetime.datetime.now()


def test_authlib_266_concurrent_tasks_refresh_an_expired_token_once(
    token_server: TokenServer,
) -> None:
    """authlib/authlib#266 (and #673): the httpx ``AsyncOAuth2Client`` let every coroutine that
    found the token expired start its own refresh; with a rotating refresh token all but one
    fail. tokensmith's async client joins the one flight core hands out: 50 tasks on an expired
    token send one ``refresh_token`` request and all get its token (the server here rotates and
    would refuse the old refresh token a second time)."""
    offset = 0.0

    def clock() -> float:
        return time.time() + offset

    client = tokensmith.AsyncTokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET, clock=clock)

    async def first() -> tokensmith.Token:
        return await client.password(USER, USER_PASSWORD)

    old = asyncio.run(first())
    assert old.refresh_token is not None
    offset = 2 * token_server.lifetime
    token_server.delay = 0.2

    async def many() -> list[tokensmith.Token]:
        return await asyncio.gather(*(client.password(USER, USER_PASSWORD) for _ in range(50)))

    tokens = asyncio.run(many())
    assert len({t.access_token for t in tokens}) == 1
    assert tokens[0].access_token != old.access_token
    grants = [r["form"].get("grant_type") for r in token_server.requests]
    assert grants == ["password", "refresh_token"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_msal_extensions_106_saving_over_a_world_readable_file_makes_it_private(
    token_server: TokenServer, tmp_path: Path
) -> None:
    """AzureAD/microsoft-authentication-extensions-for-python#106 (fixed by #107) and
    microsoft-authentication-library-for-js#8623: token cache files were written with the
    default mode (0644 under the usual umask), readable by every local user; msal-node's fix
    also chmods files that already existed. tokensmith writes a new file with mode 0600 and
    renames it over the old one, so a cache file left world-readable becomes private on the
    next save."""
    path = tmp_path / "tokens.json"
    path.write_text("{}")
    path.chmod(0o644)
    client = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    client.token()
    client.save_cache(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.json"]


class _Resource:
    """A resource server on 127.0.0.1 that refuses its first request with an RFC 6750 §3.1
    ``invalid_token`` challenge and records the body of every request it gets (length-delimited
    or chunked)."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.refuse = 1
        resource = self

        class Handler(BaseHTTPRequestHandler):
            # A body announced but never sent must not hold the test forever.
            timeout = 5

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    out = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        chunk = self.rfile.read(size + 2)[:size]
                        if size == 0:
                            return out
                        out += chunk
                return self.rfile.read(int(self.headers.get("Content-Length", "0")))

            def do_POST(self) -> None:
                resource.bodies.append(self._body())
                if resource.refuse > 0:
                    resource.refuse -= 1
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Bearer error="invalid_token"')
                else:
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/upload"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def resource() -> Iterator[_Resource]:
    server = _Resource()
    try:
        yield server
    finally:
        server.close()


_PAYLOAD = b"upload-chunk-" * 1000


def _chunks() -> Iterator[bytes]:
    for i in range(0, len(_PAYLOAD), 4096):
        yield _PAYLOAD[i : i + 4096]


def test_google_auth_18238_requests_never_replays_a_consumed_body(
    token_server: TokenServer, resource: _Resource
) -> None:
    """googleapis/google-cloud-python#18238 (google-auth's ``AuthorizedSession``; also
    google-auth-library-nodejs#171): on a 401 the session refreshed the token and re-sent the
    request with the same, already consumed body stream, so the retry carried 0 bytes (or hung
    on a Content-Length it never sent). ``TokenClient.auth()`` for requests re-sends a body
    only when it can be sent again: bytes, or a seekable file rewound to where it started
    (``requests.utils.rewind_body``). A generator is not re-sent: the 401 is returned, and the
    token has been renewed for the caller's own retry."""
    requests = pytest.importorskip("requests")
    client = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    with requests.Session() as session:
        # A generator: sent once, chunked; the refusal comes back, with a new token ready.
        answer = session.post(resource.url, data=_chunks(), auth=client.auth())
        assert answer.status_code == 401
        assert resource.bodies == [_PAYLOAD]
        assert token_server.count == 2
        # A seekable file: rewound and sent again whole.
        resource.bodies.clear()
        resource.refuse = 1
        answer = session.post(resource.url, data=io.BytesIO(_PAYLOAD), auth=client.auth())
        assert answer.status_code == 200
        assert resource.bodies == [_PAYLOAD, _PAYLOAD]
        # Bytes: sent again.
        resource.bodies.clear()
        resource.refuse = 1
        answer = session.post(resource.url, data=_PAYLOAD, auth=client.auth())
        assert answer.status_code == 200
        assert resource.bodies == [_PAYLOAD, _PAYLOAD]


def test_google_auth_18238_httpx_never_replays_a_consumed_stream(
    token_server: TokenServer, resource: _Resource
) -> None:
    """The same report with httpx: re-yielding a request whose content is an iterator made httpx
    raise ``StreamConsumed`` instead of returning the server's answer. The retry happens only
    for a body httpx holds in memory; a streamed one gets the 401 back (the token is renewed)."""
    httpx = pytest.importorskip("httpx")
    client = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    with httpx.Client() as session:
        answer = session.post(resource.url, content=_chunks(), auth=client.auth())
        assert answer.status_code == 401
        assert resource.bodies == [_PAYLOAD]
        assert token_server.count == 2
        resource.bodies.clear()
        resource.refuse = 1
        answer = session.post(resource.url, content=_PAYLOAD, auth=client.auth())
        assert answer.status_code == 200
        assert resource.bodies == [_PAYLOAD, _PAYLOAD]

    async def chunks() -> AsyncIterator[bytes]:
        for chunk in _chunks():
            yield chunk

    async def main() -> tuple[int, int]:
        async with httpx.AsyncClient() as session:
            streamed = await session.post(resource.url, content=chunks(), auth=client.auth())
            in_memory = await session.post(resource.url, content=_PAYLOAD, auth=client.auth())
            return streamed.status_code, in_memory.status_code

    resource.bodies.clear()
    resource.refuse = 2
    assert asyncio.run(main()) == (401, 200)
    assert resource.bodies == [_PAYLOAD, _PAYLOAD, _PAYLOAD]


class _RevokingResource:
    """A resource server that has just revoked ``old``: it holds the first two requests bearing
    it until both have arrived, refuses the first at once and the second only after a request
    with another token got through (so that refusal arrives after the first one's renewal, as
    a straggler's does). Other tokens are accepted."""

    def __init__(self, old: str) -> None:
        self.old = old
        self.arrived = 0
        self.refused = 0
        self.renewed_seen = False
        self.lock = threading.Condition()
        resource = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                presented = self.headers.get("Authorization", "").removeprefix("Bearer ")
                with resource.lock:
                    if presented == resource.old:
                        resource.arrived += 1
                        resource.lock.notify_all()
                        resource.lock.wait_for(lambda: resource.arrived >= 2, timeout=5)
                        resource.refused += 1
                        if resource.refused > 1:
                            resource.lock.wait_for(lambda: resource.renewed_seen, timeout=5)
                        status = 401
                    else:
                        resource.renewed_seen = True
                        resource.lock.notify_all()
                        status = 200
                self.send_response(status)
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Bearer error="invalid_token"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/api"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.mark.parametrize("library", ["requests", "httpx", "httpx-async"])
def test_protondrive_sdk_44_a_straggling_refusal_reuses_the_renewed_token(
    token_server: TokenServer, library: str
) -> None:
    """ProtonDriveApps/sdk#44 (the same race as in msal-js#3646 once the first refresh is
    over): requests in flight when the access token is revoked each get a 401, and each 401
    forced its own token refresh, also those arriving after the first refresh had already
    replaced the refused token. ``TokenClient.auth()`` forces a new token only when the refused
    token is still the client's current one; a straggler retries with the renewed token: two
    concurrent refused requests cost one new token, not two."""
    lib = pytest.importorskip(library.removesuffix("-async"))
    client = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    old = client.token().access_token
    resource = _RevokingResource(old)
    statuses: list[int] = []

    async def two_tasks() -> list[int]:
        async with lib.AsyncClient() as session:
            answers = await asyncio.gather(
                *(session.get(resource.url, auth=client.auth()) for _ in range(2))
            )
            return [a.status_code for a in answers]

    try:
        if library == "httpx-async":
            statuses = asyncio.run(two_tasks())
        else:
            with lib.Client() if library == "httpx" else lib.Session() as session:

                def call() -> None:
                    statuses.append(session.get(resource.url, auth=client.auth()).status_code)

                threads = [threading.Thread(target=call) for _ in range(2)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
    finally:
        resource.close()
    assert statuses == [200, 200]
    assert resource.refused == 2
    # The first token, and one renewal for both refusals.
    assert token_server.count == 2


def test_gcloud_aio_500_a_cancelled_caller_does_not_poison_the_flight(
    token_server: TokenServer,
) -> None:
    """talkiq/gcloud-aio#500: the Google Cloud asyncio token helper kept the future of a token
    request in progress; when the task that started it was cancelled, every later caller awaited
    the cancelled future and failed with ``CancelledError``. In tokensmith the request runs in
    an executor thread that completes core's flight whatever happens to the task that started
    it: a task waiting on it gets the token, and later calls are served from the cache."""
    token_server.delay = 0.3
    client = tokensmith.AsyncTokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)

    async def main() -> tuple[tokensmith.Token, tokensmith.Token]:
        first = asyncio.create_task(client.token())
        await asyncio.sleep(0.05)
        second = asyncio.create_task(client.token())
        await asyncio.sleep(0.05)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        return await second, await client.token()

    waited, later = asyncio.run(main())
    assert waited.access_token == later.access_token
    assert token_server.count == 1
