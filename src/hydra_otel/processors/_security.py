"""SecurityValidationProcessor: log-injection defences as a LogRecordProcessor."""

from __future__ import annotations

from typing import Any

from opentelemetry._logs import LogRecord
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.sdk._logs import LogRecordProcessor, ReadWriteLogRecord

from hydra_otel.core import track_error
from hydra_otel.data_protection import SecurityFinding, SecurityValidator

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
        self._max_length = self._validator.max_length
        self._neutralized = 0

    @property
    def neutralized_records(self) -> int:
        """How many records needed a change so far."""
        return self._neutralized

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        """Neutralise ``log_record`` in place."""
        self.apply(log_record.log_record)

    def apply(self, record: LogRecord) -> None:
        """What ``on_emit`` does, on the API ``LogRecord`` itself (hydra's emit path)."""
        try:
            body = record.body  # the common case, a clean record, decided without a call
            if type(body) is str:
                body_clean = len(body) <= self._max_length and body.isprintable()
            else:
                body_clean = self._is_clean(body)
            attributes: Any = record.attributes
            values = attributes._dict if type(attributes) is BoundedAttributes else attributes
            attributes_clean = not values or self._all_clean(values.values())  # (past its lock)
            if not (body_clean and attributes_clean):
                self._neutralize(record, body_clean, attributes_clean)
        except Exception as exc:
            track_error("security_validation", f"validation failed ({type(exc).__name__})")

    def _neutralize(self, record: Any, body_clean: bool, attributes_clean: bool) -> None:
        findings: list[SecurityFinding] = []
        if not body_clean:
            body, findings = self._validator.validate_body(record.body)
            if findings:
                record.body = body
        attributes = record.attributes
        if not attributes_clean:
            findings += self._validator.validate_attributes(attributes)
        if findings and attributes is not None:
            attributes[NEUTRALIZED] = ",".join(sorted({f.kind for f in findings}))
            self._neutralized += 1

    def _all_clean(self, values: Any) -> bool:
        """:meth:`_is_clean` of every value, with the plain-text case inlined (hot path)."""
        max_length = self._max_length
        for value in values:
            kind = type(value)
            if kind is str:
                if len(value) > max_length or not value.isprintable():
                    return False
            elif (kind is tuple or kind is list) and not self._is_clean(value):
                return False
        return True

    def _is_clean(self, value: Any) -> bool:
        """The common case, decided without building anything: nothing to neutralise."""
        kind = type(value)
        if kind is str:
            return len(value) <= self._max_length and value.isprintable()
        if kind is tuple or kind is list:
            return all(self._is_clean(item) for item in value)
        return True

    def shutdown(self) -> None:
        """Nothing to release."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Nothing is buffered here."""
        return True
