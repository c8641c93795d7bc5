"""SharedProcessorView: one layer's window on a processor that several layers share."""

from __future__ import annotations

from dataclasses import dataclass

from opentelemetry.sdk._logs import LogRecordProcessor, ReadWriteLogRecord


@dataclass(slots=True)
class SharedProcessorView(LogRecordProcessor):
    """One layer's view of a processor that several layers share.

    It passes records at or above ``min_severity`` on, and leaves shutdown to the
    pipeline, which shuts each shared processor down exactly once.
    """

    processor: LogRecordProcessor
    min_severity: int

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        severity = log_record.log_record.severity_number
        if severity is not None and severity._value_ >= self.min_severity:  # see EmitPlan.run
            self.processor.on_emit(log_record)

    def shutdown(self) -> None:
        """Shared processors are shut down once by the pipeline, not per layer."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.processor.force_flush(timeout_millis)
