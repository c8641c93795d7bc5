"""SecurityValidationProcessor: log-injection defences inside a real SDK pipeline."""

from __future__ import annotations

from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

from hydra_otel.processors import SecurityValidationProcessor


def test_injection_is_neutralised_and_reported() -> None:
    exporter = InMemoryLogRecordExporter()
    provider = LoggerProvider()
    processor = SecurityValidationProcessor()
    provider.add_log_record_processor(processor)
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("test")
    logger.emit(
        body="login \x1b[31mfailed\x1b[0m",
        attributes={
            "user": "bob\r\n2024-01-01 INFO admin logged in",
            "exception.stacktrace": "a\nb",
        },
    )
    logger.emit(body="clean line", attributes={"user": "ann"})
    first, second = (item.log_record for item in exporter.get_finished_logs())
    assert first.body == "login \\x1b[31mfailed\\x1b[0m"
    attributes = dict(first.attributes or {})
    assert attributes["user"] == "bob\\r\\n2024-01-01 INFO admin logged in"
    assert attributes["exception.stacktrace"] == "a\nb"
    assert attributes["hydra.security.neutralized"] == "ansi,line_break"
    assert second.body == "clean line" and "hydra.security.neutralized" not in (
        second.attributes or {}
    )
    assert processor.neutralized_records == 1
    provider.shutdown()
