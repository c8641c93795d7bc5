"""``create_formatter``: a format name to a ready formatter, and the formatter protocol."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from hydra_otel.config._models import FORMAT_NAMES
from hydra_otel.core import FormatterError
from hydra_otel.formats._csv import CsvFormatter
from hydra_otel.formats._gelf import GelfFormatter
from hydra_otel.formats._json import JsonFormatter
from hydra_otel.formats._options import FormatOptions
from hydra_otel.formats._plain_text import PlainTextFormatter
from hydra_otel.formats._record_fields import AnyLogRecord
from hydra_otel.formats._syslog import SyslogFormatter

_ALIASES = {"text": "plain-text", "plain": "plain-text"}


@runtime_checkable
class LogFormatter(Protocol):
    """What destinations need from a format."""

    @property
    def header(self) -> str | None:
        """A line written once at the start of each file (the csv header row), or None."""
        ...

    def format(self, record: AnyLogRecord) -> str:
        """Return the text of one record, without a trailing line break; never raises."""
        ...


def create_formatter(name: str, options: FormatOptions, *, color: bool = False) -> LogFormatter:
    """Return the formatter of format ``name``.

    Args:
        name: ``plain-text`` (alias ``text``), ``json``, ``csv``, ``syslog`` or ``gelf``.
        options: the patterns and colours (see FormatOptions).
        color: ANSI colours, for ``plain-text`` only (decide with ``should_use_color``).

    Raises:
        FormatterError: naming an unknown format.
    """
    key = name.strip().lower() if isinstance(name, str) else name
    key = _ALIASES.get(key, key)
    if key == "plain-text":
        return PlainTextFormatter(options, color=color)
    if key == "json":
        return JsonFormatter(options)
    if key == "csv":
        return CsvFormatter(options)
    if key == "syslog":
        return SyslogFormatter(options)
    if key == "gelf":
        return GelfFormatter(options)
    raise FormatterError(f"unknown format {name!r}: expected one of {', '.join(FORMAT_NAMES)}")
