"""Shared fixtures: the vector files in tests/vectors/, replayed by every runtime."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from token_server import TokenServer

VECTORS_DIR = Path(__file__).resolve().parent.parent / "vectors"


def load_vectors(name: str) -> dict[str, Any]:
    """Parse tests/vectors/<name>.json."""
    with (VECTORS_DIR / f"{name}.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


@pytest.fixture(scope="session")
def encoding_vectors() -> dict[str, Any]:
    return load_vectors("encoding")


#: Credentials of the local token server: characters RFC 6749 §2.3.1 must encode.
CLIENT_ID = "svc:client+1"
CLIENT_SECRET = "s3cr3t %+:/ é-CLIENT-SECRET-4f9a"
USER = "alice@example.com"
USER_PASSWORD = "pw with spaces:+%/ü-USER-PASSWORD-77c1"


@pytest.fixture
def token_server() -> Iterator[TokenServer]:
    server = TokenServer(CLIENT_ID, CLIENT_SECRET, users={USER: USER_PASSWORD})
    try:
        yield server
    finally:
        server.close()
