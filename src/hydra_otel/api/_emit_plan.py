"""EmitPlan: the processors behind an SDK Logger, flattened into steps hydra runs itself.

When every processor behind a logger is one hydra knows (the safety processors, the
fallback export processor, and the layer views and multi-processors that group them), a
record does not need to go through the SDK's dispatch: the safety processors work on
the API ``LogRecord`` directly, and an export processor whose exporter is hydra's OTLP
one encodes the record on the spot (``FallbackExportProcessor.emit_encoded``) instead of
copying it for its background thread. Steps run in the order the processors were added,
behind the same severity gates, so the bytes that leave are the same.

Any other processor (a user's own, the audit chain, a subclass of ours) makes the plan
*standard*: the whole logger then takes the SDK's path, so that processor sees an
ordinary ``ReadWriteLogRecord`` exactly as before. Processors added to the provider
later are noticed (the SDK replaces its processor tuple) and the plan is rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opentelemetry._logs import LogRecord
from opentelemetry.sdk._logs import (
    LogRecordProcessor,
    ReadWriteLogRecord,
    SynchronousMultiLogRecordProcessor,
)

from hydra_otel.api._shared_view import SharedProcessorView
from hydra_otel.export import FallbackExportProcessor
from hydra_otel.processors import RedactionProcessor, SecurityValidationProcessor

_IN_PLACE_STEPS = (SecurityValidationProcessor, RedactionProcessor)
"""Processors whose ``apply(record)`` is exactly their ``on_emit`` (exact types only)."""

_UNGATED = -1
"""Gate of a processor no layer view restricts: every record passes."""

APPLY, ENCODE, ON_EMIT = 0, 1, 2
"""Step kinds: a safety processor's ``apply``; ``emit_encoded``; a plain ``on_emit``."""

Step = tuple[int, int, Any]
"""``(severity gate, kind, processor)``; a record passes when its severity >= the gate."""


@dataclass(frozen=True, slots=True)
class EmitPlan:
    """The steps for one logger's processors, or ``steps=None`` for the SDK's path."""

    sources: tuple[tuple[SynchronousMultiLogRecordProcessor, tuple[Any, ...]], ...]
    """Each multi-processor the plan was built from, with the processor tuple it had."""
    steps: tuple[Step, ...] | None

    def is_current(self) -> bool:
        """False once a processor was added anywhere in the chain since the plan was built."""
        for multi, seen in self.sources:  # noqa: SIM110 - runs per record; all() + a generator costs more
            if multi._log_record_processors is not seen:
                return False
        return True

    def run(self, record: LogRecord, resource: Any, scope: Any, limits: Any) -> None:
        """Pass ``record`` through every step its severity reaches."""
        assert self.steps is not None
        number = record.severity_number
        # ``_value_`` (the member's value, as Enum documents it) rather than the ``value``
        # property, which runs Python code per record
        severity = number._value_ if number is not None else _UNGATED
        writable: ReadWriteLogRecord | None = None
        for gate, kind, processor in self.steps:
            if severity < gate:
                continue
            if kind == APPLY:
                processor.apply(record)
            elif kind == ENCODE:
                processor.emit_encoded(record, resource, scope)
            else:
                if writable is None:
                    writable = _writable(record, resource, scope, limits)
                processor.on_emit(writable)


def plan_for(multi: SynchronousMultiLogRecordProcessor) -> EmitPlan:
    """Build the plan of the processors behind ``multi`` (an SDK logger's multi-processor)."""
    sources: list[tuple[SynchronousMultiLogRecordProcessor, tuple[Any, ...]]] = []
    steps: list[Step] = []
    ours = _flatten(multi, _UNGATED, steps, sources)
    return EmitPlan(tuple(sources), tuple(steps) if ours else None)


def _flatten(
    processor: LogRecordProcessor,
    gate: int,
    steps: list[Step],
    sources: list[tuple[SynchronousMultiLogRecordProcessor, tuple[Any, ...]]],
) -> bool:
    """Append ``processor``'s steps; False if it (or one inside it) is not ours."""
    kind = type(processor)
    if kind is SharedProcessorView:
        view: Any = processor
        return _flatten(view.processor, max(gate, view.min_severity), steps, sources)
    if kind is SynchronousMultiLogRecordProcessor:
        multi: Any = processor
        inner = multi._log_record_processors
        sources.append((multi, inner))
        return all(_flatten(each, gate, steps, sources) for each in inner)
    if kind in _IN_PLACE_STEPS:
        steps.append((gate, APPLY, processor))
        return True
    if kind is FallbackExportProcessor:
        export: Any = processor
        steps.append((gate, ENCODE if export.encodes_on_emit else ON_EMIT, processor))
        return True
    return False


def _writable(record: LogRecord, resource: Any, scope: Any, limits: Any) -> ReadWriteLogRecord:
    writable = ReadWriteLogRecord.__new__(ReadWriteLogRecord)
    writable.log_record = record
    writable.resource = resource
    writable.instrumentation_scope = scope
    writable.limits = limits
    return writable
