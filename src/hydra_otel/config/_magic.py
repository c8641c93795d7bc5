"""Magic configs: named, ready-made LoggingConfigs (``HydraLogger.for_production()``).

Built-in names are production, development, testing, high_performance and bare_metal;
``register_magic("name")`` adds one from a function returning a LoggingConfig or a dict.
Every built-in exports OTLP as well when OTEL_EXPORTER_OTLP_(LOGS_)ENDPOINT is set.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

from hydra_otel.config._models import (
    DEFAULT_LAYER,
    LogDestination,
    LoggingConfig,
    LogLayer,
    coerce_config,
)
from hydra_otel.core import ConfigurationError

MagicFactory = Callable[[], LoggingConfig | Mapping[str, Any]]

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_lock = threading.Lock()
_custom: dict[str, MagicFactory] = {}


class UnknownMagicConfigError(ConfigurationError, AttributeError):
    """No magic config has this name (also an AttributeError, so ``hasattr`` works)."""


def otlp_destinations_from_env() -> list[LogDestination]:
    """Return an OTLP destination when the standard OTLP endpoint variables are set."""
    if os.environ.get("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT") or os.environ.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    ):
        return [LogDestination(type="otlp")]
    return []


def _single_layer(level: str, *destinations: LogDestination) -> LoggingConfig:
    return LoggingConfig(
        default_level=level,
        layers={
            DEFAULT_LAYER: LogLayer(
                level=level, destinations=[*destinations, *otlp_destinations_from_env()]
            )
        },
    )


def zero_config(level: str = "INFO") -> LoggingConfig:
    """The configuration of ``HydraLogger()``: a readable console, plus OTLP when configured."""
    return _single_layer(level, LogDestination(type="console"))


def _production() -> LoggingConfig:
    return _single_layer("INFO", LogDestination(type="console", format="json", color_mode="never"))


def _development() -> LoggingConfig:
    return _single_layer("DEBUG", LogDestination(type="console"))


def _testing() -> LoggingConfig:
    return LoggingConfig(
        default_level="DEBUG",
        layers={
            DEFAULT_LAYER: LogLayer(level="DEBUG", destinations=[LogDestination(type="memory")])
        },
        enable_plugins=True,
    )


def _high_performance() -> LoggingConfig:
    return _single_layer("INFO", LogDestination(type="console", level="WARNING", format="json"))


def _bare_metal() -> LoggingConfig:
    config = _single_layer("WARNING", LogDestination(type="console", color_mode="never"))
    config.enable_plugins = False
    return config


BUILTIN_MAGIC: dict[str, MagicFactory] = {
    "production": _production,
    "development": _development,
    "testing": _testing,
    "high_performance": _high_performance,
    "bare_metal": _bare_metal,
}


def register_magic(name: str) -> Callable[[MagicFactory], MagicFactory]:
    """Decorator registering ``func`` as the magic config ``name``.

    Raises:
        ConfigurationError: when ``name`` is not a lowercase identifier or is a built-in.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigurationError(
            f"invalid magic config name {name!r}: expected a lowercase identifier like 'my_app'"
        )
    if name in BUILTIN_MAGIC:
        raise ConfigurationError(f"magic config {name!r} is built in and cannot be replaced")

    def decorator(func: MagicFactory) -> MagicFactory:
        if not callable(func):
            raise ConfigurationError(f"magic config {name!r} must be a function, got {func!r}")
        with _lock:
            _custom[name] = func
        return func

    return decorator


def list_magic_configs() -> list[str]:
    """Return built-in and registered magic config names."""
    with _lock:
        return sorted({*BUILTIN_MAGIC, *_custom})


def magic_config(name: str) -> LoggingConfig:
    """Build the magic config ``name``.

    Raises:
        UnknownMagicConfigError: naming ``name`` and the known names.
        ConfigurationError: when the registered function returns an invalid config.
    """
    with _lock:
        factory = BUILTIN_MAGIC.get(name) or _custom.get(name)
    if factory is None:
        raise UnknownMagicConfigError(
            f"unknown magic config {name!r}; known: {', '.join(list_magic_configs())}"
        )
    result = factory()
    if not isinstance(result, (LoggingConfig, Mapping)):
        raise ConfigurationError(
            f"magic config {name!r} returned {type(result).__name__}, expected a LoggingConfig or dict"
        )
    return coerce_config(result)
