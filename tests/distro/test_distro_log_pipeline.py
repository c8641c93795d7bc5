"""The logs-pipeline seam and the re-entry guard around exporters that log while exporting."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence

import pytest
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import (
    LogRecordExporter,
    LogRecordExportResult,
    SimpleLogRecordProcessor,
)
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from hydra_otel.distro import PipelineGuardedSpanExporter, build_log_record_processors
from hydra_otel_instrumentation_logging import HydraLoggingInstrumentor

TRANSPORT = logging.getLogger("tests.transport")


class ChattyLogExporter(LogRecordExporter):
    """Stands in for a network exporter whose HTTP library logs every request it sends."""

    def __init__(self) -> None:
        self.bodies: list[object] = []

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        TRANSPORT.warning("sent %d record(s)", len(batch))
        self.bodies.extend(readable.log_record.body for readable in batch)
        return LogRecordExportResult.SUCCESS

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


class ChattySpanExporter(SpanExporter):
    """A span exporter whose transport logs every request."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        TRANSPORT.warning("sent %d span(s)", len(spans))
        self.names.extend(span.name for span in spans)
        return SpanExportResult.SUCCESS


@pytest.fixture
def app_console() -> Iterator[io.StringIO]:
    """The application's own console handler on the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def _bridged_provider(*processors: object) -> LoggerProvider:
    provider = LoggerProvider(shutdown_on_exit=False)
    for processor in processors:
        provider.add_log_record_processor(processor)  # type: ignore[arg-type]
    HydraLoggingInstrumentor().instrument(logger_provider=provider)
    return provider


def test_the_seam_feeds_every_exporter_in_order() -> None:
    first, second = ChattyLogExporter(), ChattyLogExporter()
    processors = build_log_record_processors([first, second])
    provider = _bridged_provider(*processors)

    logging.getLogger("tests.app").error("one record")
    assert provider.force_flush()

    kinds = [type(processor).__name__ for processor in processors]
    assert kinds == [
        "SecurityValidationProcessor",
        "RedactionProcessor",
        "FallbackExportProcessor",
        "FallbackExportProcessor",
    ]
    assert first.bodies == ["one record"] and second.bodies == ["one record"]


def test_a_batched_exporter_that_logs_while_exporting_does_not_feed_itself(
    app_console: io.StringIO,
) -> None:
    exporter = ChattyLogExporter()
    provider = _bridged_provider(*build_log_record_processors([exporter]))

    logging.getLogger("tests.app").error("hello")
    assert provider.force_flush()
    assert provider.force_flush()
    provider.shutdown()

    assert exporter.bodies == ["hello"]
    assert app_console.getvalue() == "hello\nsent 1 record(s)\n"


def test_a_synchronous_exporter_that_logs_does_not_recurse(app_console: io.StringIO) -> None:
    exporter = ChattyLogExporter()
    provider = _bridged_provider(SimpleLogRecordProcessor(exporter))

    logging.getLogger("tests.app").error("hello")
    provider.shutdown()

    assert exporter.bodies == ["hello"]
    assert app_console.getvalue() == "hello\nsent 1 record(s)\n"


def test_span_export_logging_is_not_bridged(app_console: io.StringIO) -> None:
    log_exporter = ChattyLogExporter()
    provider = _bridged_provider(SimpleLogRecordProcessor(log_exporter))
    span_exporter = ChattySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(
        SimpleSpanProcessor(PipelineGuardedSpanExporter(span_exporter))
    )

    with tracer_provider.get_tracer("tests").start_as_current_span("work"):
        pass
    provider.shutdown()

    assert span_exporter.names == ["work"]
    assert log_exporter.bodies == []
    assert "sent 1 span(s)" in app_console.getvalue()
