"""The Python side of tests/vectors/api-parity.json, the name-by-name table of the Python and npm
public APIs (tests/node/api-parity.test.mjs replays the npm side).

Both directions: every Python name of the table exists on the real module, class or signature,
and every public name the module or a class exposes (and every parameter of a public callable)
is in the table, so a new method, keyword argument or export without an entry fails here.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import load_vectors

import tokensmith
import tokensmith.jwks
import tokensmith.vendor

TABLE = load_vectors("api-parity")
CLASSES: list[dict[str, Any]] = [c for c in TABLE["classes"] if c["python"]]
FUNCTIONS: list[dict[str, Any]] = [f for f in TABLE["functions"] if f["python"]]
ERRORS: list[dict[str, Any]] = TABLE["errors"]
EXTRA_ASYNC: set[str] = set(TABLE["async_twins"]["extra_members"])
ASYNC_TWINS = {c["python_async"]: c for c in CLASSES if c.get("python_async")}

JSON_HEADERS = [("Content-Type", "application/json")]


def _python_names(entries: list[dict[str, Any]]) -> set[str]:
    return {e["python"] for e in entries if e["python"] is not None}


def _public(cls: type) -> set[str]:
    """The public names a class defines or inherits from its own library (not from object or
    from Exception)."""
    base = Exception if issubclass(cls, BaseException) else object
    return {n for n in dir(cls) if not n.startswith("_") and not hasattr(base, n)}


def _parameters(function: Callable[..., Any]) -> set[str]:
    params = inspect.signature(function).parameters
    return {n for n in params if n != "self"}


def test_every_entry_has_a_reason_when_a_side_is_missing() -> None:
    def walk(entries: list[dict[str, Any]], where: str) -> None:
        for entry in entries:
            name = entry["python"] or entry["npm"]
            assert name, f"{where}: an entry without any name"
            if entry["python"] is None or entry["npm"] is None:
                assert entry.get("reason"), f"{where}.{name}: one side is null without a reason"
            for key in ("params", "constructor", "members", "attributes"):
                walk(entry.get(key, []), f"{where}.{name}")

    for section in ("constants", "functions", "classes", "errors"):
        walk(TABLE[section], section)


def test_module_exports_are_the_table() -> None:
    table = (
        _python_names(TABLE["constants"])
        | _python_names(TABLE["functions"])
        | _python_names(TABLE["classes"])
        | _python_names(ERRORS)
        | set(ASYNC_TWINS)
    )
    exported = set(tokensmith.__all__)
    assert exported - table == set(), "exported by tokensmith but missing from api-parity.json"
    assert table - exported == set(), "in api-parity.json but not exported by tokensmith"
    for name in table:
        assert hasattr(tokensmith, name), name
    # The submodules re-export the same objects.
    for module in (tokensmith.vendor, tokensmith.jwks):
        for name in module.__all__:
            assert getattr(module, name) is getattr(tokensmith, name), f"{module.__name__}.{name}"


@pytest.mark.parametrize("entry", FUNCTIONS, ids=lambda e: e["python"])
def test_function_parameters(entry: dict[str, Any]) -> None:
    function = getattr(tokensmith, entry["python"])
    assert _parameters(function) == _python_names(entry.get("params", []))


@pytest.mark.parametrize("entry", CLASSES, ids=lambda e: e["python"])
def test_class_members_and_parameters(entry: dict[str, Any]) -> None:
    cls = getattr(tokensmith, entry["python"])
    constructor = _python_names(entry["constructor"])
    if constructor:
        assert _parameters(cls) == constructor
    if entry["npm"] is None:
        # A Python-only class (the reason is in the table): its members mirror nothing.
        return
    members = entry["members"]
    table = _python_names(members)
    assert _public(cls) == {n for n in table if not n.startswith("_")}
    for member in members:
        name = member["python"]
        if name is None:
            continue
        # A dunder in the table is one the class defines itself (not object's).
        assert name in vars(cls), f"{entry['python']}.{name}"
        attribute = getattr(cls, name)
        if member["kind"] == "method":
            assert callable(attribute), f"{entry['python']}.{name} is not a method"
            assert _parameters(attribute) == _python_names(member.get("params", [])), name
        else:
            assert not callable(attribute), f"{entry['python']}.{name} is not a property"


@pytest.mark.parametrize("name", sorted(ASYNC_TWINS))
def test_async_twin_mirrors_its_sync_class(name: str) -> None:
    entry = ASYNC_TWINS[name]
    sync_cls = getattr(tokensmith, entry["python"])
    async_cls = getattr(tokensmith, name)
    assert _public(async_cls) == _public(sync_cls) | EXTRA_ASYNC
    for member in _public(sync_cls):
        sync_attr = getattr(sync_cls, member)
        async_attr = getattr(async_cls, member)
        assert callable(sync_attr) == callable(async_attr), member
        if callable(sync_attr):
            assert _parameters(async_attr) == _parameters(sync_attr), member


def test_error_hierarchy() -> None:
    table = {e["python"]: e for e in ERRORS}
    for entry in ERRORS:
        cls = getattr(tokensmith, entry["python"])
        assert issubclass(cls, Exception)
        base = entry["python_base"]
        assert cls.__bases__ == ((Exception,) if base is None else (getattr(tokensmith, base),))
    every_error = {
        n
        for n in tokensmith.__all__
        if isinstance(getattr(tokensmith, n), type)
        and issubclass(getattr(tokensmith, n), tokensmith.TokenError)
    }
    assert every_error == set(table)


def _oauth_error(error: str) -> tokensmith.TokenError:
    body = json.dumps({"error": error}).encode()
    with pytest.raises(tokensmith.TokenError) as caught:
        tokensmith.parse_token_response(400, JSON_HEADERS, body)
    return caught.value


#: One call per family provoking its error (tests/node/api-parity.test.mjs makes the same ones).
TRIGGERS: dict[str, Callable[[], object]] = {
    "oauth": lambda: tokensmith.parse_token_response(400, JSON_HEADERS, b'{"error":"foo_bar"}'),
    "response": lambda: tokensmith.parse_token_response(200, JSON_HEADERS, b"not json"),
    "input": lambda: tokensmith.basic_authorization("a:b", "s", encoding="raw"),
    "jwt": lambda: tokensmith.decode_jwt("x"),
    "pat": lambda: tokensmith.pat_check("x"),
    "cache": lambda: tokensmith.TokenClient("https://example.com/t", "id", "s").import_cache("{"),
}


@pytest.mark.parametrize(
    "entry", [e for e in ERRORS if "example_code" in e], ids=lambda e: e["family"]
)
def test_each_family_raises_its_class_with_the_table_code(entry: dict[str, Any]) -> None:
    with pytest.raises(tokensmith.TokenError) as caught:
        TRIGGERS[entry["family"]]()
    assert type(caught.value) is getattr(tokensmith, entry["python"])
    assert caught.value.code == entry["example_code"]
    base = next(e for e in ERRORS if e["python"] == "TokenError")
    for attribute in _python_names(entry["attributes"]) | _python_names(base["attributes"]):
        assert hasattr(caught.value, attribute), attribute
    if entry["family"] not in ("oauth", "response"):
        # No response, no status: None as npm's null.
        assert (caught.value.status, caught.value.retry_after) == (None, None)


@pytest.mark.parametrize(
    "entry", [e for e in ERRORS if "oauth_code" in e], ids=lambda e: e["python"]
)
def test_oauth_codes_raise_their_subclass(entry: dict[str, Any]) -> None:
    err = _oauth_error(entry["oauth_code"])
    assert type(err) is getattr(tokensmith, entry["python"])
    assert err.code == entry["oauth_code"]
