"""The fast exporters through a real rotel collector into a receiver."""

from __future__ import annotations

import time

import pytest
from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import (
    BatchLogRecordProcessor,
    InMemoryLogRecordExporter,
    SimpleLogRecordProcessor,
)
from opentelemetry.sdk.resources import Resource

from hydra_otel.export.otlp import (
    ExportOutcome,
    FastOTLPExporterBase,
    FastOTLPGrpcLogExporter,
    FastOTLPLogExporter,
)
from hydra_otel.testing import RotelCollector


def _make_exporter(transport: str, collector: RotelCollector) -> FastOTLPExporterBase:
    if transport == "http":
        return FastOTLPLogExporter(endpoint=f"{collector.http_endpoint}/v1/logs", timeout=5)
    return FastOTLPGrpcLogExporter(endpoint=collector.grpc_endpoint, timeout=5)


def _sdk_records(count: int) -> list[ReadableLogRecord]:
    """Records made the ordinary way, by an SDK LoggerProvider."""
    memory = InMemoryLogRecordExporter()
    provider = LoggerProvider(resource=Resource.create({"service.name": "e2e"}))
    provider.add_log_record_processor(SimpleLogRecordProcessor(memory))
    logger = provider.get_logger("e2e.orders")
    for i in range(count):
        logger.emit(
            LogRecord(
                body=f"order {i}",
                severity_number=SeverityNumber.ERROR,
                attributes={"hydra.layer": "APP", "i": i, "ratio": i / 7, "tags": ["a", "b"]},
            )
        )
    provider.shutdown()
    return list(memory.get_finished_logs())  # type: ignore[arg-type]


@pytest.mark.parametrize("transport", ["http", "grpc"])
def test_every_record_arrives_through_rotel_unchanged(
    transport: str, collector: RotelCollector
) -> None:
    exporter = _make_exporter(transport, collector)
    records = _sdk_records(600)

    for start in range(0, 600, 200):
        assert exporter.export_detailed(records[start : start + 200]).success

    logs = collector.receiver.wait_for_logs(600)
    assert sorted(log.attributes["i"] for log in logs) == list(range(600))
    by_index = {log.attributes["i"]: log for log in logs}
    assert by_index[599].body == "order 599"
    assert by_index[599].attributes == {
        "hydra.layer": "APP",
        "i": 599,
        "ratio": 599 / 7,
        "tags": ["a", "b"],
    }
    assert by_index[599].severity_number == SeverityNumber.ERROR.value
    assert by_index[599].resource["service.name"] == "e2e"
    assert by_index[599].scope_name == "e2e.orders"
    exporter.shutdown()


@pytest.mark.parametrize("transport", ["http", "grpc"])
def test_collector_down_is_retryable_and_a_restart_is_picked_up(
    transport: str, collector: RotelCollector
) -> None:
    exporter = _make_exporter(transport, collector)
    assert exporter.export_detailed(_sdk_records(1)).success
    collector.receiver.wait_for_logs(1)  # rotel acknowledges before forwarding

    collector.kill()
    down = exporter.export_detailed(_sdk_records(1))
    assert (down.success, down.retryable) == (False, True)

    collector.start()
    outcome = _export_until_accepted(exporter, _sdk_records(5), within=10.0)
    assert outcome.success
    assert len(collector.receiver.wait_for_logs(6)) >= 6
    exporter.shutdown()


def test_http_reconnects_on_the_first_attempt_after_a_restart(collector: RotelCollector) -> None:
    exporter = FastOTLPLogExporter(endpoint=f"{collector.http_endpoint}/v1/logs")
    assert exporter.export_detailed(_sdk_records(1)).success  # leaves a kept-alive connection

    collector.restart()  # that connection is now dead

    assert exporter.export_detailed(_sdk_records(1)).success
    exporter.shutdown()


def test_batch_processor_with_the_fast_exporter_delivers_everything(
    collector: RotelCollector,
) -> None:
    provider = LoggerProvider(resource=Resource.create({"service.name": "e2e"}))
    exporter = FastOTLPLogExporter(endpoint=f"{collector.http_endpoint}/v1/logs")
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter))
    logger = provider.get_logger("e2e")

    for i in range(1500):
        logger.emit(LogRecord(body=f"r{i}", attributes={"hydra.layer": "API"}))
    provider.shutdown()

    logs = collector.receiver.wait_for_logs(1500)
    assert {log.body for log in logs} == {f"r{i}" for i in range(1500)}


def _export_until_accepted(
    exporter: FastOTLPExporterBase, batch: list[ReadableLogRecord], within: float
) -> ExportOutcome:
    """Retry as a caller would (the exporter itself makes one attempt per call)."""
    deadline = time.monotonic() + within
    outcome = exporter.export_detailed(batch)
    while not outcome.success and outcome.retryable and time.monotonic() < deadline:
        time.sleep(0.1)
        outcome = exporter.export_detailed(batch)
    return outcome
