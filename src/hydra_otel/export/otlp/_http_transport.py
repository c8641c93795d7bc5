"""The lean OTLP/HTTP transport: one kept-alive ``http.client`` connection per exporter.

An exporter runs on a background thread of the application's process, so every
microsecond of Python it spends per request holds the GIL away from the
application's own log calls. ``requests`` spends most of a request's CPU merging
environment settings, running hooks and walking adapters and urllib3's pool; a
plain ``http.client`` connection does the same POST in a fraction of that.
:func:`open_http_client_transport` picks this transport when nothing that only
``requests`` honours applies to the endpoint (a proxy, URL credentials, ``.netrc``).

A request goes out in one write: its head (built once per transport, only the
``Content-Length`` changes) and its body together, where ``http.client`` would write
them one after the other. Every socket call of the export thread gives up the GIL
and then has to win it back from the application's threads; one write less per
request is two such turns fewer, and each turn pauses a log call.
"""

from __future__ import annotations

import os
import re
import socket
import ssl
import threading
from http.client import HTTPConnection, HTTPException, HTTPResponse, HTTPSConnection
from urllib.parse import urlsplit

from hydra_otel.core import track_error
from hydra_otel.export.otlp._config import TlsFiles
from hydra_otel.export.otlp._outcome import (
    RETRYABLE_HTTP_STATUSES,
    ExportOutcome,
    parse_partial_success,
    parse_retry_after,
    status_message,
)

__all__ = ["HttpClientTransport", "open_http_client_transport", "response_outcome"]

_LONGEST_ERROR_TEXT = 512
# What a kept-alive connection that the server closed while it was idle fails with.
_STALE_CONNECTION_ERRORS = (
    ConnectionResetError,  # includes http.client.RemoteDisconnected
    BrokenPipeError,
    ConnectionAbortedError,
    ssl.SSLEOFError,
    ssl.SSLZeroReturnError,
)


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_ILLEGAL_HEADER_VALUE = re.compile(r"[\r\n\0]")


def request_head(
    host: str, port: int, default_port: int, path: str, headers: dict[str, str]
) -> bytes:
    """The head of a POST up to (not including) the ``Content-Length`` value.

    ``Host`` and ``Accept-Encoding: identity`` are added as ``http.client`` adds them
    (unless ``headers`` has its own; brackets around an IPv6 address, IDNA for a
    non-ASCII name, the port unless it is the scheme's default).

    Raises:
        ValueError: a header that would break the request apart, or a value that is
            not Latin-1 (as ``http.client`` refuses them).
    """
    try:
        host_text = host.encode("ascii").decode("ascii")
    except UnicodeEncodeError:
        host_text = host.encode("idna").decode("ascii")
    if ":" in host_text:
        host_text = f"[{host_text}]"
    if port != default_port:
        host_text = f"{host_text}:{port}"
    given = {name.lower() for name in headers}
    lines = [f"POST {path} HTTP/1.1"]
    if "host" not in given:
        lines.append(f"Host: {host_text}")
    if "accept-encoding" not in given:
        lines.append("Accept-Encoding: identity")
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name) or _ILLEGAL_HEADER_VALUE.search(value):
            raise ValueError(f"invalid HTTP header {name!r}")
        if name.lower() != "content-length":  # the body's own length is always sent
            lines.append(f"{name}: {value}")
    lines.append("Content-Length: ")
    return "\r\n".join(lines).encode("latin-1")


def send_request(sock: socket.socket, head: bytes, body: bytes) -> None:
    """Write ``head`` and ``body`` in one call (gathered, no copy, on a plain socket)."""
    if isinstance(sock, ssl.SSLSocket):  # TLS records cannot be gathered
        sock.sendall(head + body)
        return
    sent = sock.sendmsg((head, body))
    if sent < len(head):
        sock.sendall(head[sent:])
        sent = len(head)
    if sent < len(head) + len(body):
        sock.sendall(memoryview(body)[sent - len(head) :])


