"""Emitting into an SDK Logger's processors without re-validating attributes we built.

``Logger.emit`` copies every record's attributes into ``BoundedAttributes``, checking
each value again; HydraLogger (``to_attributes``) and the stdlib bridge only ever build
valid values, so for a record inside the attribute limits that copy changes nothing
and costs about half of the SDK's per-record time. :class:`DirectEmitter` builds
the same ``ReadWriteLogRecord`` the SDK would and hands it to the logger's processors,
keeping what ``Logger.emit`` does besides the copy: the logger configurator's
enabled flag, the SDK's own log-count metric, the current resource (it changes after a
fork). Records that would hit a limit take ``Logger.emit`` itself, so limits and dropped
counts stay exactly the SDK's. Any other ``Logger`` (a proxy, another SDK) is used
through its public ``emit``. When every processor behind the logger is one of
hydra's, the record skips the SDK's dispatch too (see :mod:`._emit_plan`).
"""

from __future__ import annotations

from time import time_ns
from typing import Any

from opentelemetry._logs import Logger, LogRecord, SeverityNumber
from opentelemetry.context import get_current
from opentelemetry.sdk._logs import Logger as SdkLogger
from opentelemetry.sdk._logs import ReadWriteLogRecord
from opentelemetry.trace import INVALID_SPAN, get_current_span

from hydra_otel.api._emit_plan import EmitPlan, plan_for

_CURRENT_SPAN_KEY: str | None
try:  # where the API keeps the current span in a Context (private, stable since 1.0)
    from opentelemetry.trace.propagation import _SPAN_KEY as _CURRENT_SPAN_KEY
except ImportError:  # pragma: no cover - an API that moved it: always ask get_current_span()
    _CURRENT_SPAN_KEY = None

_NO_SPAN_FLAGS = INVALID_SPAN.get_span_context().trace_flags
"""The trace flags of a record emitted outside any span (the invalid span's)."""

_SDK_LOGGER_FIELDS = (
    "_resource",
    "_multi_log_record_processor",
    "_instrumentation_scope",
    "_logger_metrics",
    "_logger_config",
    "_log_record_limits",
)


class DirectEmitter:
    """Emits records for one OpenTelemetry Logger, straight into SDK processors when it can."""

    __slots__ = ("_direct", "_logger", "_max_count", "_max_length", "_plan")

    def __init__(self, logger: Logger) -> None:
        self._logger = logger
        self._direct = isinstance(logger, SdkLogger) and all(
            hasattr(logger, field) for field in _SDK_LOGGER_FIELDS
        )
        limits = getattr(logger, "_log_record_limits", None)
        self._max_count: int | None = getattr(limits, "max_log_record_attributes", None)
        self._max_length: int | None = getattr(limits, "max_log_record_attribute_length", None)
        self._plan: EmitPlan | None = None

    @property
    def plan(self) -> EmitPlan | None:
        """How the latest record went through the logger's processors (None before the first).

        ``plan.steps is None`` means the SDK's own path; see :mod:`._emit_plan`.
        """
        return self._plan

    def emit(
        self,
        timestamp: int,
        severity_number: SeverityNumber,
        severity_text: str,
        body: str,
        attributes: dict[str, Any],
        event_name: str | None = None,
        exception: BaseException | None = None,
    ) -> None:
        """Emit one record, as ``Logger.emit`` with these keywords would.

        Records carrying an exception take ``Logger.emit``, which adds the
        ``exception.*`` attributes exactly as the SDK defines them.
        """
        max_count, max_length = self._max_count, self._max_length
        if (
            exception is not None
            or not self._direct
            or (max_count is not None and len(attributes) > max_count)
            or (max_length is not None and _has_longer(attributes, max_length))
        ):
            self._logger.emit(
                timestamp=timestamp,
                severity_number=severity_number,
                severity_text=severity_text,
                body=body,
                attributes=attributes,
                event_name=event_name,
                exception=exception,
            )
            return
        logger: Any = self._logger
        if not logger._logger_config.is_enabled:
            return
        context = get_current()
        record = LogRecord.__new__(LogRecord)
        record.timestamp = timestamp
        record.observed_timestamp = time_ns()
        record.context = context
        if _CURRENT_SPAN_KEY is not None and context.get(_CURRENT_SPAN_KEY) is None:
            # no span: what get_current_span() would give
            record.trace_id = record.span_id = 0
            record.trace_flags = _NO_SPAN_FLAGS
        else:
            span_context = get_current_span(context).get_span_context()
            record.trace_id = span_context.trace_id
            record.span_id = span_context.span_id
            record.trace_flags = span_context.trace_flags
        record.severity_text = severity_text
        record.severity_number = severity_number
        record.body = body
        record.attributes = attributes
        record.event_name = event_name
        record.exception = None
        logger._logger_metrics.emit_log()
        multi = logger._multi_log_record_processor
        plan = self._plan
        if plan is None or not plan.is_current():
            plan = self._plan = plan_for(multi)
        if plan.steps is not None:
            plan.run(
                record, logger._resource, logger._instrumentation_scope, logger._log_record_limits
            )
            return
        writable = ReadWriteLogRecord.__new__(ReadWriteLogRecord)
        writable.log_record = record
        writable.resource = logger._resource
        writable.instrumentation_scope = logger._instrumentation_scope
        writable.limits = logger._log_record_limits
        multi.on_emit(writable)


def _has_longer(attributes: dict[str, Any], max_length: int) -> bool:
    """True when a string value is longer than the SDK's attribute length limit."""
    return any(isinstance(value, str) and len(value) > max_length for value in attributes.values())
