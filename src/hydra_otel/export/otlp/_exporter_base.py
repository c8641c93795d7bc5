"""What the HTTP and gRPC exporters share: encoding, one attempt per export, outcomes."""

from __future__ import annotations

import dataclasses
import os
import time
from abc import abstractmethod
from collections.abc import Sequence

from opentelemetry.sdk._logs.export import LogRecordExporter, LogRecordExportResult

from hydra_otel.core import track_error
from hydra_otel.core._diagnostics import enter_pipeline, leave_pipeline
from hydra_otel.export.otlp._encoder import LogRecordLike, OTLPLogsEncoder
from hydra_otel.export.otlp._outcome import ExportOutcome

_SHUT_DOWN = ExportOutcome(False, error_message="the exporter is shut down", status="shutdown")
_NOTHING_TO_SEND = ExportOutcome(True, status="empty")


class FastOTLPExporterBase(LogRecordExporter):
    """A LogRecordExporter that sends pre-encoded OTLP payloads in one attempt per call.

    Subclasses provide the transport (:meth:`_send`, :meth:`_close`). ``export`` never
    raises and never sleeps or retries: a caller that wants retries reads
    :meth:`export_detailed` (or :attr:`last_outcome`) and decides itself.
    """

    def __init__(self) -> None:
        self._encoder = OTLPLogsEncoder()
        self._last_outcome: ExportOutcome | None = None
        self._is_shut_down = False
        self._pid = os.getpid()

    @property
    def last_outcome(self) -> ExportOutcome | None:
        """The outcome of the latest attempt (from any thread); None before the first one.

        With several threads exporting at once prefer :meth:`export_detailed`, whose
        return value belongs to the caller's own attempt.
        """
        return self._last_outcome

    def encode(self, batch: Sequence[LogRecordLike]) -> bytes:
        """Return the serialized ``ExportLogsServiceRequest`` for ``batch``.

        The bytes can be stored (for instance in a spool) and sent later with
        :meth:`export_encoded`.
        """
        return self._encoder.encode(batch)

    def export(self, batch: Sequence[LogRecordLike]) -> LogRecordExportResult:
        """Send ``batch`` once; SUCCESS when the server accepted it (even partially).

        One attempt, bounded by the timeout: no retry, no backoff sleep. The detail of the
        attempt is in :attr:`last_outcome`. Never raises.
        """
        return self.export_detailed(batch).result

    def export_detailed(self, batch: Sequence[LogRecordLike]) -> ExportOutcome:
        """Send ``batch`` once and return what happened. Never raises."""
        if self._is_shut_down:
            return self._remember(_SHUT_DOWN)
        if not batch:
            return self._remember(_NOTHING_TO_SEND)
        try:
            payload = self._encoder.encode(batch)
        except Exception as error:  # export must never raise
            message = f"cannot encode the batch: {error!r}"
            return self._remember(ExportOutcome(False, error_message=message, status="encode"))
        return self.export_encoded(payload)

    def export_encoded(self, payload: bytes) -> ExportOutcome:
        """Send an already encoded ``ExportLogsServiceRequest`` once. Never raises."""
        if self._is_shut_down:
            return self._remember(_SHUT_DOWN)
        token = enter_pipeline()  # the transport's own logging must not loop back into us
        started = time.perf_counter()
        try:
            if os.getpid() != self._pid:
                self._pid = os.getpid()
                self._reconnect_after_fork()
            outcome = self._send(payload)
        except Exception as error:  # export must never raise
            outcome = ExportOutcome(False, error_message=repr(error), status=type(error).__name__)
        finally:
            leave_pipeline(token)
        outcome = dataclasses.replace(outcome, duration=time.perf_counter() - started)
        if not outcome.success:
            track_error("otlp_export", f"{outcome.status}: {outcome.error_message}")
        return self._remember(outcome)

    def _remember(self, outcome: ExportOutcome) -> ExportOutcome:
        self._last_outcome = outcome
        return outcome

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Nothing is buffered here: every export call sends before returning."""
        return True

    def shutdown(self) -> None:
        """Close the connection; later exports fail fast (not retryable). Idempotent."""
        if self._is_shut_down:
            return
        self._is_shut_down = True
        try:
            self._close()
        except Exception as error:  # shutdown must not raise either
            track_error("otlp_export", f"closing the transport failed: {error!r}")

    @abstractmethod
    def _send(self, payload: bytes) -> ExportOutcome:
        """Make one request with ``payload``; may raise (the caller turns it into an outcome)."""

    @abstractmethod
    def _close(self) -> None:
        """Release the connection or channel."""

    @abstractmethod
    def _reconnect_after_fork(self) -> None:
        """Stop using connections inherited from the parent process; open new ones lazily."""
