"""FastOTLPLogExporter against a stand-in OTLP/HTTP backend (hydra_otel.testing.OtlpReceiver)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, LogRecordExportResult
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from hydra_otel.export.otlp import FastOTLPLogExporter
from hydra_otel.testing import OtlpReceiver

_RESOURCE = Resource({"service.name": "checkout"})
_SCOPE = InstrumentationScope("checkout.api", "1.0")


def _records(count: int, prefix: str = "paid") -> list[ReadableLogRecord]:
    return [
        ReadableLogRecord(
            LogRecord(
                body=f"{prefix} {i}",
                severity_number=SeverityNumber.WARN,
                attributes={"hydra.layer": "API", "order": i},
                trace_id=0xABC,
                span_id=0xDEF,
                trace_flags=1,  # type: ignore[arg-type]
            ),
            _RESOURCE,
            _SCOPE,
        )
        for i in range(count)
    ]


@pytest.fixture
def log_exporter(otlp_receiver: OtlpReceiver) -> Iterator[FastOTLPLogExporter]:
    """An HTTP exporter pointed at the receiver's /v1/logs."""
    exporter = FastOTLPLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/logs", timeout=5)
    yield exporter
    exporter.shutdown()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_accepted_batch_arrives_intact(
    log_exporter: FastOTLPLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    assert log_exporter.export(_records(3)) is LogRecordExportResult.SUCCESS

    logs = otlp_receiver.wait_for_logs(3)
    assert [log.body for log in logs] == ["paid 0", "paid 1", "paid 2"]
    assert logs[2].attributes == {"hydra.layer": "API", "order": 2}
    assert (logs[0].severity_number, logs[0].scope_name, logs[0].flags) == (13, "checkout.api", 1)
    assert logs[0].trace_id == f"{0xABC:032x}" and logs[0].span_id == f"{0xDEF:016x}"
    assert logs[0].resource == {"service.name": "checkout"}
    outcome = log_exporter.last_outcome
    assert outcome is not None and outcome.success and not outcome.partial
    assert outcome.status == "HTTP 200" and outcome.duration > 0


def test_partial_success_is_a_success_that_reports_the_rejected_records(
    log_exporter: FastOTLPLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    otlp_receiver.set_partial_success(2, "2 records too large", responses=1)

    outcome = log_exporter.export_detailed(_records(5))

    assert outcome.success and outcome.partial
    assert outcome.rejected_log_records == 2
    assert outcome.error_message == "2 records too large"


def test_503_with_retry_after_is_one_retryable_attempt(
    log_exporter: FastOTLPLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    otlp_receiver.fail_next(1, http_status=503, retry_after_seconds=7)

    started = time.monotonic()
    result = log_exporter.export(_records(2))

    assert result is LogRecordExportResult.FAILURE
    assert time.monotonic() - started < 2  # no retry sleep inside export
    assert otlp_receiver.attempts() == 1
    outcome = log_exporter.last_outcome
    assert outcome is not None
    assert (outcome.success, outcome.retryable, outcome.retry_after) == (False, True, 7.0)
    assert outcome.status == "HTTP 503"
    # The caller retries by itself; the receiver is healthy again.
    assert log_exporter.export(_records(2)) is LogRecordExportResult.SUCCESS
    assert len(otlp_receiver.wait_for_logs(2)) == 2


@pytest.mark.parametrize(("status", "retryable"), [(429, True), (502, True), (504, True)])
def test_transient_statuses_are_retryable(
    log_exporter: FastOTLPLogExporter, otlp_receiver: OtlpReceiver, status: int, retryable: bool
) -> None:
    otlp_receiver.fail_next(1, http_status=status)
    outcome = log_exporter.export_detailed(_records(1))
    assert (outcome.success, outcome.retryable, outcome.status) == (False, True, f"HTTP {status}")


def test_400_is_a_permanent_failure_with_the_servers_message(
    log_exporter: FastOTLPLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    otlp_receiver.fail_next(1, http_status=400)
    outcome = log_exporter.export_detailed(_records(1))
    assert (outcome.success, outcome.retryable, outcome.retry_after) == (False, False, None)
    assert "injected failure" in outcome.error_message


def test_connection_refused_is_a_fast_retryable_failure() -> None:
    exporter = FastOTLPLogExporter(endpoint=f"http://127.0.0.1:{_closed_port()}/v1/logs")

    outcome = exporter.export_detailed(_records(1))

    assert (outcome.success, outcome.retryable) == (False, True)
    assert outcome.status == "ConnectionError"
    assert outcome.duration < 2
    assert exporter.export(_records(1)) is LogRecordExportResult.FAILURE


def test_a_hung_server_times_out_as_a_retryable_failure(otlp_receiver: OtlpReceiver) -> None:
    exporter = FastOTLPLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/logs", timeout=0.3)
    otlp_receiver.hang()

    outcome = exporter.export_detailed(_records(1))

    otlp_receiver.hang(False)
    assert (outcome.success, outcome.retryable, outcome.status) == (False, True, "ReadTimeout")
    assert outcome.duration < 3


def test_gzip_payload_is_accepted(otlp_receiver: OtlpReceiver) -> None:
    exporter = FastOTLPLogExporter(
        endpoint=f"{otlp_receiver.http_endpoint}/v1/logs", compression="gzip"
    )
    assert exporter.export(_records(40)) is LogRecordExportResult.SUCCESS
    assert len(otlp_receiver.wait_for_logs(40)) == 40


def test_pre_encoded_payload_can_be_sent_later(
    log_exporter: FastOTLPLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    payload = log_exporter.encode(_records(4, prefix="spooled"))

    assert log_exporter.export_encoded(payload).success

    assert [log.body for log in otlp_receiver.wait_for_logs(4)][-1] == "spooled 3"


def test_after_shutdown_export_fails_without_sending(
    log_exporter: FastOTLPLogExporter, otlp_receiver: OtlpReceiver
) -> None:
    log_exporter.shutdown()
    log_exporter.shutdown()  # idempotent

    outcome = log_exporter.export_detailed(_records(1))

    assert (outcome.success, outcome.retryable, outcome.status) == (False, False, "shutdown")
    assert otlp_receiver.attempts() == 0


def test_export_never_raises_even_for_a_malformed_endpoint() -> None:
    exporter = FastOTLPLogExporter(endpoint="not a url")
    outcome = exporter.export_detailed(_records(1))
    assert not outcome.success and not outcome.retryable
    assert exporter.force_flush() is True


def test_works_in_a_plain_sdk_logger_provider(otlp_receiver: OtlpReceiver) -> None:
    provider = LoggerProvider(resource=_RESOURCE)
    exporter = FastOTLPLogExporter(endpoint=f"{otlp_receiver.http_endpoint}/v1/logs")
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter))
    logger = provider.get_logger("shop")

    for i in range(25):
        logger.emit(LogRecord(body=f"event {i}", attributes={"hydra.layer": "APP"}))
    provider.force_flush()

    logs = otlp_receiver.wait_for_logs(25)
    assert {log.body for log in logs} == {f"event {i}" for i in range(25)}
    provider.shutdown()


class _HeaderCapture(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a collector offers
    seen: list[dict[str, str]] = []
    client_ports: list[int] = []
    requests: list[tuple[str, list[tuple[str, str]], bytes]] = []
    """Each request's path, headers as sent and body."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _HeaderCapture.seen.append({k.lower(): v for k, v in self.headers.items()})
        _HeaderCapture.client_ports.append(self.client_address[1])
        _HeaderCapture.requests.append((self.path, list(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def header_capturing_server() -> Iterator[str]:
    """A plain HTTP server that answers 200 and remembers each request's headers."""
    _HeaderCapture.seen = []
    _HeaderCapture.client_ports = []
    _HeaderCapture.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HeaderCapture)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_environment_configures_endpoint_and_headers_like_the_sdk(
    header_capturing_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", header_capturing_server + "/")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=acme,authorization=Bearer%20t")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "3.5")

    exporter = FastOTLPLogExporter(headers={"X-Tenant": "override"})

    assert exporter.endpoint == header_capturing_server + "/v1/logs"
    assert exporter.timeout == 3.5
    assert exporter.export(_records(1)) is LogRecordExportResult.SUCCESS
    [headers] = _HeaderCapture.seen
    assert headers["x-tenant"] == "override"
    assert headers["authorization"] == "Bearer t"
    assert headers["content-type"] == "application/x-protobuf"


def test_one_kept_alive_connection_carries_every_export(header_capturing_server: str) -> None:
    exporter = FastOTLPLogExporter(endpoint=header_capturing_server + "/v1/logs")
    for _ in range(5):
        assert exporter.export(_records(1)) is LogRecordExportResult.SUCCESS
    assert len(set(_HeaderCapture.client_ports)) == 1
    exporter.shutdown()


def test_a_forked_child_opens_its_own_connection(header_capturing_server: str) -> None:
    exporter = FastOTLPLogExporter(endpoint=header_capturing_server + "/v1/logs")
    assert exporter.export(_records(1)) is LogRecordExportResult.SUCCESS  # parent's connection

    pid = os.fork()
    if pid == 0:  # the child: one export, then leave without running pytest's teardown
        os._exit(0 if exporter.export(_records(1)) is LogRecordExportResult.SUCCESS else 1)
    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert exporter.export(_records(1)) is LogRecordExportResult.SUCCESS  # parent goes on
    parent_port, child_port, parent_again = _HeaderCapture.client_ports
    assert child_port != parent_port and parent_again == parent_port
    exporter.shutdown()


def test_the_request_head_carries_host_length_type_and_the_users_headers(
    header_capturing_server: str,
) -> None:
    exporter = FastOTLPLogExporter(
        endpoint=f"{header_capturing_server}/v1/logs?tenant=a",
        headers={"x-tenant": "acme", "Content-Length": "1"},
        timeout=5,
    )
    first = exporter.export_detailed(_records(3))
    second = exporter.export_detailed(_records(700, prefix="a longer body"))
    exporter.shutdown()

    assert (first.status, second.status) == ("HTTP 200", "HTTP 200")
    (path, headers, body), (_, _, second_body) = _HeaderCapture.requests
    names = [name.lower() for name, _ in headers]
    assert path == "/v1/logs?tenant=a"
    assert len(names) == len(set(names))  # nothing written twice
    values = {name.lower(): value for name, value in headers}
    assert values["host"] == header_capturing_server.removeprefix("http://")
    assert values["content-type"] == "application/x-protobuf"
    assert values["x-tenant"] == "acme"
    assert values["content-length"] == str(len(body))  # the body's, not the user's "1"
    assert len(second_body) > 20_000  # a body larger than one segment arrives whole


def test_a_header_that_would_split_the_request_fails_exports_without_raising(
    header_capturing_server: str,
) -> None:
    exporter = FastOTLPLogExporter(
        endpoint=f"{header_capturing_server}/v1/logs",
        headers={"x-tenant": "acme\r\nx-injected: yes"},
        timeout=5,
    )
    outcome = exporter.export_detailed(_records(1))
    exporter.shutdown()

    assert not outcome.success
    assert _HeaderCapture.requests == []
