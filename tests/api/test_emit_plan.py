"""Hydra's own emit path (EmitPlan) sends exactly what the SDK's processor path sends.

Two SDK loggers share one chain of hydra processors (injection neutralising,
redaction, the fallback export processor with hydra's OTLP exporter). One of them also
has a user processor at the front, which makes its records take the SDK's ordinary
path; the other runs the fused plan. Every record of a varied set is emitted through
both, and the receiver must get the same records, apart from the per-record id.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import (
    LoggerProvider,
    LogRecordProcessor,
    ReadableLogRecord,
    ReadWriteLogRecord,
    SynchronousMultiLogRecordProcessor,
)
from opentelemetry.sdk._logs.export import LogRecordExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider

from hydra_otel.api import DirectEmitter
from hydra_otel.api._emit_plan import APPLY, ENCODE, ON_EMIT, plan_for
from hydra_otel.api._shared_view import SharedProcessorView
from hydra_otel.export import RECORD_UID_KEY, FallbackExportOptions, FallbackExportProcessor
from hydra_otel.export.otlp import FastOTLPLogExporter
from hydra_otel.processors import RedactionProcessor, SecurityValidationProcessor
from hydra_otel.testing import OtlpReceiver

RECORDS: list[tuple[SeverityNumber, str, Any, dict[str, Any], str | None]] = [
    (SeverityNumber.INFO, "INFO", "user logged in", {"user.id": "u1", "n": 3}, None),
    (SeverityNumber.WARN, "SECURITY", "login failed", {"hydra.category": "security"}, "hydra.security"),
    (SeverityNumber.INFO, "INFO", "mail alice@example.com now", {"card": "4111 1111 1111 1111"}, None),
    (SeverityNumber.ERROR, "ERROR", "line one\r\nforged line", {"path": "/x\x1b[31m"}, None),
    (SeverityNumber.INFO, "INFO", "types", {
        "f": 1.5, "b": True, "i": -7, "big": 2**62, "raw": b"\x00\x01", "tags": ("a", "b"),
        "nums": (1, 2), "flags": (True, False), "floats": (0.5, 2.0), "empty": "", "uni": "ünï",
    }, None),
    (SeverityNumber.DEBUG, "DEBUG", "password attribute", {"password": "hunter2", "author": "ann"}, None),
    (SeverityNumber.INFO, "INFO", "", {}, None),
    (SeverityNumber.INFO, "INFO", "x" * 300, {"long": "y" * 300}, None),
]  # fmt: skip


class PassThrough(LogRecordProcessor):
    """A user's processor: it only counts, and sees ordinary ReadWriteLogRecords."""

    def __init__(self) -> None:
        self.seen: list[type] = []

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        self.seen.append(type(log_record))

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


_MADE: list[FallbackExportProcessor] = []


@pytest.fixture(autouse=True)
def _shut_down_processors() -> Iterator[None]:
    yield
    while _MADE:
        _MADE.pop().shutdown()


def _export_processor(exporter: LogRecordExporter) -> FallbackExportProcessor:
    export = FallbackExportProcessor(exporter, options=FallbackExportOptions(spool_enabled=False))
    _MADE.append(export)
    return export


def _chain(receiver: OtlpReceiver) -> tuple[list[LogRecordProcessor], FallbackExportProcessor]:
    export = _export_processor(FastOTLPLogExporter(endpoint=receiver.http_endpoint + "/v1/logs"))
    safety: list[LogRecordProcessor] = [SecurityValidationProcessor(), RedactionProcessor()]
    return safety, export


def _without_uid(log: Any) -> Any:
    attributes = {k: v for k, v in log.attributes.items() if k != RECORD_UID_KEY}
    return dataclasses.replace(log, attributes=attributes, observed_time_unix_nano=0)


def test_the_fused_path_sends_what_the_sdk_path_sends(otlp_receiver: OtlpReceiver) -> None:
    safety, export = _chain(otlp_receiver)
    user = PassThrough()
    resource = Resource({"service.name": "svc", "layer": "fused"})
    fused = LoggerProvider(resource=resource, shutdown_on_exit=False)
    standard = LoggerProvider(resource=resource, shutdown_on_exit=False)
    standard.add_log_record_processor(user)
    for provider in (fused, standard):
        for processor in (*safety, export):
            provider.add_log_record_processor(processor)
    fused_emitter = DirectEmitter(fused.get_logger("scope", "1.0"))
    standard_emitter = DirectEmitter(standard.get_logger("scope", "1.0"))
    tracer = TracerProvider().get_tracer("t")
    for index, (number, text, body, attributes, event) in enumerate(RECORDS):
        with tracer.start_as_current_span(f"span-{index}"):
            for emitter in (fused_emitter, standard_emitter):
                emitter.emit(1000 + index, number, text, body, dict(attributes), event)
    assert export.force_flush(10_000)
    received = otlp_receiver.wait_for_logs(2 * len(RECORDS))
    assert fused_emitter._plan is not None and fused_emitter._plan.steps is not None
    assert standard_emitter._plan is not None and standard_emitter._plan.steps is None
    assert user.seen == [ReadWriteLogRecord] * len(RECORDS)

    uids = [log.attributes[RECORD_UID_KEY] for log in received]
    assert len(set(uids)) == len(received), "every record has its own id"
    pairs = [received[i : i + 2] for i in range(0, len(received), 2)]
    for fused_log, standard_log in pairs:
        assert _without_uid(fused_log) == _without_uid(standard_log)
    by_body = {log.body: log for log in received}
    assert "alice@example.com" not in str(by_body)  # redacted on the fused path too
    assert "hunter2" not in str(by_body)
    neutralized = by_body["line one\r\nforged line"].attributes  # a body may span lines
    assert neutralized["hydra.security.neutralized"] == "ansi"
    assert "\x1b" not in str(neutralized["path"])


