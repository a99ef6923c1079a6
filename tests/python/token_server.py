"""A small OAuth 2 token endpoint on 127.0.0.1 for the client tests (standard library only).

It checks client authentication (HTTP Basic with the RFC 6749 §2.3.1 encoding, or
client_secret_post), serves client_credentials, password and refresh_token grants, counts
requests, and can be told to fail the next requests with a given status.
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class TokenServer:
    def __init__(self, client_id: str, client_secret: str, users: dict[str, str] | None = None):
        self.client_id = client_id
        self.client_secret = client_secret
        self.users = users or {}
        self.lifetime = 3600
        #: Seconds each token request takes (lets concurrent callers pile up).
        self.delay = 0.0
        #: Statuses (with optional headers) to answer the next token requests with.
        self.failures: list[tuple[int, dict[str, str]]] = []
        self.requests: list[dict[str, Any]] = []
        self.refresh_tokens: dict[str, str] = {}
        #: Access tokens the resource endpoint (GET /resource) accepts.
        self.valid_access: set[str] = set()
        #: Resource requests seen (GET /resource).
        self.resource_hits = 0
        self._serial = itertools.count(1)
        self._lock = threading.Lock()
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}/token"
        self.revoke_url = f"http://127.0.0.1:{server.server_address[1]}/revoke"
        self.resource_url = f"http://127.0.0.1:{server.server_address[1]}/resource"
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def count(self) -> int:
        with self._lock:
            return len([r for r in self.requests if r["path"] == "/token"])

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def new_token(self) -> str:
        token = f"at-{next(self._serial)}-{secrets.token_urlsafe(24)}"
        with self._lock:
            self.valid_access.add(token)
        return token

    def invalidate_access_tokens(self) -> None:
        """The resource endpoint refuses every token issued so far (RFC 6750 §3.1)."""
        with self._lock:
            self.valid_access.clear()

    def resource(self, authorization: str) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.resource_hits += 1
            ok = authorization.startswith("Bearer ") and authorization[7:] in self.valid_access
        if ok:
            return 200, {}, b'{"ok":true}'
        challenge = 'Bearer realm="r", error="invalid_token"'
        return 401, {"WWW-Authenticate": challenge}, b'{"error":"invalid_token"}'

    def _authenticated(self, headers: Any, form: dict[str, str]) -> bool:
        auth = headers.get("Authorization")
        if auth and auth.startswith("Basic "):
            raw = base64.b64decode(auth[6:]).decode()
            cid, _, secret = raw.partition(":")
            cid, secret = urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(secret)
        else:
            cid, secret = form.get("client_id", ""), form.get("client_secret", "")
        return cid == self.client_id and secrets.compare_digest(
            secret.encode(), self.client_secret.encode()
        )

    def answer(self, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, str], bytes]:
        form = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        with self._lock:
            self.requests.append({"path": path, "headers": dict(headers), "form": form})
            failure = self.failures.pop(0) if path == "/token" and self.failures else None
        if self.delay:
            time.sleep(self.delay)
        if failure is not None:
            status, extra = failure
            return status, extra, json.dumps({"error": "server_error"}).encode()
        if not self._authenticated(headers, form):
            return 401, {"WWW-Authenticate": 'Basic realm="t"'}, b'{"error":"invalid_client"}'
        if path == "/revoke":
            return 200, {}, b""
        grant = form.get("grant_type")
        refresh: str | None = None
        if grant == "password":
            if self.users.get(form.get("username", "")) != form.get("password"):
                return 400, {}, b'{"error":"invalid_grant"}'
            refresh = "rt-" + secrets.token_urlsafe(24)
        elif grant == "refresh_token":
            with self._lock:
                user = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
            if user is None:
                return 400, {}, b'{"error":"invalid_grant"}'
            refresh = "rt-" + secrets.token_urlsafe(24)
        elif grant != "client_credentials":
            return 400, {}, b'{"error":"unsupported_grant_type"}'
        doc: dict[str, Any] = {
            "access_token": self.new_token(),
            "token_type": "Bearer",
            "expires_in": self.lifetime,
        }
        if "scope" in form:
            doc["scope"] = form["scope"]
        if refresh is not None:
            with self._lock:
                self.refresh_tokens[refresh] = form.get("username", "user")
            doc["refresh_token"] = refresh
        return 200, {}, json.dumps(doc).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._send(*server.resource(self.headers.get("Authorization", "")))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                self._send(*server.answer(self.path, self.headers, body))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
