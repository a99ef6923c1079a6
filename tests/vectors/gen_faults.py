#!/usr/bin/env python3
"""Generates tests/vectors/faults.json: the fault matrix of issue 9 (docs/reliability.md), replayed
against the local dev server's fault injection (`POST /admin/faults`, docs/devserver.md) by
www/server/tests/fault_matrix.rs (core's TokenSource), tests/node/fault-matrix.test.mjs and
tests/python/test_fault_matrix.py.

Usage: python3 tests/vectors/gen_faults.py > tests/vectors/faults.json

Each `cases[]` entry is driven the same way in every runtime:

1. A fresh client: `client_credentials` for `demo-client` / `demo-secret` at `/oauth/token`,
   default lifetime `client.default_lifetime` s (so that a JWT `exp` and the default are told
   apart), request timeout `client.timeout_ms`.
2. `warm` (optional): one call before the fault whose answer is patched to live `expires_in`
   seconds; the client's clock is then `age_ms` later than just before that call (a clock the
   test moves, in every runtime), i.e. past the refresh point and before the end of the usable
   window, so the cached token is stale but still valid.
3. `faults`: planned on `/oauth/token` (`count` defaults to 1); `token_url` "refused" sends to a
   port where nothing listens.
4. `calls`: each call is made in order (after `sleep_ms`, if given) and must end as its
   `expect` says: `{"token": {...}}` or `{"error": {"family", "code", ...}}`. `same_as_warm`: the
   cached token is served. `expires_in`: seconds left right after the call, within
   `[min, max]`.
5. `requests`: how many requests reached `/oauth/token` after the warm-up (the server counts).

Cases without `faults`/`calls` (`"scenario": true`) need code of their own in each runtime; their
`expect` is the documented result the replays assert.
"""
import base64
import json
from urllib.parse import quote_plus


def form_basic(client_id, secret):
    """RFC 6749 §2.3.1: id and secret each application/x-www-form-urlencoded (Appendix B), then
    RFC 7617 Basic."""
    pair = f"{quote_plus(client_id, safe='*')}:{quote_plus(secret, safe='*')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()

WEIRD_ID, WEIRD_SECRET = "weird:id+%x é", "p@ss:w+rd %2F/é€"

# Outcomes, as core's Error::family() / Error::code() and the bindings' classes.
def err(family, code, **more):
    e = {"family": family, "code": code}
    e.update(more)
    return {"error": e}

def token(**more):
    return {"token": more}

HTML = "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Upstream error</h1></body></html>"
cases = []

def case(id, matrix, title, faults=(), calls=None, requests=None, warm=None, **more):
    c = {"id": id, "matrix": matrix, "title": title}
    if warm is not None:
        c["warm"] = warm
    c["faults"] = [dict({"count": 1}, **f) for f in faults]
    c["calls"] = calls or []
    if requests is not None:
        c["requests"] = requests
    c.update(more)
    cases.append(c)

def respond(status, body, content_type="application/json", **more):
    f = {"kind": "respond", "status": status, "body": body, "content_type": content_type}
    f.update(more)
    return f

def patch(count=1, **members):
    return {"kind": "patch", "set": members, "count": count}

# A token whose refresh point has passed but which is still usable: 6 s lifetime, refresh point
# at 75 % ± 5 % (4.2–4.8 s), usable until lifetime − skew (10 % = 0.6 s) = 5.4 s; 5.1 s, counted
# from just before the warm-up call was made, is in between for every jitter draw
# (docs/caching.md), with 0.3 s to spare on either side for a slow answer.
WARM = {"expires_in": 6, "age_ms": 5100}

# --- 1. 5xx with HTML bodies --------------------------------------------------------------------
# Transient (docs/caching.md "Failures"): retried in flight, 3 attempts per flight.
for status in (500, 502, 503):
    case(f"m1-{status}-html-cold", 1, f"{status} with an HTML body, no cached token: 3 attempts, then a typed error",
         faults=[respond(status, HTML, "text/html; charset=utf-8", count=3)],
         calls=[err("response", "unexpected_response", status=status, reason="not_json")], requests=3)
case("m1-502-html-then-ok", 1, "one 502 HTML page, then the real answer: retried in the same flight",
     faults=[{"kind": "html"}], calls=[token(token_type="Bearer")], requests=2)
for status in (500, 503):
    case(f"m1-{status}-html-warm", 1, f"{status} HTML while refreshing a still-valid token: the cached token is served",
         warm=WARM, faults=[respond(status, HTML, "text/html", count=3)],
         calls=[token(same_as_warm=True), token(same_as_warm=True)], requests=1)

