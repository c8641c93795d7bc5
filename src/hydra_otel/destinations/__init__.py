"""Local and OTLP destinations, each an OTel LogRecordExporter.

:func:`create_exporter` turns a LogDestination into its exporter; the exporters also
work on their own inside any SDK ``LoggerProvider``.
"""

from hydra_otel.destinations._console import ConsoleLogExporter
from hydra_otel.destinations._factory import create_exporter, create_memory_exporter
from hydra_otel.destinations._otlp import (
    OTLP_PROTOCOLS,
    create_otlp_exporter,
    http_logs_url,
    resolve_otlp_protocol,
)
from hydra_otel.destinations._rotating_file import RotatingFileLogExporter

__all__ = [
    "OTLP_PROTOCOLS",
    "ConsoleLogExporter",
    "RotatingFileLogExporter",
    "create_exporter",
    "create_memory_exporter",
    "create_otlp_exporter",
    "http_logs_url",
    "resolve_otlp_protocol",
]
