"""Fixtures for destination tests: SDK loggers around an exporter, stand-in OTLP backends."""

from __future__ import annotations

import gzip
import http.server
import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field

import grpc
import pytest
from opentelemetry._logs import Logger
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import LogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource

from hydra_otel.formats import FormatOptions

LoggerFor = Callable[..., Logger]


@pytest.fixture
def format_options() -> FormatOptions:
    """Options with explicit patterns, independent of HYDRA_* variables."""
    return FormatOptions(
        date_format="%Y-%m-%d",
        time_format="%H:%M:%S.%f",
        logger_name_format="{name}",
        message_format="{level} [{layer}] {logger}: {message}{attributes}",
    )


@pytest.fixture
def logger_for() -> Iterator[LoggerFor]:
    """Wrap an exporter in a real LoggerProvider + SimpleLogRecordProcessor; give its logger."""
    providers: list[LoggerProvider] = []

    def make(exporter: LogRecordExporter, name: str = "shop.orders") -> Logger:
        provider = LoggerProvider(resource=Resource({"service.name": "checkout"}))
        provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
        providers.append(provider)
        return provider.get_logger(name)

    yield make
    for provider in providers:
        provider.shutdown()


@dataclass
class ReceivedExport:
    """One export request as a backend saw it."""

    path: str
    headers: dict[str, str]
    request: logs_service_pb2.ExportLogsServiceRequest
    compressed: bool = False

    @property
    def bodies(self) -> list[str]:
        """The string bodies of every log record in the request."""
        return [
            record.body.string_value
            for resource_logs in self.request.resource_logs
            for scope_logs in resource_logs.scope_logs
            for record in scope_logs.log_records
        ]


@dataclass
class StandInBackend:
    """Where a stand-in OTLP server records what it received."""

    endpoint: str
    received: list[ReceivedExport] = field(default_factory=list)


class _OtlpHttpHandler(http.server.BaseHTTPRequestHandler):
    backend: StandInBackend

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        compressed = self.headers.get("Content-Encoding") == "gzip"
        request = logs_service_pb2.ExportLogsServiceRequest.FromString(
            gzip.decompress(body) if compressed else body
        )
        headers = {key.lower(): value for key, value in self.headers.items()}
        self.backend.received.append(ReceivedExport(self.path, headers, request, compressed))
        payload = logs_service_pb2.ExportLogsServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def otlp_http_backend() -> Iterator[StandInBackend]:
    """An OTLP/HTTP server on a free loopback port recording path, headers and request."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OtlpHttpHandler)
    backend = StandInBackend(f"http://127.0.0.1:{server.server_address[1]}")
    _OtlpHttpHandler.backend = backend
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield backend
    server.shutdown()
    server.server_close()


class _LogsServicer(logs_service_pb2_grpc.LogsServiceServicer):
    def __init__(self, backend: StandInBackend) -> None:
        self.backend = backend

    def Export(self, request, context):
        headers = {key: value for key, value in context.invocation_metadata()}
        self.backend.received.append(ReceivedExport("", headers, request))
        return logs_service_pb2.ExportLogsServiceResponse()


@pytest.fixture
def otlp_grpc_backend() -> Iterator[StandInBackend]:
    """An OTLP/gRPC server on a free loopback port recording metadata and request."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    port = server.add_insecure_port("127.0.0.1:0")
    backend = StandInBackend(f"http://127.0.0.1:{port}")
    logs_service_pb2_grpc.add_LogsServiceServicer_to_server(_LogsServicer(backend), server)
    server.start()
    yield backend
    server.stop(grace=None)