# --- 2. Retry-After --------------------------------------------------------------------------------
case("m2-429-seconds-short", 2, "429 Retry-After: 1 (seconds): the retry waits at least 1 s, then succeeds",
     faults=[{"kind": "rate_limited", "retry_after_secs": 1}], calls=[token(min_elapsed_ms=950)], requests=2)
case("m2-503-date-short", 2, "503 Retry-After as an HTTP-date 3 s ahead: the retry waits until then",
     faults=[{"kind": "rate_limited", "status": 503, "http_date": True, "retry_after_secs": 3}],
     # The date has whole seconds, so it lies 2–3 s ahead when it is read.
     calls=[token(min_elapsed_ms=1950)], requests=2)
for status, http_date in ((429, False), (503, True)):
    form = "an HTTP-date" if http_date else "seconds"
    case(f"m2-{status}-{'date' if http_date else 'seconds'}-long", 2,
         f"{status} Retry-After 30 s as {form}: longer than the flight budget, the call fails and no request is sent before it",
         faults=[{"kind": "rate_limited", "status": status, "http_date": http_date, "retry_after_secs": 30}],
         calls=[err("response", "unexpected_response", status=status, retry_after_min=28, retry_after_max=30),
                err("response", "unexpected_response", status=status, retry_after_min=27, retry_after_max=30)],
         requests=1)

# --- 3. Transport failures -------------------------------------------------------------------------
case("m3-refused", 3, "connection refused: typed transport error (3 attempts in the flight)",
     token_url="refused", calls=[err("transport", "transport_connect")])
case("m3-reset-mid-body", 3, "connection reset after half the body: typed transport error, retried",
     faults=[{"kind": "reset_mid_body", "count": 3}], calls=[err("transport", "transport_reset")], requests=3)
case("m3-hang", 3, "a server that never answers: transport_timeout within the timeouts, then the key is free again",
     faults=[{"kind": "hang", "count": 3}],
     # 3 attempts × 1 s timeout + retry delays (≤ 0.25 + 0.5 s): well under 10 s.
     calls=[err("transport", "transport_timeout", max_elapsed_ms=8000),
            # After the between-flights backoff (1 s, jittered to 0.5–1 s) the next call fetches.
            dict(token(), sleep_ms=1100)],
     requests=4)

# --- 4. Unusable bodies ------------------------------------------------------------------------
case("m4-truncated", 4, "truncated JSON", faults=[{"kind": "truncated"}],
     calls=[err("response", "unexpected_response", reason="truncated")], requests=1)
case("m4-json-array", 4, "a JSON array", faults=[respond(200, '[{"access_token":"abc","token_type":"Bearer"}]')],
     calls=[err("response", "unexpected_response", reason="not_object")], requests=1)
case("m4-json-null", 4, "JSON null", faults=[respond(200, "null")],
     calls=[err("response", "unexpected_response", reason="not_object")], requests=1)
case("m4-2mb-body", 4, "a 2 MB body (cap 1 MiB)", faults=[{"kind": "oversized", "bytes": 2 * 1024 * 1024}],
     calls=[err("response", "unexpected_response", reason="too_large")], requests=1)
case("m4-form-encoded", 4, "wrong content type: a form-encoded token answer (application/x-www-form-urlencoded)",
     faults=[respond(200, "access_token=abcdef&token_type=bearer&expires_in=3600", "application/x-www-form-urlencoded")],
     calls=[err("response", "unexpected_response", reason="not_json")], requests=1)
case("m4-html-200", 4, "wrong content type: a 200 HTML page (a captive portal or login page)",
     faults=[respond(200, HTML, "text/html")],
     calls=[err("response", "unexpected_response", reason="not_json")], requests=1)
case("m4-json-as-text-plain", 4,
     "a valid JSON token labelled text/plain: accepted (the body decides; documented choice)",
     faults=[respond(200, '{"access_token":"plain-labelled-token","token_type":"Bearer","expires_in":3600}', "text/plain")],
     calls=[token(access_token="plain-labelled-token", expires_in={"min": 3590, "max": 3600})], requests=1)

# --- 5. access_token / token_type -------------------------------------------------------------
for id, title, members in (
    ("m5-access-token-missing", "access_token missing", {"access_token": None}),
    ("m5-access-token-empty", "access_token empty", {"access_token": ""}),
    ("m5-access-token-numeric", "access_token numeric", {"access_token": 12345}),
    ("m5-token-type-missing", "token_type missing", {"token_type": None}),
    ("m5-token-type-not-a-token", "token_type not an HTTP token ('Bear er')", {"token_type": "Bear er"}),
):
    case(id, 5, title, faults=[patch(**members)], calls=[err("response", "invalid_token_response")], requests=1)
