#!/usr/bin/env python3
"""Generates tests/vectors/requests.json independently of the Rust code (Python stdlib only).

Usage: python3 tests/vectors/gen_requests.py > tests/vectors/requests.json
"""
import base64, hashlib, json, sys

def enc(s):  # WHATWG application/x-www-form-urlencoded serializer for one component
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "*-._"):
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append("%%%02X" % b)
    return "".join(out)

def form(pairs):
    return "&".join(enc(k) + "=" + enc(v) for k, v in pairs)

def basic(user_pass):
    return "Basic " + base64.b64encode(user_pass.encode("utf-8")).decode()

CT = ["Content-Type", "application/x-www-form-urlencoded"]
AC = ["Accept", "application/json"]

def build(endpoint, params):
    """Expected request per the documented rules (endpoint.rs module docs)."""
    auth, cid, sec = endpoint["auth"], endpoint["client_id"], endpoint["client_secret"]
    headers = [CT, AC]
    params = list(params)
    if auth == "client_secret_basic":
        headers.append(["Authorization", basic(enc(cid) + ":" + enc(sec))])
    elif auth == "client_secret_basic_raw":
        headers.append(["Authorization", basic(cid + ":" + sec)])
    elif auth == "x_space_auth_key":
        headers.append(["X-SPACE-AUTH-KEY", basic(cid + ":" + sec)])
    elif auth == "client_secret_post":
        params += [("client_id", cid), ("client_secret", sec)]
    elif auth == "none":
        params += [("client_id", cid)]
    return {"method": "POST", "url": endpoint["url"], "headers": headers, "body": form(params)}

def ep(auth, cid="s6BhdRkqt3", sec="7Fjfp0ZBr1KtDRbnfVdmIw", url="https://as.example.com/token"):
    return {"url": url, "client_id": cid, "client_secret": sec, "auth": auth}

def cc(scope=(), audience=None, resource=None):
    return {"type": "client_credentials", "scope": list(scope), "audience": audience, "resource": resource}

def cc_params(g):
    p = [("grant_type", "client_credentials")]
    if g["scope"]: p.append(("scope", " ".join(g["scope"])))
    if g["audience"] is not None: p.append(("audience", g["audience"]))
    if g["resource"] is not None: p.append(("resource", g["resource"]))
    return p

cases = []
def token_case(name, endpoint, grant, params=None, error=None):
    c = {"name": name, "endpoint": endpoint, "request": {"kind": "token", "grant": grant}}
    if error: c["error"] = error
    else: c["expected"] = build(endpoint, params)
    cases.append(c)

def revoke_case(name, endpoint, url, token, hint, error=None):
    c = {"name": name, "endpoint": endpoint,
         "request": {"kind": "revocation", "url": url, "token": token, "hint": hint}}
    if error: c["error"] = error
    else:
        p = [("token", token)] + ([("token_type_hint", hint)] if hint else [])
        c["expected"] = build(dict(endpoint, url=url), p)
    cases.append(c)

GOLDEN = dict(cid="my:client", sec="p@ss w+rd%/é")
g = cc(["read", "write:all"], audience="https://api.example.com", resource="https://rs.example.com/")
for auth in ["client_secret_basic", "client_secret_basic_raw", "client_secret_post", "none", "x_space_auth_key"]:
    token_case(f"client_credentials with scope, audience, resource; {auth}", ep(auth), g, cc_params(g))
token_case("golden RFC 6749 §2.3.1 credentials, client_secret_basic", ep("client_secret_basic", **GOLDEN), cc(), cc_params(cc()))
token_case("golden credentials, client_secret_post (form-encoded in the body)", ep("client_secret_post", **GOLDEN), cc(), cc_params(cc()))
token_case("golden credentials, public client (none) sends only client_id", ep("none", **GOLDEN), cc(), cc_params(cc()))
token_case("raw Basic refuses a client id containing ':'", ep("client_secret_basic_raw", **GOLDEN), cc(), error="colon_in_client_id")
token_case("X-SPACE-AUTH-KEY refuses a client id containing ':'", ep("x_space_auth_key", **GOLDEN), cc(), error="colon_in_client_id")
token_case("raw Basic allows ':' in the secret", ep("client_secret_basic_raw", cid="app", sec="a:b:c"), cc(), cc_params(cc()))
token_case("Insights Hub technical token: X-SPACE-AUTH-KEY, client_credentials",
           ep("x_space_auth_key", cid="tenant-app-v1.0.0", sec="s3cr3t", url="https://gateway.eu1.mindsphere.io/api/technicaltokenmanager/v3/oauth/token"),
           cc(), cc_params(cc()))
