"""RotatingFileLogExporter: files, rotation, headers, errors at construction, thread safety."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from pathlib import Path

import pytest
from opentelemetry.sdk._logs.export import LogRecordExportResult

from hydra_otel.core import ConfigurationError, DestinationError, get_error_stats
from hydra_otel.destinations import RotatingFileLogExporter
from hydra_otel.formats import CsvFormatter, FormatOptions, JsonFormatter, PlainTextFormatter


@pytest.fixture
def message_only() -> PlainTextFormatter:
    """A formatter writing just the message, so sizes are easy to reason about."""
    options = FormatOptions(
        date_format="%Y", time_format="%H", logger_name_format="{name}", message_format="{message}"
    )
    return PlainTextFormatter(options)


def backup_age(path: Path) -> int:
    """0 for the live file, N for ``name.N``."""
    suffix = path.suffix[1:]
    return int(suffix) if suffix.isdigit() else 0


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_writes_one_line_per_record_and_creates_parent_dirs(tmp_path, logger_for, message_only):
    path = tmp_path / "deep" / "er" / "app.log"
    exporter = RotatingFileLogExporter(path, message_only, max_bytes=10_000, backup_count=2)
    logger = logger_for(exporter)
    logger.emit(body="first")
    logger.emit(body="second")
    assert lines_of(path) == ["first", "second"]  # flushed per export, readable at once


def test_appends_to_an_existing_file(tmp_path, logger_for, message_only):
    path = tmp_path / "app.log"
    path.write_text("earlier\n")
    logger_for(RotatingFileLogExporter(path, message_only, 10_000, 1)).emit(body="later")
    assert lines_of(path) == ["earlier", "later"]


def test_rotation_keeps_backup_count_files_newest_first(tmp_path, logger_for, message_only):
    path = tmp_path / "app.log"
    exporter = RotatingFileLogExporter(path, message_only, max_bytes=20, backup_count=2)
    logger = logger_for(exporter)
    for index in range(10):
        logger.emit(body=f"record-{index}")  # 9 bytes per line: two lines per file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.log", "app.log.1", "app.log.2"]
    assert lines_of(path) == ["record-8", "record-9"]
    assert lines_of(tmp_path / "app.log.1") == ["record-6", "record-7"]
    assert lines_of(tmp_path / "app.log.2") == ["record-4", "record-5"]
    assert all(p.stat().st_size <= 20 for p in tmp_path.iterdir())


def test_backup_count_zero_truncates_and_continues(tmp_path, logger_for, message_only):
    path = tmp_path / "app.log"
    logger = logger_for(RotatingFileLogExporter(path, message_only, max_bytes=20, backup_count=0))
    for index in range(7):
        logger.emit(body=f"record-{index}")
    assert [p.name for p in tmp_path.iterdir()] == ["app.log"]
    assert lines_of(path) == ["record-6"]
    assert path.stat().st_size <= 20


def test_oversized_record_is_written_whole_into_a_fresh_file(tmp_path, logger_for, message_only):
    path = tmp_path / "app.log"
    logger = logger_for(RotatingFileLogExporter(path, message_only, max_bytes=10, backup_count=1))
    logger.emit(body="small")
    logger.emit(body="x" * 50)
    assert lines_of(path) == ["x" * 50]
    assert lines_of(tmp_path / "app.log.1") == ["small"]


def test_csv_header_starts_every_file(tmp_path, logger_for, format_options):
    path = tmp_path / "app.csv"
    formatter = CsvFormatter(format_options)
    exporter = RotatingFileLogExporter(path, formatter, max_bytes=400, backup_count=5)
    logger = logger_for(exporter)
    messages = [f'message {index}, with "quotes"\nand a newline' for index in range(8)]
    for message in messages:
        logger.emit(body=message)
    exporter.shutdown()
    files = sorted(
        tmp_path.iterdir(), key=lambda p: -int(p.suffix[1:]) if p.suffix[1:].isdigit() else 0
    )
    assert len(files) > 2
    seen = []
    for file in files:
        header, *rows = list(csv.reader(io.StringIO(file.read_text(), newline="")))
        assert header[:5] == ["timestamp", "level", "layer", "logger", "message"]
        seen.extend(row[4] for row in rows)
    assert seen == messages


def test_explicit_empty_header_writes_none(tmp_path, logger_for, format_options):
    path = tmp_path / "app.csv"
    exporter = RotatingFileLogExporter(path, CsvFormatter(format_options), 10_000, 1, header="")
    logger_for(exporter).emit(body="only row")
    (row,) = list(csv.reader(io.StringIO(path.read_text(), newline="")))
    assert row[4] == "only row"


def test_existing_non_empty_file_gets_no_second_header(tmp_path, logger_for, format_options):
    path = tmp_path / "app.csv"
    logger_for(RotatingFileLogExporter(path, CsvFormatter(format_options), 10_000, 1)).emit(
        body="a"
    )
    logger_for(RotatingFileLogExporter(path, CsvFormatter(format_options), 10_000, 1)).emit(
        body="b"
    )
    rows = list(csv.reader(io.StringIO(path.read_text(), newline="")))
    assert [row[0] for row in rows].count("timestamp") == 1
    assert [row[4] for row in rows[1:]] == ["a", "b"]


def test_path_that_is_a_directory_fails_at_construction(tmp_path, message_only):
    with pytest.raises(DestinationError, match=re.escape(str(tmp_path))) as caught:
        RotatingFileLogExporter(tmp_path, message_only, 100, 1)
    assert isinstance(caught.value, ConfigurationError)


def test_parent_that_is_a_file_fails_at_construction(tmp_path, message_only):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    target = blocker / "app.log"
    with pytest.raises(DestinationError, match=re.escape(str(target))):
        RotatingFileLogExporter(target, message_only, 100, 1)


def test_read_only_location_fails_at_construction(message_only):
    target = "/proc/hydra-otel-test/app.log"  # unwritable even for root
    with pytest.raises(DestinationError, match=target):
        RotatingFileLogExporter(target, message_only, 100, 1)


@pytest.mark.parametrize(("max_bytes", "backup_count"), [(0, 1), (100, -1), ("10", 1)])
def test_invalid_sizes_fail_at_construction(tmp_path, message_only, max_bytes, backup_count):
    with pytest.raises(DestinationError, match=r"app\.log"):
        RotatingFileLogExporter(tmp_path / "app.log", message_only, max_bytes, backup_count)


def test_disk_full_returns_failure_and_counts_it(logger_for, message_only):
    exporter = RotatingFileLogExporter("/dev/full", message_only, 10**9, 1)
    before = get_error_stats()["by_kind"].get("destination.file", {}).get("count", 0)
    logger_for(exporter).emit(body="nowhere to go")  # must not raise
    stats = get_error_stats()["by_kind"]["destination.file"]
    assert stats["count"] == before + 1
    assert "/dev/full" in stats["last_message"]


def test_concurrent_exports_keep_every_line_whole(tmp_path, logger_for, format_options):
    path = tmp_path / "app.jsonl"
    exporter = RotatingFileLogExporter(path, JsonFormatter(format_options), 4_000, 1000)
    logger = logger_for(exporter)

    def work(worker: int) -> None:
        for index in range(150):
            logger.emit(body=f"worker {worker} record {index}")

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    exporter.shutdown()
    messages = [
        json.loads(line)["message"] for file in tmp_path.iterdir() for line in lines_of(file)
    ]
    assert sorted(messages) == sorted(
        f"worker {worker} record {index}" for worker in range(4) for index in range(150)
    )
    assert all(file.stat().st_size <= 4_000 for file in tmp_path.iterdir())


def test_shutdown_is_idempotent_and_stops_exports(tmp_path, message_only):
    exporter = RotatingFileLogExporter(tmp_path / "app.log", message_only, 100, 1)
    assert exporter.force_flush() is True
    exporter.shutdown()
    exporter.shutdown()
    assert exporter.export([]) is LogRecordExportResult.FAILURE
