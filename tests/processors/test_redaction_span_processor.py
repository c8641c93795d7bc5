"""RedactionSpanProcessor in a real SDK TracerProvider, ahead of the export processor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanContext, Status, StatusCode, TraceFlags

from hydra_otel.data_protection import DataSanitizer
from hydra_otel.processors import RedactionProcessor, RedactionSpanProcessor


@pytest.fixture
def span_exporter() -> Iterator[InMemorySpanExporter]:
    """An in-memory exporter behind a TracerProvider that redacts first."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(RedactionSpanProcessor())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    exporter.tracer = provider.get_tracer("test")  # type: ignore[attr-defined]
    yield exporter
    provider.shutdown()


def _only_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    (span,) = exporter.get_finished_spans()
    return span


def test_span_name_attributes_events_links_and_status_are_redacted(
    span_exporter: InMemorySpanExporter,
) -> None:
    linked = SpanContext(0xABC, 0xDEF, is_remote=True, trace_flags=TraceFlags(1))
    tracer = span_exporter.tracer  # type: ignore[attr-defined]
    with tracer.start_as_current_span(
        "GET /users/ann@example.com",
        attributes={"http.request.header.authorization": "Bearer abcDEF1234567890", "n": 1},
        links=[Link(linked, {"peer.email": "bob@example.org"})],
    ) as span:
        span.add_event("lookup", {"phone": "+1 415 555 2671"})
        span.set_status(Status(StatusCode.ERROR, "card 4111111111111111 declined"))
        try:
            raise ValueError("bad ssn 503-25-1897")
        except ValueError as exc:
            span.record_exception(exc)
    exported = _only_span(span_exporter)
    assert exported.name == "GET /users/[REDACTED:email]"
    assert exported.attributes is not None
    assert exported.attributes["http.request.header.authorization"] == "[REDACTED:secret]"
    assert exported.attributes["n"] == 1
    assert exported.attributes["redaction.masked.keys"] == "http.request.header.authorization"
    assert exported.status.description == "card [REDACTED:credit_card] declined"
    events = {event.name: dict(event.attributes or {}) for event in exported.events}
    assert events["lookup"] == {"phone": "[REDACTED:phone]"}
    assert "503-25-1897" not in events["exception"]["exception.message"]
    assert "503-25-1897" not in events["exception"]["exception.stacktrace"]
    assert dict(exported.links[0].attributes or {}) == {"peer.email": "[REDACTED:email]"}
    assert exported.links[0].context.trace_id == 0xABC


def test_clean_spans_are_left_as_they_are(span_exporter: InMemorySpanExporter) -> None:
    tracer = span_exporter.tracer  # type: ignore[attr-defined]
    with tracer.start_as_current_span("checkout", attributes={"items": 3, "region": "eu-west-1"}):
        pass
    exported = _only_span(span_exporter)
    assert exported.name == "checkout"
    assert dict(exported.attributes or {}) == {"items": 3, "region": "eu-west-1"}


def test_log_and_span_processors_can_share_one_engine() -> None:
    shared = DataSanitizer()
    assert RedactionProcessor(sanitizer=shared).sanitizer is shared
    span_processor = RedactionSpanProcessor(sanitizer=shared)
    assert span_processor.force_flush() is True
    assert span_processor.stats()["records"] == 0
