"""Turning an export batch into text: a record that cannot be formatted still gets a line."""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.sdk._logs import ReadableLogRecord

from hydra_otel.core import track_error
from hydra_otel.formats import LogFormatter
from hydra_otel.formats._record_fields import level_name, safe_str


def render_records(formatter: LogFormatter, batch: Sequence[ReadableLogRecord]) -> list[str]:
    """Return the text of each record of the batch, each ending in a line break.

    A formatter is not supposed to raise; if it does anyway, the record is written in a
    minimal fallback form (level and body) and the failure is counted with
    ``track_error("format", …)``, so one odd record never loses the batch.
    """
    lines: list[str] = []
    for record in batch:
        try:
            lines.append(formatter.format(record) + "\n")
        except Exception as exc:  # a broken record must not lose the batch
            track_error("format", f"{type(formatter).__name__} failed on a record: {exc!r}")
            lines.append(_fallback_line(record) + "\n")
    return lines


def _fallback_line(record: ReadableLogRecord) -> str:
    try:
        return f"{level_name(record)} {safe_str(record.log_record.body)}"
    except Exception:
        return "<unformattable log record>"
