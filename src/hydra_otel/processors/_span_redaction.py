"""RedactionSpanProcessor: the span-side twin of RedactionProcessor.

A span's attributes are frozen when it ends, and the SDK hands every span processor the
same ``ReadableSpan`` object in registration order. Registered before the export
processor, this one replaces that object's name, attributes, event attributes, link
attributes and status description with redacted copies, so exporters only ever see
the redacted span. The SDK offers no public setter for an ended span, so this touches
the ReadableSpan's underscore fields; if the SDK ever changes them the processor
counts the failure and leaves the span alone rather than raising.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from opentelemetry.attributes import BoundedAttributes
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanProcessor
from opentelemetry.sdk.util import BoundedList
from opentelemetry.trace import Link, Status

from hydra_otel.core import track_error
from hydra_otel.data_protection import (
    DataSanitizer,
    RedactionOptions,
    RedactionReport,
    RedactionStats,
)
from hydra_otel.processors._redaction import register_redaction_metrics
from hydra_otel.processors._summary import summary_attributes

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.metrics import Meter
    from opentelemetry.sdk.trace import Span

    from hydra_otel.config import HydraSettings


class RedactionSpanProcessor(SpanProcessor):
    """A SpanProcessor that hides PII and secrets in ended spans before export.

    Args:
        options: what to detect and how to replace it; ``None`` = safe defaults.
        sanitizer: an existing engine to share with the log-side RedactionProcessor.
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
    ) -> RedactionSpanProcessor:
        """A processor configured from the HYDRA_REDACTION_* settings."""
        return cls(RedactionOptions.from_settings(settings, **overrides))

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Nothing to do at start: attributes may still change until the span ends."""

    def on_end(self, span: ReadableSpan) -> None:
        """Replace the ended span's sensitive content with redacted copies."""
        started = time.perf_counter_ns()
        report = RedactionReport()
        try:
            self._redact(span, report)
        except Exception as exc:
            track_error("redaction", f"span redaction failed ({type(exc).__name__})")
            self._stats.failure()
        self._stats.record(report, time.perf_counter_ns() - started)

    def _redact(self, span: ReadableSpan, report: RedactionReport) -> None:
        redact = self._sanitizer.redact
        name = redact(span._name, report)
        description = span._status.description
        new_description = redact(description, report) if description else description
        report.body = report.found > 0
        attributes = self._attributes(span._attributes, report, top_level=True)
        events = [self._event(event, report) for event in span._events]
        links = [self._link(link, report) for link in span._links]
        if not report:
            return
        summary = summary_attributes(report, self._summary, self._dry_run)
        if self._dry_run:
            attributes = span._attributes
        else:
            span._name = name
            if new_description is not description:
                span._status = Status(span._status.status_code, new_description)
            span._events = _same_bounds(span._events, events)
            span._links = _same_bounds(span._links, links)
        span._attributes = _bounded_like(span._attributes, {**(attributes or {}), **summary})

    def _attributes(
        self, attributes: Mapping[str, Any] | None, report: RedactionReport, top_level: bool
    ) -> Mapping[str, Any] | None:
        if not attributes:
            return attributes
        copy = dict(attributes)
        if top_level:
            self._sanitizer.redact_attributes(copy, report)
        else:
            keys = set(report.keys)
            self._sanitizer.redact_attributes(copy, report)
            report.keys = keys
        return copy if copy != dict(attributes) else attributes

    def _event(self, event: Event, report: RedactionReport) -> Event:
        before = report.found
        attributes = self._attributes(event.attributes, report, top_level=False)
        if report.found == before or self._dry_run:
            return event
        return Event(event.name, _bounded_like(event.attributes, attributes), event.timestamp)

    def _link(self, link: Link, report: RedactionReport) -> Link:
        before = report.found
        attributes = self._attributes(link.attributes, report, top_level=False)
        if report.found == before or self._dry_run:
            return link
        return Link(link.context, _bounded_like(link.attributes, attributes))

    def stats(self) -> dict[str, Any]:
        """Self-metrics: spans, spans redacted, matches by entity, time spent."""
        return self._stats.snapshot()

    def register_metrics(self, meter: Meter) -> None:
        """Publish the self-metrics as OTel observable counters on ``meter``."""
        register_redaction_metrics(meter, self._stats, "traces")

    def shutdown(self) -> None:
        """Nothing to release; redaction keeps working (it must never let data through)."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Nothing is buffered here."""
        return True


def _bounded_like(original: Any, values: Mapping[str, Any] | None) -> BoundedAttributes:
    """An immutable BoundedAttributes with ``values`` and the limits of ``original``."""
    if isinstance(original, BoundedAttributes):
        bounded = BoundedAttributes(
            original.maxlen, values, immutable=True, max_value_len=original.max_value_len
        )
        bounded.dropped += original.dropped
        return bounded
    return BoundedAttributes(None, values, immutable=True)


def _same_bounds(original: Any, items: list[Any]) -> Any:
    if isinstance(original, BoundedList):
        maxlen = getattr(getattr(original, "_dq", None), "maxlen", None)
        bounded = BoundedList.from_seq(maxlen, items)
        bounded.dropped = original.dropped
        return bounded
    return type(original)(items) if isinstance(original, (list, tuple)) else items
