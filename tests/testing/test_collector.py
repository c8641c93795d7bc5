"""RotelCollector: the real rotel binary between the OTel SDK and an OtlpReceiver."""

from __future__ import annotations

import sys

import pytest
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter as GrpcLogExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter as HttpLogExporter
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import (
    InMemoryLogRecordExporter,
    LogRecordExporter,
    SimpleLogRecordProcessor,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from hydra_otel.export.otlp import FastOTLPLogExporter
from hydra_otel.testing import OtlpReceiver, RotelCollector, find_rotel_agent


def _logger_provider(exporter: LogRecordExporter) -> LoggerProvider:
    provider = LoggerProvider(resource=Resource.create({"service.name": "collector-test"}))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    return provider


def _records(*bodies: str) -> list[ReadableLogRecord]:
    memory = InMemoryLogRecordExporter()
    provider = _logger_provider(memory)
    for body in bodies:
        provider.get_logger("direct").emit(body=body)
    return list(memory.get_finished_logs())


def test_http_logs_flow_through_rotel_with_attributes_resource_and_trace_ids(
    collector: RotelCollector,
) -> None:
    provider = _logger_provider(HttpLogExporter(endpoint=f"{collector.http_endpoint}/v1/logs"))
    tracer = TracerProvider().get_tracer("t")

    with tracer.start_as_current_span("request") as span:
        provider.get_logger("app").emit(body="via rotel", attributes={"hydra.layer": "API", "n": 7})
    provider.shutdown()

    [log] = collector.receiver.wait_for_logs(1)
    assert (log.body, log.attributes) == ("via rotel", {"hydra.layer": "API", "n": 7})
    assert log.resource["service.name"] == "collector-test"
    assert log.trace_id == format(span.get_span_context().trace_id, "032x")
    assert log.span_id == format(span.get_span_context().span_id, "016x")


def test_grpc_logs_and_spans_flow_through_rotel(collector: RotelCollector) -> None:
    provider = _logger_provider(GrpcLogExporter(endpoint=collector.grpc_endpoint))
    tracer_provider = TracerProvider(resource=Resource.create({"service.name": "traced"}))
    tracer_provider.add_span_processor(
        SimpleSpanProcessor(OTLPSpanExporter(endpoint=collector.grpc_endpoint))
    )

    with tracer_provider.get_tracer("t").start_as_current_span("op", attributes={"k": "v"}):
        provider.get_logger("app").emit(body="inside op")
    provider.shutdown()
    tracer_provider.shutdown()

    [log] = collector.receiver.wait_for_logs(1)
    [span] = collector.receiver.wait_for_spans(1)
    assert (span.name, span.attributes, span.resource["service.name"]) == (
        "op",
        {"k": "v"},
        "traced",
    )
    assert log.trace_id == span.trace_id and log.span_id == span.span_id


def test_killed_rotel_refuses_exports_and_restarts_on_the_same_ports(
    collector: RotelCollector,
) -> None:
    exporter = HttpLogExporter(endpoint=f"{collector.http_endpoint}/v1/logs", timeout=1)
    endpoints = (collector.grpc_endpoint, collector.http_endpoint)

    collector.kill()
    while_down = exporter.export(_records("while down"))
    collector.restart()
    after_restart = exporter.export(_records("after restart"))

    assert while_down.name == "FAILURE"
    assert after_restart.name == "SUCCESS"
    assert (collector.grpc_endpoint, collector.http_endpoint) == endpoints
    assert [log.body for log in collector.receiver.wait_for_logs(1)] == ["after restart"]


def test_rotel_retries_while_downstream_fails(collector: RotelCollector) -> None:
    receiver = collector.receiver
    receiver.fail_next(2, http_status=503)
    exporter = HttpLogExporter(endpoint=f"{collector.http_endpoint}/v1/logs")

    assert exporter.export(_records("survives two failures")).name == "SUCCESS"

    assert [log.body for log in receiver.wait_for_logs(1)] == ["survives two failures"]
    assert receiver.attempts() == 3


def test_missing_rotel_package_names_the_install_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rotel", None)

    with pytest.raises(RuntimeError, match=r"pip install 'hydra-otel\[test\]'"):
        find_rotel_agent()


def test_stop_leaves_no_process_behind(otlp_receiver: OtlpReceiver) -> None:
    collector = RotelCollector(otlp_receiver).start()
    process_id = collector.pid

    collector.stop()

    assert process_id is not None and not collector.running
    assert not _process_exists(process_id)


def _process_exists(process_id: int) -> bool:
    import os

    try:
        os.kill(process_id, 0)
    except ProcessLookupError:
        return False
    return True


def test_rotel_buffers_while_downstream_is_down_and_delivers_when_back(
    collector: RotelCollector,
) -> None:
    receiver = collector.receiver
    exporter = GrpcLogExporter(endpoint=collector.grpc_endpoint, timeout=2)
    receiver.stop()

    accepted = exporter.export(_records("during outage", "also during outage"))
    receiver.start()

    assert accepted.name == "SUCCESS"  # rotel acknowledges before forwarding
    bodies = [log.body for log in receiver.wait_for_logs(2)]
    assert bodies == ["during outage", "also during outage"]


def test_rotel_drops_a_batch_the_downstream_rejects_as_invalid(collector: RotelCollector) -> None:
    receiver = collector.receiver
    exporter = HttpLogExporter(endpoint=f"{collector.http_endpoint}/v1/logs")
    receiver.fail_next(1, http_status=400)

    exporter.export(_records("rejected"))
    receiver.wait_for_attempts(1)
    exporter.export(_records("accepted"))

    assert [log.body for log in receiver.wait_for_logs(1)] == ["accepted"]
    assert receiver.attempts() == 2  # no retry of the rejected batch


def test_rotel_retries_a_hung_downstream_after_its_request_timeout(
    otlp_receiver: OtlpReceiver,
) -> None:
    with RotelCollector(otlp_receiver, request_timeout="200ms") as collector:
        exporter = HttpLogExporter(endpoint=f"{collector.http_endpoint}/v1/logs")
        otlp_receiver.hang(True)

        exporter.export(_records("outlives the hang"))
        otlp_receiver.wait_for_attempts(2)  # the first attempt timed out inside rotel
        otlp_receiver.hang(False)

        assert [log.body for log in otlp_receiver.wait_for_logs(1)] == ["outlives the hang"]


def test_paused_rotel_stalls_clients_until_resumed(collector: RotelCollector) -> None:
    exporter = GrpcLogExporter(endpoint=collector.grpc_endpoint, timeout=0.5)

    collector.pause()
    while_paused = exporter.export(_records("while paused"))
    collector.resume()
    after_resume = exporter.export(_records("after resume"))

    assert while_paused.name == "FAILURE"
    assert after_resume.name == "SUCCESS"
    assert "after resume" in [log.body for log in collector.receiver.wait_for_logs(1)]


def test_failed_start_reports_rotel_output(otlp_receiver: OtlpReceiver) -> None:
    collector = RotelCollector(otlp_receiver, extra_args=("--no-such-option",))

    with pytest.raises(RuntimeError, match="no-such-option"):
        collector.start()
    assert not collector.running


def test_graceful_stop_flushes_the_pending_batch(otlp_receiver: OtlpReceiver) -> None:
    collector = RotelCollector(otlp_receiver, batch_timeout="30s").start()
    exporter = HttpLogExporter(endpoint=f"{collector.http_endpoint}/v1/logs")
    assert exporter.export(_records("still batched")).name == "SUCCESS"

    collector.stop()

    assert [log.body for log in otlp_receiver.wait_for_logs(1, timeout=2)] == ["still batched"]


def test_without_a_downstream_rotel_accepts_and_discards() -> None:
    with RotelCollector(None) as blackhole:
        exporter = FastOTLPLogExporter(endpoint=blackhole.http_endpoint + "/v1/logs")
        outcome = exporter.export_encoded(b"")
        exporter.shutdown()
        assert outcome.success and outcome.status == "HTTP 200"
