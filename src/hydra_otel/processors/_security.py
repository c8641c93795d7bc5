"""SecurityValidationProcessor: log-injection defences as a LogRecordProcessor."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk._logs import LogRecordProcessor, ReadWriteLogRecord

from hydra_otel.core import track_error
from hydra_otel.data_protection import SecurityValidator

NEUTRALIZED = "hydra.security.neutralized"
"""Attribute listing what was neutralised in a record, e.g. ``"ansi,line_break"``."""


class SecurityValidationProcessor(LogRecordProcessor):
    """Neutralises CR/LF, ANSI/control sequences and oversized values in each record.

    A record that needed changes gets ``hydra.security.neutralized`` naming the kinds.

    Args:
        validator: the rules; ``None`` = ``SecurityValidator()`` defaults.
    """

    def __init__(self, validator: SecurityValidator | None = None) -> None:
        self._validator = validator if validator is not None else SecurityValidator()
        self._neutralized = 0

    @property
    def neutralized_records(self) -> int:
        """How many records needed a change so far."""
        return self._neutralized

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        """Neutralise ``log_record`` in place."""
        try:
            self._validate(log_record.log_record)
        except Exception as exc:
            track_error("security_validation", f"validation failed ({type(exc).__name__})")

    def _validate(self, record: Any) -> None:
        body, findings = self._validator.validate_body(record.body)
        if findings:
            record.body = body
        attributes = record.attributes
        if attributes:
            findings += self._validator.validate_attributes(attributes)
        if findings and attributes is not None:
            attributes[NEUTRALIZED] = ",".join(sorted({f.kind for f in findings}))
            self._neutralized += 1

    def shutdown(self) -> None:
        """Nothing to release."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Nothing is buffered here."""
        return True
