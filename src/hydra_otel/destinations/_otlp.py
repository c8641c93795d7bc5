"""The ``otlp`` destination: the SDK's OTLPLogExporter, configured the OTEL_* way.

Every value the destination leaves as None is *not passed*, so the SDK exporter
applies OTEL_EXPORTER_OTLP_LOGS_* / OTEL_EXPORTER_OTLP_* exactly as it documents.
Values the destination sets win over the environment. The exporter modules are
imported only when an OTLP destination is created (gRPC is slow to import).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from opentelemetry.sdk._logs.export import LogRecordExporter
from opentelemetry.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_HEADERS,
    OTEL_EXPORTER_OTLP_LOGS_HEADERS,
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL,
    OTEL_EXPORTER_OTLP_PROTOCOL,
)
from opentelemetry.util.re import parse_env_headers

from hydra_otel.config import LogDestination
from hydra_otel.core import DestinationError

OTLP_PROTOCOLS: tuple[str, ...] = ("http/protobuf", "grpc")
DEFAULT_OTLP_PROTOCOL = "http/protobuf"
LOGS_PATH = "/v1/logs"


def resolve_otlp_protocol(explicit: str | None) -> str:
    """Return the OTLP protocol: ``explicit``, else the LOGS then generic OTEL variable.

    Raises:
        DestinationError: naming the value (and the variable it came from) when it is
            not ``http/protobuf`` or ``grpc``.
    """
    source = "the destination's protocol"
    value = explicit
    for variable in (OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, OTEL_EXPORTER_OTLP_PROTOCOL):
        if value:
            break
        value, source = os.environ.get(variable), variable
    protocol = (value or DEFAULT_OTLP_PROTOCOL).strip().lower()
    if protocol not in OTLP_PROTOCOLS:
        raise DestinationError(
            f"unsupported OTLP protocol {value!r} (from {source}): expected "
            + " or ".join(OTLP_PROTOCOLS)
        )
    return protocol


def http_logs_url(endpoint: str) -> str:
    """Return the logs URL of a base endpoint: ``/v1/logs`` appended unless it has a path."""
    if urlsplit(endpoint).path.strip("/"):
        return endpoint
    return endpoint.rstrip("/") + LOGS_PATH


def create_otlp_exporter(destination: LogDestination) -> LogRecordExporter:
    """Return the SDK's OTLPLogExporter for ``destination`` (HTTP/protobuf or gRPC).

    Raises:
        DestinationError: when the protocol is unsupported.
    """
    if resolve_otlp_protocol(destination.protocol) == "grpc":
        return _grpc_exporter(destination)
    return _http_exporter(destination)


def _http_exporter(destination: LogDestination) -> LogRecordExporter:
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter

    kwargs: dict[str, Any] = {}
    if destination.endpoint is not None:
        kwargs["endpoint"] = http_logs_url(destination.endpoint)
    if destination.headers:
        kwargs["headers"] = dict(destination.headers)  # the SDK merges them over OTEL_* headers
    if destination.timeout is not None:
        kwargs["timeout"] = destination.timeout
    if destination.compression is not None:
        kwargs["compression"] = Compression(destination.compression)
    return OTLPLogExporter(**kwargs)


def _grpc_exporter(destination: LogDestination) -> LogRecordExporter:
    import grpc
    from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter

    kwargs: dict[str, Any] = {}
    if destination.endpoint is not None:
        kwargs["endpoint"] = destination.endpoint
    if destination.headers:
        kwargs["headers"] = _merged_grpc_headers(destination.headers)
    if destination.timeout is not None:
        kwargs["timeout"] = destination.timeout
    if destination.compression is not None:
        kwargs["compression"] = (
            grpc.Compression.Gzip
            if destination.compression == "gzip"
            else grpc.Compression.NoCompression
        )
    return OTLPLogExporter(**kwargs)


def _merged_grpc_headers(headers: dict[str, str]) -> dict[str, str]:
    """The gRPC exporter replaces env headers when given some; merge them like HTTP does."""
    env_value = os.environ.get(OTEL_EXPORTER_OTLP_LOGS_HEADERS) or os.environ.get(
        OTEL_EXPORTER_OTLP_HEADERS, ""
    )
    merged = {
        key.lower(): value for key, value in parse_env_headers(env_value, liberal=True).items()
    }
    merged.update({key.lower(): value for key, value in headers.items()})
    return merged
