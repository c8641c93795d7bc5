"""What the running configuration is, assembled for the HYDRA_LOG_CONFIG_DUMP print-out."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from hydra_otel.config import load_settings
from hydra_otel.core import ConfigurationError
from hydra_otel.distro._exporters import (
    PROTOCOL_VARIABLE,
    SIGNAL_PROTOCOL_VARIABLES,
    SIGNALS,
    Signal,
)
from hydra_otel.distro._frameworks import detect_frameworks
from hydra_otel.distro._telemetry import InstalledTelemetry

_DEFAULT_ENDPOINTS = {"http/protobuf": "http://localhost:4318", "grpc": "http://localhost:4317"}


def describe_configuration(
    installed: InstalledTelemetry, bridge_enabled: bool, bridge_level: int
) -> dict[str, Any]:
    """Return the effective configuration as plain data (not yet masked)."""
    return {
        "installed_by": installed.installed_by,
        "service.name": installed.resource.attributes.get("service.name"),
        "resource": dict(installed.resource.attributes),
        "signals": {signal: _describe_signal(installed, signal) for signal in SIGNALS},
        "logging_bridge": {
            "enabled": bridge_enabled,
            "level": logging.getLevelName(bridge_level),
        },
        "frameworks": list(detect_frameworks()),
        "otel_environment": {
            name: value for name, value in sorted(os.environ.items()) if name.startswith("OTEL_")
        },
        "hydra_settings": _hydra_settings(),
    }


def _describe_signal(installed: InstalledTelemetry, signal: Signal) -> dict[str, Any]:
    environ = installed.environ
    options = installed.options
    protocol = (
        environ.get(SIGNAL_PROTOCOL_VARIABLES[signal]) or environ.get(PROTOCOL_VARIABLE) or "grpc"
    )
    upper = signal.upper()
    signal_endpoint = environ.get(f"OTEL_EXPORTER_OTLP_{upper}_ENDPOINT")
    if options.endpoint:
        endpoint = _signal_url(options.endpoint, signal, protocol)
    elif signal_endpoint:
        endpoint = signal_endpoint
    else:
        base = environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or _DEFAULT_ENDPOINTS.get(protocol, "")
        endpoint = _signal_url(base, signal, protocol)
    headers: Mapping[str, str] | str | None = options.headers
    if headers is None:
        headers = environ.get(f"OTEL_EXPORTER_OTLP_{upper}_HEADERS") or environ.get(
            "OTEL_EXPORTER_OTLP_HEADERS"
        )
    return {
        "exporters": list(installed.exporters[signal]),
        "protocol": protocol,
        "endpoint": endpoint,
        "headers": _as_header_mapping(headers),
    }


def _signal_url(base: str, signal: Signal, protocol: str) -> str:
    return f"{base.rstrip('/')}/v1/{signal}" if protocol == "http/protobuf" else base


def _as_header_mapping(headers: Mapping[str, str] | str | None) -> dict[str, str]:
    if headers is None:
        return {}
    if isinstance(headers, str):
        pairs = (pair.split("=", 1) for pair in headers.split(",") if "=" in pair)
        return {name.strip(): value for name, value in pairs}
    return dict(headers)


def _hydra_settings() -> dict[str, Any]:
    try:
        return load_settings().model_dump(mode="json")
    except ConfigurationError as exc:
        return {"error": str(exc)}