for unknown in ("MAC", "DPoP"):
    case(f"m5-token-type-{unknown.lower()}", 5,
         f"token_type {unknown!r}: not understood, so not used (RFC 6749 §7.1; the client has no DPoP proofs)",
         faults=[patch(token_type=unknown)], calls=[err("response", "invalid_token_response")], requests=1)
case("m5-token-type-lowercase", 5, "token_type 'bearer' is normalised to 'Bearer' (RFC 6749 §5.1: case-insensitive)",
     faults=[patch(token_type="bearer")], calls=[token(token_type="Bearer")], requests=1)

# --- 6. expires_in -----------------------------------------------------------------------------
for id, value, lo, hi in (("m6-expires-in-string", "3600", 3590, 3600),
                          ("m6-expires-in-fraction", 3600.5, 3590, 3600.5)):
    case(id, 6, f"expires_in {json.dumps(value)}: {hi} s", faults=[patch(expires_in=value)],
         calls=[token(expires_in={"min": lo, "max": hi}, expiry_source="expires_in"), token(cached=True)], requests=1)
for id, value in (("m6-expires-in-zero", 0), ("m6-expires-in-negative", -5)):
    case(id, 6, f"expires_in {value}: returned once to its caller, never cached; the next call fetches again (no loop)",
         faults=[patch(expires_in=value, count=2)],
         calls=[token(expires_in={"min": -1, "max": 0}), token(expires_in={"min": -1, "max": 0}),
                token(expires_in={"min": 3590, "max": 3600})],
         requests=3)
case("m6-expires-in-1e300", 6, "expires_in 1e300: clamped to 365 days (never 'never expires')",
     faults=[patch(expires_in=1e300)],
     calls=[token(expires_in={"min": 365 * 86400 - 10, "max": 365 * 86400}), token(cached=True)], requests=1)
case("m6-expires-in-missing-jwt", 6, "expires_in missing, JWT access token: its exp claim (the server's 3600 s)",
     faults=[patch(expires_in=None)],
     calls=[token(expires_in={"min": 3590, "max": 3600}, expiry_source="jwt_exp")], requests=1)
case("m6-expires-in-missing-opaque", 6,
     "expires_in missing, opaque access token: the client's default lifetime (600 s here; 3600 s by default)",
     faults=[patch(expires_in=None, access_token="opaque-access-token-0123456789")],
     calls=[token(expires_in={"min": 590, "max": 600}, expiry_source="default_lifetime")], requests=1)

# --- 7. 200 with error ---------------------------------------------------------------------------
case("m7-200-with-error", 7, "a 200 whose body is an OAuth error", faults=[respond(200, '{"error":"invalid_scope","error_description":"scope not allowed"}')],
     calls=[err("oauth", "invalid_scope", status=200, error="invalid_scope", description="scope not allowed")], requests=1)
case("m7-200-with-token-and-error", 7, "a 200 with an access_token and an error member: the error wins",
     faults=[patch(error="invalid_request")], calls=[err("oauth", "invalid_request", status=200)], requests=1)

# --- 8. RFC 6749 §5.2 error codes ----------------------------------------------------------------
PY_CLASS = {"invalid_request": "InvalidRequest", "invalid_client": "InvalidClient", "invalid_grant": "InvalidGrant",
            "unauthorized_client": "UnauthorizedClient", "unsupported_grant_type": "UnsupportedGrantType",
            "invalid_scope": "InvalidScope"}
for code, py in PY_CLASS.items():
    status = 401 if code == "invalid_client" else 400
    for described in (True, False):
        body = {"error": code}
        if described:
            body["error_description"] = f"injected {code}"
        calls = [err("oauth", code, status=status, error=code, description=body.get("error_description"),
                     python_class=py)]
        if code == "invalid_client":
            # Negatively cached (2 s first): the second call is answered without a request.
            calls.append(err("oauth", code, status=status, python_class=py))
        case(f"m8-{code}-{'described' if described else 'bare'}", 8,
             f"{code} {'with' if described else 'without'} error_description: not retried",
             faults=[respond(status, json.dumps(body))],
             calls=calls, requests=1)
case("m8-unknown-extension-code", 8, "an extension error code: OAuthError with code oauth_error, error kept",
     faults=[respond(400, '{"error":"consent_required"}')],
     calls=[err("oauth", "oauth_error", status=400, error="consent_required", python_class="OAuthError")], requests=1)
