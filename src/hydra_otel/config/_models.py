"""The configuration models: LoggingConfig holds LogLayers, each holding LogDestinations.

Every model accepts a plain dict wherever a model is expected, rejects unknown fields,
and is validated when it is built, so a bad value fails at construction time with an
error naming it, never at the first log call.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hydra_otel.config._levels import parse_level
from hydra_otel.core import ConfigurationError

DestinationType = Literal["console", "file", "otlp", "memory"]
FormatName = Literal["plain-text", "json", "csv", "syslog", "gelf"]
ColorMode = Literal["auto", "always", "never"]
OtlpProtocol = Literal["http/protobuf", "grpc"]
AttributeScalar = str | bool | int | float

DESTINATION_TYPES: tuple[str, ...] = ("console", "file", "otlp", "memory")
FORMAT_NAMES: tuple[str, ...] = ("plain-text", "json", "csv", "syslog", "gelf")
COLOR_MODES: tuple[str, ...] = ("auto", "always", "never")
COLOR_NAMES: tuple[str, ...] = (
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "white",
    "bright_black",
    "bright_red",
    "bright_green",
    "bright_yellow",
    "bright_blue",
    "bright_magenta",
    "bright_cyan",
    "bright_white",
)
DEFAULT_LAYER = "DEFAULT"

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "ki": 1024,
    "kib": 1024,
    "m": 1000**2,
    "mb": 1000**2,
    "mi": 1024**2,
    "mib": 1024**2,
    "g": 1000**3,
    "gb": 1000**3,
    "gi": 1024**3,
    "gib": 1024**3,
}


def parse_size(value: int | str) -> int:
    """Parse a byte size such as ``10485760``, ``"10MB"`` or ``"5 MiB"``."""
    if isinstance(value, bool):
        raise ValueError(f"invalid size {value!r}")
    if isinstance(value, int):
        number, unit = float(value), ""
    else:
        match = _SIZE.match(str(value))
        if match is None:
            raise ValueError(f"invalid size {value!r}: expected bytes or e.g. '10MB'")
        number, unit = float(match.group(1)), (match.group(2) or "").lower()
    size = int(number * _SIZE_UNITS[unit])
    if size <= 0:
        raise ValueError(f"invalid size {value!r}: must be positive")
    return size


def _one_of(value: Any, allowed: tuple[str, ...], what: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise ValueError(f"unknown {what} {value!r}: expected one of {', '.join(allowed)}")
    return value.strip().lower()


_validation_depth: ContextVar[int] = ContextVar("hydra_config_validation_depth", default=0)


@contextlib.contextmanager
def _configuration_errors() -> Iterator[None]:
    """Raise the outermost model's ValidationError as one ConfigurationError."""
    token = _validation_depth.set(_validation_depth.get() + 1)
    try:
        yield
    except ValidationError as exc:
        if _validation_depth.get() > 1:
            raise
        raise configuration_error(exc) from None
    finally:
        _validation_depth.reset(token)


class _Model(BaseModel):
    """Base of the config models: pydantic errors surface as ConfigurationError."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    def __init__(self, **data: Any) -> None:
        with _configuration_errors():
            super().__init__(**data)

    def __setattr__(self, name: str, value: Any) -> None:
        with _configuration_errors():
            super().__setattr__(name, value)

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Any:
        """Validate ``obj`` (a dict or model), raising ConfigurationError when invalid."""
        with _configuration_errors():
            return super().model_validate(obj, **kwargs)


class LogDestination(_Model):
    """Where a layer's records go. Each destination becomes one OTel LogRecordExporter."""

    type: DestinationType
    """``console``, ``file``, ``otlp`` or ``memory``."""
    level: str | None = None
    """Minimum level for this destination; None inherits the layer's level."""
    format: FormatName = "plain-text"
    """Text format of console and file output; OTLP ignores it."""
    color_mode: ColorMode = "auto"
    """``auto`` colours only on a TTY and honours NO_COLOR / FORCE_COLOR."""
    stream: Literal["stderr", "stdout"] = "stderr"
    """The console stream."""
    path: str | None = None
    """The file path (required for ``file``)."""
    max_bytes: int = 10 * 1024 * 1024
    """Rotate the file when it would grow past this size; accepts ``"10MB"``."""
    backup_count: int = Field(default=5, ge=0)
    """How many rotated files to keep (``app.log.1`` … ``app.log.N``)."""
    endpoint: str | None = None
    """OTLP endpoint; None takes OTEL_EXPORTER_OTLP_(LOGS_)ENDPOINT."""
    protocol: OtlpProtocol | None = None
    """OTLP protocol; None takes OTEL_EXPORTER_OTLP_(LOGS_)PROTOCOL, else http/protobuf."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra OTLP headers, merged over OTEL_EXPORTER_OTLP_(LOGS_)HEADERS."""
    timeout: float | None = Field(default=None, gt=0)
    """OTLP request timeout in seconds; None takes the OTEL_* default."""
    compression: Literal["gzip", "none"] | None = None
    """OTLP compression; None takes OTEL_EXPORTER_OTLP_(LOGS_)COMPRESSION."""
    name: str | None = None
    """A name for a ``memory`` destination, to find it with ``logger.memory_records(name)``."""

    @field_validator("type", mode="before")
    @classmethod
    def _check_type(cls, value: Any) -> str:
        return _one_of(value, DESTINATION_TYPES, "destination type")

    @field_validator("format", mode="before")
    @classmethod
    def _check_format(cls, value: Any) -> str:
        if isinstance(value, str) and value.strip().lower() in ("text", "plain"):
            return "plain-text"
        return _one_of(value, FORMAT_NAMES, "format")

    @field_validator("color_mode", mode="before")
    @classmethod
    def _check_color_mode(cls, value: Any) -> str:
        return _one_of(value, COLOR_MODES, "color_mode")

    @field_validator("level", mode="before")
    @classmethod
    def _check_level(cls, value: Any) -> str | None:
        return None if value is None else parse_level(value).name

    @field_validator("max_bytes", mode="before")
    @classmethod
    def _check_size(cls, value: Any) -> int:
        return parse_size(value)

    @model_validator(mode="after")
    def _check_required(self) -> LogDestination:
        if self.type == "file" and not self.path:
            raise ValueError("a 'file' destination needs a 'path'")
        if self.endpoint is not None and not re.match(r"^https?://", self.endpoint):
            raise ValueError(
                f"invalid OTLP endpoint {self.endpoint!r}: expected http(s)://host:port"
            )
        return self


