"""RotatingFileLogExporter: formatted records in a size-bounded file with numbered backups.

Rotation works like the familiar scheme: when the next record would push ``app.log``
past ``max_bytes``, ``app.log.{N-1}`` becomes ``app.log.N`` (the oldest is dropped),
…, ``app.log`` becomes ``app.log.1``, and a fresh ``app.log`` starts. With
``backup_count=0`` no backups are kept: the file is truncated and writing continues,
so disk use stays bounded by ``max_bytes`` (the stdlib handler instead never rotates
with a backup count of 0 and lets the file grow without limit).

A record larger than ``max_bytes`` on its own is still written whole, into a fresh
file. One process owns the file; several processes rotating the same path are not
coordinated.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, cast

from opentelemetry.sdk._logs import ReadableLogRecord
from opentelemetry.sdk._logs.export import LogRecordExporter, LogRecordExportResult

from hydra_otel.core import DestinationError, track_error
from hydra_otel.destinations._rendering import render_records
from hydra_otel.formats import LogFormatter

_ENCODING = "utf-8"
_ERRORS = "backslashreplace"
_WRITE_BUFFER = 64 * 1024
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class RotatingFileLogExporter(LogRecordExporter):
    """Append formatted records to a file, rotating by size (see the module docstring).

    Writes are buffered and flushed once per export batch. The formatter's header
    (the csv header row) starts every new file, including each file rotation creates.
    Export never raises: a failing disk gives ``FAILURE`` and a ``destination.file``
    entry in the error stats, and the file is reopened on the next export.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        formatter: LogFormatter,
        max_bytes: int = DEFAULT_MAX_BYTES,
        backup_count: int = 5,
        header: str | None = None,
    ) -> None:
        """Open ``path`` for appending, creating its parent directories.

        Args:
            path: the log file.
            formatter: turns each record into its text.
            max_bytes: rotate before the file would grow past this many bytes.
            backup_count: rotated files to keep; 0 truncates the file instead.
            header: the first line of every new file; None takes ``formatter.header``,
                ``""`` writes none.

        Raises:
            DestinationError: naming the path when it cannot be written (a directory,
                missing permissions, a parent that cannot be created) or a size is invalid.
        """
        self._path = Path(path)
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
            raise DestinationError(f"invalid max_bytes {max_bytes!r} for log file {self._path}")
        if isinstance(backup_count, bool) or not isinstance(backup_count, int) or backup_count < 0:
            raise DestinationError(
                f"invalid backup_count {backup_count!r} for log file {self._path}"
            )
        self._formatter = formatter
        self._max_bytes = max_bytes
        self._backup_count = backup_count
        header_text = formatter.header if header is None else header
        self._header = f"{header_text}\n".encode(_ENCODING, _ERRORS) if header_text else b""
        self._lock = threading.Lock()
        self._shutdown = False
        self._file: BinaryIO | None = None
        self._size = 0
        self._open_checked()

    @property
    def path(self) -> Path:
        """The path of the live log file."""
        return self._path

    def _open_checked(self) -> None:
        if self._path.is_dir():
            raise DestinationError(f"cannot write log file {self._path}: it is a directory")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._open("ab")
        except OSError as exc:
            raise DestinationError(
                f"cannot write log file {self._path}: {exc.strerror or exc}"
            ) from None

    def _open(self, mode: str) -> BinaryIO:
        handle = cast(BinaryIO, open(self._path, mode, buffering=_WRITE_BUFFER))  # noqa: SIM115
        self._file = handle
        self._size = os.fstat(handle.fileno()).st_size
        return handle

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        """Write ``batch``, rotating as needed, then flush; FAILURE (never raise) on I/O errors."""
        if self._shutdown:
            return LogRecordExportResult.FAILURE
        if not batch:
            return LogRecordExportResult.SUCCESS
        chunks = [
            text.encode(_ENCODING, _ERRORS) for text in render_records(self._formatter, batch)
        ]
        try:
            with self._lock:
                if self._shutdown:
                    return LogRecordExportResult.FAILURE
                self._write_chunks(chunks)
        except Exception as exc:  # the disk failing must not reach the application
            track_error("destination.file", f"writing {self._path}: {exc!r}")
            self._discard_file()
            return LogRecordExportResult.FAILURE
        return LogRecordExportResult.SUCCESS

    def _write_chunks(self, chunks: list[bytes]) -> None:
        file = self._file if self._file is not None else self._open("ab")
        for chunk in chunks:
            if self._size > 0 and self._size + len(chunk) > self._max_bytes:
                file = self._rotate()
            if self._size == 0 and self._header:
                file.write(self._header)
                self._size += len(self._header)
            file.write(chunk)
            self._size += len(chunk)
        file.flush()

    def _rotate(self) -> BinaryIO:
        """Close the live file, shift the backups and open a fresh file."""
        self._discard_file()
        if self._backup_count == 0:
            return self._open("wb")
        try:
            for index in range(self._backup_count - 1, 0, -1):
                source = self._backup(index)
                if source.exists():
                    os.replace(source, self._backup(index + 1))
            if self._path.exists():
                os.replace(self._path, self._backup(1))
        finally:
            file = self._open("ab")
        return file

    def _backup(self, index: int) -> Path:
        return self._path.with_name(f"{self._path.name}.{index}")

    def _discard_file(self) -> None:
        file, self._file = self._file, None
        if file is not None:
            with contextlib.suppress(OSError):  # the failure was already counted
                file.close()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush buffered bytes to the file; False when the disk refuses."""
        try:
            with self._lock:
                if self._file is not None:
                    self._file.flush()
        except Exception as exc:  # never raise from flush
            track_error("destination.file", f"flushing {self._path}: {exc!r}")
            return False
        return True

    def shutdown(self) -> None:
        """Flush and close the file; later exports return FAILURE. Idempotent."""
        if self._shutdown:
            return
        self.force_flush()
        with self._lock:
            self._shutdown = True
            self._discard_file()
