"""OTLP/gRPC front end of the receiver: Logs, Trace and Metrics services."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import grpc
from google.protobuf.any_pb2 import Any as AnyMessage
from google.protobuf.duration_pb2 import Duration
from google.protobuf.message import Message
from google.rpc.error_details_pb2 import RetryInfo
from google.rpc.status_pb2 import Status
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc

from hydra_otel.testing._backend import ExportBackend
from hydra_otel.testing._faults import InjectedFailure
from hydra_otel.testing._signals import LOGS, METRICS, TRACES, Signal

_MAX_WORKERS = 16


def _retry_info(seconds: float) -> RetryInfo:
    fraction, whole = math.modf(max(0.0, seconds))
    return RetryInfo(retry_delay=Duration(seconds=int(whole), nanos=int(fraction * 1e9)))


def _abort(context: grpc.ServicerContext, failure: InjectedFailure) -> None:
    """Abort the call with the injected status, advertising a retry delay if asked.

    The delay travels twice: as ``google.rpc.retryinfo-bin`` (what the Python OTLP
    exporter reads) and inside ``grpc-status-details-bin`` (the standard rich
    status that other clients, rotel included, read).
    """
    code_number = failure.grpc_code.value[0]
    if failure.retry_after_seconds is not None:
        retry_info = _retry_info(failure.retry_after_seconds)
        detail = AnyMessage()
        detail.Pack(retry_info)
        status = Status(code=code_number, message=failure.message, details=[detail])
        context.set_trailing_metadata(
            (
                ("google.rpc.retryinfo-bin", retry_info.SerializeToString()),
                ("grpc-status-details-bin", status.SerializeToString()),
            )
        )
    context.abort(failure.grpc_code, failure.message)


def _export(
    backend: ExportBackend, signal: Signal, request: Message, context: grpc.ServicerContext
) -> Message:
    metadata = {key.lower(): str(value) for key, value in context.invocation_metadata()}
    outcome = backend.handle(signal, request, metadata)
    if isinstance(outcome, InjectedFailure):
        _abort(context, outcome)  # raises
    assert not isinstance(outcome, InjectedFailure)
    return outcome


class _LogsServicer(logs_service_pb2_grpc.LogsServiceServicer):
    def __init__(self, backend: ExportBackend) -> None:
        self._backend = backend

    def Export(self, request: Message, context: grpc.ServicerContext) -> Message:
        return _export(self._backend, LOGS, request, context)


class _TraceServicer(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, backend: ExportBackend) -> None:
        self._backend = backend

    def Export(self, request: Message, context: grpc.ServicerContext) -> Message:
        return _export(self._backend, TRACES, request, context)


class _MetricsServicer(metrics_service_pb2_grpc.MetricsServiceServicer):
    def __init__(self, backend: ExportBackend) -> None:
        self._backend = backend

    def Export(self, request: Message, context: grpc.ServicerContext) -> Message:
        return _export(self._backend, METRICS, request, context)


def _add_services(server: grpc.Server, backend: ExportBackend) -> None:
    # the generated registration helpers carry no type annotations
    add_logs = logs_service_pb2_grpc.add_LogsServiceServicer_to_server
    add_traces = trace_service_pb2_grpc.add_TraceServiceServicer_to_server
    add_metrics = metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server
    add_logs(_LogsServicer(backend), server)  # type: ignore[no-untyped-call]
    add_traces(_TraceServicer(backend), server)  # type: ignore[no-untyped-call]
    add_metrics(_MetricsServicer(backend), server)  # type: ignore[no-untyped-call]


class OtlpGrpcFrontEnd:
    """Runs the OTLP/gRPC server on a loopback port (0: a free one).

    Raises:
        OSError: If the port cannot be bound.
    """

    __slots__ = ("_server", "port")

    def __init__(self, backend: ExportBackend, port: int = 0) -> None:
        self._server = grpc.server(
            ThreadPoolExecutor(max_workers=_MAX_WORKERS, thread_name_prefix="otlp-grpc-receiver"),
            options=[
                ("grpc.max_receive_message_length", 64 * 1024 * 1024),
                # never share a port with another server that happens to bind it too
                ("grpc.so_reuseport", 0),
            ],
        )
        _add_services(self._server, backend)
        try:
            self.port: int = self._server.add_insecure_port(f"127.0.0.1:{port}")
        except RuntimeError as error:  # grpcio raises instead of returning 0 nowadays
            raise OSError(f"cannot bind OTLP/gRPC receiver to 127.0.0.1:{port}") from error
        if self.port == 0:
            raise OSError(f"cannot bind OTLP/gRPC receiver to 127.0.0.1:{port}")
        self._server.start()

    def stop(self) -> None:
        """Stop the server, cancelling calls still in flight."""
        self._server.stop(grace=None).wait(5)
