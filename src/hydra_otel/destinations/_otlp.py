"""The ``otlp`` destination: hydra's fast OTLP exporters, configured the OTEL_* way.

Every value the destination leaves as None is *not passed*, so the exporter applies
OTEL_EXPORTER_OTLP_LOGS_* / OTEL_EXPORTER_OTLP_* exactly as the SDK documents them.
Values the destination sets win over the environment. The exporter modules are
imported only when an OTLP destination is created (gRPC is slow to import).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from opentelemetry.sdk._logs.export import LogRecordExporter
from opentelemetry.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL,
    OTEL_EXPORTER_OTLP_PROTOCOL,
)

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
    """Return hydra's fast OTLP exporter for ``destination`` (HTTP/protobuf or gRPC).

    The exporters write the OTLP wire format directly (see ``hydra_otel.export.otlp``)
    and read OTEL_EXPORTER_OTLP_(LOGS_)* with the SDK exporters' semantics; values the
    destination sets win, and its headers are merged over the environment's.

    Raises:
        DestinationError: when the protocol is unsupported.
    """
    kwargs: dict[str, Any] = {}
    if destination.headers:
        kwargs["headers"] = dict(destination.headers)
    if destination.timeout is not None:
        kwargs["timeout"] = destination.timeout
    if destination.compression is not None:
        kwargs["compression"] = destination.compression
    if resolve_otlp_protocol(destination.protocol) == "grpc":
        from hydra_otel.export.otlp import FastOTLPGrpcLogExporter

        return FastOTLPGrpcLogExporter(endpoint=destination.endpoint, **kwargs)
    from hydra_otel.export.otlp import FastOTLPLogExporter

    endpoint = http_logs_url(destination.endpoint) if destination.endpoint else None
    return FastOTLPLogExporter(endpoint=endpoint, **kwargs)
