"""The ``csv`` format: one CSV row per record, written by the ``csv`` module.

Messages with commas, quotes or line breaks are quoted by the ``csv`` module, so a
file read back with ``csv.reader`` gives every message unchanged. The header row is
exposed as :attr:`CsvFormatter.header`; destinations write it once at the start of
each new file.
"""

from __future__ import annotations

import csv
import io
import threading

from hydra_otel.formats._options import FormatOptions
from hydra_otel.formats._record_fields import (
    LAYER_ATTRIBUTE,
    AnyLogRecord,
    attribute_map,
    dumps_json,
    layer_of,
    level_name,
    logger_name,
    message_text,
    span_id_hex,
    timestamp_ns,
    trace_id_hex,
)
from hydra_otel.formats._timestamps import iso_utc_renderer

CSV_COLUMNS: tuple[str, ...] = (
    "timestamp",
    "level",
    "layer",
    "logger",
    "message",
    "trace_id",
    "span_id",
    "attributes",
)
"""The columns of the csv format, in order; ``attributes`` holds a JSON object."""

# "\r\n" makes the csv module quote fields containing either character.
_TERMINATOR = "\r\n"


class CsvFormatter:
    """Format records as CSV rows (no trailing line break) under :data:`CSV_COLUMNS`.

    The timestamp is ISO-8601 UTC with microseconds; ``attributes`` is a JSON object
    of every attribute but ``hydra.layer`` (which has its own column).
    """

    __slots__ = ("_buffer", "_lock", "_timestamp", "_writer", "header")

    def __init__(self, options: FormatOptions | None = None) -> None:
        """Prepare one reusable writer; ``options`` is accepted for a uniform signature."""
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator=_TERMINATOR)
        self._lock = threading.Lock()
        self._timestamp = iso_utc_renderer()
        self.header: str | None = self._row(list(CSV_COLUMNS))

    def format(self, record: AnyLogRecord) -> str:
        """Return the record as one CSV row (quoted fields may span lines)."""
        log_record = record.log_record
        attributes = attribute_map(log_record.attributes)
        extra = {key: value for key, value in tuple(attributes.items()) if key != LAYER_ATTRIBUTE}
        return self._row(
            [
                self._timestamp(timestamp_ns(record)),
                level_name(record),
                layer_of(attributes),
                logger_name(record),
                message_text(log_record.body),
                trace_id_hex(record) or "",
                span_id_hex(record) or "",
                dumps_json(extra) if extra else "",
            ]
        )

    def _row(self, fields: list[str]) -> str:
        with self._lock:
            self._writer.writerow(fields)
            text = self._buffer.getvalue()
            self._buffer.seek(0)
            self._buffer.truncate()
        return text[: -len(_TERMINATOR)]