case("m8-temporarily-unavailable", 8, "temporarily_unavailable (§4.1.2.1) with 503: transient, 3 attempts",
     faults=[respond(503, '{"error":"temporarily_unavailable"}', count=3)],
     calls=[err("oauth", "temporarily_unavailable", status=503, python_class="TemporarilyUnavailable")], requests=3)

# --- 9–16: scenarios with code of their own per runtime ------------------------------------------
def scenario(id, matrix, title, expect, runtimes):
    cases.append({"id": id, "matrix": matrix, "title": title, "scenario": True, "expect": expect, "runtimes": runtimes})

scenario("m9-refresh-rotation", 9, "refresh with rotation: the new refresh token is kept and used next time",
         {"requests": ["password", "refresh_token", "refresh_token"], "errors": 0}, ["rust", "node", "python"])
scenario("m9-refresh-omitted", 9, "refresh answer without refresh_token: the old one is kept (RFC 6749 §6)",
         {"second_refresh_sends": "the first refresh token"}, ["rust", "node", "python"])
scenario("m9-refresh-invalid-grant", 9, "refresh rejected with invalid_grant: one fallback to the primary grant in the same flight, no loop",
         {"requests": ["refresh_token", "password"], "token": True}, ["rust", "node", "python"])
scenario("m9-concurrent-refresh", 9, "16 concurrent callers on one rotating refresh token (expired access token; Python also with forced refreshes): exactly one refresh request, one token for all",
         {"refresh_requests": 1, "all_get_a_token": True}, ["rust", "node", "python"])
scenario("m10-server-restart", 10, "server restart (new key, refresh tokens forgotten): refresh fails with invalid_grant, falls back to the password grant once; the new token verifies against the new JWKS",
         {"requests_after_restart": 2, "token_verifies_with_new_jwks": True}, ["rust", "node", "python"])
scenario("m11-clock-forward", 11, "client clock jumps forward past expiry: one new fetch, never an expired token",
         {"requests": 1}, ["rust", "node", "python"])
scenario("m11-clock-backward", 11, "client clock jumps back a day after the token expired: the expired token is not served; one fetch",
         {"requests": 1, "served_expired": False}, ["rust", "node", "python"])
scenario("m12-credentials-special-chars", 12, "client id and secret with ':', '+', '%', spaces, non-ASCII and an empty secret: RFC 6749 §2.3.1 bytes",
         {"credentials": [{"client_id": WEIRD_ID, "client_secret": WEIRD_SECRET,
                           "authorization": form_basic(WEIRD_ID, WEIRD_SECRET), "server_accepts": True},
                          {"client_id": "empty-secret-client", "client_secret": "",
                           "authorization": form_basic("empty-secret-client", "")}]},
         ["rust", "node", "python"])
scenario("m13-redirect-other-origin", 13, "307 from the token endpoint to another origin: not followed, the other origin receives nothing, typed transport_redirect",
         {"error": {"family": "transport", "code": "transport_redirect"}, "other_origin_requests": 0}, ["rust", "node", "python"])
scenario("m14-cache-file", 14, "cache import of corrupted, truncated and newer-version data: typed error, in-memory cache intact; a world-readable file is refused (Python save/load)",
         {"corrupted": "cache_corrupt", "truncated": "cache_corrupt", "newer_version": "cache_version_unsupported",
          "world_readable": "refused", "cache_intact": True}, ["rust", "node", "python"])
scenario("m15-jwks-unknown-kid", 15, "JWKS rotated on the server (restart): a token with an unknown kid triggers at most one refetch per rate-limit interval (core JwksRefresh; npm RemoteJwks, Python JwksClient)",
         {"refetches_per_interval": 1, "new_kid_verifies": True}, ["rust", "node", "python"])
scenario("m16-pat", 16, "PAT malformed shapes (tests/vectors/pat.json), revoked, expired, owner deactivated: 401 invalid_token each",
         {"status": 401, "www_authenticate_error": "invalid_token"}, ["rust"])

out = {
    "description": "Fault matrix of issue 9 against the dev server's fault injection; see the generator's docstring for how a case is driven and docs/reliability.md for the results.",
    "generator": "tests/vectors/gen_faults.py",
    "client": {"path": "/oauth/token", "client_id": "demo-client", "client_secret": "demo-secret",
               "default_lifetime": 600, "timeout_ms": 1000},
    "cases": cases,
}
print(json.dumps(out, indent=1, ensure_ascii=False))
