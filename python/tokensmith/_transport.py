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

import asyncio
import concurrent.futures
import http.client
import socket
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from tokensmith._native import DEFAULT_TIMEOUT, TransportError

_T = TypeVar("_T")
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
    if isinstance(
        reason,
        (
            ConnectionResetError,
            http.client.RemoteDisconnected,
            http.client.IncompleteRead,
            BrokenPipeError,
        ),
    ):
        return transport_error("transport_reset", "the connection was reset")
    if isinstance(reason, (ConnectionError, socket.gaierror, OSError)):
        return transport_error("transport_connect", f"could not connect: {type(reason).__name__}")
    return transport_error("transport", f"transport failure: {type(reason).__name__}")


def _read_whole(response: Any) -> bytes:
    """The body, up to ``MAX_READ_BYTES``. ``read(amt)`` of http.client returns a short body
    without an error when the connection closes before ``Content-Length`` bytes arrived; that is
    a broken connection (``transport_reset``, retried), not a truncated answer of the server."""
    data: bytes = response.read(MAX_READ_BYTES)
    missing = getattr(response, "length", None)
    if len(data) < MAX_READ_BYTES and missing:
        raise transport_error("transport_reset", "the connection closed before the whole body")
    return data


class UrllibTransport:
    """The standard-library transport (``urllib.request``)."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, verify: str | None = None) -> None:
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
                data = _read_whole(response)
                return response.status, list(response.headers.items()), data
        except urllib.error.HTTPError as error:
            # 4xx/5xx (and 3xx, not followed) arrive as HTTPError; their body is the answer.
            if 300 <= error.code < 400:
                raise _redirect_error(error.code) from None
            try:
                data = _read_whole(error)
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
        except httpx.HTTPError as exc:
            raise _httpx_error(httpx, exc) from None
        return _httpx_answer(response)


def _httpx_error(httpx: Any, exc: BaseException) -> TransportError:
    """The TransportError for a failure of httpx (sync or async), by cause."""
    if isinstance(exc, httpx.TimeoutException):
        return transport_error("transport_timeout", "the request timed out")
    if isinstance(exc, httpx.ConnectError):
        return _classify(_root_cause(exc))
    if isinstance(exc, (httpx.ReadError, httpx.RemoteProtocolError)):
        return transport_error("transport_reset", "the connection was reset")
    return transport_error("transport", f"transport failure: {type(exc).__name__}")


def _httpx_answer(response: Any) -> tuple[int, Headers, bytes]:
    if response.is_redirect:
        raise _redirect_error(response.status_code)
    return response.status_code, list(response.headers.multi_items()), response.content


#: The event loop of the AsyncTokenClient call a worker thread is serving (set by
#: :func:`run_with_loop` around each call ``AsyncTokenClient`` hands to its executor).
_worker = threading.local()

#: httpx applies its timeout to each phase (connect, write, pool wait, read) separately, so one
#: request may take up to four timeouts; one more second covers scheduling on the loop. Past
#: this bound the waiting thread gives up even if the loop never runs the request.
_PHASES_PER_REQUEST = 4
_SCHEDULING_SLACK_SECONDS = 1.0


def run_with_loop(loop: asyncio.AbstractEventLoop, function: Callable[[], _T]) -> _T:
    """Runs ``function`` (in an executor thread) with ``loop`` as the loop that
    :class:`AsyncHttpxTransport` sends its requests on."""
    _worker.loop = loop
    try:
        return function()
    finally:
        _worker.loop = None


class AsyncHttpxTransport:
    """Token requests through an ``httpx.AsyncClient``, for :class:`AsyncTokenClient`.

    Core's engine calls transports from a blocking executor thread; this one hands the request
    to the event loop the ``AsyncTokenClient`` call came from (the loop that owns the
    ``AsyncClient``'s connections) and waits for it there, never on the loop itself. Used from
    a thread with no such loop (a plain ``TokenClient``), it raises a ``TransportError``.
    """

    def __init__(self, client: Any, timeout: float) -> None:
        self.client = client
        self.timeout = timeout
        #: The loop of the latest call, for work core starts outside a call (a background
        #: refresh) while that loop still runs.
        self._loop: asyncio.AbstractEventLoop | None = None

    def __call__(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[int, Headers, bytes]:
        loop = getattr(_worker, "loop", None) or self._loop
        if loop is None or loop.is_closed() or not loop.is_running():
            raise transport_error(
                "transport",
                "an httpx.AsyncClient transport sends requests only for AsyncTokenClient calls "
                "made on a running event loop; use httpx.Client with TokenClient",
            )
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            raise transport_error(
                "transport",
                "an httpx.AsyncClient transport cannot be waited for on its own event loop",
            )
        self._loop = loop
        future = asyncio.run_coroutine_threadsafe(self._send(method, url, headers, body), loop)
        bound = self.timeout * _PHASES_PER_REQUEST + _SCHEDULING_SLACK_SECONDS
        try:
            return future.result(timeout=bound)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise transport_error("transport_timeout", "the request timed out") from None

    async def _send(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[int, Headers, bytes]:
        import httpx  # type: ignore[import-not-found, import-untyped, unused-ignore]

        try:
            response = await self.client.request(
                method,
                url,
                headers=list(headers),
                content=body,
                timeout=self.timeout,
                follow_redirects=False,
            )
        except httpx.HTTPError as exc:
            raise _httpx_error(httpx, exc) from None
        return _httpx_answer(response)


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
    """The transport a client uses: the default for None, a ``requests.Session``, an
    ``httpx.Client`` or an ``httpx.AsyncClient`` wrapped (redirects off, the client's timeout),
    else the given callable."""
    if transport is None:
        return UrllibTransport(timeout=timeout, verify=verify)
    if _module_of(transport) == "requests" and hasattr(transport, "request"):
        return RequestsTransport(transport, timeout)
    if _module_of(transport) == "httpx" and hasattr(transport, "request"):
        if type(transport).__name__ == "AsyncClient":
            return AsyncHttpxTransport(transport, timeout)
        return HttpxTransport(transport, timeout)
    if callable(transport):
        return transport
    raise TypeError(
        "transport must be None or a callable "
        "(method, url, headers, body) -> (status, headers, body)"
    )
