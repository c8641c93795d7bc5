"""The three OTLP signals and what the receiver needs to know about each."""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.message import Message
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


@dataclass(frozen=True, slots=True)
class Signal:
    """Static facts about one OTLP signal.

    Attributes:
        name: ``"logs"``, ``"traces"`` or ``"metrics"``.
        http_path: Path of the OTLP/HTTP endpoint.
        request_type: Protobuf class of the export request.
        response_type: Protobuf class of the export response.
        rejected_field: Name of the ``rejected_*`` counter in the partial-success message.
    """

    name: str
    http_path: str
    request_type: type[Message]
    response_type: type[Message]
    rejected_field: str

    def response(self, rejected: int = 0, message: str = "") -> Message:
        """Build an export response, with a partial-success part when asked for."""
        response = self.response_type()
        if rejected or message:
            partial = response.partial_success
            setattr(partial, self.rejected_field, rejected)
            partial.error_message = message
        return response


LOGS = Signal(
    "logs", "/v1/logs", ExportLogsServiceRequest, ExportLogsServiceResponse, "rejected_log_records"
)
TRACES = Signal(
    "traces", "/v1/traces", ExportTraceServiceRequest, ExportTraceServiceResponse, "rejected_spans"
)
METRICS = Signal(
    "metrics",
    "/v1/metrics",
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
    "rejected_data_points",
)

SIGNALS_BY_PATH = {signal.http_path: signal for signal in (LOGS, TRACES, METRICS)}