class _ConnectTimeout(TimeoutError):
    """Opening the connection (TCP and TLS handshake) took longer than the timeout."""


class HttpClientTransport:
    """POSTs to one endpoint over one kept-alive ``HTTPConnection`` or ``HTTPSConnection``.

    A lock serializes the requests of threads exporting at once. A request on a
    reused connection that the server closed while idle is resent once, at once, on
    a new connection. Every failure is an :class:`ExportOutcome`, named as requests
    would name it (``ConnectionError``, ``ConnectTimeout``, ``ReadTimeout``,
    ``SSLError``) so that the status does not depend on the transport.
    """

    __slots__ = (
        "_connection",
        "_head",
        "_headers",
        "_host",
        "_lock",
        "_path",
        "_port",
        "_timeout",
        "_tls",
    )

    def __init__(
        self,
        host: str,
        port: int,
        path: str,
        headers: dict[str, str],
        timeout: float,
        tls: ssl.SSLContext | None,
    ) -> None:
        self._host, self._port, self._path = host, port, path
        self._headers = headers
        self._timeout = timeout
        self._tls = tls
        default_port = 80 if tls is None else 443
        self._head = request_head(host, port, default_port, path, headers)
        self._lock = threading.Lock()
        self._connection = self._new_connection()

    def send(self, body: bytes) -> ExportOutcome:
        """POST ``body`` and return what the server said, or how the transport failed."""
        with self._lock:
            try:
                status, reason, retry_after, content = self._post_resending_once(body)
            except (OSError, HTTPException) as error:
                self._connection.close()
                return self._failure(error)
            except BaseException:
                self._connection.close()  # a request left half-sent would poison the next one
                raise
        return response_outcome(status, reason, retry_after, content)

    def close(self) -> None:
        """Close the connection, letting a request in flight finish first (bounded)."""
        acquired = self._lock.acquire(timeout=max(self._timeout, 0.0))
        try:
            self._connection.close()
        finally:
            if acquired:
                self._lock.release()

    def reset_after_fork(self) -> None:
        """In a forked child: drop the parent's connection and lock; reconnect lazily.

        Closing the child's copy of the socket releases only its file descriptor: no
        FIN, and no TLS close_notify (Python never sends one on close), so the
        parent's connection stays usable. The lock is replaced because a thread of
        the parent may have held it at the moment of the fork.
        """
        self._lock = threading.Lock()
        inherited, self._connection = self._connection, self._new_connection()
        inherited.close()

    def _new_connection(self) -> HTTPConnection:
        if self._tls is None:
            return HTTPConnection(self._host, self._port, timeout=self._timeout)
        return HTTPSConnection(self._host, self._port, timeout=self._timeout, context=self._tls)

    def _post_resending_once(self, body: bytes) -> tuple[int, str, str | None, bytes]:
        connection = self._connection
        if connection.sock is not None:
            try:
                return self._exchange(connection, body)
            except _STALE_CONNECTION_ERRORS:
                connection.close()  # closed by the server while idle: resend once, at once
        try:
            connection.connect()
        except TimeoutError as error:
            raise _ConnectTimeout(*error.args) from error
        return self._exchange(connection, body)

    def _exchange(
        self, connection: HTTPConnection, body: bytes
    ) -> tuple[int, str, str | None, bytes]:
        sock = connection.sock
        assert sock is not None
        send_request(sock, self._head + f"{len(body)}\r\n\r\n".encode("ascii"), body)
        response = HTTPResponse(sock, method="POST")
        response.begin()
        content = response.read()
        if response.will_close:
            connection.close()
        return response.status, response.reason, response.getheader("retry-after"), content

    def _failure(self, error: OSError | HTTPException) -> ExportOutcome:
        if isinstance(error, _ConnectTimeout):
            status = "ConnectTimeout"
        elif isinstance(error, TimeoutError):
            status = "ReadTimeout"
        elif isinstance(error, ssl.SSLError):
            status = "SSLError"  # verification, handshake, a client certificate refused
        else:
            status = "ConnectionError"  # refused, reset, DNS, a broken or garbled response
        scheme = "http" if self._tls is None else "https"
        detail = str(error) or type(error).__name__
        message = f"{detail} ({scheme}://{self._host}:{self._port}{self._path})"
        return ExportOutcome(False, retryable=True, error_message=message, status=status)


