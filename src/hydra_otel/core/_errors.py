"""The exception hierarchy: everything hydra-otel raises derives from HydraLoggerError."""

from __future__ import annotations


class HydraLoggerError(Exception):
    """Base class of every error hydra-otel raises on purpose."""


class ConfigurationError(HydraLoggerError, ValueError):
    """A configuration value is invalid; the message names the value and where it was found."""


class DestinationError(ConfigurationError):
    """A destination cannot be created (unknown type, unwritable path, bad endpoint)."""


class FormatterError(ConfigurationError):
    """A format name or a format pattern is invalid."""


class PluginError(HydraLoggerError):
    """A plugin cannot be registered or attached."""


class LoggerClosedError(HydraLoggerError):
    """An operation that needs an open logger was attempted after ``close()``."""
