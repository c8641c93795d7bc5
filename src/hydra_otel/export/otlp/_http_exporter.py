"""FastOTLPLogExporter: OTLP/HTTP (protobuf) over one pooled, kept-alive connection."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Mapping
from enum import Enum

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
from hydra_otel.export.otlp._outcome import (
    RETRYABLE_HTTP_STATUSES,
    ExportOutcome,
    parse_partial_success,
    parse_retry_after,
    status_message,
)

_COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda data: gzip.compress(data, compresslevel=6, mtime=0),
    "deflate": zlib.compress,
}
_LONGEST_ERROR_TEXT = 512
_RETRYABLE_TRANSPORT_ERRORS = (
    requests.ConnectionError,  # refused, reset, DNS, TLS handshake
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,  # the connection broke mid-response
)


class FastOTLPLogExporter(FastOTLPExporterBase):
    """Exports logs as OTLP/HTTP protobuf, encoding them with :class:`OTLPLogsEncoder`.

    A drop-in for the SDK's ``OTLPLogExporter`` (same arguments, same environment
    variables and precedence) with a faster encoder (see benchmarks/results/encoder.md).
    Each ``export`` makes exactly one attempt, except that a connection error is resent
    once at once, because the server may have closed a pooled keep-alive connection
    while it was idle. Retrying with backoff is left to the caller, which gets the detail it needs
    from :meth:`export_detailed` or :attr:`last_outcome`.

    Args:
        endpoint: full URL including the path, such as ``http://collector:4318/v1/logs``.
            Default: ``OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`` as is, else
            ``OTEL_EXPORTER_OTLP_ENDPOINT`` + ``/v1/logs``, else localhost:4318.
        certificate_file: CA bundle for TLS (``..._CERTIFICATE``).
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
        self._headers = _request_headers(resolve_headers(headers), self.compression)
        self._session = session or requests.Session()
        tls = resolve_tls_files(certificate_file, client_certificate_file, client_key_file)
        _configure_tls(self._session, tls)

    def _send(self, payload: bytes) -> ExportOutcome:
        compress = _COMPRESSORS.get(self.compression)
        body = compress(payload) if compress else payload
        try:
            return _outcome_of(self._post_resending_once(body))
        except requests.RequestException as error:
            return ExportOutcome(
                False,
                retryable=isinstance(error, _RETRYABLE_TRANSPORT_ERRORS),
                error_message=str(error),
                status=type(error).__name__,
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
            self.endpoint,
            data=body,
            headers=self._headers,
            timeout=self.timeout,
            allow_redirects=False,
        )

    def _close(self) -> None:
        self._session.close()

    def _reconnect_after_fork(self) -> None:
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


def _outcome_of(response: requests.Response) -> ExportOutcome:
    status = response.status_code
    content = response.content or b""
    if 200 <= status < 300:
        rejected, message = parse_partial_success(content)
        return ExportOutcome(
            True, rejected_log_records=rejected, error_message=message, status=f"HTTP {status}"
        )
    message = status_message(content) or _text(content) or str(response.reason or "")
    return ExportOutcome(
        False,
        retryable=status in RETRYABLE_HTTP_STATUSES,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
        error_message=message,
        status=f"HTTP {status}",
    )


def _text(content: bytes) -> str:
    return content[:_LONGEST_ERROR_TEXT].decode("utf-8", "replace").strip()
