"""DirectEmitter builds what the SDK's Logger.emit builds, and defers to it at the limits."""

from __future__ import annotations

import pytest
from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider

from hydra_otel import HydraLogger
from hydra_otel.api import DirectEmitter


def test_direct_records_equal_sdk_records() -> None:
    exporter = InMemoryLogRecordExporter()
    processor = SimpleLogRecordProcessor(exporter)
    provider = LoggerProvider(resource=Resource({"service.name": "svc"}), shutdown_on_exit=False)
    provider.add_log_record_processor(processor)
    otel_logger = provider.get_logger("scope", "1.0")
    emitter = DirectEmitter(otel_logger)
    attributes = {"hydra.layer": "APP", "n": 3, "tags": ("a", "b")}
    with TracerProvider().get_tracer("t").start_as_current_span("span"):
        otel_logger.emit(
            LogRecord(
                timestamp=123,
                observed_timestamp=123,
                severity_number=SeverityNumber.WARN,
                severity_text="WARNING",
                body="hello",
                attributes=dict(attributes),
                event_name="hydra.security",
            )
        )
        emitter.emit(
            123, SeverityNumber.WARN, "WARNING", "hello", dict(attributes), "hydra.security"
        )
    sdk, direct = exporter.get_finished_logs()
    for name in (
        "timestamp",
        "trace_id",
        "span_id",
        "trace_flags",
        "severity_text",
        "severity_number",
        "body",
        "event_name",
    ):
        assert getattr(direct.log_record, name) == getattr(sdk.log_record, name), name
    assert direct.log_record.trace_id != 0
    assert dict(direct.log_record.attributes) == dict(sdk.log_record.attributes)
    assert direct.resource == sdk.resource
    assert direct.instrumentation_scope == sdk.instrumentation_scope
    assert direct.dropped_attributes == sdk.dropped_attributes == 0


def test_records_over_the_attribute_limits_take_the_sdk_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "3")
    monkeypatch.setenv("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "5")
    with HydraLogger.for_testing() as log:
        log.info("APP", "many", extra={"a": 1, "b": 2, "c": 3, "d": 4})
        log.info("APP", "long", extra={"text": "abcdefghij"})
        many, long = log.memory_records()
    assert len(many.log_record.attributes) == 3
    assert many.dropped_attributes == 2
    assert long.log_record.attributes["text"] == "abcde"