token_case("public client configured with a secret never sends it", ep("none", sec="ignored"), cc(["a"]), cc_params(cc(["a"])))
token_case("missing secret for client_secret_basic", ep("client_secret_basic", sec=None), cc(), error="missing_client_secret")
token_case("missing secret for client_secret_post", ep("client_secret_post", sec=None), cc(), error="missing_client_secret")
token_case("public client needs no secret", ep("none", sec=None), cc(), cc_params(cc()))
token_case("empty client id", ep("client_secret_basic", cid=""), cc(), error="invalid_input")

pw = {"type": "password", "username": "jöhn.doe@example.com", "password": "A3ddj3w&=+ %", "scope": ["openid", "profile"]}
pw_params = [("grant_type", "password"), ("username", pw["username"]), ("password", pw["password"]), ("scope", "openid profile")]
for auth in ["client_secret_basic", "client_secret_post", "none"]:
    token_case(f"password grant with UTF-8 username and reserved characters; {auth}", ep(auth), pw, pw_params)
pw2 = dict(pw, scope=[])
token_case("password grant without scope", ep("client_secret_basic"), pw2, pw_params[:3])

rt = {"type": "refresh_token", "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA", "scope": []}
token_case("refresh_token grant (RFC 6749 §6)", ep("client_secret_basic"), rt, [("grant_type", "refresh_token"), ("refresh_token", rt["refresh_token"])])
rt2 = dict(rt, scope=["read"])
token_case("refresh_token grant narrowing scope", ep("client_secret_post"), rt2, [("grant_type", "refresh_token"), ("refresh_token", rt["refresh_token"]), ("scope", "read")])
token_case("refresh_token grant, public client", ep("none"), rt, [("grant_type", "refresh_token"), ("refresh_token", rt["refresh_token"])])
token_case("empty refresh token is refused", ep("client_secret_basic"), dict(rt, refresh_token=""), error="invalid_input")

verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
ac = {"type": "authorization_code", "code": "SplxlOBeZQQYbYS6WxSbIA", "redirect_uri": "https://client.example.com/cb?x=1", "code_verifier": verifier}
ac_params = [("grant_type", "authorization_code"), ("code", ac["code"]), ("redirect_uri", ac["redirect_uri"]), ("code_verifier", verifier)]
token_case("authorization_code with PKCE verifier (RFC 7636 §4.5), public client", ep("none"), ac, ac_params)
token_case("authorization_code with PKCE verifier, client_secret_basic", ep("client_secret_basic"), ac, ac_params)
ac2 = dict(ac, code_verifier=None, redirect_uri="")
token_case("authorization_code without verifier and without redirect_uri", ep("client_secret_post"), ac2, ac_params[:2])
token_case("empty authorization code is refused", ep("none"), dict(ac, code=""), error="invalid_input")

te = {"type": "extension", "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
      "params": [["subject_token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0."], ["subject_token_type", "urn:ietf:params:oauth:token-type:jwt"],
                 ["requested_token_type", "urn:ietf:params:oauth:token-type:access_token"], ["audience", "backend"]]}
