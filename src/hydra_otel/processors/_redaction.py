"""RedactionProcessor: redacts log records in place before any exporter sees them.

Add it to a ``LoggerProvider`` *before* the export processor — processors run in the
order they were added, and each one sees the same record object::

    provider.add_log_record_processor(RedactionProcessor())
    provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
"""

from __future__ import annotations

from time import perf_counter_ns
from typing import TYPE_CHECKING, Any

from opentelemetry._logs import LogRecord
from opentelemetry.sdk._logs import LogRecordProcessor, ReadWriteLogRecord

from hydra_otel.core import track_error
from hydra_otel.data_protection import (
    DataSanitizer,
    RedactionOptions,
    RedactionReport,
    RedactionStats,
)
from hydra_otel.processors._summary import write_summary

if TYPE_CHECKING:
    from opentelemetry.metrics import Meter

    from hydra_otel.config import HydraSettings

FAILURE_TOKEN = "[REDACTED:error]"
"""What a value becomes when redaction itself failed: nothing unverified leaves."""


class RedactionProcessor(LogRecordProcessor):
    """A LogRecordProcessor that hides PII and secrets in bodies and attributes.

    It rewrites the record in place: the body (text, bytes, maps, lists, JSON held in a
    string) and every attribute, then adds collector-style ``redaction.*`` summary
    attributes. It never raises into the application: if redaction of a record fails,
    that record's body and non-numeric attributes are replaced (fail closed) and the
    failure is counted via :func:`hydra_otel.core.track_error`.

    Args:
        options: what to detect and how to replace it; ``None`` = safe defaults.
        sanitizer: an existing engine to share (then ``options`` is ignored).
    """

    def __init__(
        self,
        options: RedactionOptions | None = None,
        *,
        sanitizer: DataSanitizer | None = None,
    ) -> None:
        self._sanitizer = sanitizer if sanitizer is not None else DataSanitizer(options)
        self._summary = self._sanitizer.options.summary
        self._dry_run = self._sanitizer.options.dry_run
        self._stats = RedactionStats()

    @classmethod
    def from_settings(
        cls, settings: HydraSettings | None = None, **overrides: Any
    ) -> RedactionProcessor:
        """A processor configured from the HYDRA_REDACTION_* settings."""
        return cls(RedactionOptions.from_settings(settings, **overrides))

    @property
    def sanitizer(self) -> DataSanitizer:
        """The engine doing the work (shareable with a RedactionSpanProcessor)."""
        return self._sanitizer

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        """Redact ``log_record`` in place."""
        self.apply(log_record.log_record)

    def apply(self, record: LogRecord) -> None:
        """What ``on_emit`` does, on the API ``LogRecord`` itself (hydra's emit path)."""
        started = perf_counter_ns()
        report = None
        try:
            body = record.body
            attributes: Any = record.attributes  # a mutable mapping on every emit path
            sanitizer = self._sanitizer
            if sanitizer.known_clean(body, attributes):  # most records: nothing to do
                self._stats.record(None, perf_counter_ns() - started)
                return
            report = RedactionReport()
            redacted = sanitizer.redact_record(body, attributes, report)
            if redacted is not body:
                record.body = redacted
            if report.found and attributes is not None:
                write_summary(attributes, report, self._summary, self._dry_run)
        except Exception as exc:
            _fail_closed(record, exc)
            self._stats.failure()
        self._stats.record(report, perf_counter_ns() - started)

    def stats(self) -> dict[str, Any]:
        """Self-metrics: records, records redacted, matches by entity, time spent."""
        return self._stats.snapshot()

    def register_metrics(self, meter: Meter) -> None:
        """Publish the self-metrics as OTel observable counters on ``meter``."""
        register_redaction_metrics(meter, self._stats, "logs")

    def shutdown(self) -> None:
        """Nothing to release; redaction keeps working (it must never let data through)."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Nothing is buffered here."""
        return True


def _fail_closed(record: Any, exc: Exception) -> None:
    track_error("redaction", f"redaction failed ({type(exc).__name__}); record masked")
    try:
        if record.body is not None:
            record.body = FAILURE_TOKEN
        attributes = record.attributes
        if attributes:
            for key, value in list(attributes.items()):
                if not isinstance(value, (bool, int, float)):
                    attributes[key] = FAILURE_TOKEN
    except Exception:
        track_error("redaction", "could not mask a record after a redaction failure")


def register_redaction_metrics(meter: Meter, stats: RedactionStats, signal: str) -> None:
    """Observable counters ``hydra.redaction.records``, ``.records_redacted``, ``.matches``
    (attribute ``entity``) and ``.time`` (seconds), each with attribute ``signal``."""
    from opentelemetry.metrics import CallbackOptions, Observation

    def records(_: CallbackOptions) -> list[Observation]:
        return [Observation(stats.snapshot()["records"], {"signal": signal})]

    def redacted(_: CallbackOptions) -> list[Observation]:
        return [Observation(stats.snapshot()["records_redacted"], {"signal": signal})]

    def matches(_: CallbackOptions) -> list[Observation]:
        by_entity = stats.snapshot()["matches_by_entity"]
        return [Observation(n, {"signal": signal, "entity": e}) for e, n in by_entity.items()]

    def spent(_: CallbackOptions) -> list[Observation]:
        return [Observation(stats.snapshot()["time_ns"] / 1e9, {"signal": signal})]

    meter.create_observable_counter("hydra.redaction.records", [records], "{record}")
    meter.create_observable_counter("hydra.redaction.records_redacted", [redacted], "{record}")
    meter.create_observable_counter("hydra.redaction.matches", [matches], "{match}")
    meter.create_observable_counter("hydra.redaction.time", [spent], "s")
