"""ConsoleLogExporter: formatted records on a text stream (stderr by default)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import TextIO

from opentelemetry.sdk._logs import ReadableLogRecord
from opentelemetry.sdk._logs.export import LogRecordExporter, LogRecordExportResult

from hydra_otel.core import track_error
from hydra_otel.destinations._rendering import render_records
from hydra_otel.formats import LogFormatter


class ConsoleLogExporter(LogRecordExporter):
    """Write each batch to a stream with one ``write`` and one ``flush``.

    The formatter's header (the csv header row) is written once, before the first
    record. The stream is never closed: it belongs to the application. Export never
    raises; a failing stream gives ``FAILURE`` and a ``destination.console`` entry in
    the error stats. Characters the stream cannot encode are written as backslash
    escapes rather than failing the batch.
    """

    def __init__(self, formatter: LogFormatter, stream: TextIO | None = None) -> None:
        """Write records formatted by ``formatter`` to ``stream`` (default: ``sys.stderr`` now)."""
        self._formatter = formatter
        self._stream: TextIO = stream if stream is not None else sys.stderr
        self._header = formatter.header
        self._lock = threading.Lock()
        self._shutdown = False

    @property
    def stream(self) -> TextIO:
        """The stream records are written to."""
        return self._stream

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        """Format and write ``batch``; return FAILURE (never raise) when the stream fails."""
        if self._shutdown:
            return LogRecordExportResult.FAILURE
        if not batch:
            return LogRecordExportResult.SUCCESS
        text = "".join(render_records(self._formatter, batch))
        try:
            with self._lock:
                header = self._header
                self._write(f"{header}\n{text}" if header else text)
                self._header = None
        except Exception as exc:  # the stream is the application's; never raise into it
            track_error("destination.console", f"writing to {self._stream_name()}: {exc!r}")
            return LogRecordExportResult.FAILURE
        return LogRecordExportResult.SUCCESS

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
        except UnicodeEncodeError:
            encoding = getattr(self._stream, "encoding", None) or "utf-8"
            self._stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
        self._stream.flush()

    def _stream_name(self) -> str:
        return str(getattr(self._stream, "name", type(self._stream).__name__))

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush the stream; return False when it cannot be flushed."""
        try:
            with self._lock:
                self._stream.flush()
        except Exception:  # a closed stream is a failed flush, not an error to raise
            return False
        return True

    def shutdown(self) -> None:
        """Flush and stop; later exports return FAILURE. The stream stays open."""
        if not self._shutdown:
            self.force_flush()
            self._shutdown = True
