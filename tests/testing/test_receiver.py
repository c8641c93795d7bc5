"""OtlpReceiver, exercised with the real OTel SDK exporters and raw OTLP clients."""

from __future__ import annotations

import gzip
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import grpc
import pytest
from google.rpc.error_details_pb2 import RetryInfo
from google.rpc.status_pb2 import Status
from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter as GrpcLogExporter
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter as HttpLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.logs.v1.logs_service_pb2_grpc import LogsServiceStub
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord, ResourceLogs, ScopeLogs
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import LogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from hydra_otel.testing import OtlpReceiver


def _logger_provider(exporter: LogRecordExporter) -> LoggerProvider:
    provider = LoggerProvider(resource=Resource.create({"service.name": "receiver-test"}))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    return provider


def _raw_request(*bodies: str) -> ExportLogsServiceRequest:
    records = [LogRecord(body=AnyValue(string_value=body)) for body in bodies]
    return ExportLogsServiceRequest(
        resource_logs=[ResourceLogs(scope_logs=[ScopeLogs(log_records=records)])]
    )


def _post(url: str, body: bytes, content_type: str = "application/x-protobuf") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def grpc_logs_stub(otlp_receiver: OtlpReceiver) -> Iterator[LogsServiceStub]:
    channel = grpc.insecure_channel(f"127.0.0.1:{otlp_receiver.grpc_port}")
    yield LogsServiceStub(channel)
    channel.close()


