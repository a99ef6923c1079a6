"""Replays tests/vectors/jwt.json and tests/vectors/pat.json through the Python module."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from conftest import load_vectors

import tokensmith

JWT = load_vectors("jwt")
PAT = load_vectors("pat")


def _keys(spec: Any) -> Any:
    if spec == "jwks":
        return JWT["jwks"]
    if spec == "rsa_pem":
        return JWT["rsa_public_pem"]
    return {"kty": "oct", "k": spec["hmac_secret_b64url"]}


def _b64url_json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _verify(case: dict[str, Any], parsed: bool = False) -> dict[str, Any]:
    v = case["validation"]
    keys = _keys(case["keys"])
    return tokensmith.verify_jwt(
        case["token"],
        tokensmith.Jwks(keys) if parsed else keys,
        algorithms=v["algorithms"],
        issuer=v.get("issuer"),
        audience=v.get("audience"),
        leeway=v.get("leeway", 30),
        now=JWT["now"],
        allow_missing_exp_insecure=v.get("allow_missing_exp_insecure", False),
        understood_crit=v.get("understood_crit", []),
    )


@pytest.mark.parametrize("case", JWT["cases"], ids=lambda c: str(c["name"]))
def test_jwt_vector(case: dict[str, Any]) -> None:
    expect = case["expect"]
    if expect.get("ok"):
        decoded = _verify(case)
        assert decoded == tokensmith.decode_jwt(case["token"])
        assert _verify(case, parsed=True) == decoded
        header_b64, payload_b64, _ = case["token"].split(".")
        assert decoded["header"] == _b64url_json(header_b64)
        assert decoded["claims"] == _b64url_json(payload_b64)
        assert "exp" in decoded["claims"] or case["validation"].get("allow_missing_exp_insecure")
    else:
        code = expect.get("error") or expect.get("key_error")
        with pytest.raises(tokensmith.JwtError) as info:
            _verify(case)
        assert info.value.code == code
        if "key_error" not in expect:
            with pytest.raises(tokensmith.JwtError) as parsed_info:
                _verify(case, parsed=True)
            assert parsed_info.value.code == code
    decode = case.get("decode")
    if decode and "error" in decode:
        with pytest.raises(tokensmith.JwtError) as info:
            tokensmith.decode_jwt(case["token"])
        assert info.value.code == decode["error"]


def test_jwks_object() -> None:
    jwks = tokensmith.Jwks(JWT["jwks"])
    # Keys that cannot be used are left out (RFC 7517 §5); the usable ones are kept.
    assert 0 < len(jwks) <= len(JWT["jwks"]["keys"])
    assert len(tokensmith.Jwks(JWT["rsa_public_pem"])) == 1
    with pytest.raises(tokensmith.JwtError):
        tokensmith.Jwks("{not json")


def test_verify_jwt_refuses_a_key_set_of_the_wrong_type() -> None:
    with pytest.raises(TypeError):
        tokensmith.verify_jwt("a.b.c", 42, algorithms=["RS256"])  # type: ignore[arg-type]


@pytest.mark.parametrize("case", PAT["valid"], ids=lambda c: str(c["token"]))
def test_pat_valid_vector(case: dict[str, Any]) -> None:
    token = case["token"]
    assert tokensmith.pat_checksum_ok(token)
    assert tokensmith.pat_check(token) == case["prefix"]
    assert tokensmith.pat_check(token, prefix=case["prefix"]) == case["prefix"]
    assert tokensmith.pat_hash(token) == case["sha256_hex"]
    assert tokensmith.pat_hash(token, pepper=PAT["pepper_utf8"]) == case["hmac_sha256_hex"]
    assert tokensmith.pat_verify(token, case["sha256_hex"])
    assert tokensmith.pat_verify(token, case["hmac_sha256_hex"], pepper=PAT["pepper_utf8"].encode())
    assert not tokensmith.pat_verify(token, case["hmac_sha256_hex"])


@pytest.mark.parametrize("case", PAT["malformed"], ids=lambda c: str(c["name"]))
def test_pat_malformed_vector(case: dict[str, Any]) -> None:
    with pytest.raises(tokensmith.PatError) as info:
        tokensmith.pat_check(case["token"], prefix=PAT["expected_prefix"])
    assert info.value.code == case["error"]


def test_generate_pat() -> None:
    token = tokensmith.generate_pat("tsm")
    assert re.fullmatch(r"tsm_[0-9A-Za-z]{36}", token)
    assert tokensmith.pat_checksum_ok(token)
    assert tokensmith.generate_pat("tsm") != token
    with pytest.raises(tokensmith.PatError) as info:
        tokensmith.generate_pat("X")
    assert info.value.code == "pat_invalid_prefix"
