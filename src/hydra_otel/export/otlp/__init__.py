"""Fast OTLP log export: a hand-written protobuf encoder and HTTP/gRPC exporters.

``OTLPLogsEncoder`` turns SDK log records into ``ExportLogsServiceRequest`` bytes that
decode to exactly what the SDK's own encoder builds, several times faster.
``FastOTLPLogExporter`` (HTTP/protobuf) and ``FastOTLPGrpcLogExporter`` are
``LogRecordExporter``\\ s built on it: one attempt per export, never raising, with an
``ExportOutcome`` that tells a retrying caller what happened.
"""

from hydra_otel.export.otlp._encoder import OTLPLogsEncoder
from hydra_otel.export.otlp._exporter_base import FastOTLPExporterBase
from hydra_otel.export.otlp._grpc_exporter import FastOTLPGrpcLogExporter
from hydra_otel.export.otlp._http_exporter import FastOTLPLogExporter
from hydra_otel.export.otlp._outcome import (
    RETRYABLE_GRPC_CODES,
    RETRYABLE_HTTP_STATUSES,
    ExportOutcome,
    parse_retry_after,
)

__all__ = [
    "RETRYABLE_GRPC_CODES",
    "RETRYABLE_HTTP_STATUSES",
    "ExportOutcome",
    "FastOTLPExporterBase",
    "FastOTLPGrpcLogExporter",
    "FastOTLPLogExporter",
    "OTLPLogsEncoder",
    "parse_retry_after",
]
