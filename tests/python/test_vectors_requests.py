"""Replays tests/vectors/requests.json through TokenClient with a recording transport: the
request the client sends must be the vector's, byte for byte.

The authorization_code and extension grants have no TokenClient method; their cases are
replayed by the Rust suite only.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import load_vectors

import tokensmith

OK_BODY = b'{"access_token":"vector-access-token-0000","token_type":"Bearer","expires_in":3600}'
SUPPORTED = {"client_credentials", "password", "refresh_token"}
CASES = [
    c
    for c in load_vectors("requests")["cases"]
    if c["request"]["kind"] == "revocation" or c["request"]["grant"]["type"] in SUPPORTED
]


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, list[tuple[str, str]], bytes]] = []

    def __call__(
        self, method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        self.sent.append((method, url, [tuple(h) for h in headers], body))  # type: ignore[misc]
        if url.endswith("/revoke"):
            return 200, [], b""
        return 200, [("Content-Type", "application/json")], OK_BODY


def _run(case: dict[str, Any], recorder: Recorder) -> None:
    endpoint = case["endpoint"]
    request = case["request"]
    grant = request.get("grant", {})
    client = tokensmith.TokenClient(
        endpoint["url"],
        endpoint["client_id"],
        endpoint["client_secret"],
        auth=endpoint["auth"],
        scope=grant.get("scope") if grant.get("type") == "client_credentials" else None,
        audience=grant.get("audience"),
        resource=grant.get("resource"),
        transport=recorder,
        revocation_url=request.get("url"),
    )
    if request["kind"] == "revocation":
        client.revoke(request["token"], request["hint"])
    elif grant["type"] == "client_credentials":
        client.token()
    elif grant["type"] == "password":
        client.password(grant["username"], grant["password"], grant["scope"])
    else:
        client.refresh(grant["refresh_token"], grant["scope"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c["name"]))
def test_request_vector(case: dict[str, Any]) -> None:
    recorder = Recorder()
    if "error" in case:
        with pytest.raises(tokensmith.TokenError) as info:
            _run(case, recorder)
        assert info.value.code == case["error"]
        assert recorder.sent == []
        secret = case["endpoint"]["client_secret"]
        if secret:
            assert secret not in str(info.value)
        return
    _run(case, recorder)
    expected = case["expected"]
    method, url, headers, body = recorder.sent[0]
    assert method == expected["method"]
    assert url == expected["url"]
    assert headers == [tuple(h) for h in expected["headers"]]
    assert body.decode() == expected["body"]


def test_every_supported_case_is_replayed() -> None:
    assert len(CASES) >= 38