def open_http_client_transport(
    endpoint: str, headers: dict[str, str], timeout: float, tls: TlsFiles
) -> HttpClientTransport | None:
    """The lean transport for ``endpoint``, or None where only requests does what users expect.

    None for anything but a plain ``http(s)://host[:port]/path`` URL, for URLs with
    credentials, when the environment routes the endpoint through a proxy
    (``HTTP(S)_PROXY``/``ALL_PROXY`` not bypassed by ``NO_PROXY``) or gives it
    ``.netrc`` credentials, and when the TLS files cannot be loaded or a header cannot
    be sent (requests then reports that on every export, as before). Decided once, here.
    """
    parts = urlsplit(endpoint)
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    if _environment_intercepts(endpoint):
        return None
    context = None
    if parts.scheme == "https":
        try:
            context = client_tls_context(tls)
        except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
            track_error("otlp_config", f"cannot load the OTLP TLS files: {error!r}")
            return None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if context else 80
    try:
        return HttpClientTransport(
            parts.hostname, port or default_port, path, headers, timeout, context
        )
    except ValueError as error:  # requests then reports the bad header on every export
        track_error("otlp_config", f"OTLP/HTTP headers: {error}")
        return None


def _environment_intercepts(endpoint: str) -> bool:
    """True when requests would send through a proxy or add ``.netrc`` credentials."""
    from requests.utils import get_environ_proxies, get_netrc_auth, select_proxy

    proxy = select_proxy(endpoint, get_environ_proxies(endpoint))
    return bool(proxy) or get_netrc_auth(endpoint) is not None


def client_tls_context(tls: TlsFiles) -> ssl.SSLContext:
    """A verifying client context: the CA bundle given, else the system's CAs and certifi's.

    With no CA bundle configured, requests' ``REQUESTS_CA_BUNDLE`` and ``CURL_CA_BUNDLE``
    still count, and certifi's bundle (requests' default) is trusted next to the
    system's, so that an endpoint that verified through requests still verifies.
    """
    bundle = (
        tls.certificate or os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    )
    if bundle and os.path.isdir(bundle):
        context = ssl.create_default_context(capath=bundle)
    elif bundle:
        context = ssl.create_default_context(cafile=bundle)
    else:
        context = ssl.create_default_context()
        _trust_certifi(context)
    if tls.client_certificate:
        context.load_cert_chain(tls.client_certificate, tls.client_key)
    return context


def _trust_certifi(context: ssl.SSLContext) -> None:
    try:
        import certifi
    except ImportError:  # requests requires it, but the system's CAs may suffice
        return
    context.load_verify_locations(certifi.where())


def response_outcome(
    status: int, reason: str, retry_after: str | None, content: bytes
) -> ExportOutcome:
    """The outcome of an HTTP response: partial success on 2xx, else the server's error."""
    if 200 <= status < 300:
        rejected, message = parse_partial_success(content)
        return ExportOutcome(
            True, rejected_log_records=rejected, error_message=message, status=f"HTTP {status}"
        )
    text = content[:_LONGEST_ERROR_TEXT].decode("utf-8", "replace").strip()
    return ExportOutcome(
        False,
        retryable=status in RETRYABLE_HTTP_STATUSES,
        retry_after=parse_retry_after(retry_after),
        error_message=status_message(content) or text or reason,
        status=f"HTTP {status}",
    )
