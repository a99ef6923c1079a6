#!/usr/bin/env python3
"""Regenerates tests/vectors/jwt.json and tests/vectors/pat.json.

Independent of the code under test: keys, signatures, CRC-32 (zlib.crc32), SHA-256 and HMAC come
from Python's standard library and `cryptography` (PyPI). Every run makes new keys and tokens.

    python3 -m venv /tmp/jwtgen-venv && /tmp/jwtgen-venv/bin/pip install cryptography
    /tmp/jwtgen-venv/bin/python tests/vectors/gen_jwt.py
"""
import base64
import hashlib
import hmac
import json
import os
import secrets
import zlib

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = 1_700_000_000  # the fixed "now" of every case, in seconds
ISS = "https://idp.example.com"
AUD = "api://tokensmith"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_bytes(n: int, length: int | None = None) -> bytes:
    length = length or (n.bit_length() + 7) // 8
    return n.to_bytes(length, "big")


def pem_public(key) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def der_public(key) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def pem_private(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def rsa_jwk(key, kid):
    pub = key.public_key().public_numbers()
    return {"kty": "RSA", "kid": kid, "use": "sig", "n": b64u(int_bytes(pub.n)), "e": b64u(int_bytes(pub.e))}


def ec_jwk(key, kid):
    pub = key.public_key().public_numbers()
    return {"kty": "EC", "kid": kid, "crv": "P-256", "x": b64u(int_bytes(pub.x, 32)), "y": b64u(int_bytes(pub.y, 32))}


def ed_jwk(key, kid):
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "kid": kid, "crv": "Ed25519", "x": b64u(raw)}


def compact(header: dict, claims, sign) -> str:
    h = b64u(json.dumps(header, separators=(",", ":")).encode())
    c = claims if isinstance(claims, str) else json.dumps(claims, separators=(",", ":"))
    p = b64u(c.encode())
    signing_input = f"{h}.{p}".encode()
    return f"{h}.{p}.{b64u(sign(signing_input))}"


