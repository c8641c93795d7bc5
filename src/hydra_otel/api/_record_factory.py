"""Building ReadWriteLogRecords the way the SDK's ``Logger.emit`` does, minus its per-record costs.

``Logger.emit`` wraps every record's attributes in ``BoundedAttributes``, re-validating
values that ``to_attributes`` has already made valid; that is about half the cost of a
Hydra log call. When the record is within the attribute limits (count, and value length
when one is set) the result is the same, so hydra builds the record directly and hands it
to the same processors. Records that would hit a limit, or carry an exception, take the
SDK's own path, so dropped-attribute counts and exception attributes stay exactly OTel's.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.context import get_current
from opentelemetry.sdk._logs import Logger, LogRecordProcessor, ReadWriteLogRecord
from opentelemetry.trace import get_current_span
from opentelemetry.util.types import AttributeValue


class RecordFactory:
    """Emits records for one SDK Logger straight into its processors."""

    __slots__ = ("_limits", "_max_count", "_max_length", "_processors", "_resource", "_scope")

    def __init__(self, otel_logger: Logger, processors: Sequence[LogRecordProcessor]) -> None:
        self._resource = otel_logger.resource
        self._scope = otel_logger.instrumentation_scope
        self._limits = otel_logger._log_record_limits
        self._max_count = self._limits.max_log_record_attributes
        self._max_length = self._limits.max_log_record_attribute_length
        self._processors = tuple(processors)

    def within_limits(self, attributes: dict[str, AttributeValue]) -> bool:
        """True when the SDK's attribute limits would leave ``attributes`` unchanged."""
        if self._max_count is not None and len(attributes) > self._max_count:
            return False
        if self._max_length is None:
            return True
        return not any(
            isinstance(value, str) and len(value) > self._max_length
            for value in attributes.values()
        )

    def emit(
        self,
        timestamp: int,
        severity_number: SeverityNumber,
        severity_text: str,
        body: str,
        attributes: dict[str, AttributeValue],
        event_name: str | None,
    ) -> None:
        """Build one record, as ``Logger.emit`` would, and pass it to every processor."""
        context = get_current()
        span_context = get_current_span(context).get_span_context()
        record = LogRecord.__new__(LogRecord)
        record.timestamp = timestamp
        record.observed_timestamp = timestamp
        record.context = context
        record.trace_id = span_context.trace_id
        record.span_id = span_context.span_id
        record.trace_flags = span_context.trace_flags
        record.severity_text = severity_text
        record.severity_number = severity_number
        record.body = body
        record.attributes = attributes
        record.event_name = event_name
        record.exception = None
        writable = ReadWriteLogRecord.__new__(ReadWriteLogRecord)
        writable.log_record = record
        writable.resource = self._resource
        writable.instrumentation_scope = self._scope
        writable.limits = self._limits
        for processor in self._processors:
            processor.on_emit(writable)
