"""FastOTLPGrpcLogExporter against the stand-in OTLP/gRPC backend OtlpReceiver."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import grpc
import pytest
from google.protobuf.any_pb2 import Any as AnyMessage
from google.protobuf.duration_pb2 import Duration
from google.rpc.error_details_pb2 import RetryInfo
from google.rpc.status_pb2 import Status
from opentelemetry._logs import LogRecord
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, LogRecordExportResult
from opentelemetry.sdk.resources import Resource

from hydra_otel.export.otlp import FastOTLPGrpcLogExporter
from hydra_otel.export.otlp._grpc_exporter import retry_delay
from hydra_otel.testing import OtlpReceiver

_RESOURCE = Resource({"service.name": "billing"})


def _records(count: int) -> list[ReadableLogRecord]:
    return [
        ReadableLogRecord(
            LogRecord(body={"invoice": i, "lines": [1.5, "x", None]}, event_name="invoice.sent"),
            _RESOURCE,
        )
        for i in range(count)
    ]


@pytest.fixture
def grpc_exporter(otlp_receiver: OtlpReceiver) -> Iterator[FastOTLPGrpcLogExporter]:
    """A gRPC exporter on a plaintext channel to the receiver."""
    exporter = FastOTLPGrpcLogExporter(endpoint=otlp_receiver.grpc_endpoint, timeout=5)
    yield exporter
    exporter.shutdown()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_accepted_batch_arrives_intact(
    grpc_exporter: FastOTLPGrpcLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    assert grpc_exporter.export(_records(3)) is LogRecordExportResult.SUCCESS

    logs = otlp_receiver.wait_for_logs(3)
    assert logs[1].body == {"invoice": 1, "lines": [1.5, "x", None]}
    assert logs[1].event_name == "invoice.sent"
    assert logs[1].resource == {"service.name": "billing"}
    outcome = grpc_exporter.last_outcome
    assert outcome is not None and outcome.success and outcome.status == "OK"


def test_partial_success_reports_the_rejected_records(
    grpc_exporter: FastOTLPGrpcLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    otlp_receiver.set_partial_success(1, "one invoice dropped", responses=1)

    outcome = grpc_exporter.export_detailed(_records(2))

    assert outcome.success and outcome.partial
    assert (outcome.rejected_log_records, outcome.error_message) == (1, "one invoice dropped")


def test_unavailable_with_retry_info_is_one_retryable_attempt(
    grpc_exporter: FastOTLPGrpcLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    otlp_receiver.fail_next(1, http_status=503, retry_after_seconds=1.25)

    started = time.monotonic()
    outcome = grpc_exporter.export_detailed(_records(1))

    assert time.monotonic() - started < 2
    assert otlp_receiver.attempts() == 1
    assert (outcome.success, outcome.retryable, outcome.status) == (False, True, "UNAVAILABLE")
    assert outcome.retry_after == pytest.approx(1.25)
    assert grpc_exporter.export(_records(1)) is LogRecordExportResult.SUCCESS


def test_resource_exhausted_is_retryable_and_invalid_argument_is_not(
    grpc_exporter: FastOTLPGrpcLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    otlp_receiver.fail_next(1, http_status=429)
    exhausted = grpc_exporter.export_detailed(_records(1))
    otlp_receiver.fail_next(1, http_status=400)
    invalid = grpc_exporter.export_detailed(_records(1))

    assert (exhausted.status, exhausted.retryable) == ("RESOURCE_EXHAUSTED", True)
    assert (invalid.status, invalid.retryable) == ("INVALID_ARGUMENT", False)
    assert "injected failure" in invalid.error_message


def test_connection_refused_is_retryable_unavailable() -> None:
    exporter = FastOTLPGrpcLogExporter(endpoint=f"http://127.0.0.1:{_closed_port()}", timeout=2)

    outcome = exporter.export_detailed(_records(1))

    assert (outcome.success, outcome.retryable, outcome.status) == (False, True, "UNAVAILABLE")
    assert outcome.duration < 3
    exporter.shutdown()


def test_a_hung_server_is_deadline_exceeded(otlp_receiver: OtlpReceiver) -> None:
    exporter = FastOTLPGrpcLogExporter(endpoint=otlp_receiver.grpc_endpoint, timeout=0.3)
    otlp_receiver.hang()

    outcome = exporter.export_detailed(_records(1))

    otlp_receiver.hang(False)
    assert (outcome.retryable, outcome.status) == (True, "DEADLINE_EXCEEDED")
    exporter.shutdown()


def test_gzip_channel_is_accepted(otlp_receiver: OtlpReceiver) -> None:
    exporter = FastOTLPGrpcLogExporter(endpoint=otlp_receiver.grpc_endpoint, compression="gzip")
    assert exporter.export(_records(30)) is LogRecordExportResult.SUCCESS
    assert len(otlp_receiver.wait_for_logs(30)) == 30
    exporter.shutdown()


def test_after_shutdown_export_fails_without_sending(
    grpc_exporter: FastOTLPGrpcLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    grpc_exporter.shutdown()
    assert grpc_exporter.export(_records(1)) is LogRecordExportResult.FAILURE
    assert otlp_receiver.attempts() == 0


def test_works_in_a_plain_sdk_logger_provider(otlp_receiver: OtlpReceiver) -> None:
    provider = LoggerProvider(resource=_RESOURCE)
    exporter = FastOTLPGrpcLogExporter(endpoint=otlp_receiver.grpc_endpoint)
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter))

    for i in range(20):
        provider.get_logger("billing").emit(LogRecord(body=f"event {i}"))
    provider.force_flush()

    assert len(otlp_receiver.wait_for_logs(20)) == 20
    provider.shutdown()


def test_environment_selects_endpoint_and_plaintext_like_the_sdk(
    otlp_receiver: OtlpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", f"127.0.0.1:{otlp_receiver.grpc_port}")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_INSECURE", "true")

    exporter = FastOTLPGrpcLogExporter()

    assert (exporter.target, exporter.insecure) == (f"127.0.0.1:{otlp_receiver.grpc_port}", True)
    assert exporter.export(_records(1)) is LogRecordExportResult.SUCCESS
    exporter.shutdown()


def test_https_endpoint_forces_tls_even_when_insecure_is_requested() -> None:
    exporter = FastOTLPGrpcLogExporter(endpoint="https://collector.example:4317", insecure=True)
    assert (exporter.target, exporter.insecure) == ("collector.example:4317", False)
    exporter.shutdown()


def _retry_info_detail(seconds: int, nanos: int) -> AnyMessage:
    detail = AnyMessage()
    detail.Pack(RetryInfo(retry_delay=Duration(seconds=seconds, nanos=nanos)))
    return detail


def test_retry_delay_is_read_from_the_standard_status_details_trailer() -> None:
    status = Status(code=grpc.StatusCode.UNAVAILABLE.value[0], message="busy")
    status.details.append(_retry_info_detail(3, 500_000_000))
    trailers = (("grpc-status-details-bin", status.SerializeToString()),)

    assert retry_delay(trailers) == pytest.approx(3.5)


def test_retry_delay_is_none_without_retry_info_or_when_malformed() -> None:
    assert retry_delay(None) is None
    assert retry_delay((("grpc-status-details-bin", b"\xff\xff"),)) is None
    assert retry_delay((("other-bin", b"x"),)) is None