def main():
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    oct_secret = secrets.token_bytes(32)

    def rs256(k):
        return lambda m: k.sign(m, padding.PKCS1v15(), hashes.SHA256())

    def es256(m):
        r, s = decode_dss_signature(ec_key.sign(m, ec.ECDSA(hashes.SHA256())))
        return int_bytes(r, 32) + int_bytes(s, 32)

    def hs256(secret):
        return lambda m: hmac.new(secret, m, hashlib.sha256).digest()

    jwks = {
        "keys": [
            rsa_jwk(rsa_key, "rsa1"),
            ec_jwk(ec_key, "ec1"),
            ed_jwk(ed_key, "ed1"),
            {"kty": "oct", "kid": "hs1", "k": b64u(oct_secret)},
            rsa_jwk(rsa_weak, "rsaweak"),
        ]
    }
    rsa_pem = pem_public(rsa_key)
    good = {"iss": ISS, "aud": AUD, "sub": "user-1", "iat": NOW - 60, "exp": NOW + 3600}
    strict = {"algorithms": ["RS256", "ES256", "EdDSA", "HS256"], "issuer": ISS, "audience": AUD}

    cases = []

    def case(name, token, expect, keys="jwks", validation=None, decode=None):
        c = {"name": name, "token": token, "keys": keys, "validation": validation or strict}
        c["expect"] = expect
        if decode is not None:
            c["decode"] = decode
        cases.append(c)

    ok = {"ok": True}
    # Valid tokens, one per algorithm.
    case("valid RS256", compact({"alg": "RS256", "typ": "JWT", "kid": "rsa1"}, good, rs256(rsa_key)), ok)
    case("valid ES256", compact({"alg": "ES256", "kid": "ec1"}, good, es256), ok)
    case("valid EdDSA", compact({"alg": "EdDSA", "kid": "ed1"}, good, ed_key.sign), ok)
    case("valid HS256", compact({"alg": "HS256", "kid": "hs1"}, good, hs256(oct_secret)), ok)
    case(
        "valid RS256 with a PEM key and no kid",
        compact({"alg": "RS256"}, good, rs256(rsa_key)),
        ok,
        keys="rsa_pem",
        validation={"algorithms": ["RS256"], "issuer": ISS, "audience": AUD},
    )
    case("aud array containing ours", compact({"alg": "RS256", "kid": "rsa1"}, {**good, "aud": ["other", AUD]}, rs256(rsa_key)), ok)
    case("expired but within 30 s leeway", compact({"alg": "RS256", "kid": "rsa1"}, {**good, "exp": NOW - 29}, rs256(rsa_key)), ok)
    no_exp = {k: v for k, v in good.items() if k != "exp"}
    case(
        "missing exp with allow_missing_exp_insecure",
        compact({"alg": "RS256", "kid": "rsa1"}, no_exp, rs256(rsa_key)),
        ok,
        validation={**strict, "allow_missing_exp_insecure": True},
    )

    # alg none, any case.
    for spelling in ["none", "None", "NONE"]:
        h = b64u(json.dumps({"alg": spelling}).encode())
        p = b64u(json.dumps(good).encode())
        case(f"alg {spelling}", f"{h}.{p}.", {"error": "jwt_alg_none"})

    # Key confusion: the RSA public key (PEM, DER, JWK) used as an HMAC secret.
    for label, secret in [
        ("PEM", rsa_pem.encode()),
        ("DER", der_public(rsa_key)),
        ("JWK", json.dumps(rsa_jwk(rsa_key, "rsa1")).encode()),
    ]:
        token = compact({"alg": "HS256", "kid": "rsa1"}, good, hs256(secret))
        case(f"key confusion: RSA {label} as HS256 secret, RS256 allowlist", token, {"error": "jwt_alg_not_allowed"},
             validation={**strict, "algorithms": ["RS256"]})
        case(f"key confusion: RSA {label} as HS256 secret, kid names the RSA key", token, {"error": "jwt_key_mismatch"})
        case(f"key confusion: RSA {label} offered as an HMAC secret", token, {"key_error": "jwt_invalid_key"},
             keys={"hmac_secret_b64url": b64u(secret)}, validation={**strict, "algorithms": ["HS256"]})
    case(
        "key confusion: HS256 allowed next to RS256 with only an RSA PEM key",
        compact({"alg": "HS256"}, good, hs256(rsa_pem.encode())),
        {"error": "jwt_key_mismatch"},
        keys="rsa_pem",
        validation={**strict, "algorithms": ["RS256", "HS256"]},
    )

    # Headers.
    case("unknown crit", compact({"alg": "RS256", "kid": "rsa1", "crit": ["urn:x"], "urn:x": 1}, good, rs256(rsa_key)),
         {"error": "jwt_crit"})
    case("embedded jwk and jku are ignored", compact(
        {"alg": "RS256", "kid": "rsa1", "jku": "https://attacker.example/jwks", "jwk": rsa_jwk(attacker, "rsa1")},
        good, rs256(attacker)), {"error": "jwt_signature"})
    case("unknown kid", compact({"alg": "RS256", "kid": "nope"}, good, rs256(rsa_key)), {"error": "jwt_key_not_found"})
    case("RSA key under 2048 bits", compact({"alg": "RS256", "kid": "rsaweak"}, good, rs256(rsa_weak)), {"error": "jwt_weak_key"})
    tampered = compact({"alg": "RS256", "kid": "rsa1"}, good, rs256(rsa_key)).split(".")
    tampered[1] = b64u(json.dumps({**good, "sub": "admin"}, separators=(",", ":")).encode())
    case("tampered payload", ".".join(tampered), {"error": "jwt_signature"})

    # Claims.
    for label, value in [("string", str(NOW + 3600)), ("null", None), ("bool", True), ("negative", -1),
                         ("overflowing", 1e20), ("array", [NOW + 3600])]:
        case(f"exp of wrong type/range: {label}", compact({"alg": "RS256", "kid": "rsa1"}, {**good, "exp": value}, rs256(rsa_key)),
             {"error": "jwt_invalid_claim"})
    case("nbf as string", compact({"alg": "RS256", "kid": "rsa1"}, {**good, "nbf": "0"}, rs256(rsa_key)), {"error": "jwt_invalid_claim"})
    case("missing exp", compact({"alg": "RS256", "kid": "rsa1"}, no_exp, rs256(rsa_key)), {"error": "jwt_missing_claim"})
    case("expired beyond leeway", compact({"alg": "RS256", "kid": "rsa1"}, {**good, "exp": NOW - 31}, rs256(rsa_key)), {"error": "jwt_expired"})
    case("nbf in the future", compact({"alg": "RS256", "kid": "rsa1"}, {**good, "nbf": NOW + 120}, rs256(rsa_key)), {"error": "jwt_not_yet_valid"})
    case("aud array without ours", compact({"alg": "RS256", "kid": "rsa1"}, {**good, "aud": ["other", AUD + "x"]}, rs256(rsa_key)), {"error": "jwt_audience"})
    case("iss with our issuer as a prefix", compact({"alg": "RS256", "kid": "rsa1"}, {**good, "iss": ISS + ".evil"}, rs256(rsa_key)), {"error": "jwt_issuer"})
    case("iss a substring of ours", compact({"alg": "RS256", "kid": "rsa1"}, {**good, "iss": ISS[:-4]}, rs256(rsa_key)), {"error": "jwt_issuer"})

    # Shapes (decode_unverified fails too).
    valid = compact({"alg": "RS256", "kid": "rsa1"}, good, rs256(rsa_key))
    h, p, s = valid.split(".")
    dup_header = b64u(b'{"alg":"RS256","alg":"HS256","kid":"rsa1"}')
    dup_claims = b64u(('{"exp":1,' + json.dumps(good)[1:]).encode())
    for name, token, code in [
        ("two segments", f"{h}.{p}", "jwt_malformed"),
        ("four segments", f"{h}.{p}.{s}.{s}", "jwt_malformed"),
        ("five segments (JWE)", f"{h}.{p}.{s}.{s}.{s}", "jwt_encrypted"),
        ("padding in the payload", f"{h}.{p}{'=' * ((4 - len(p) % 4) % 4 or 4)}.{s}", "jwt_malformed"),
        ("newline after the token", f"{valid}\n", "jwt_malformed"),
        ("oversized header", compact({"alg": "RS256", "kid": "rsa1", "x": "a" * 20000}, good, rs256(rsa_key)), "jwt_too_large"),
        ("duplicate alg in header", f"{dup_header}.{p}.{s}", "jwt_duplicate_member"),
        ("duplicate exp in claims", f"{h}.{dup_claims}.{s}", "jwt_duplicate_member"),
    ]:
        case(name, token, {"error": code}, decode={"error": code})

    with open(os.path.join(HERE, "jwt.json"), "w") as f:
        json.dump(
            {
                "description": "JWT verification vectors. `now` is in seconds. keys: \"jwks\" = the jwks below, "
                "\"rsa_pem\" = rsa_public_pem, or {hmac_secret_b64url}. expect: ok, error (stable code), "
                "or key_error (building the key fails). decode: what decode_unverified gives, when it fails.",
                "generator": "tests/vectors/gen_jwt.py",
                "now": NOW,
                "jwks": jwks,
                "rsa_public_pem": rsa_pem,
                "signing_keys": {
                    "rsa_private_pem": pem_private(rsa_key),
                    "ec_private_pem": pem_private(ec_key),
                    "ed_private_pem": pem_private(ed_key),
                    "hmac_secret_b64url": b64u(oct_secret),
                },
                "cases": cases,
            },
            f,
            indent=1,
        )
        f.write("\n")

    write_pat_vectors()


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62_fixed(n: int, width: int) -> str:
    out = ""
    for _ in range(width):
        out = ALPHABET[n % 62] + out
        n //= 62
    return out


