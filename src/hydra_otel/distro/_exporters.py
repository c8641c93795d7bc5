"""Which exporters each signal gets, read the way the OTel SDK reads ``OTEL_*`` variables.

The names come from an *environment view*: ``configure()`` overrides over the process
environment over the distro's defaults, so the distro and ``configure()`` resolve the
same names from the same variables, and ``configure()`` never writes to ``os.environ``.
Exporter classes are loaded from the SDK's entry-point groups, as the SDK does.
"""

from __future__ import annotations

import functools
import os
from collections import ChainMap
from collections.abc import Mapping
from typing import Any, Literal

from opentelemetry.sdk._configuration import _import_exporters
from opentelemetry.sdk._logs.export import LogRecordExporter
from opentelemetry.sdk.metrics.export import MetricExporter, MetricReader
from opentelemetry.sdk.trace.export import SpanExporter

from hydra_otel.core import ConfigurationError
from hydra_otel.distro._options import TelemetryOptions

Signal = Literal["traces", "metrics", "logs"]
SIGNALS: tuple[Signal, ...] = ("traces", "metrics", "logs")

EXPORTER_VARIABLES: Mapping[Signal, str] = {
    "traces": "OTEL_TRACES_EXPORTER",
    "metrics": "OTEL_METRICS_EXPORTER",
    "logs": "OTEL_LOGS_EXPORTER",
}
PROTOCOL_VARIABLE = "OTEL_EXPORTER_OTLP_PROTOCOL"
SIGNAL_PROTOCOL_VARIABLES: Mapping[Signal, str] = {
    "traces": "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "metrics": "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
    "logs": "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
}

DISTRO_DEFAULTS: Mapping[str, str] = {
    "OTEL_TRACES_EXPORTER": "otlp",
    "OTEL_METRICS_EXPORTER": "otlp",
    "OTEL_LOGS_EXPORTER": "otlp",
    PROTOCOL_VARIABLE: "http/protobuf",
}
"""What the distro sets with ``os.environ.setdefault`` and ``configure()`` assumes when unset."""

_OTLP_BY_PROTOCOL = {"grpc": "otlp_proto_grpc", "http/protobuf": "otlp_proto_http"}
_OTLP_HTTP_MODULE = "opentelemetry.exporter.otlp.proto.http"
_OTLP_GRPC_MODULE = "opentelemetry.exporter.otlp.proto.grpc"


def environment_view(
    options: TelemetryOptions, environ: Mapping[str, str] | None = None
) -> Mapping[str, str]:
    """Return ``options`` as ``OTEL_*`` values layered over ``environ`` and the distro defaults."""
    overrides: dict[str, str] = {}
    for signal in SIGNALS:
        names = getattr(options, f"{signal}_exporter")
        if names is not None:
            overrides[EXPORTER_VARIABLES[signal]] = names
        if options.protocol is not None:
            overrides[SIGNAL_PROTOCOL_VARIABLES[signal]] = options.protocol
    if options.protocol is not None:
        overrides[PROTOCOL_VARIABLE] = options.protocol
    return ChainMap(
        overrides, dict(os.environ if environ is None else environ), dict(DISTRO_DEFAULTS)
    )


def exporter_names(signal: Signal, environ: Mapping[str, str]) -> list[str]:
    """Return the exporter entry-point names ``environ`` selects for ``signal``.

    ``none`` (or an empty value) selects nothing; ``otlp`` becomes ``otlp_proto_http`` or
    ``otlp_proto_grpc`` by the signal's protocol variable, then the general one.

    Raises:
        ConfigurationError: when the OTLP protocol is not ``grpc`` or ``http/protobuf``.
    """
    names = environ.get(EXPORTER_VARIABLES[signal], "")
    if not names.strip() or names.strip().lower() == "none":
        return []
    return [_entry_point_name(name.strip(), signal, environ) for name in names.split(",")]


def _entry_point_name(name: str, signal: Signal, environ: Mapping[str, str]) -> str:
    if name != "otlp":
        return name
    protocol = (
        environ.get(SIGNAL_PROTOCOL_VARIABLES[signal]) or environ.get(PROTOCOL_VARIABLE) or "grpc"
    ).strip()
    try:
        return _OTLP_BY_PROTOCOL[protocol]
    except KeyError:
        raise ConfigurationError(
            f"unsupported OTLP protocol {protocol!r} for {signal}: expected grpc or http/protobuf"
        ) from None


ExporterClasses = tuple[
    dict[str, type[SpanExporter]],
    dict[str, type[MetricExporter | MetricReader]],
    dict[str, type[LogRecordExporter]],
]


def load_exporter_classes(environ: Mapping[str, str]) -> ExporterClasses:
    """Load the exporter classes ``environ`` selects, from the SDK's entry-point groups.

    Raises:
        ConfigurationError: naming an exporter no installed package provides.
    """
    try:
        loaded: ExporterClasses = _import_exporters(
            exporter_names("traces", environ),
            exporter_names("metrics", environ),
            exporter_names("logs", environ),
        )
    except RuntimeError as exc:
        raise ConfigurationError(f"invalid exporter selection: {exc}") from None
    spans, metrics, logs = loaded
    fast = _fast_log_exporters()
    return spans, metrics, {name: fast.get(name, cls) for name, cls in logs.items()}


@functools.cache
def _fast_log_exporters() -> dict[str, type[LogRecordExporter]]:
    """OTLP log exporters are hydra's own: the SDK's OTEL_* semantics and constructor
    arguments, writing the wire format directly (see hydra_otel.export.otlp). Imported
    on first use: grpc and requests cost tens of MiB and most of ``import`` time."""
    from hydra_otel.export.otlp import FastOTLPGrpcLogExporter, FastOTLPLogExporter

    return {"otlp_proto_http": FastOTLPLogExporter, "otlp_proto_grpc": FastOTLPGrpcLogExporter}


def exporter_arguments(
    exporter_class: type, signal: Signal, options: TelemetryOptions
) -> dict[str, Any]:
    """Constructor arguments that carry ``configure()``'s OTLP overrides to one exporter class.

    Exporters other than OTLP get none; OTLP exporters otherwise read their
    ``OTEL_EXPORTER_OTLP_*`` variables themselves.
    """
    module = exporter_class.__module__
    fast_http, fast_grpc = _fast_log_exporters().values()
    is_http = module.startswith(_OTLP_HTTP_MODULE) or issubclass(exporter_class, fast_http)
    is_grpc = module.startswith(_OTLP_GRPC_MODULE) or issubclass(exporter_class, fast_grpc)
    if not (is_http or is_grpc):
        return {}
    arguments: dict[str, Any] = {}
    if options.endpoint is not None:
        base = options.endpoint.rstrip("/")
        arguments["endpoint"] = f"{base}/v1/{signal}" if is_http else base
    if options.headers is not None:
        arguments["headers"] = dict(options.headers)
    if options.timeout is not None:
        arguments["timeout"] = options.timeout
    return arguments
