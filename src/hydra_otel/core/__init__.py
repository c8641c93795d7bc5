"""Errors, error tracking and the re-entry guard shared by every subsystem."""

from hydra_otel.core._error_tracking import get_error_stats, track_error
from hydra_otel.core._errors import (
    ConfigurationError,
    DestinationError,
    FormatterError,
    HydraLoggerError,
    LoggerClosedError,
    PluginError,
)

__all__ = [
    "ConfigurationError",
    "DestinationError",
    "FormatterError",
    "HydraLoggerError",
    "LoggerClosedError",
    "PluginError",
    "get_error_stats",
    "track_error",
]
