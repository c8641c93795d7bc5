"""FastOTLPLogExporter: OTLP/HTTP (protobuf) over one kept-alive connection."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Protocol

import requests

from hydra_otel.export.otlp._config import (
    USER_AGENT,
    HeadersArg,
    TlsFiles,
    resolve_compression,
    resolve_headers,
    resolve_http_endpoint,
    resolve_timeout,
    resolve_tls_files,
)
from hydra_otel.export.otlp._exporter_base import FastOTLPExporterBase
from hydra_otel.export.otlp._http_transport import open_http_client_transport, response_outcome
from hydra_otel.export.otlp._outcome import ExportOutcome

_COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda data: gzip.compress(data, compresslevel=6, mtime=0),
    "deflate": zlib.compress,
}
_RETRYABLE_TRANSPORT_ERRORS = (
    requests.ConnectionError,  # refused, reset, DNS, TLS handshake
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,  # the connection broke mid-response
)


class _HttpTransport(Protocol):
    """What the exporter needs of a transport: the lean one or the requests one."""

    def send(self, body: bytes) -> ExportOutcome: ...
    def close(self) -> None: ...
    def reset_after_fork(self) -> None: ...


class FastOTLPLogExporter(FastOTLPExporterBase):
    """Exports logs as OTLP/HTTP protobuf, encoding them with :class:`OTLPLogsEncoder`.

    A drop-in for the SDK's ``OTLPLogExporter`` (same arguments, same environment
    variables and precedence) with a faster encoder (see benchmarks/results/encoder.md).
    Each ``export`` makes exactly one attempt, except that a request on a kept-alive
    connection that the server closed while it was idle is resent once, at once.
    Retrying with backoff is left to the caller, which gets the detail it needs from
    :meth:`export_detailed` or :attr:`last_outcome`.

    Requests go over one kept-alive ``http.client`` connection, because this runs on a
    thread of the application and its Python holds the GIL: against a local collector
    a request costs about a sixth of the CPU it takes through ``requests`` with an empty
    body (0.16 ms against 0.93 ms) and under a third with 300 KB (0.40 ms against 1.41 ms;
    benchmarks/results/transport.md). The exporter sends through ``requests`` when
    given a ``session``, or when the environment routes the endpoint through a proxy
    (``HTTP(S)_PROXY``, ``NO_PROXY``) or gives it ``.netrc`` credentials, so those keep
    their meaning.

    Args:
        endpoint: full URL including the path, such as ``http://collector:4318/v1/logs``.
            Default: ``OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`` as is, else
            ``OTEL_EXPORTER_OTLP_ENDPOINT`` + ``/v1/logs``, else localhost:4318.
        certificate_file: CA bundle for TLS (``..._CERTIFICATE``); without one, https
            verifies against the system's CAs and certifi's.
        client_key_file: client key for mTLS (``..._CLIENT_KEY``).
        client_certificate_file: client certificate for mTLS (``..._CLIENT_CERTIFICATE``).
        headers: extra headers; they override ``..._HEADERS``.
        timeout: seconds per attempt (``..._TIMEOUT``, default 10).
        compression: ``"none"``, ``"gzip"`` or ``"deflate"``, or the SDK's ``Compression``
            enum (``..._COMPRESSION``).
        session: a ``requests.Session`` to send with (for custom auth or adapters).
    """

    def __init__(
        self,
        endpoint: str | None = None,
        certificate_file: str | None = None,
        client_key_file: str | None = None,
        client_certificate_file: str | None = None,
        headers: HeadersArg = None,
        timeout: float | None = None,
        compression: str | Enum | None = None,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__()
        self.endpoint = resolve_http_endpoint(endpoint)
        self.timeout = resolve_timeout(timeout)
        name = compression.value if isinstance(compression, Enum) else compression
        self.compression = resolve_compression(name)
        self._compress = _COMPRESSORS.get(self.compression)
        request_headers = _request_headers(resolve_headers(headers), self.compression)
        tls = resolve_tls_files(certificate_file, client_certificate_file, client_key_file)
        lean = None
        if session is None:
            lean = open_http_client_transport(self.endpoint, request_headers, self.timeout, tls)
        self._transport: _HttpTransport = lean or _RequestsTransport(
            session or requests.Session(), self.endpoint, request_headers, self.timeout, tls
        )

    def _send(self, payload: bytes) -> ExportOutcome:
        compress = self._compress
        return self._transport.send(compress(payload) if compress else payload)

    def _close(self) -> None:
        self._transport.close()

    def _reconnect_after_fork(self) -> None:
        self._transport.reset_after_fork()


class _RequestsTransport:
    """POSTs through a ``requests.Session``: proxies, ``.netrc``, a user's own session."""

    __slots__ = ("_endpoint", "_headers", "_session", "_timeout")

    def __init__(
        self,
        session: requests.Session,
        endpoint: str,
        headers: dict[str, str],
        timeout: float,
        tls: TlsFiles,
    ) -> None:
        self._session = session
        self._endpoint, self._headers, self._timeout = endpoint, headers, timeout
        _configure_tls(session, tls)

    def send(self, body: bytes) -> ExportOutcome:
        try:
            response = self._post_resending_once(body)
        except requests.RequestException as error:
            return ExportOutcome(
                False,
                retryable=isinstance(error, _RETRYABLE_TRANSPORT_ERRORS),
                error_message=str(error),
                status=type(error).__name__,
            )
        retry_after = response.headers.get("retry-after")
        return response_outcome(
            response.status_code, str(response.reason or ""), retry_after, response.content or b""
        )

    def _post_resending_once(self, body: bytes) -> requests.Response:
        try:
            return self._post(body)
        except requests.ConnectionError as error:
            if isinstance(error, requests.Timeout):
                raise
            return self._post(body)  # a stale kept-alive connection: resend once, at once

    def _post(self, body: bytes) -> requests.Response:
        return self._session.post(
            self._endpoint,
            data=body,
            headers=self._headers,
            timeout=self._timeout,
            allow_redirects=False,
        )

    def close(self) -> None:
        self._session.close()

    def reset_after_fork(self) -> None:
        # Closing only releases this process's copies of the sockets; the parent's
        # connections stay open. A user-given session is kept, with its pools emptied.
        self._session.close()


def _configure_tls(session: requests.Session, tls: TlsFiles) -> None:
    if tls.certificate:
        session.verify = tls.certificate
    if tls.client_certificate:
        key = tls.client_key
        session.cert = (tls.client_certificate, key) if key else tls.client_certificate


def _request_headers(headers: Mapping[str, str], compression: str) -> dict[str, str]:
    resolved = {"content-type": "application/x-protobuf", "user-agent": USER_AGENT}
    resolved.update(headers)
    if compression != "none":
        resolved.setdefault("content-encoding", compression)
    return resolved
