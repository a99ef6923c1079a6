#!/usr/bin/env python3
"""Generates tests/vectors/responses.json independently of the Rust code (Python stdlib only).

Usage: python3 tests/vectors/gen_responses.py > tests/vectors/responses.json
"""
import base64, json, sys
from email.utils import formatdate

SENT = 1_700_000_000_000          # 2023-11-14T22:13:20Z
H = 3_600_000                     # one hour in ms
MAX_LIFETIME_MS = 365 * 24 * 3600 * 1000

def b64u(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")

def jwt(claims):
    return ".".join([b64u(json.dumps({"alg": "RS256", "typ": "JWT"}).encode()),
                     b64u(json.dumps(claims).encode()), b64u(b"signature")])

JSON = [["Content-Type", "application/json"]]
cases = []

def resp(status, body="", headers=JSON, **extra):
    r = {"status": status, "headers": headers, "body": body}
    r.update(extra)
    return r

def tok(access_token="2YotnFZFEjr1zCsicMWpAA", token_type="Bearer", issued_at=SENT, expires_at=SENT + H,
        expiry_source="expires_in", refresh_token=None, refresh_expiry="unknown", scope=None, id_token=None, extra_keys=()):
    return {"access_token": access_token, "token_type": token_type, "issued_at": issued_at, "expires_at": expires_at,
            "expiry_source": expiry_source, "refresh_token": refresh_token, "refresh_expiry": refresh_expiry,
            "scope": scope, "id_token": id_token, "extra_keys": sorted(extra_keys)}

def ok(name, body_obj_or_str, token, status=200, headers=JSON, options=None, sent_at=SENT):
    body = body_obj_or_str if isinstance(body_obj_or_str, str) else json.dumps(body_obj_or_str)
    c = {"name": name, "kind": "token", "sent_at": sent_at, "response": resp(status, body, headers), "expected": {"token": token}}
    if options: c["options"] = options
    cases.append(c)

def err(name, response, code, family, status, kind="token", options=None, **more):
    e = {"code": code, "family": family, "status": status}
    e.update(more)
    c = {"name": name, "kind": kind, "sent_at": SENT, "response": response, "expected": {"error": e}}
    if options: c["options"] = options
    cases.append(c)

AT = "2YotnFZFEjr1zCsicMWpAA"
base = {"access_token": AT, "token_type": "Bearer", "expires_in": 3600}

# --- valid and tolerant -------------------------------------------------------------------
ok("RFC 6749 §5.1 example", {"access_token": AT, "token_type": "example", "expires_in": 3600,
   "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA", "example_parameter": "example_value"},
   tok(token_type="example", refresh_token="tGzv3JOkF0XG5Qx2TlKWIA", extra_keys=["example_parameter"]))
ok("minimal Bearer response", base, tok())
ok("token_type 'bearer' is normalised", dict(base, token_type="bearer"), tok())
ok("token_type 'BEARER' is normalised", dict(base, token_type="BEARER"), tok())
ok("unknown token_type kept as sent (RFC 8693 N_A)", dict(base, token_type="N_A"), tok(token_type="N_A"))
ok("token_type DPoP kept as sent", dict(base, token_type="DPoP"), tok(token_type="DPoP"))
ok("expires_in as float (fraction of a ms dropped)", dict(base, expires_in=3599.9), tok(expires_at=SENT + 3_599_900))
ok("expires_in as numeric string", dict(base, expires_in="3600"), tok())
ok("expires_in as padded decimal string", dict(base, expires_in=" 120.5 "), tok(expires_at=SENT + 120_500))
ok("expires_in as exponent string", dict(base, expires_in="1e3"), tok(expires_at=SENT + 1_000_000))
ok("expires_in 0: already expired, not a loop", dict(base, expires_in=0), tok(expires_at=SENT))
ok("expires_in negative: already expired", dict(base, expires_in=-30), tok(expires_at=SENT))
ok("expires_in negative string", dict(base, expires_in="-1"), tok(expires_at=SENT))
ok("expires_in 1e300 is clamped to the maximum lifetime", '{"access_token":"%s","token_type":"Bearer","expires_in":1e300}' % AT,
   tok(expires_at=SENT + MAX_LIFETIME_MS))
ok("expires_in integer beyond u64 is clamped", '{"access_token":"%s","token_type":"Bearer","expires_in":99999999999999999999999999}' % AT,
   tok(expires_at=SENT + MAX_LIFETIME_MS))
ok("expires_in string overflowing f64 is clamped", dict(base, expires_in="1e400"), tok(expires_at=SENT + MAX_LIFETIME_MS))
ok("expires_in just under the clamp is kept", dict(base, expires_in=364 * 24 * 3600), tok(expires_at=SENT + 364 * 24 * 3600 * 1000))
ok("max_lifetime_secs option clamps", base, tok(expires_at=SENT + 600_000), options={"max_lifetime_secs": 600})
ok("expires_in missing, opaque token: default lifetime", {"access_token": AT, "token_type": "Bearer"},
   tok(expiry_source="default_lifetime"))
ok("expires_in missing: default_lifetime_secs option", {"access_token": AT, "token_type": "Bearer"},
   tok(expires_at=SENT + 60_000, expiry_source="default_lifetime"), options={"default_lifetime_secs": 60})
J = jwt({"sub": "svc", "iat": SENT // 1000, "exp": SENT // 1000 + 900})
ok("expires_in missing, JWT access token: exp claim", {"access_token": J, "token_type": "Bearer"},
   tok(access_token=J, expires_at=SENT + 900_000, expiry_source="jwt_exp"))
ok("expires_in null, JWT access token: exp claim", {"access_token": J, "token_type": "Bearer", "expires_in": None},
   tok(access_token=J, expires_at=SENT + 900_000, expiry_source="jwt_exp"))
ok("expires_in wins over the JWT exp claim", {"access_token": J, "token_type": "Bearer", "expires_in": 60},
   tok(access_token=J, expires_at=SENT + 60_000))
J_PAST = jwt({"sub": "svc", "exp": SENT // 1000 - 10})
ok("JWT exp in the past: expired on arrival", {"access_token": J_PAST, "token_type": "Bearer"},
   tok(access_token=J_PAST, expires_at=SENT, expiry_source="jwt_exp"))
J_NOEXP = jwt({"sub": "svc"})
ok("JWT without exp: default lifetime", {"access_token": J_NOEXP, "token_type": "Bearer"},
   tok(access_token=J_NOEXP, expiry_source="default_lifetime"))
J_HUGE = jwt({"exp": 1e300})
ok("JWT exp 1e300 is clamped", {"access_token": J_HUGE, "token_type": "Bearer"},
   tok(access_token=J_HUGE, expires_at=SENT + MAX_LIFETIME_MS, expiry_source="jwt_exp"))
TS = SENT - 600_000
ok("Insights Hub timestamp (ms, string) sets the issue time", dict(base, expires_in=1799, timestamp=str(TS)),
   tok(issued_at=TS, expires_at=TS + 1_799_000, extra_keys=["timestamp"]))
ok("Insights Hub timestamp as a number", dict(base, expires_in=1799, timestamp=TS),
   tok(issued_at=TS, expires_at=TS + 1_799_000, extra_keys=["timestamp"]))
ok("timestamp in seconds is implausible and ignored", dict(base, timestamp=SENT // 1000),
   tok(extra_keys=["timestamp"]))
ok("timestamp older than 24 h is ignored", dict(base, timestamp=SENT - 24 * H - 1),
   tok(extra_keys=["timestamp"]))
ok("timestamp after sent_at is capped at sent_at", dict(base, timestamp=SENT + 5_000),
   tok(extra_keys=["timestamp"]))
ok("timestamp that is not a number is ignored", dict(base, timestamp="yesterday"), tok(extra_keys=["timestamp"]))
RT = "8xLOxBtZp8"
ok("Keycloak refresh_expires_in 0: refresh token does not expire", dict(base, refresh_token=RT, refresh_expires_in=0),
   tok(refresh_token=RT, refresh_expiry="never"))
ok("Keycloak refresh_expires_in 1800", dict(base, refresh_token=RT, refresh_expires_in=1800, **{"not-before-policy": 0, "session_state": "abc"}),
   tok(refresh_token=RT, refresh_expiry={"at": SENT + 1_800_000}, extra_keys=["not-before-policy", "session_state"]))
ok("refresh_token_expires_in (GitHub, Azure)", dict(base, refresh_token=RT, refresh_token_expires_in="15897600"),
   tok(refresh_token=RT, refresh_expiry={"at": SENT + 15_897_600_000}))
ok("both refresh lifetimes: the earlier wins", dict(base, refresh_token=RT, refresh_expires_in=0, refresh_token_expires_in=60),
   tok(refresh_token=RT, refresh_expiry={"at": SENT + 60_000}))
ok("refresh_expires_in without refresh_token: unknown", dict(base, refresh_expires_in=1800), tok())
ok("scope as space-delimited string", dict(base, scope="openid profile  email"), tok(scope=["openid", "profile", "email"]))
ok("scope as JSON array", dict(base, scope=["read", "write"]), tok(scope=["read", "write"]))
ok("scope empty string", dict(base, scope=""), tok(scope=[]))
ok("id_token kept", dict(base, id_token=J), tok(id_token=J))
ok("null optional members count as absent", dict(base, refresh_token=None, scope=None, id_token=None, refresh_expires_in=None), tok())
ok("empty refresh_token counts as absent", dict(base, refresh_token=""), tok())
ok("unknown members kept in extra", dict(base, nested={"a": [1, 2]}, flag=True, n=None), tok(extra_keys=["flag", "n", "nested"]))
ok("201 with a valid body is accepted", base, tok(), status=201)
ok("text/plain content type with a JSON body is accepted", base, tok(), headers=[["Content-Type", "text/plain"]])
ok("no content type at all", base, tok(), headers=[])
ok("UTF-8 byte order mark is ignored (RFC 8259 §8.1)", "\ufeff" + json.dumps(base), tok())
ok("Insights Hub TTM shape", {"access_token": J, "token_type": "Bearer", "expires_in": 1799, "scope": "mdsp:core:Admin3rdPartyTechUser",
                              "jti": "d9c0f0e2", "timestamp": str(TS)},
   tok(access_token=J, issued_at=TS, expires_at=TS + 1_799_000, scope=["mdsp:core:Admin3rdPartyTechUser"], extra_keys=["jti", "timestamp"]))

# --- malformed token responses ------------------------------------------------------------
def invalid(name, body, status=200):
    err(name, resp(status, body if isinstance(body, str) else json.dumps(body)), "invalid_token_response", "response", None)

invalid("empty access_token", dict(base, access_token=""))
invalid("numeric access_token", dict(base, access_token=12345))
invalid("missing access_token", {"token_type": "Bearer", "expires_in": 3600})
invalid("null access_token", dict(base, access_token=None))
invalid("access_token with a space", dict(base, access_token="abc def"))
invalid("access_token with CR LF (header injection)", dict(base, access_token="abc\r\nX-Evil: 1"))
invalid("missing token_type", {"access_token": AT, "expires_in": 3600})
invalid("empty token_type", dict(base, token_type=""))
invalid("token_type with a space", dict(base, token_type="Bearer x"))
invalid("numeric token_type", dict(base, token_type=1))
invalid("expires_in not a number", dict(base, expires_in="soon"))
invalid("expires_in 'NaN' string", dict(base, expires_in="NaN"))
invalid("expires_in as an object", dict(base, expires_in={"s": 1}))
invalid("refresh_token not a string", dict(base, refresh_token=123))
invalid("scope as a number", dict(base, scope=42))
invalid("scope array with a non-string", dict(base, scope=["a", 1]))
invalid("duplicate access_token member", '{"access_token":"a","access_token":"b","token_type":"Bearer"}')
invalid("error member that is not a string", dict(base, error=400))

# --- OAuth errors ---------------------------------------------------------------------------
err("error inside a 200", resp(200, json.dumps({"error": "invalid_grant", "error_description": "Code expired"})),
    "invalid_grant", "oauth", 200, description="Code expired")
CODES = [("invalid_request", 400), ("invalid_client", 401), ("invalid_grant", 400), ("unauthorized_client", 400),
         ("unsupported_grant_type", 400), ("invalid_scope", 400), ("access_denied", 403), ("server_error", 500),
         ("temporarily_unavailable", 503), ("slow_down", 400), ("authorization_pending", 400), ("expired_token", 400),
         ("invalid_token", 401), ("insufficient_scope", 403), ("unsupported_token_type", 400)]
for code, status in CODES:
    err(f"{code} without description", resp(status, json.dumps({"error": code})), code, "oauth", status, description=None)
    d = f"Human readable: {code.replace('_', ' ')}."
    err(f"{code} with description and uri", resp(status, json.dumps({"error": code, "error_description": d, "error_uri": "https://as.example.com/errors#" + code})),
        code, "oauth", status, description=d, uri="https://as.example.com/errors#" + code)
err("extension error code: stable code oauth_error", resp(400, json.dumps({"error": "consent_required"})), "oauth_error", "oauth", 400, error_value="consent_required")
err("description containing a token is masked", resp(400, json.dumps({"error": "invalid_grant", "error_description": f"Token {J} is expired"})),
    "invalid_grant", "oauth", 400, description="Token [masked] is expired")
err("401 invalid_client with WWW-Authenticate", resp(401, json.dumps({"error": "invalid_client"}),
    headers=JSON + [["WWW-Authenticate", 'Basic realm="as.example.com", charset="UTF-8"']]),
    "invalid_client", "oauth", 401, www_authenticate={"scheme": "Basic", "params": [["realm", "as.example.com"], ["charset", "UTF-8"]]})
err("401 with an empty body: error from the Bearer challenge (RFC 6750 §3)", resp(401, "", headers=[["WWW-Authenticate",
    'Bearer realm="api", error="invalid_token", error_description="The access token expired"']]),
    "invalid_token", "oauth", 401, description="The access token expired",
    www_authenticate={"scheme": "Bearer", "params": [["realm", "api"], ["error", "invalid_token"], ["error_description", "The access token expired"]]})
err("401 HTML body, challenge without error: unexpected response keeps the challenge", resp(401, "<html>Unauthorized</html>",
    headers=[["Content-Type", "text/html"], ["WWW-Authenticate", 'Basic realm="x"']]),
    "unexpected_response", "response", 401, reason="not_json", www_authenticate={"scheme": "Basic", "params": [["realm", "x"]]})
err("429 slow_down with Retry-After seconds", resp(429, json.dumps({"error": "slow_down"}), headers=JSON + [["Retry-After", "120"]]),
    "slow_down", "oauth", 429, retry_after={"delay_ms": 120_000, "not_before": SENT + 120_000})
DATE = formatdate((SENT + 90_000) / 1000, usegmt=True)
err("503 temporarily_unavailable with Retry-After HTTP date", resp(503, json.dumps({"error": "temporarily_unavailable"}),
    headers=JSON + [["Retry-After", DATE]]), "temporarily_unavailable", "oauth", 503,
    retry_after={"delay_ms": 90_000, "not_before": SENT + 90_000})
err("503 HTML with Retry-After date in the past: delay 0", resp(503, "<h1>Maintenance</h1>",
    headers=[["Content-Type", "text/html"], ["Retry-After", formatdate((SENT - 60_000) / 1000, usegmt=True)]]),
    "unexpected_response", "response", 503, reason="not_json", retry_after={"delay_ms": 0, "not_before": SENT})
err("429 text/plain with Retry-After seconds", resp(429, "Too Many Requests", headers=[["Content-Type", "text/plain"], ["retry-after", "7"]]),
    "unexpected_response", "response", 429, reason="not_json", retry_after={"delay_ms": 7000, "not_before": SENT + 7000},
    content_type="text/plain", excerpt="Too Many Requests")
err("unreadable Retry-After is ignored", resp(503, json.dumps({"error": "temporarily_unavailable"}), headers=JSON + [["Retry-After", "soon"]]),
    "temporarily_unavailable", "oauth", 503, retry_after=None)

# --- unexpected responses -------------------------------------------------------------------
HTML = "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n<body><h1>Internal Server Error</h1><p>session 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</p></body></html>"
err("HTML 500 error page", resp(500, HTML, headers=[["Content-Type", "text/html; charset=utf-8"]]), "unexpected_response", "response", 500,
    reason="not_json", content_type="text/html; charset=utf-8", excerpt_contains=["500 Internal Server Error"],
    excerpt_excludes=["9f86d081884c7d659a2feaa0c55ad015"])
err("HTML page in a 200", resp(200, HTML, headers=[["Content-Type", "text/html"]]), "unexpected_response", "response", 200, reason="not_json")
err("text/plain 502", resp(502, "Bad Gateway", headers=[["Content-Type", "text/plain"]]), "unexpected_response", "response", 502,
    reason="not_json", excerpt="Bad Gateway")
err("JSON array", resp(200, "[\"access_token\", \"x\"]"), "unexpected_response", "response", 200, reason="not_object")
err("JSON null", resp(200, "null"), "unexpected_response", "response", 200, reason="not_object")
err("JSON string", resp(200, "\"token\""), "unexpected_response", "response", 200, reason="not_object")
err("JSON number", resp(200, "42"), "unexpected_response", "response", 200, reason="not_object")
err("truncated JSON (cut inside the access token)", resp(200, '{"access_token":"2YotnFZFEjr1zCsi'), "unexpected_response", "response", 200,
    reason="truncated", excerpt_excludes=["2YotnFZFEjr1zCsi"])
err("truncated JSON (cut after a member)", resp(200, '{"access_token":"abc","token_type":"Bearer",'), "unexpected_response", "response", 200,
    reason="truncated", excerpt_excludes=['"abc"'])
err("JSON followed by garbage", resp(200, json.dumps(base) + " trailing"), "unexpected_response", "response", 200, reason="not_json")
err("invalid UTF-8", resp(200, "", body_base64=base64.b64encode(b'{"access_token":"\xff\xfe","token_type":"Bearer"}').decode()),
    "unexpected_response", "response", 200, reason="not_json")
err("body over 1 MiB (2 MB)", resp(200, '{"access_token":"', body_repeat={"unit": "A", "count": 2_000_000}, body_suffix='","token_type":"Bearer"}'),
    "unexpected_response", "response", 200, reason="too_large", excerpt_excludes=["AAAAAAAAAAAAAAAAAAAA"])
err("body exactly at the cap is read", resp(200, '{"a":"', body_repeat={"unit": "b", "count": 1024 - 8}, body_suffix='"}'),
    "invalid_token_response", "response", None, options={"max_body_bytes": 1024})
err("body one byte over the cap", resp(200, '{"a":"', body_repeat={"unit": "b", "count": 1024 - 7}, body_suffix='"}'),
    "unexpected_response", "response", 200, reason="too_large", options={"max_body_bytes": 1024})
err("empty body in a 200", resp(200, ""), "unexpected_response", "response", 200, reason="empty", excerpt="")
err("whitespace-only body", resp(200, " \r\n "), "unexpected_response", "response", 200, reason="empty")
err("204 No Content", resp(204, "", headers=[]), "unexpected_response", "response", 204, reason="empty")
err("404 JSON object without error", resp(404, json.dumps({"status": 404, "message": "Not Found"})), "unexpected_response", "response", 404, reason="status")
err("302 redirect", resp(302, "", headers=[["Location", "https://login.example.com/"]]), "unexpected_response", "response", 302, reason="empty")
err("400 with duplicate error members is not trusted", resp(400, '{"error":"invalid_grant","error":"invalid_client"}'),
    "unexpected_response", "response", 400, reason="status")
err("control characters never reach the excerpt", resp(500, "line1\r\nX-Injected: yes\u001b[31m", headers=[["Content-Type", "text/plain"]]),
    "unexpected_response", "response", 500, reason="not_json", excerpt_excludes=["\n", "\r", "\u001b"])
err("long text is cut to 120 characters", resp(500, "word " * 100, headers=[["Content-Type", "text/plain"]]),
    "unexpected_response", "response", 500, reason="not_json", excerpt_max_chars=120)

# --- revocation (RFC 7009 §2.2) --------------------------------------------------------------
cases.append({"name": "revocation 200 (body ignored)", "kind": "revocation", "sent_at": SENT, "response": resp(200, "<html>ok</html>"), "expected": {"ok": True}})
cases.append({"name": "revocation 200 empty body", "kind": "revocation", "sent_at": SENT, "response": resp(200, "", headers=[]), "expected": {"ok": True}})
err("revocation unsupported_token_type", resp(400, json.dumps({"error": "unsupported_token_type"})), "unsupported_token_type", "oauth", 400, kind="revocation")
err("revocation 503 with Retry-After", resp(503, "", headers=[["Retry-After", "30"]]), "unexpected_response", "response", 503, kind="revocation",
    reason="empty", retry_after={"delay_ms": 30_000, "not_before": SENT + 30_000})
err("revocation 401 invalid_client", resp(401, json.dumps({"error": "invalid_client"})), "invalid_client", "oauth", 401, kind="revocation")

doc = {
    "description": (
        "Token, error and revocation response vectors (RFC 6749 §5.1/§5.2, RFC 7009 §2.2, RFC 6750 §3, RFC 9110 §10.2.3/§11.6.1). "
        "Generated by an independent Python script, not by tokensmith; JWTs are base64url JSON with an arbitrary signature. "
        "All times are milliseconds since the Unix epoch. "
        "Each case: name; kind 'token' (parse_token_response(response, sent_at, options)) or 'revocation' "
        "(check_revocation_response(response, now = sent_at)); sent_at; options (optional; any of default_lifetime_secs=3600, "
        "max_lifetime_secs=31536000, max_body_bytes=1048576, missing keys take these defaults); response {status, headers: [[name, value], ..], "
        "body: string (UTF-8), optional body_base64 (raw bytes; replaces body), optional body_repeat {unit, count} and body_suffix: "
        "the body is body + unit*count + body_suffix}. "
        "expected is one of: {ok: true} (revocation accepted); {token: {access_token, token_type, issued_at, expires_at, "
        "expiry_source ('expires_in'|'jwt_exp'|'default_lifetime'), refresh_token (string|null), refresh_expiry ('unknown'|'never'|{at}), "
        "scope (null|[..]), id_token (string|null), extra_keys (sorted names of the members kept in extra)}}; "
        "{error: {code (stable error code), family ('oauth'|'response'|'input'), status (HTTP status or null when the error carries none), "
        "and optional checks: reason ('not_json'|'not_object'|'truncated'|'too_large'|'empty'|'status'), description (string|null, masked), "
        "uri, error_value (the OAuth error value as sent), retry_after (null or {delay_ms, not_before}), www_authenticate ({scheme, params}), "
        "content_type, excerpt (exact), excerpt_contains [..], excerpt_excludes [..], excerpt_max_chars}}. "
        "A key that is absent is not checked."
    ),
    "cases": cases,
}
json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
print()
