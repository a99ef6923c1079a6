"""TokenClient.save_cache / load_cache."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET
from token_server import TokenServer

import tokensmith


def test_saved_tokens_are_served_by_another_client(
    token_server: TokenServer, tmp_path: Path
) -> None:
    path = tmp_path / "tokens.json"
    first = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    token = first.token()
    first.save_cache(path)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.json"]
    second = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    assert second.load_cache(str(path)) == {"imported": 1, "skipped": 0}
    assert second.token().access_token == token.access_token
    assert token_server.count == 1
    # Saving again replaces the file atomically.
    second.save_cache(path)
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.json"]


def test_a_corrupted_file_is_a_cache_error(token_server: TokenServer, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('{"version": 1, "entries": [')
    client = tokensmith.TokenClient(token_server.url, CLIENT_ID, CLIENT_SECRET)
    with pytest.raises(tokensmith.CacheError) as info:
        client.load_cache(path)
    assert info.value.code.startswith("cache_")
    with pytest.raises(FileNotFoundError):
        client.load_cache(tmp_path / "missing.json")
