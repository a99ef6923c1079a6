"""An authorization server we did not write, on 127.0.0.1: authlib's generic
``AuthorizationServer`` with its ``ClientCredentialsGrant``, served by the standard library's
WSGI server in a thread.

Only the framework glue is ours (turning a WSGI environ into authlib's ``OAuth2Request`` and
its answer back into a WSGI response, a client model, a token store); client authentication
(RFC 6749 §2.3.1: ``client_secret_basic`` and ``client_secret_post``), grant validation and the
token response (RFC 6749 §4.4, §5.1, §5.2) are authlib's own code.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from authlib.oauth2.rfc6749 import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
    AuthorizationServer,
    ClientMixin,
    OAuth2Payload,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.grants import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
    ClientCredentialsGrant,
)
from authlib.oauth2.rfc6750 import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
    BearerTokenGenerator,
)

#: RFC 6749 §2.3.1 client authentication methods the grant accepts (authlib's default is
#: ``client_secret_basic`` only).
AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

#: Token lifetime in seconds (RFC 6749 §5.1 ``expires_in``): long, the tests look at caching.
LIFETIME_SECONDS = 3600


class _Client(ClientMixin):  # type: ignore[misc]
    """A confidential client registered with one secret."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret

    def get_client_id(self) -> str:
        return self.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in AUTH_METHODS

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"

    def get_allowed_scope(self, scope: str | None) -> str:
        return scope or ""


class _Grant(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, form: list[tuple[str, str]]) -> None:
        self._data = dict(form)
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for name, value in form:
            self._datalist[name].append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(self, uri: str, headers: dict[str, str], form: list[tuple[str, str]]) -> None:
        super().__init__("POST", uri, headers=headers)
        self.payload = _Payload(form)
        self._form = dict(form)

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return {}


class _Server(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, clients: dict[str, _Client], issued: list[dict[str, Any]]) -> None:
        super().__init__()
        self._clients = clients
        self._issued = issued

    def query_client(self, client_id: str) -> _Client | None:
        return self._clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        self._issued.append(token)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def create_oauth2_request(self, request: _Request) -> _Request:
        return request

    def handle_response(
        self, status: int, body: Any, headers: Iterable[tuple[str, str]]
    ) -> tuple[int, bytes, list[tuple[str, str]]]:
        data = json.dumps(body).encode() if isinstance(body, dict) else str(body or "").encode()
        return status, data, list(headers)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class AuthlibServer:
    """authlib's token endpoint for one client, at ``self.url``; ``self.requests`` holds each
    request's headers and form, ``self.issued`` each token authlib issued."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        self.issued: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        serial = itertools.count(1)
        self._server = _Server({client_id: _Client(client_id, client_secret)}, self.issued)
        self._server.register_grant(_Grant)
        self._server.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda **_: (
                    f"authlib-{next(serial)}-" + secrets.token_urlsafe(24)
                ),
                expires_generator=LIFETIME_SECONDS,
            ),
        )
        self._httpd = make_server(
            "127.0.0.1",
            0,
            self._app,
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{port}/token"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode("utf-8")
        form = urllib.parse.parse_qsl(body, keep_blank_values=True)
        # WSGI (PEP 3333) names request headers HTTP_<NAME>; authlib reads "Authorization".
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        headers["Content-Type"] = environ.get("CONTENT_TYPE", "")
        with self._lock:
            self.requests.append({"headers": headers, "form": dict(form)})
        request = _Request(self.url, headers, form)
        status, data, answer_headers = self._server.create_token_response(request)
        reason = "OK" if status == 200 else "Error"
        names = {name.lower() for name, _ in answer_headers}
        if "content-type" not in names:
            answer_headers.append(("Content-Type", "application/json"))
        start_response(f"{status} {reason}", answer_headers)
        return [data]