def test_http_protobuf_log_arrives_with_attributes_resource_and_trace_ids(
    otlp_receiver: OtlpReceiver,
) -> None:
    provider = _logger_provider(HttpLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/logs"))
    tracer = TracerProvider().get_tracer("t")

    with tracer.start_as_current_span("work") as span:
        provider.get_logger("app.http", "1.2").emit(
            body="hello",
            severity_number=SeverityNumber.INFO,
            severity_text="INFO",
            attributes={"user": "ada", "n": 3, "ratio": 0.5, "ok": True, "tags": ["a", "b"]},
            event_name="app.greeting",
        )
    provider.shutdown()

    [log] = otlp_receiver.wait_for_logs(1)
    context = span.get_span_context()
    assert log.body == "hello"
    assert (log.severity_number, log.severity_text) == (9, "INFO")
    assert log.attributes == {"user": "ada", "n": 3, "ratio": 0.5, "ok": True, "tags": ["a", "b"]}
    assert log.resource["service.name"] == "receiver-test"
    assert (log.scope_name, log.scope_version) == ("app.http", "1.2")
    assert log.trace_id == format(context.trace_id, "032x")
    assert log.span_id == format(context.span_id, "016x")
    assert log.flags & 0xFF == int(context.trace_flags)
    assert log.event_name == "app.greeting"
    assert log.observed_time_unix_nano > 0


def test_grpc_log_arrives_with_structured_body(otlp_receiver: OtlpReceiver) -> None:
    provider = _logger_provider(GrpcLogExporter(endpoint=otlp_receiver.grpc_endpoint))

    provider.get_logger("app.grpc").emit(body={"k": [1, 2.5, b"\x00"], "nested": {"x": None}})
    provider.shutdown()

    [log] = otlp_receiver.wait_for_logs(1)
    assert log.body == {"k": [1, 2.5, b"\x00"], "nested": {"x": None}}
    assert log.trace_id == "" and log.span_id == ""
    assert log.scope_name == "app.grpc"


def test_gzip_http_requests_are_decoded_and_headers_kept(otlp_receiver: OtlpReceiver) -> None:
    exporter = HttpLogExporter(
        endpoint=f"{otlp_receiver.http_endpoint}/v1/logs",
        compression=Compression.Gzip,
        headers={"X-Tenant": "acme"},
    )
    provider = _logger_provider(exporter)

    provider.get_logger("gz").emit(body="compressed")
    provider.shutdown()

    assert [log.body for log in otlp_receiver.wait_for_logs(1)] == ["compressed"]
    [headers] = otlp_receiver.request_headers()
    assert headers["content-encoding"] == "gzip"
    assert headers["x-tenant"] == "acme"


def test_grpc_metadata_is_kept_as_headers(otlp_receiver: OtlpReceiver) -> None:
    exporter = GrpcLogExporter(endpoint=otlp_receiver.grpc_endpoint, headers={"x-tenant": "acme"})

    assert exporter.export(_sdk_records(LoggerProvider(), "with metadata")).name == "SUCCESS"

    [headers] = otlp_receiver.request_headers()
    assert headers["x-tenant"] == "acme"


def test_json_requests_are_decoded_with_hex_ids(otlp_receiver: OtlpReceiver) -> None:
    trace_id, span_id = "5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174"
    payload = {
        "resourceLogs": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": "j"}}]
                },
                "scopeLogs": [
                    {
                        "scope": {"name": "json"},
                        "logRecords": [
                            {
                                "timeUnixNano": "1700000000000000000",
                                "severityNumber": 17,
                                "body": {"stringValue": "from json"},
                                "attributes": [{"key": "n", "value": {"intValue": "42"}}],
                                "traceId": trace_id,
                                "spanId": span_id,
                            }
                        ],
                    }
                ],
            }
        ]
    }
    body = gzip.compress(json.dumps(payload).encode())
    request = urllib.request.Request(
        f"{otlp_receiver.http_endpoint}/v1/logs",
        data=body,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"

    [log] = otlp_receiver.wait_for_logs(1)
    assert (log.body, log.severity_number, log.attributes) == ("from json", 17, {"n": 42})
    assert (log.trace_id, log.span_id) == (trace_id, span_id)
    assert log.time_unix_nano == 1_700_000_000_000_000_000
    assert log.resource == {"service.name": "j"}


def test_malformed_body_is_rejected_with_400(otlp_receiver: OtlpReceiver) -> None:
    status, _ = _post(f"{otlp_receiver.http_endpoint}/v1/logs", b"\xff\xff\xff")

    assert status == 400
    assert otlp_receiver.log_count == 0


def test_unknown_path_is_404_and_the_next_request_still_works(
    otlp_receiver: OtlpReceiver,
) -> None:
    exporter = HttpLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/logs")
    wrong = HttpLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/nothing", timeout=1)

    assert wrong.export(_sdk_records(LoggerProvider(), "nowhere")).name == "FAILURE"
    assert exporter.export(_sdk_records(LoggerProvider(), "somewhere")).name == "SUCCESS"
    assert [log.body for log in otlp_receiver.logs()] == ["somewhere"]


def test_wait_for_metric_times_out_naming_what_arrived(otlp_receiver: OtlpReceiver) -> None:
    with pytest.raises(AssertionError, match=r"'never.sent' not received"):
        otlp_receiver.wait_for_metric("never.sent", timeout=0.05)


def test_spans_and_metrics_arrive_over_http(otlp_receiver: OtlpReceiver) -> None:
    tracer_provider = TracerProvider(resource=Resource.create({"service.name": "spans"}))
    tracer_provider.add_span_processor(
        SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/traces"))
    )
    reader = PeriodicExportingMetricReader(
        OTLPMetricExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/metrics"),
        export_interval_millis=60_000,
    )
    meter_provider = MeterProvider(metric_readers=[reader])

    tracer = tracer_provider.get_tracer("t")
    with (
        tracer.start_as_current_span("parent"),
        tracer.start_as_current_span("child", attributes={"a": 1}),
    ):
        pass
    meter_provider.get_meter("m").create_counter("requests.total").add(3)
    meter_provider.force_flush()
    tracer_provider.shutdown()
    meter_provider.shutdown()

    child, parent = otlp_receiver.wait_for_spans(2)
    assert (child.name, parent.name) == ("child", "parent")
    assert child.trace_id == parent.trace_id and child.parent_span_id == parent.span_id
    assert child.attributes == {"a": 1} and child.resource["service.name"] == "spans"
    assert "requests.total" in otlp_receiver.wait_for_metric("requests.total")


def test_wait_for_logs_times_out_with_what_arrived(otlp_receiver: OtlpReceiver) -> None:
    _post(f"{otlp_receiver.http_endpoint}/v1/logs", _raw_request("only one").SerializeToString())

    with pytest.raises(AssertionError, match=r"expected 2 log record\(s\).*got 1 .*'only one'"):
        otlp_receiver.wait_for_logs(2, timeout=0.2)


def test_waiter_wakes_when_records_arrive_from_another_thread(otlp_receiver: OtlpReceiver) -> None:
    body = _raw_request("late").SerializeToString()
    sender = threading.Timer(0.05, _post, args=(f"{otlp_receiver.http_endpoint}/v1/logs", body))
    sender.start()

    logs = otlp_receiver.wait_for_logs(1, timeout=5)
    sender.join()

    assert [log.body for log in logs] == ["late"]


def test_concurrent_senders_are_all_counted(otlp_receiver: OtlpReceiver) -> None:
    url = f"{otlp_receiver.http_endpoint}/v1/logs"
    body = _raw_request("a", "b", "c").SerializeToString()
    senders = [threading.Thread(target=_post, args=(url, body)) for _ in range(20)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()

    assert len(otlp_receiver.wait_for_logs(60)) == 60
    assert otlp_receiver.attempts("logs") == 20


def test_scheduled_failures_are_exact_under_concurrency(otlp_receiver: OtlpReceiver) -> None:
    url = f"{otlp_receiver.http_endpoint}/v1/logs"
    body = _raw_request("x").SerializeToString()
    statuses: list[int] = []
    otlp_receiver.fail_next(5)
    senders = [
        threading.Thread(target=lambda: statuses.append(_post(url, body)[0])) for _ in range(20)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()

    assert sorted(statuses) == [200] * 15 + [503] * 5
    assert otlp_receiver.log_count == 15


def test_count_only_counts_without_keeping(grpc_logs_stub: LogsServiceStub) -> None:
    with OtlpReceiver(count_only=True) as receiver:
        url = f"{receiver.http_endpoint}/v1/logs"
        _post(url, _raw_request("a", "b").SerializeToString())
        _post(url, _raw_request("c").SerializeToString())

        assert receiver.wait_for_logs(3) == []
        assert receiver.log_count == 3
        assert receiver.logs() == [] and receiver.requests() == []


def test_clear_forgets_records_and_faults(otlp_receiver: OtlpReceiver) -> None:
    url = f"{otlp_receiver.http_endpoint}/v1/logs"
    _post(url, _raw_request("before").SerializeToString())
    otlp_receiver.fail_next(5)

    otlp_receiver.clear()
    status, _ = _post(url, _raw_request("after").SerializeToString())

    assert status == 200
    assert [log.body for log in otlp_receiver.logs()] == ["after"]
    assert otlp_receiver.attempts() == 1


def test_http_failure_reaches_sdk_exporter_and_is_not_stored(otlp_receiver: OtlpReceiver) -> None:
    # timeout shorter than the first backoff: the exporter gives up after one attempt
    exporter = HttpLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/logs", timeout=0.5)
    provider = LoggerProvider()
    otlp_receiver.fail_next(1, http_status=503)

    result = exporter.export(_sdk_records(provider, "lost"))

    assert result.name == "FAILURE"
    assert otlp_receiver.attempts() == 1
    assert otlp_receiver.logs() == []


def test_http_failure_status_and_retry_after_header(otlp_receiver: OtlpReceiver) -> None:
    otlp_receiver.fail_next(2, http_status=429, retry_after_seconds=7)
    url = f"{otlp_receiver.http_endpoint}/v1/logs"
    request = urllib.request.Request(
        url,
        data=_raw_request("x").SerializeToString(),
        headers={"Content-Type": "application/x-protobuf"},
    )

    with pytest.raises(urllib.error.HTTPError) as failure:
        urllib.request.urlopen(request, timeout=5)

    assert failure.value.code == 429
    assert failure.value.headers["Retry-After"] == "7"
    assert (
        Status.FromString(failure.value.read()).code == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
    )
    assert _post(url, _raw_request("x").SerializeToString())[0] == 429
    assert _post(url, _raw_request("y").SerializeToString())[0] == 200
    assert [log.body for log in otlp_receiver.logs()] == ["y"]


def test_sdk_http_exporter_retries_after_retry_after(otlp_receiver: OtlpReceiver) -> None:
    exporter = HttpLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/logs", timeout=5)
    otlp_receiver.fail_next(1, http_status=503, retry_after_seconds=0.05)

    result = exporter.export(_sdk_records(LoggerProvider(), "retried"))

    assert result.name == "SUCCESS"
    assert otlp_receiver.attempts() == 2
    assert [log.body for log in otlp_receiver.logs()] == ["retried"]


def test_sdk_grpc_exporter_sees_unavailable_and_honours_retry_info(
    otlp_receiver: OtlpReceiver,
) -> None:
    exporter = GrpcLogExporter(endpoint=otlp_receiver.grpc_endpoint, timeout=5)
    otlp_receiver.fail_next(2, http_status=503, retry_after_seconds=0.05)

    result = exporter.export(_sdk_records(LoggerProvider(), "third time lucky"))

    assert result.name == "SUCCESS"
    assert otlp_receiver.attempts() == 3
    assert [log.body for log in otlp_receiver.logs()] == ["third time lucky"]


def test_grpc_failure_carries_code_and_rich_status(
    otlp_receiver: OtlpReceiver, grpc_logs_stub: LogsServiceStub
) -> None:
    otlp_receiver.fail_next(1, http_status=429, retry_after_seconds=1.5)

    with pytest.raises(grpc.RpcError) as failure:
        grpc_logs_stub.Export(_raw_request("x"), timeout=5)

    error = failure.value
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED  # type: ignore[attr-defined]
    trailers = dict(error.trailing_metadata())  # type: ignore[attr-defined]
    status = Status.FromString(trailers["grpc-status-details-bin"])
    retry_info = RetryInfo()
    assert status.details[0].Unpack(retry_info)
    assert (retry_info.retry_delay.seconds, retry_info.retry_delay.nanos) == (1, 500_000_000)
    assert RetryInfo.FromString(trailers["google.rpc.retryinfo-bin"]) == retry_info
    assert otlp_receiver.logs() == []


def test_partial_success_is_reported_for_the_requested_responses(
    otlp_receiver: OtlpReceiver, grpc_logs_stub: LogsServiceStub
) -> None:
    otlp_receiver.set_partial_success(2, "too old", responses=1)
    url = f"{otlp_receiver.http_endpoint}/v1/logs"

    _, http_body = _post(url, _raw_request("a", "b").SerializeToString())
    grpc_response = grpc_logs_stub.Export(_raw_request("c"), timeout=5)

    partial = ExportLogsServiceResponse.FromString(http_body).partial_success
    assert (partial.rejected_log_records, partial.error_message) == (2, "too old")
    assert not grpc_response.HasField("partial_success")
    assert otlp_receiver.log_count == 3


def test_partial_success_until_turned_off(
    otlp_receiver: OtlpReceiver, grpc_logs_stub: LogsServiceStub
) -> None:
    otlp_receiver.set_partial_success(1, "dropped one")

    first = grpc_logs_stub.Export(_raw_request("a"), timeout=5)
    second = grpc_logs_stub.Export(_raw_request("b"), timeout=5)
    otlp_receiver.set_partial_success(0)
    third = grpc_logs_stub.Export(_raw_request("c"), timeout=5)

    assert first.partial_success.rejected_log_records == 1
    assert second.partial_success.error_message == "dropped one"
    assert not third.HasField("partial_success")


def test_hang_stalls_until_released_and_drops_stalled_requests(
    otlp_receiver: OtlpReceiver, grpc_logs_stub: LogsServiceStub
) -> None:
    otlp_receiver.hang(True)

    with pytest.raises(grpc.RpcError) as stalled:
        grpc_logs_stub.Export(_raw_request("stalled"), timeout=0.3)
    exporter = HttpLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/logs", timeout=0.3)
    http_result = exporter.export(_sdk_records(LoggerProvider(), "stalled too"))
    otlp_receiver.hang(False)
    grpc_logs_stub.Export(_raw_request("after"), timeout=5)

    assert stalled.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED  # type: ignore[attr-defined]
    assert http_result.name == "FAILURE"
    assert [log.body for log in otlp_receiver.wait_for_logs(1)] == ["after"]
    assert otlp_receiver.attempts() >= 3


def test_stop_releases_a_hung_request() -> None:
    receiver = OtlpReceiver().start()
    receiver.hang(True)
    url = f"{receiver.http_endpoint}/v1/logs"
    outcome: list[int] = []
    sender = threading.Thread(
        target=lambda: outcome.append(_post(url, _raw_request("x").SerializeToString())[0])
    )
    sender.start()
    receiver.wait_for_attempts(1)

    receiver.stop()
    sender.join(timeout=5)

    assert outcome == [503]


def test_endpoints_need_a_started_receiver() -> None:
    receiver = OtlpReceiver()

    with pytest.raises(RuntimeError, match="start"):
        _ = receiver.grpc_endpoint


def _sdk_records(provider: LoggerProvider, body: str) -> list:  # type: ignore[type-arg]
    """Real SDK ReadableLogRecords, captured by a tiny in-memory exporter."""
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter

    memory = InMemoryLogRecordExporter()
    provider.add_log_record_processor(SimpleLogRecordProcessor(memory))
    provider.get_logger("sdk").emit(body=body)
    return list(memory.get_finished_logs())


def test_restarted_receiver_serves_on_the_same_ports(otlp_receiver: OtlpReceiver) -> None:
    endpoints = (otlp_receiver.http_endpoint, otlp_receiver.grpc_endpoint)
    exporter = GrpcLogExporter(endpoint=otlp_receiver.grpc_endpoint, timeout=0.5)

    otlp_receiver.stop()
    while_down = exporter.export(_sdk_records(LoggerProvider(), "refused"))
    otlp_receiver.start()
    after_restart = exporter.export(_sdk_records(LoggerProvider(), "back"))

    assert (otlp_receiver.http_endpoint, otlp_receiver.grpc_endpoint) == endpoints
    assert (while_down.name, after_restart.name) == ("FAILURE", "SUCCESS")
    assert [log.body for log in otlp_receiver.logs()] == ["back"]
