"""Replays tests/vectors/encoding.json through the Python module (the built extension)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
from conftest import load_vectors

import tokensmith

ENCODING = load_vectors("encoding")


def _name(case: dict[str, Any]) -> str:
    return str(case["name"])


def _check(case: dict[str, Any], call: Any) -> None:
    """Expected header value, or a TokenError with the expected code that does not leak."""
    if "error" in case:
        with pytest.raises(tokensmith.TokenError) as info:
            call()
        exc = info.value
        assert isinstance(exc, Exception)
        assert exc.code == case["error"]
        secret = case["client_secret"]
        if secret:
            assert secret not in str(exc)
            assert secret not in repr(exc)
    else:
        assert call() == case["expected"]


@pytest.mark.parametrize("case", ENCODING["basic"], ids=_name)
def test_basic_authorization(case: dict[str, Any]) -> None:
    _check(
        case,
        lambda: tokensmith.basic_authorization(
            case["client_id"], case["client_secret"], encoding=case["encoding"]
        ),
    )


@pytest.mark.parametrize(
    "case", [c for c in ENCODING["basic"] if c["encoding"] == "form"], ids=_name
)
def test_basic_authorization_defaults_to_form(case: dict[str, Any]) -> None:
    _check(case, lambda: tokensmith.basic_authorization(case["client_id"], case["client_secret"]))


@pytest.mark.parametrize("case", ENCODING["space_auth_key"], ids=_name)
def test_space_auth_key(case: dict[str, Any]) -> None:
    _check(case, lambda: tokensmith.space_auth_key(case["client_id"], case["client_secret"]))


def test_vector_groups_are_not_empty(encoding_vectors: dict[str, Any]) -> None:
    assert len(encoding_vectors["basic"]) >= 20
    assert len(encoding_vectors["space_auth_key"]) >= 10


def test_unknown_encoding_is_invalid_input() -> None:
    with pytest.raises(tokensmith.TokenError) as info:
        tokensmith.basic_authorization("id", "secret", encoding="base64")  # type: ignore[arg-type]
    assert info.value.code == "invalid_input"


def test_encoding_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        tokensmith.basic_authorization("id", "secret", "raw")  # type: ignore[call-arg]


def test_token_error_is_an_exception_class() -> None:
    assert issubclass(tokensmith.TokenError, Exception)
    assert tokensmith.TokenError.__module__ == "tokensmith"


def test_wheel_ships_type_information() -> None:
    package = resources.files("tokensmith")
    assert package.joinpath("py.typed").is_file()
    assert package.joinpath("_native.pyi").is_file()
