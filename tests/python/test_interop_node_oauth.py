"""TokenClient against @node-oauth/oauth2-server (npm), started from
tests/python/node_oauth_server.js on 127.0.0.1: the password grant (RFC 6749 §4.3) and the
refresh_token grant (RFC 6749 §6) with rotation; a rotated refresh token must not work again.

The library reads HTTP Basic client credentials without the RFC 6749 §2.3.1 decoding (its
``basic-auth`` dependency splits the decoded string at the first `:` and stops there), so the
client here authenticates with ``client_secret_post``, whose form body it decodes correctly;
the special characters (`:`, `+`, `%`, `/`, spaces) are in the client and user credentials
alike, non-ASCII in the user's (RFC 6749 Appendix A allows it there only). Skipped only where
Node or the npm package is missing (``just test`` runs ``npm ci`` first, so it is there).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import tokensmith

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "node_oauth_server.js"
PACKAGE = ROOT / "node_modules" / "@node-oauth" / "oauth2-server"

#: Client credentials are VSCHAR (RFC 6749 Appendix A.1, A.2: printable ASCII, space included),
#: which the library enforces; user credentials are UNICODECHARNOCRLF (Appendix A.15, A.16).
CLIENT_ID = "node client:+%/1"
CLIENT_SECRET = "node secret %+:/-NODE-CLIENT-SECRET-a41c"
USER = "bob smith:+%/ß"
PASSWORD = "pass word %+:/€-NODE-USER-PASSWORD-d9e7"
#: Access-token lifetime in seconds: long, these tests look at caching and rotation.
LIFETIME_SECONDS = 3600
#: Seconds to wait for the server to print its port (Node starts in well under a second).
START_TIMEOUT_SECONDS = 20


class NodeServer:
    def __init__(self, port: int, process: subprocess.Popen[bytes]) -> None:
        self.url = f"http://127.0.0.1:{port}/token"
        self._stats = f"http://127.0.0.1:{port}/stats"
        self.process = process

    @property
    def count(self) -> int:
        with urllib.request.urlopen(self._stats, timeout=5) as answer:
            return int(json.load(answer)["tokenRequests"])


@pytest.fixture
def node_server() -> Iterator[NodeServer]:
    node = shutil.which("node")
    if node is None or not PACKAGE.is_dir():
        pytest.skip("node or node_modules/@node-oauth/oauth2-server missing (run npm ci)")
    config = {
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "users": {USER: PASSWORD},
        "lifetime": LIFETIME_SECONDS,
    }
    process = subprocess.Popen(
        [node, str(SCRIPT), json.dumps(config)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, "the Node server exited before listening"
        yield NodeServer(int(json.loads(line)["port"]), process)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=START_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def client(server: NodeServer) -> tokensmith.TokenClient:
    return tokensmith.TokenClient(server.url, CLIENT_ID, CLIENT_SECRET, auth="client_secret_post")


def test_password_grant_is_cached_per_user(node_server: NodeServer) -> None:
    c = client(node_server)
    token = c.password(USER, PASSWORD)
    assert token.token_type == "Bearer"
    assert token.refresh_token is not None
    assert 3590 < token.expires_in <= LIFETIME_SECONDS
    assert c.password(USER, PASSWORD) is token
    assert node_server.count == 1
    with pytest.raises(tokensmith.InvalidGrant) as info:
        c.password(USER, "wrong password")
    assert "wrong password" not in str(info.value)
    assert PASSWORD not in repr(info.value)
    assert node_server.count == 2


def test_refresh_rotates_and_a_rotated_refresh_token_fails(node_server: NodeServer) -> None:
    c = client(node_server)
    first = c.password(USER, PASSWORD)
    assert first.refresh_token is not None
    second = c.refresh(first.refresh_token)
    assert second.access_token != first.access_token
    assert second.refresh_token is not None
    assert second.refresh_token != first.refresh_token
    # Asked again, the client answers from its cache (keyed by the refresh token): no request.
    assert c.refresh(first.refresh_token).access_token == second.access_token
    # Reused against the server (a client without that cache entry), the rotated token fails.
    with pytest.raises(tokensmith.InvalidGrant) as info:
        client(node_server).refresh(first.refresh_token)
    assert info.value.code == "invalid_grant"
    assert first.refresh_token not in str(info.value)
    # The rotated-in refresh token works, once.
    third = c.refresh(second.refresh_token)
    assert third.refresh_token not in (None, second.refresh_token)
    assert node_server.count == 4


def test_a_wrong_client_secret_is_invalid_client(node_server: NodeServer) -> None:
    wrong = "not the secret-NODE-WRONG-0b3e"
    c = tokensmith.TokenClient(node_server.url, CLIENT_ID, wrong, auth="client_secret_post")
    with pytest.raises(tokensmith.InvalidClient) as info:
        c.password(USER, PASSWORD)
    assert wrong not in str(info.value)


def test_encoded_basic_credentials_are_not_decoded_by_the_library(node_server: NodeServer) -> None:
    """Records the library's HTTP Basic reading (no RFC 6749 §2.3.1 decoding): the encoded id
    it sees is not the registered one, so the client is unknown."""
    c = tokensmith.TokenClient(node_server.url, CLIENT_ID, CLIENT_SECRET)
    with pytest.raises(tokensmith.InvalidClient):
        c.password(USER, PASSWORD)
    assert node_server.count == 1