token_case("extension grant: RFC 8693 token exchange", ep("client_secret_basic"), te, [("grant_type", te["grant_type"])] + [tuple(p) for p in te["params"]])
jb = {"type": "extension", "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "params": [["assertion", "a.b.c"], ["scope", "x y"]]}
token_case("extension grant: RFC 7523 JWT bearer, x_space_auth_key", ep("x_space_auth_key"), jb, [("grant_type", jb["grant_type"]), ("assertion", "a.b.c"), ("scope", "x y")])
token_case("extension grant with an empty grant_type is refused", ep("none"), {"type": "extension", "grant_type": "", "params": []}, error="invalid_input")
token_case("extension grant may not set client_secret", ep("none"), {"type": "extension", "grant_type": "urn:x", "params": [["client_secret", "x"]]}, error="invalid_input")
token_case("extension grant may not set grant_type", ep("none"), {"type": "extension", "grant_type": "urn:x", "params": [["grant_type", "password"]]}, error="invalid_input")

token_case("scope with a space inside one scope-token is refused (RFC 6749 §3.3)", ep("none"), cc(["a b"]), error="invalid_input")
token_case("scope with a double quote is refused (RFC 6749 §3.3)", ep("none"), cc(['a"b']), error="invalid_input")
token_case("empty scope-token is refused", ep("none"), cc([""]), error="invalid_input")
token_case("endpoint URL with a fragment is refused (RFC 6749 §3.2)", ep("none", url="https://as.example.com/token#x"), cc(), error="invalid_input")
token_case("endpoint URL that is not http(s) is refused", ep("none", url="ftp://as.example.com/token"), cc(), error="invalid_input")
token_case("http URL with port and query is allowed (development servers)", ep("client_secret_basic", url="http://localhost:8080/realms/dev/token?x=1"), cc(), cc_params(cc()))

R = "https://as.example.com/revoke"
revoke_case("revocation of a refresh token with hint (RFC 7009 §2.1)", ep("client_secret_basic"), R, "45ghiukldjahdnhzdauz", "refresh_token")
revoke_case("revocation of an access token with hint, client_secret_post", ep("client_secret_post"), R, "2YotnFZFEjr1zCsicMWpAA", "access_token")
revoke_case("revocation without hint, public client", ep("none"), R, "tok en+/=", None)
revoke_case("revocation with X-SPACE-AUTH-KEY", ep("x_space_auth_key"), R, "abc", None)
revoke_case("revocation of an empty token is refused", ep("client_secret_basic"), R, "", None, error="invalid_input")
revoke_case("revocation URL with a fragment is refused", ep("client_secret_basic"), R + "#f", "abc", None, error="invalid_input")
revoke_case("revocation needs the client secret too", ep("client_secret_basic", sec=None), R, "abc", None, error="missing_client_secret")

pkce = [{"name": "RFC 7636 Appendix B", "verifier": verifier,
         "challenge": base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")}]
for v in ["~" * 43, "a" * 128, "0123456789-._~abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"]:
    pkce.append({"name": f"{len(v)}-character verifier", "verifier": v,
                 "challenge": base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).decode().rstrip("=")})
for v, why in [("a" * 42, "too short"), ("a" * 129, "too long"), ("a" * 42 + "+", "'+' is not unreserved"), ("a" * 42 + "é", "non-ASCII")]:
    pkce.append({"name": f"refused: {why}", "verifier": v, "error": "invalid_input"})

doc = {
    "description": (
        "Request-building vectors (RFC 6749 §2.3.1, §3.2, §3.3, §4.1.3, §4.3.2, §4.4.2, §4.5, §6; RFC 7009 §2.1; RFC 7636; "
        "RFC 8693). Generated by an independent Python script, not by tokensmith. "
        "cases[]: name; endpoint {url, client_id, client_secret (string or null), auth (client_secret_basic | "
        "client_secret_basic_raw | client_secret_post | none | x_space_auth_key)}; request is either "
        "{kind: 'token', grant} or {kind: 'revocation', url, token, hint (null | 'access_token' | 'refresh_token')}. "
        "grant is {type: 'client_credentials', scope: [..], audience: string|null, resource: string|null} | "
        "{type: 'password', username, password, scope: [..]} | {type: 'refresh_token', refresh_token, scope: [..]} | "
        "{type: 'authorization_code', code, redirect_uri ('' = omitted), code_verifier: string|null} | "
        "{type: 'extension', grant_type, params: [[name, value], ..]}. "
        "Then either expected {method, url, headers: [[name, value], ..] exact and in order, body: exact "
        "application/x-www-form-urlencoded string} or error: the stable error code. "
        "pkce[]: {name, verifier, challenge (S256)} or {name, verifier, error}."
    ),
    "cases": cases,
    "pkce": pkce,
}
json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
print()