class LogLayer(_Model):
    """A named stream of records (APP, AUTH, API, …) with its own level and destinations."""

    level: str = "INFO"
    """Minimum level of the layer."""
    destinations: list[LogDestination] = Field(default_factory=list)
    """Where the layer's records go; empty means the default layer's destinations."""
    color: str | None = None
    """Colour of the layer name on a coloured console."""
    resource: dict[str, AttributeScalar] = Field(default_factory=dict)
    """Resource attributes merged over the base Resource for this layer's records."""
    enabled: bool = True
    """A disabled layer drops its records before any work is done."""

    @field_validator("level", mode="before")
    @classmethod
    def _check_level(cls, value: Any) -> str:
        return parse_level(value).name

    @field_validator("color", mode="before")
    @classmethod
    def _check_color(cls, value: Any) -> str | None:
        return None if value is None else _one_of(value, COLOR_NAMES, "color")


class LoggingConfig(_Model):
    """The whole configuration of a HydraLogger.

    ``layers`` maps layer names to LogLayers; records for a layer that is not
    configured go to the ``DEFAULT`` layer (a console at ``default_level`` when
    ``DEFAULT`` itself is not configured).
    """

    layers: dict[str, LogLayer] = Field(default_factory=dict)
    """Layer name to layer; names are case-sensitive (``APP``, ``AUTH``, …)."""
    default_level: str = "INFO"
    """Level of the implicit DEFAULT layer."""
    service_name: str | None = None
    """``service.name`` of the Resource; None takes OTEL_SERVICE_NAME."""
    resource: dict[str, AttributeScalar] = Field(default_factory=dict)
    """Extra base Resource attributes (OTEL_RESOURCE_ATTRIBUTES still applies)."""
    date_format: str | None = None
    """strftime date pattern; None takes HYDRA_LOG_DATE_FORMAT."""
    time_format: str | None = None
    """strftime time pattern (``%f`` = microseconds); None takes HYDRA_LOG_TIME_FORMAT."""
    logger_name_format: str | None = None
    """Pattern for the logger name, with ``{name}`` and ``{layer}``."""
    message_format: str | None = None
    """Pattern for plain-text lines, with ``{timestamp}``, ``{level}``, ``{layer}``, ``{logger}``, ``{message}``, ``{attributes}``."""
    enable_security: bool = True
    """Neutralise log-injection (CR/LF, ANSI escapes) in messages."""
    enable_sanitization: bool = True
    """Redact PII and secrets before records leave the logger."""
    redact_sensitive: bool = True
    """Redact values under sensitive keys (password, token, …)."""
    enable_plugins: bool = True
    """Run attached plugins on every record."""

    @field_validator("default_level", mode="before")
    @classmethod
    def _check_level(cls, value: Any) -> str:
        return parse_level(value).name

    def layer_for(self, name: str) -> LogLayer:
        """Return the layer called ``name``, or the default layer."""
        layer = self.layers.get(name)
        if layer is not None:
            return layer
        return self.layers.get(DEFAULT_LAYER) or LogLayer(
            level=self.default_level, destinations=[LogDestination(type="console")]
        )


def coerce_config(value: LoggingConfig | Mapping[str, Any] | None) -> LoggingConfig:
    """Return ``value`` as a validated LoggingConfig, accepting dicts.

    Raises:
        ConfigurationError: naming each bad field and value.
    """
    if value is None:
        return LoggingConfig()
    if isinstance(value, LoggingConfig):
        return value
    if not isinstance(value, Mapping):
        raise ConfigurationError(
            f"invalid config {value!r}: expected a LoggingConfig or a dict, got {type(value).__name__}"
        )
    return LoggingConfig.model_validate(dict(value))  # type: ignore[no-any-return]


def configuration_error(exc: ValidationError) -> ConfigurationError:
    """Turn a pydantic ValidationError into a ConfigurationError naming field and value."""
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "config"
        message = err["msg"].removeprefix("Value error, ")
        if err["loc"] and repr(err["input"]) not in message and err["type"] != "missing":
            message = f"{message} (got {err['input']!r})"
        problems.append(f"{where}: {message}")
    return ConfigurationError("invalid hydra-otel configuration: " + "; ".join(problems))
