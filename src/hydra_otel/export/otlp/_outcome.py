"""ExportOutcome: what one export attempt did, in the detail a retrying caller needs.

``LogRecordExportResult`` only says SUCCESS or FAILURE. A processor that owns retries
(``FallbackExportProcessor``) also needs to know whether trying again can help, how
long the server asked it to wait, and how many records the server rejected.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

from opentelemetry.sdk._logs.export import LogRecordExportResult

RETRYABLE_HTTP_STATUSES = frozenset({429, 502, 503, 504})
"""HTTP statuses after which the same request may succeed later (OTLP/HTTP spec)."""

RETRYABLE_GRPC_CODES = frozenset(
    {
        "CANCELLED",
        "DEADLINE_EXCEEDED",
        "RESOURCE_EXHAUSTED",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNAVAILABLE",
        "DATA_LOSS",
    }
)
"""gRPC status names the OTLP spec (and the SDK's exporter) treat as transient."""


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    """The result of one export attempt.

    Attributes:
        success: the server accepted the request (possibly with some records rejected).
        retryable: the attempt failed in a way that sending the same payload later may fix
            (HTTP 429/502/503/504, connection errors and timeouts, transient gRPC codes).
        retry_after: seconds the server asked the client to wait (HTTP ``Retry-After``
            or gRPC ``RetryInfo``), or None when it gave no hint.
        rejected_log_records: records the server refused in a partial success; they must
            not be retried.
        error_message: the server's or the transport's explanation, empty on full success.
        status: ``"HTTP 503"``, a gRPC code name such as ``"UNAVAILABLE"``, or a short
            transport error name such as ``"ConnectionError"``.
        duration: seconds the attempt took.
    """

    success: bool
    retryable: bool = False
    retry_after: float | None = None
    rejected_log_records: int = 0
    error_message: str = ""
    status: str = ""
    duration: float = 0.0

    @property
    def result(self) -> LogRecordExportResult:
        """The SDK result of this outcome: SUCCESS when the server accepted the request."""
        return LogRecordExportResult.SUCCESS if self.success else LogRecordExportResult.FAILURE

    @property
    def partial(self) -> bool:
        """True for a success in which the server rejected records or sent a warning."""
        return self.success and bool(self.rejected_log_records or self.error_message)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Parse an HTTP ``Retry-After`` value: delay-seconds or an HTTP-date.

    Returns:
        Seconds to wait (never negative), or None if the value is absent or unreadable.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until_http_date(value, time.time() if now is None else now)
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _seconds_until_http_date(value: str, now: float) -> float | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000": RFC 9110 dates are always GMT
        moment = moment.replace(tzinfo=UTC)
    return max(moment.timestamp() - now, 0.0)


def parse_partial_success(body: bytes) -> tuple[int, str]:
    """Read ``(rejected_log_records, error_message)`` from an ExportLogsServiceResponse.

    An empty or unreadable body means full success, as the OTLP spec allows.
    """
    if not body:
        return 0, ""
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
        ExportLogsServiceResponse,
    )

    try:
        response = ExportLogsServiceResponse.FromString(body)
    except Exception:  # a malformed success body is still a success
        return 0, ""
    partial = response.partial_success
    return int(partial.rejected_log_records), str(partial.error_message)


def status_message(body: bytes) -> str:
    """Return the message of a serialized ``google.rpc.Status`` (OTLP error bodies), or ''."""
    if not body:
        return ""
    try:
        from google.rpc.status_pb2 import Status

        return str(Status.FromString(body).message)
    except Exception:  # not a Status message: the caller falls back to text
        return ""
