#!/usr/bin/env python3
"""Writes the seed corpora of the response, header and cache-import targets from the vectors in
tests/vectors/ (run from fuzz/; seeds are committed, the grown corpus stays in target/corpus/).

Each seed starts with the parameter bytes the target reads first (see src/lib.rs `Bytes`):
time selector 4 + two bytes means an ordinary time, 1_700_000_000_000 + n seconds."""

import base64
import json
import pathlib

VECTORS = pathlib.Path(__file__).resolve().parent.parent / "tests" / "vectors"
CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"
ORDINARY_TIME = bytes([4, 0, 0])


def body_of(resp: dict) -> bytes:
    if "body_base64" in resp:
        return base64.b64decode(resp["body_base64"])
    body = resp.get("body", "").encode()
    rep = resp.get("body_repeat")
    if rep:
        # Keep seeds small: a few repetitions show the shape, the size caps are fuzzed separately.
        body += rep["unit"].encode() * min(rep["count"], 8)
    return body + resp.get("body_suffix", "").encode()


def plant(body: bytes, expected: dict) -> bytes:
    """Secret values of the vector replaced by the placeholders the targets plant secrets at."""
    token = expected.get("token") or {}
    for name, placeholder in (("access_token", b"$A"), ("refresh_token", b"$R"), ("id_token", b"$I")):
        value = token.get(name)
        if isinstance(value, str) and len(value) >= 8:
            body = body.replace(value.encode(), placeholder)
    return body


def write(target: str, seeds: list[bytes]) -> None:
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(dict.fromkeys(seeds)):
        (d / f"seed{i:03}").write_bytes(seed)


def main() -> None:
    cases = json.loads((VECTORS / "responses.json").read_text())["cases"]
    token, error, retry, challenge = [], [], [], []
    for c in cases:
        resp = c["response"]
        body = plant(body_of(resp), c["expected"])
        status = resp["status"]
        headers = {k.lower(): v for k, v in resp["headers"]}
        # token_response: [options][status u16][time][body]; status selector 0 means 200.
        token.append(bytes([0]) + (0).to_bytes(2, "little") + ORDINARY_TIME + body)
        # error_response: [status u16][time][content-type]\0[retry-after]\0[www-authenticate]\0[body]
        fields = [headers.get(h, "").encode() for h in ("content-type", "retry-after", "www-authenticate")]
        error.append(status.to_bytes(2, "little") + ORDINARY_TIME + b"\0".join(fields) + b"\0" + body)
        if "retry-after" in headers:
            retry.append(ORDINARY_TIME + headers["retry-after"].encode())
        if "www-authenticate" in headers:
            challenge.append(headers["www-authenticate"].encode())
    retry += [ORDINARY_TIME + s for s in (b"0", b"120", b"Sun, 06 Nov 1994 08:49:37 GMT",
                                          b"Sunday, 06-Nov-94 08:49:37 GMT", b"Sun Nov  6 08:49:37 1994")]
    challenge += [b'Bearer realm="example", error="invalid_token", error_description="The access token expired"',
                  b'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
                  b"Negotiate a87421000492aa874209af8bc028"]
    # json: [policy][bytes]; every body of the vectors under each duplicate policy.
    write("json", [bytes([p]) + body_of(c["response"]) for c in cases for p in (0, 1)])
    write("token_response", token)
    write("error_response", error)
    write("retry_after", retry)
    write("www_authenticate", challenge)

    entry = {
        "key": {"endpoint": "https://as.example/token", "client_id": "c", "auth_method": "client_secret_basic",
                "grant_type": "refresh_token", "scopes": ["a", "b"], "audience": None, "resource": None,
                "subject": "alice", "discriminator": None},
        "token": {"access_token": "$A", "token_type": "Bearer", "issued_at": 1_700_000_000_000,
                  "expires_at": 1_700_003_600_000, "expiry_source": "expires_in", "scope": ["a"],
                  "id_token": "$I", "extra": {"session": "s"}, "extra_keys": ["session"]},
        "refresh": {"refresh_token": "$R", "expiry": {"kind": "at", "at": 1_800_000_000_000}},
    }
    doc = {"version": 1, "exported_at": 1_700_000_000_000, "secrets_included": True, "entries": [entry]}
    never = json.loads(json.dumps(doc))
    never["entries"][0]["refresh"]["expiry"] = {"kind": "never"}
    never["entries"][0]["token"] = None
    plain = json.loads(json.dumps(doc))
    del plain["entries"][0]["token"]["access_token"], plain["entries"][0]["token"]["id_token"]
    plain["secrets_included"] = False
    write("cache_import", [ORDINARY_TIME + json.dumps(d).encode() for d in (doc, never, plain)]
          + [ORDINARY_TIME + b'{"version":2,"entries":[]}'])


if __name__ == "__main__":
    main()