def test_a_processor_added_later_switches_the_logger_to_the_sdk_path(
    otlp_receiver: OtlpReceiver,
) -> None:
    safety, export = _chain(otlp_receiver)
    provider = LoggerProvider(resource=Resource({"service.name": "svc"}), shutdown_on_exit=False)
    for processor in (*safety, export):
        provider.add_log_record_processor(processor)
    emitter = DirectEmitter(provider.get_logger("scope"))
    emitter.emit(1, SeverityNumber.INFO, "INFO", "before", {})
    assert emitter._plan is not None and emitter._plan.steps is not None
    user = PassThrough()
    provider.add_log_record_processor(user)
    emitter.emit(2, SeverityNumber.INFO, "INFO", "after", {})
    assert emitter._plan.steps is None
    assert user.seen == [ReadWriteLogRecord]
    assert export.force_flush(10_000)
    assert sorted(log.body for log in otlp_receiver.wait_for_logs(2)) == ["after", "before"]


@pytest.mark.parametrize("severity", [SeverityNumber.DEBUG, SeverityNumber.WARN])
def test_layer_views_gate_each_step_by_severity(
    otlp_receiver: OtlpReceiver, severity: SeverityNumber
) -> None:
    _, export = _chain(otlp_receiver)
    redaction = RedactionProcessor()
    inner = SynchronousMultiLogRecordProcessor()  # type: ignore[no-untyped-call]
    inner.add_log_record_processor(SharedProcessorView(export, SeverityNumber.WARN.value))
    provider = LoggerProvider(resource=Resource({"service.name": "svc"}), shutdown_on_exit=False)
    provider.add_log_record_processor(SharedProcessorView(redaction, 0))
    provider.add_log_record_processor(inner)
    emitter = DirectEmitter(provider.get_logger("scope"))
    emitter.emit(1, severity, severity.name, "mail bob@example.com", {})
    plan = emitter._plan
    assert plan is not None and plan.steps is not None
    assert [(gate, kind) for gate, kind, _ in plan.steps] == [
        (0, APPLY),
        (SeverityNumber.WARN.value, ENCODE),
    ]
    assert export.force_flush(10_000)
    expected = 1 if severity.value >= SeverityNumber.WARN.value else 0
    assert export.metrics()["exported"] == expected
    assert redaction.stats()["records_redacted"] == 1  # the redaction view passes both


def test_an_export_processor_with_another_exporter_gets_ordinary_records() -> None:
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter

    memory = InMemoryLogRecordExporter()
    export = _export_processor(memory)
    multi = SynchronousMultiLogRecordProcessor()  # type: ignore[no-untyped-call]
    multi.add_log_record_processor(export)
    plan = plan_for(multi)
    assert plan.steps is not None and [kind for _, kind, _ in plan.steps] == [ON_EMIT]
    provider = LoggerProvider(resource=Resource({"service.name": "svc"}), shutdown_on_exit=False)
    provider.add_log_record_processor(export)
    DirectEmitter(provider.get_logger("scope")).emit(1, SeverityNumber.INFO, "INFO", "hi", {"k": 1})
    assert export.force_flush(10_000)
    (exported,) = memory.get_finished_logs()
    assert exported.log_record.body == "hi" and exported.log_record.attributes["k"] == 1
    assert RECORD_UID_KEY in exported.log_record.attributes


def test_a_subclassed_exporter_that_reads_records_gets_snapshots(
    otlp_receiver: OtlpReceiver,
) -> None:
    seen: list[type] = []

    class Inspecting(FastOTLPLogExporter):
        def export_detailed(self, batch: Any) -> Any:
            seen.extend(type(record) for record in batch)
            return super().export_detailed(batch)

    exporter = Inspecting(endpoint=otlp_receiver.http_endpoint + "/v1/logs")
    export = _export_processor(exporter)
    assert not export.encodes_on_emit
    plain = _export_processor(FastOTLPLogExporter(endpoint=otlp_receiver.http_endpoint))
    assert plain.encodes_on_emit
    provider = LoggerProvider(resource=Resource({"service.name": "svc"}), shutdown_on_exit=False)
    provider.add_log_record_processor(export)
    DirectEmitter(provider.get_logger("scope")).emit(1, SeverityNumber.INFO, "INFO", "hi", {})
    assert export.force_flush(10_000)
    assert seen and all(issubclass(kind, ReadableLogRecord) for kind in seen)
    assert [log.body for log in otlp_receiver.wait_for_logs(1)] == ["hi"]
