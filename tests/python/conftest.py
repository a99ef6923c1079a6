"""Shared fixtures: the vector files in tests/vectors/, replayed by every runtime."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

VECTORS_DIR = Path(__file__).resolve().parent.parent / "vectors"


def load_vectors(name: str) -> dict[str, Any]:
    """Parse tests/vectors/<name>.json."""
    with (VECTORS_DIR / f"{name}.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


@pytest.fixture(scope="session")
def encoding_vectors() -> dict[str, Any]:
    return load_vectors("encoding")
