"""The overrides ``hydra_otel.configure()`` accepts, validated before anything is installed."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hydra_otel.config import parse_level
from hydra_otel.config._models import configuration_error
from hydra_otel.core import ConfigurationError

AttributeScalar = str | bool | int | float


class TelemetryOptions(BaseModel):
    """In-code overrides of the standard ``OTEL_*`` settings; None keeps the environment's value."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    service_name: str | None = None
    """``service.name``; wins over OTEL_SERVICE_NAME."""
    resource_attributes: dict[str, AttributeScalar] = Field(default_factory=dict)
    """Extra resource attributes, merged over OTEL_RESOURCE_ATTRIBUTES."""
    endpoint: str | None = None
    """OTLP base endpoint for every signal, like OTEL_EXPORTER_OTLP_ENDPOINT (``http://host:4318``)."""
    protocol: Literal["http/protobuf", "grpc"] | None = None
    """OTLP protocol for every signal, like OTEL_EXPORTER_OTLP_PROTOCOL."""
    headers: dict[str, str] | None = None
    """OTLP request headers; replace OTEL_EXPORTER_OTLP_HEADERS when given."""
    timeout: float | None = Field(default=None, gt=0)
    """OTLP request timeout in seconds."""
    traces_exporter: str | None = None
    """Like OTEL_TRACES_EXPORTER: ``otlp``, ``console``, ``none`` or a comma-separated list."""
    metrics_exporter: str | None = None
    """Like OTEL_METRICS_EXPORTER."""
    logs_exporter: str | None = None
    """Like OTEL_LOGS_EXPORTER."""
    level: str | int | None = None
    """Minimum level the stdlib bridge forwards; None takes HYDRA_BRIDGE_LEVEL."""
    instrument_logging: bool = True
    """Bridge stdlib ``logging`` into the pipeline (unless OTEL_PYTHON_DISABLED_INSTRUMENTATIONS
    names ``hydra_logging``)."""

    @field_validator("traces_exporter", "metrics_exporter", "logs_exporter", mode="before")
    @classmethod
    def _join_exporter_names(cls, value: Any) -> Any:
        if isinstance(value, Sequence) and not isinstance(value, str):
            return ",".join(str(name).strip() for name in value)
        return value

    @field_validator("endpoint")
    @classmethod
    def _check_endpoint(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"invalid OTLP endpoint {value!r}: expected http(s)://host:port")
        return value

    @field_validator("level", mode="before")
    @classmethod
    def _check_level(cls, value: Any) -> Any:
        if value is not None:
            bridge_level_number(value)
        return value


def bridge_level_number(value: str | int) -> int:
    """Return the stdlib level number of a bridge level; ``NOTSET`` (or 0) forwards everything.

    Raises:
        ValueError: naming the value when it is no level.
    """
    if isinstance(value, str) and value.strip().upper() == "NOTSET":
        return 0
    if value == 0 and not isinstance(value, bool):
        return 0
    return parse_level(value).stdlib


def parse_options(overrides: Mapping[str, Any]) -> TelemetryOptions:
    """Validate ``configure()`` keyword arguments.

    Raises:
        ConfigurationError: naming an unknown keyword or a bad value.
    """
    known = TelemetryOptions.model_fields
    unknown = sorted(name for name in overrides if name not in known)
    if unknown:
        raise ConfigurationError(
            f"unknown configure() option {', '.join(map(repr, unknown))}: "
            f"expected one of {', '.join(known)}"
        )
    try:
        return TelemetryOptions(**overrides)
    except ValidationError as exc:
        raise configuration_error(exc) from None