def pat(prefix: str, random_part: str) -> str:
    return f"{prefix}_{random_part}{base62_fixed(zlib.crc32(random_part.encode()), 6)}"


def write_pat_vectors():
    pepper = b"vector-pepper-0123456789"
    valid = []
    randoms = ["0" * 30, "z" * 30, "abcdefghijABCDEFGHIJ0123456789"] + [
        "".join(secrets.choice(ALPHABET) for _ in range(30)) for _ in range(5)
    ]
    for i, r in enumerate(randoms):
        prefix = ["tsm", "ab", "abcdefghij"][i % 3]
        token = pat(prefix, r)
        valid.append({
            "token": token,
            "prefix": prefix,
            "crc32": zlib.crc32(r.encode()),
            "checksum": token[-6:],
            "sha256_hex": hashlib.sha256(token.encode()).hexdigest(),
            "hmac_sha256_hex": hmac.new(pepper, token.encode(), hashlib.sha256).hexdigest(),
            "hint": f"{prefix}_…{token[-4:]}",
        })
    t = pat("tsm", "abcdefghijABCDEFGHIJ0123456789")
    body = t[4:]
    wrong_sum = t[:-1] + ("0" if t[-1] != "0" else "1")
    malformed = [
        ("cyrillic a (look-alike)", t.replace("a", "\u0430", 1), "pat_non_ascii"),
        ("full-width digit", t.replace("0", "\uff10", 1), "pat_non_ascii"),
        ("trailing newline", t + "\n", "pat_whitespace"),
        ("trailing space", t + " ", "pat_whitespace"),
        ("leading space", " " + t, "pat_whitespace"),
        ("no separator", "tsm" + body, "pat_malformed"),
        ("uppercase prefix", "TSM_" + body, "pat_invalid_prefix"),
        ("one-letter prefix", "t_" + body, "pat_invalid_prefix"),
        ("eleven-letter prefix", "abcdefghijk_" + body, "pat_invalid_prefix"),
        ("digit in prefix", "ts1_" + body, "pat_invalid_prefix"),
        ("another issuer's prefix", "ghp_" + body, "pat_wrong_prefix"),
        ("one character short", t[:-1], "pat_length"),
        ("one character long", t + "0", "pat_length"),
        ("empty body", "tsm_", "pat_length"),
        ("dash in body", t[:10] + "-" + t[11:], "pat_alphabet"),
        ("underscore in body", t[:10] + "_" + t[11:], "pat_alphabet"),
        ("wrong checksum", wrong_sum, "pat_checksum"),
        ("transposed characters", t[:5] + t[6] + t[5] + t[7:], "pat_checksum"),
    ]
    with open(os.path.join(HERE, "pat.json"), "w") as f:
        json.dump(
            {
                "description": "Personal access token vectors (docs/pat-format.md). Checksums by zlib.crc32, "
                "hashes by hashlib/hmac. Malformed tokens are parsed with expected prefix \"tsm\".",
                "generator": "tests/vectors/gen_jwt.py",
                "expected_prefix": "tsm",
                "pepper_utf8": pepper.decode(),
                "valid": valid,
                "malformed": [{"name": n, "token": tok, "error": e} for n, tok, e in malformed],
            },
            f,
            indent=1,
            ensure_ascii=False,
        )
        f.write("\n")


if __name__ == "__main__":
    main()
