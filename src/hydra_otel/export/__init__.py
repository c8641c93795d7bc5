"""Export: the fallback export processor, its crash-safe spool, and fast OTLP exporters.

The OTLP names (``FastOTLPLogExporter`` and friends, from :mod:`hydra_otel.export.otlp`)
are loaded on first use, so a program that only needs the processor does not import
``grpc`` and ``requests``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hydra_otel.export._capture import RECORD_UID_KEY
from hydra_otel.export._codec import decode_request
from hydra_otel.export._options import FallbackExportOptions
from hydra_otel.export._processor import FallbackExportProcessor
from hydra_otel.export._spool import SpoolError, SqliteSpool

if TYPE_CHECKING:
    from hydra_otel.export.otlp import (
        RETRYABLE_GRPC_CODES,
        RETRYABLE_HTTP_STATUSES,
        ExportOutcome,
        FastOTLPExporterBase,
        FastOTLPGrpcLogExporter,
        FastOTLPLogExporter,
        OTLPLogsEncoder,
        parse_retry_after,
    )

_OTLP_NAMES = frozenset(
    {
        "RETRYABLE_GRPC_CODES",
        "RETRYABLE_HTTP_STATUSES",
        "ExportOutcome",
        "FastOTLPExporterBase",
        "FastOTLPGrpcLogExporter",
        "FastOTLPLogExporter",
        "OTLPLogsEncoder",
        "parse_retry_after",
    }
)

__all__ = [
    "RECORD_UID_KEY",
    "RETRYABLE_GRPC_CODES",
    "RETRYABLE_HTTP_STATUSES",
    "ExportOutcome",
    "FallbackExportOptions",
    "FallbackExportProcessor",
    "FastOTLPExporterBase",
    "FastOTLPGrpcLogExporter",
    "FastOTLPLogExporter",
    "OTLPLogsEncoder",
    "SpoolError",
    "SqliteSpool",
    "decode_request",
    "parse_retry_after",
]


def __getattr__(name: str) -> Any:
    if name in _OTLP_NAMES:
        from hydra_otel.export import otlp

        return getattr(otlp, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
