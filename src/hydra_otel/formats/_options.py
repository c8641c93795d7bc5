"""FormatOptions: the patterns and colours the text formats use, validated once.

Any option left as ``None`` takes its HYDRA_LOG_* setting; the environment is read
once, when the options are created, never per record. A bad pattern raises
FormatterError naming it here, at construction time.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hydra_otel.config import load_settings
from hydra_otel.core import FormatterError
from hydra_otel.formats._color import check_color_names
from hydra_otel.formats._timestamps import split_strftime

if TYPE_CHECKING:
    from hydra_otel.config import LoggingConfig

MESSAGE_FIELDS: tuple[str, ...] = (
    "timestamp",
    "level",
    "layer",
    "logger",
    "message",
    "attributes",
    "trace_id",
    "span_id",
)
"""Fields a ``message_format`` may use."""

LOGGER_NAME_FIELDS: tuple[str, ...] = ("name", "layer")
"""Fields a ``logger_name_format`` may use."""

PatternPart = tuple[str, str | None, str | None, str | None]
"""One parsed piece of a ``str.format`` pattern: literal, field, format spec, conversion."""


@dataclass(frozen=True, slots=True)
class FormatOptions:
    """Options shared by the text formats.

    Create one per configuration and hand it to every formatter; ``None`` means
    "take the HYDRA_LOG_* setting".
    """

    date_format: str | None = None
    """strftime pattern of the date part of plain-text timestamps (HYDRA_LOG_DATE_FORMAT)."""
    time_format: str | None = None
    """strftime pattern of the time part; ``%f`` = microseconds, milliseconds when it ends
    the pattern (HYDRA_LOG_TIME_FORMAT)."""
    logger_name_format: str | None = None
    """Pattern of the logger name, fields ``{name}``, ``{layer}`` (HYDRA_LOG_LOGGER_NAME_FORMAT)."""
    message_format: str | None = None
    """Pattern of a plain-text line, fields in MESSAGE_FIELDS (HYDRA_LOG_MESSAGE_FORMAT)."""
    layer_colors: Mapping[str, str] = field(default_factory=dict)
    """Colour name of each layer on a coloured console; others get a stable palette colour."""
    syslog_facility: int = 1
    """RFC 5424 facility of syslog output (1 = user-level messages, 16-23 = local0-7)."""

    def __post_init__(self) -> None:
        names = ("date_format", "time_format", "logger_name_format", "message_format")
        if any(getattr(self, name) is None for name in names):
            settings = load_settings()
            for name in names:
                if getattr(self, name) is None:
                    object.__setattr__(self, name, getattr(settings, f"log_{name}"))
        self._validate()

    def _validate(self) -> None:
        split_strftime(self.date_format, "date_format")  # type: ignore[arg-type]
        split_strftime(self.time_format, "time_format")  # type: ignore[arg-type]
        parse_pattern(self.logger_name_format, LOGGER_NAME_FIELDS, "logger_name_format")  # type: ignore[arg-type]
        parse_pattern(self.message_format, MESSAGE_FIELDS, "message_format")  # type: ignore[arg-type]
        object.__setattr__(self, "layer_colors", check_color_names(self.layer_colors))
        facility = self.syslog_facility
        if isinstance(facility, bool) or not isinstance(facility, int) or not 0 <= facility <= 23:
            raise FormatterError(f"invalid syslog_facility {facility!r}: expected 0..23")

    @classmethod
    def from_config(cls, config: LoggingConfig) -> FormatOptions:
        """Build the options of a LoggingConfig: its patterns and its layers' colours."""
        return cls(
            date_format=config.date_format,
            time_format=config.time_format,
            logger_name_format=config.logger_name_format,
            message_format=config.message_format,
            layer_colors={
                name: layer.color for name, layer in config.layers.items() if layer.color
            },
        )


def parse_pattern(pattern: str, allowed: Iterable[str], what: str) -> list[PatternPart]:
    """Parse a ``str.format`` pattern whose fields must all be in ``allowed``.

    Args:
        pattern: the pattern, e.g. ``"{timestamp} {level:<8} {message}"``.
        allowed: the field names it may use.
        what: the option name used in error messages.

    Returns:
        The parsed pieces, as ``string.Formatter().parse`` gives them.

    Raises:
        FormatterError: naming the pattern and the unknown field or bad syntax.
    """
    if not isinstance(pattern, str):
        raise FormatterError(f"invalid {what} {pattern!r}: expected a pattern string")
    allowed = tuple(allowed)
    try:
        parts: list[PatternPart] = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise FormatterError(f"invalid {what} {pattern!r}: {exc}") from None
    for _literal, name, spec, _conversion in parts:
        if name is None:
            continue
        if name not in allowed:
            shown = "{}" if name == "" else "{" + name + "}"
            raise FormatterError(
                f"unknown field {shown} in {what} {pattern!r}: expected fields "
                + ", ".join("{" + known + "}" for known in allowed)
            )
        if spec and "{" in spec:
            raise FormatterError(f"invalid {what} {pattern!r}: nested fields are not supported")
    try:
        pattern.format(**dict.fromkeys(allowed, ""))
    except (ValueError, TypeError) as exc:
        raise FormatterError(f"invalid {what} {pattern!r}: {exc}") from None
    return parts
