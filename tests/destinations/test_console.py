"""ConsoleLogExporter inside a real SDK LoggerProvider."""

from __future__ import annotations

import csv
import io

from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs.export import LogRecordExportResult

from hydra_otel.core import get_error_stats
from hydra_otel.destinations import ConsoleLogExporter
from hydra_otel.formats import CsvFormatter, JsonFormatter, PlainTextFormatter


def test_records_appear_as_formatted_lines(logger_for, format_options):
    stream = io.StringIO()
    logger = logger_for(ConsoleLogExporter(PlainTextFormatter(format_options), stream))
    logger.emit(severity_text="INFO", body="order placed", attributes={"hydra.layer": "APP"})
    logger.emit(severity_text="ERROR", body="card declined", attributes={"hydra.layer": "PAY"})
    assert stream.getvalue() == (
        "INFO [APP] shop.orders: order placed\nERROR [PAY] shop.orders: card declined\n"
    )


def test_default_stream_is_stderr(logger_for, format_options, capsys):
    logger = logger_for(ConsoleLogExporter(PlainTextFormatter(format_options)))
    logger.emit(severity_text="WARN", body="to stderr")
    captured = capsys.readouterr()
    assert captured.err == "WARN [DEFAULT] shop.orders: to stderr\n"
    assert captured.out == ""


def test_csv_header_written_once(logger_for, format_options):
    stream = io.StringIO()
    logger = logger_for(ConsoleLogExporter(CsvFormatter(format_options), stream))
    logger.emit(body="one, two")
    logger.emit(body='three "3"')
    rows = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    assert rows[0][0] == "timestamp"
    assert [row[4] for row in rows[1:]] == ["one, two", 'three "3"']


class BrokenStream(io.StringIO):
    """A stream whose writes fail, like a closed pipe."""

    def write(self, text: str) -> int:
        raise BrokenPipeError("reader went away")


def test_failing_stream_never_raises_and_is_counted(logger_for, format_options):
    exporter = ConsoleLogExporter(PlainTextFormatter(format_options), BrokenStream())
    before = get_error_stats()["by_kind"].get("destination.console", {}).get("count", 0)
    logger = logger_for(exporter)
    logger.emit(body="lost")  # must not raise into the application
    after = get_error_stats()["by_kind"]["destination.console"]
    assert after["count"] == before + 1
    assert "BrokenPipeError" in after["last_message"]


def test_export_result_and_unencodable_text(logger_for, format_options):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    exporter = ConsoleLogExporter(JsonFormatter(format_options), stream)
    logger = logger_for(exporter)
    logger.emit(severity_number=SeverityNumber.INFO, body="café ✓")
    stream.flush()
    assert raw.getvalue().decode("ascii").count("caf\\xe9 \\u2713") == 1


def test_shutdown_stops_exports_but_leaves_stream_open(format_options, logger_for):
    stream = io.StringIO()
    exporter = ConsoleLogExporter(PlainTextFormatter(format_options), stream)
    exporter.shutdown()
    exporter.shutdown()
    assert exporter.export([]) is LogRecordExportResult.FAILURE
    assert not stream.closed
    assert exporter.force_flush() is True
