"""FastOTLPGrpcLogExporter: OTLP/gRPC with pre-encoded request bytes on one channel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse

from hydra_otel.core import track_error
from hydra_otel.export.otlp._config import (
    USER_AGENT,
    HeadersArg,
    TlsFiles,
    resolve_compression,
    resolve_grpc_target,
    resolve_headers,
    resolve_timeout,
    resolve_tls_files,
)
from hydra_otel.export.otlp._exporter_base import FastOTLPExporterBase
from hydra_otel.export.otlp._outcome import RETRYABLE_GRPC_CODES, ExportOutcome

EXPORT_METHOD = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"
"""The fully qualified gRPC method of OTLP log export."""

_DEFAULT_CHANNEL_OPTIONS: tuple[tuple[str, Any], ...] = (
    ("grpc.primary_user_agent", USER_AGENT),
    # Reconnect within seconds of a collector coming back, not after gRPC's 2-minute cap.
    ("grpc.max_reconnect_backoff_ms", 5000),
)
_COMPRESSIONS = {"gzip": grpc.Compression.Gzip, "deflate": grpc.Compression.Deflate}
_STATUS_DETAILS_KEY = "grpc-status-details-bin"
_LEGACY_RETRY_INFO_KEY = "google.rpc.retryinfo-bin"  # what the SDK's exporter reads


class FastOTLPGrpcLogExporter(FastOTLPExporterBase):
    """Exports logs over OTLP/gRPC, sending bytes from :class:`OTLPLogsEncoder` unchanged.

    Arguments and environment variables follow the SDK's gRPC ``OTLPLogExporter``.
    One attempt per ``export``; the failure detail (status code, RetryInfo delay) is in
    :meth:`export_detailed` and :attr:`last_outcome`.

    Args:
        endpoint: ``http://host:4317`` (plaintext) or ``https://host:4317`` (TLS); default
            ``OTEL_EXPORTER_OTLP_LOGS_ENDPOINT``, ``OTEL_EXPORTER_OTLP_ENDPOINT``,
            ``http://localhost:4317``.
        insecure: plaintext even without ``http://`` (``..._INSECURE``); ``https://`` wins.
        credentials: TLS credentials; default built from ``..._CERTIFICATE``,
            ``..._CLIENT_KEY`` and ``..._CLIENT_CERTIFICATE``.
        headers: metadata sent with each call; overrides ``..._HEADERS``.
        timeout: seconds per call (``..._TIMEOUT``, default 10).
        compression: ``"gzip"``, ``"deflate"``, ``"none"`` or a ``grpc.Compression``
            (``..._COMPRESSION``).
        channel_options: extra gRPC channel options; they override the defaults.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        insecure: bool | None = None,
        credentials: grpc.ChannelCredentials | None = None,
        headers: HeadersArg = None,
        timeout: float | None = None,
        compression: str | grpc.Compression | None = None,
        channel_options: Sequence[tuple[str, Any]] | None = None,
    ) -> None:
        super().__init__()
        self.target, self.insecure = resolve_grpc_target(endpoint, insecure)
        self.timeout = resolve_timeout(timeout)
        self._metadata = tuple(resolve_headers(headers).items())
        self._compression = _grpc_compression(compression)
        self._options = _merge_options(channel_options or ())
        self._credentials = None
        if not self.insecure:
            self._credentials = credentials or _credentials_from(
                resolve_tls_files(None, None, None)
            )
        self._open_channel()

    def _open_channel(self) -> None:
        if self._credentials is None:
            self._channel = grpc.insecure_channel(self.target, self._options, self._compression)
        else:
            self._channel = grpc.secure_channel(
                self.target, self._credentials, self._options, self._compression
            )
        self._export = self._channel.unary_unary(
            EXPORT_METHOD,
            request_serializer=None,  # the payload is already the serialized request
            response_deserializer=ExportLogsServiceResponse.FromString,
        )

    def _send(self, payload: bytes) -> ExportOutcome:
        try:
            response = self._export(payload, timeout=self.timeout, metadata=self._metadata)
        except grpc.RpcError as error:
            return _outcome_of_error(error)
        partial = response.partial_success
        return ExportOutcome(
            True,
            rejected_log_records=int(partial.rejected_log_records),
            error_message=str(partial.error_message),
            status="OK",
        )

    def _close(self) -> None:
        self._channel.close()

    def _reconnect_after_fork(self) -> None:
        # The parent's channel is left alone (closing it here could disturb the parent);
        # gRPC itself must allow use after fork (see GRPC_ENABLE_FORK_SUPPORT).
        self._open_channel()


def _grpc_compression(compression: str | grpc.Compression | None) -> Any:
    if isinstance(compression, grpc.Compression):
        return compression
    return _COMPRESSIONS.get(resolve_compression(compression), grpc.Compression.NoCompression)


def _merge_options(overrides: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    overridden = {name for name, _ in overrides}
    defaults = [option for option in _DEFAULT_CHANNEL_OPTIONS if option[0] not in overridden]
    return defaults + list(overrides)


def _read(path: str | None) -> bytes | None:
    if not path:
        return None
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:  # as the SDK: report it, and go on with the defaults
        track_error("otlp_config", f"cannot read TLS file {path!r}: {error}")
        return None


def _credentials_from(files: TlsFiles) -> grpc.ChannelCredentials:
    return grpc.ssl_channel_credentials(
        root_certificates=_read(files.certificate),
        private_key=_read(files.client_key),
        certificate_chain=_read(files.client_certificate),
    )


def _outcome_of_error(error: grpc.RpcError) -> ExportOutcome:
    code = getattr(error, "code", None)
    name = code().name if callable(code) else "UNKNOWN"
    details = getattr(error, "details", None)
    trailers = getattr(error, "trailing_metadata", None)
    return ExportOutcome(
        False,
        retryable=name in RETRYABLE_GRPC_CODES,
        retry_after=retry_delay(trailers() if callable(trailers) else None),
        error_message=str(details() or "") if callable(details) else str(error),
        status=name,
    )


def retry_delay(trailing_metadata: Sequence[tuple[str, Any]] | None) -> float | None:
    """Seconds from a ``google.rpc.RetryInfo`` in the trailers, or None without one.

    Reads the standard ``grpc-status-details-bin`` (a ``google.rpc.Status`` whose details
    hold the RetryInfo) and the ``google.rpc.retryinfo-bin`` key the SDK also reads.
    """
    from google.rpc.error_details_pb2 import RetryInfo
    from google.rpc.status_pb2 import Status

    for key, value in trailing_metadata or ():
        try:
            if key == _STATUS_DETAILS_KEY:
                for detail in Status.FromString(value).details:
                    if detail.Is(RetryInfo.DESCRIPTOR):
                        info = RetryInfo()
                        detail.Unpack(info)
                        return _seconds(info)
            elif key == _LEGACY_RETRY_INFO_KEY:
                return _seconds(RetryInfo.FromString(value))
        except Exception:  # a malformed trailer is no hint, not an error
            continue
    return None


def _seconds(info: Any) -> float:
    seconds = float(info.retry_delay.seconds) + float(info.retry_delay.nanos) / 1e9
    return max(seconds, 0.0)
