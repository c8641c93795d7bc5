"""One export attempt through any LogRecordExporter, reported as an :class:`Attempt`.

The SDK interface only says SUCCESS or FAILURE (and may raise). Exporters that report
more, such as hydra's ``FastOTLPLogExporter`` with ``export_detailed`` and
``export_encoded``, are recognised by those methods; their outcome adds whether a retry
can help, the server's Retry-After and the records rejected in a partial success.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from opentelemetry.sdk._logs import ReadableLogRecord
from opentelemetry.sdk._logs.export import LogRecordExporter, LogRecordExportResult

from hydra_otel.export._codec import decode_request
from hydra_otel.export._encoded import QueuedRecord


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one export attempt did."""

    success: bool
    retryable: bool = True
    """A plain FAILURE is assumed retryable: the exporter did not say otherwise."""
    retry_after: float | None = None
    rejected: int = 0
    latency: float = 0.0
    message: str = ""
    answered: bool = False
    """The server itself answered (an HTTP status, a definite gRPC status): it is alive."""


class ExporterCall:
    """Calls ``exporter`` for live batches and for spooled payloads; never raises."""

    __slots__ = ("_detailed", "_encoded", "exporter")

    def __init__(self, exporter: LogRecordExporter) -> None:
        self.exporter = exporter
        self._detailed: Callable[[Sequence[QueuedRecord]], Any] | None = _method(
            exporter, "export_detailed"
        )
        self._encoded: Callable[[bytes], Any] | None = _method(exporter, "export_encoded")

    @property
    def sends_payloads(self) -> bool:
        """True when spooled bytes go out as they are, without decoding."""
        return self._encoded is not None

    def send(self, records: Sequence[QueuedRecord]) -> Attempt:
        """Export ``records`` once.

        Pre-encoded records only ever come with hydra's own exporters (see
        ``FallbackExportProcessor.encodes_on_emit``), which take them as they are.
        """
        started = time.perf_counter()
        try:
            if self._detailed is not None:
                return _from_outcome(self._detailed(records), started)
            result = self.exporter.export(cast("Sequence[ReadableLogRecord]", records))
        except Exception as error:
            return Attempt(False, latency=_since(started), message=repr(error))
        success = result == LogRecordExportResult.SUCCESS
        message = "" if success else f"{type(self.exporter).__name__}.export returned {result}"
        return Attempt(success, latency=_since(started), message=message, answered=success)

    def send_payload(self, payload: bytes) -> Attempt:
        """Export a spooled OTLP request once: as bytes when possible, else decoded."""
        if self._encoded is None:
            try:
                records = decode_request(payload)
            except Exception as error:
                return Attempt(False, retryable=False, message=f"cannot decode: {error!r}")
            return self.send(records)
        started = time.perf_counter()
        try:
            return _from_outcome(self._encoded(payload), started)
        except Exception as error:
            return Attempt(False, latency=_since(started), message=repr(error))


def _method(exporter: object, name: str) -> Callable[..., Any] | None:
    method = getattr(exporter, name, None)
    return method if callable(method) else None


def _since(started: float) -> float:
    return time.perf_counter() - started


_UNANSWERED_GRPC = frozenset({"UNAVAILABLE", "DEADLINE_EXCEEDED", "CANCELLED", "UNKNOWN"})


def _answered(status: str) -> bool:
    if status.startswith("HTTP ") or status == "OK":
        return True
    return status.isupper() and status not in _UNANSWERED_GRPC


def _from_outcome(outcome: Any, started: float) -> Attempt:
    success = bool(getattr(outcome, "success", False))
    return Attempt(
        success=success,
        retryable=bool(getattr(outcome, "retryable", not success)),
        retry_after=getattr(outcome, "retry_after", None),
        rejected=int(getattr(outcome, "rejected_log_records", 0) or 0),
        latency=_since(started),
        message=str(getattr(outcome, "error_message", "")),
        answered=success or _answered(str(getattr(outcome, "status", ""))),
    )
