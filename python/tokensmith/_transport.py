"""HTTP transports for :class:`tokensmith.TokenClient`.

A transport is a callable ``transport(method, url, headers, body) -> (status, headers, body)``
with ``headers`` a list of ``(name, value)`` pairs and ``body`` bytes. It raises
:class:`tokensmith.TransportError` (``code`` one of ``transport_connect``, ``transport_tls``,
``transport_timeout``, ``transport_reset``, ``transport_redirect``, ``transport``) when it gets
no usable response; every other rule (status codes, parsing, retries) belongs to the core.

The default, :class:`UrllibTransport`, uses only the standard library: ``HTTPS_PROXY`` /
``HTTP_PROXY`` / ``NO_PROXY`` are honoured (``urllib.request.getproxies``), the CA bundle is the
system's or ``SSL_CERT_FILE``, or the ``verify=`` path; a timeout is always set; redirects are
never followed, because following one would send the client's credentials to another URL
(RFC 6749 §3.2 requires the token endpoint itself).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from tokensmith._native import TransportError

Headers = list[tuple[str, str]]
Transport = Callable[[str, str, Sequence[tuple[str, str]], bytes], tuple[int, Headers, bytes]]

#: Largest body read: core's limit (1 MiB, ``DEFAULT_MAX_BODY_BYTES``) plus one byte, so that
#: core, not the transport, reports an oversized answer.
MAX_READ_BYTES = 1024 * 1024 + 1


def transport_error(code: str, message: str) -> TransportError:
    """A :class:`TransportError` with its stable ``code``. ``message`` must hold no secret."""
    error = TransportError(message)
    error.code = code
    error.status = None
    error.retry_after = None
    return error


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hands 3xx answers back instead of following them."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _redirect_error(status: int) -> TransportError:
    return transport_error(
        "transport_redirect",
        f"the endpoint answered with a redirect (HTTP {status}); redirects are not followed "
        "because the request carries client credentials",
    )


def _classify(exc: BaseException) -> TransportError:
    """The TransportError for a failure of urllib, by cause (never echoing the request)."""
    reason: Any = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return transport_error("transport_timeout", "the request timed out")
    if isinstance(reason, (ssl.SSLError, ssl.CertificateError)):
        return transport_error("transport_tls", f"TLS failure: {type(reason).__name__}")
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError)):
        return transport_error("transport_reset", "the connection was reset")
    if isinstance(reason, (ConnectionError, socket.gaierror, OSError)):
        return transport_error("transport_connect", f"could not connect: {type(reason).__name__}")
    return transport_error("transport", f"transport failure: {type(reason).__name__}")


class UrllibTransport:
    """The standard-library transport (``urllib.request``)."""

    def __init__(self, timeout: float = 10.0, verify: str | None = None) -> None:
        if not timeout > 0:
            raise ValueError("timeout must be a number of seconds > 0")
        self.timeout = float(timeout)
        # ssl.create_default_context loads the system CAs; OpenSSL honours SSL_CERT_FILE.
        context = ssl.create_default_context(cafile=verify)
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler(),
            urllib.request.HTTPSHandler(context=context),
            _NoRedirect(),
        )

    def __call__(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[int, Headers, bytes]:
        request = urllib.request.Request(url, data=body or None, method=method)
        for name, value in headers:
            request.add_header(name, value)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return (
                    response.status,
                    list(response.headers.items()),
                    response.read(MAX_READ_BYTES),
                )
        except urllib.error.HTTPError as error:
            # 4xx/5xx (and 3xx, not followed) arrive as HTTPError; their body is the answer.
            if 300 <= error.code < 400:
                raise _redirect_error(error.code) from None
            try:
                data = error.read(MAX_READ_BYTES)
            except (OSError, http.client.HTTPException) as exc:
                raise _classify(exc) from None
            finally:
                error.close()
            return error.code, list(error.headers.items()), data
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _classify(exc) from None


class RequestsTransport:
    """Token requests through a ``requests.Session`` (its proxies, CA bundle, adapters)."""

    def __init__(self, session: Any, timeout: float) -> None:
        self.session = session
        self.timeout = timeout

    def __call__(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[int, Headers, bytes]:
        import requests  # type: ignore[import-not-found, import-untyped, unused-ignore]

        try:
            response = self.session.request(
                method,
                url,
                headers=dict(headers),
                data=body,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.exceptions.Timeout:
            raise transport_error("transport_timeout", "the request timed out") from None
        except requests.exceptions.SSLError:
            raise transport_error("transport_tls", "TLS failure") from None
        except requests.exceptions.ConnectionError as exc:
            raise _classify(_root_cause(exc)) from None
        except requests.exceptions.RequestException as exc:
            raise transport_error("transport", f"transport failure: {type(exc).__name__}") from None
        if response.is_redirect:
            raise _redirect_error(response.status_code)
        return response.status_code, list(response.headers.items()), response.content


class HttpxTransport:
    """Token requests through an ``httpx.Client``."""

    def __init__(self, client: Any, timeout: float) -> None:
        self.client = client
        self.timeout = timeout

    def __call__(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[int, Headers, bytes]:
        import httpx  # type: ignore[import-not-found, import-untyped, unused-ignore]

        try:
            response = self.client.request(
                method,
                url,
                headers=list(headers),
                content=body,
                timeout=self.timeout,
                follow_redirects=False,
            )
        except httpx.TimeoutException:
            raise transport_error("transport_timeout", "the request timed out") from None
        except httpx.ConnectError as exc:
            raise _classify(_root_cause(exc)) from None
        except (httpx.ReadError, httpx.RemoteProtocolError):
            raise transport_error("transport_reset", "the connection was reset") from None
        except httpx.HTTPError as exc:
            raise transport_error("transport", f"transport failure: {type(exc).__name__}") from None
        if response.is_redirect:
            raise _redirect_error(response.status_code)
        return response.status_code, list(response.headers.multi_items()), response.content


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost cause of a wrapped exception (requests and httpx wrap OS errors)."""
    seen = 0
    # Bounded: a cycle in __cause__/__context__ must not loop forever.
    while seen < 16:
        inner = exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
        seen += 1
    if isinstance(exc, (OSError, ssl.SSLError)):
        return exc
    args = getattr(exc, "args", ())
    for arg in args:
        if isinstance(arg, BaseException):
            return _root_cause(arg)
        reason = getattr(arg, "reason", None)
        if isinstance(reason, BaseException):
            return _root_cause(reason)
    return exc


def _module_of(value: Any) -> str:
    return type(value).__module__.split(".")[0]


def make_transport(transport: Transport | None, timeout: float, verify: str | None) -> Transport:
    """The transport a client uses: the default for None, a ``requests.Session`` or an
    ``httpx.Client`` wrapped (redirects off, the client's timeout), else the given callable."""
    if transport is None:
        return UrllibTransport(timeout=timeout, verify=verify)
    if _module_of(transport) == "requests" and hasattr(transport, "request"):
        return RequestsTransport(transport, timeout)
    if _module_of(transport) == "httpx" and hasattr(transport, "request"):
        if type(transport).__name__ == "AsyncClient":
            raise TypeError(
                "httpx.AsyncClient is not supported as a transport yet; use httpx.Client"
            )
        return HttpxTransport(transport, timeout)
    if callable(transport):
        return transport
    raise TypeError(
        "transport must be None or a callable "
        "(method, url, headers, body) -> (status, headers, body)"
    )
