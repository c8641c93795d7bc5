"""Text formats of log records for local outputs: plain-text, json, csv, syslog, gelf.

Each formatter is a small object with ``format(record) -> str`` taking an OTel SDK
``ReadableLogRecord`` or ``ReadWriteLogRecord``; build them with
:func:`create_formatter` from a :class:`FormatOptions`.
"""

from hydra_otel.formats._color import should_use_color
from hydra_otel.formats._csv import CSV_COLUMNS, CsvFormatter
from hydra_otel.formats._factory import LogFormatter, create_formatter
from hydra_otel.formats._gelf import GelfFormatter
from hydra_otel.formats._json import JsonFormatter
from hydra_otel.formats._options import LOGGER_NAME_FIELDS, MESSAGE_FIELDS, FormatOptions
from hydra_otel.formats._plain_text import PlainTextFormatter
from hydra_otel.formats._record_fields import AnyLogRecord
from hydra_otel.formats._syslog import SD_ID, SyslogFormatter, syslog_severity

__all__ = [
    "CSV_COLUMNS",
    "LOGGER_NAME_FIELDS",
    "MESSAGE_FIELDS",
    "SD_ID",
    "AnyLogRecord",
    "CsvFormatter",
    "FormatOptions",
    "GelfFormatter",
    "JsonFormatter",
    "LogFormatter",
    "PlainTextFormatter",
    "SyslogFormatter",
    "create_formatter",
    "should_use_color",
    "syslog_severity",
]
