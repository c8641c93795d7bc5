"""``create_exporter``: a LogDestination to the LogRecordExporter that serves it."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, LogRecordExporter

from hydra_otel.config import LogDestination, load_settings
from hydra_otel.destinations._console import ConsoleLogExporter
from hydra_otel.destinations._otlp import create_otlp_exporter
from hydra_otel.destinations._rotating_file import RotatingFileLogExporter
from hydra_otel.formats import FormatOptions, create_formatter, should_use_color


def create_exporter(
    destination: LogDestination | Mapping[str, Any], options: FormatOptions
) -> LogRecordExporter:
    """Return the exporter of one destination.

    ``console`` writes to stderr or stdout (colour per ``color_mode`` and the stream);
    ``file`` is a RotatingFileLogExporter (colour only with ``color_mode="always"``:
    ``auto`` never colours a file); ``memory`` is the SDK's InMemoryLogRecordExporter;
    ``otlp`` is the SDK's OTLPLogExporter. The destination's ``level`` is not applied
    here: filtering belongs to the processor in front of the exporter.

    Args:
        destination: a LogDestination or a dict of its fields.
        options: patterns and colours of the text formats.

    Raises:
        DestinationError: an unwritable file, an unsupported OTLP protocol.
        FormatterError: an invalid format.
        ConfigurationError: a dict that is no valid LogDestination.
    """
    checked: LogDestination = (
        destination
        if isinstance(destination, LogDestination)
        else LogDestination.model_validate(dict(destination))
    )
    if checked.type == "console":
        return _console_exporter(checked, options)
    if checked.type == "file":
        return _file_exporter(checked, options)
    if checked.type == "memory":
        return create_memory_exporter()
    return create_otlp_exporter(checked)


def _color_mode(destination: LogDestination) -> str:
    """The destination's own ``color_mode`` when it sets one, else HYDRA_COLOR_MODE."""
    if "color_mode" in destination.model_fields_set:
        return destination.color_mode
    return load_settings().color_mode


def _console_exporter(destination: LogDestination, options: FormatOptions) -> ConsoleLogExporter:
    stream = sys.stdout if destination.stream == "stdout" else sys.stderr
    color = should_use_color(_color_mode(destination), stream)
    return ConsoleLogExporter(create_formatter(destination.format, options, color=color), stream)


def _file_exporter(destination: LogDestination, options: FormatOptions) -> RotatingFileLogExporter:
    color = _color_mode(destination) == "always"
    formatter = create_formatter(destination.format, options, color=color)
    return RotatingFileLogExporter(
        destination.path or "", formatter, destination.max_bytes, destination.backup_count
    )


def create_memory_exporter() -> InMemoryLogRecordExporter:
    """Return the SDK's in-memory exporter (records via ``get_finished_logs()``)."""
    return InMemoryLogRecordExporter()  # type: ignore[no-untyped-call]
