"""csv: rows under a header that csv.reader reads back unchanged."""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest
from opentelemetry._logs import SeverityNumber

from hydra_otel.formats import CSV_COLUMNS, CsvFormatter

from .conftest import SPAN_ID, TRACE_ID

TRICKY_MESSAGES = [
    "plain",
    "comma, separated, words",
    'she said "hi", then left',
    "first line\nsecond line",
    "windows\r\nline break",
    "lone \r carriage return",
    '",\n"',
    "",
    "  leading and trailing spaces  ",
    "unicode ü ✓ — 日本",
]


def read_rows(formatter: CsvFormatter, lines: list[str]) -> list[list[str]]:
    text = "".join(f"{line}\n" for line in [formatter.header, *lines])
    return list(csv.reader(io.StringIO(text, newline="")))


def test_header_names_the_columns(format_options):
    formatter = CsvFormatter(format_options)
    assert next(csv.reader([formatter.header])) == list(CSV_COLUMNS)


@pytest.mark.parametrize("message", TRICKY_MESSAGES)
def test_messages_round_trip_through_csv_reader(make_record, format_options, message):
    formatter = CsvFormatter(format_options)
    header, row = read_rows(formatter, [formatter.format(make_record(body=message))])
    assert dict(zip(header, row, strict=True))["message"] == message


def test_many_tricky_rows_in_one_file(make_record, format_options):
    formatter = CsvFormatter(format_options)
    lines = [formatter.format(make_record(body=message)) for message in TRICKY_MESSAGES]
    header, *rows = read_rows(formatter, lines)
    assert [row[header.index("message")] for row in rows] == TRICKY_MESSAGES


def test_columns_of_a_record(make_record, format_options, span_context):
    record = make_record(
        severity_number=SeverityNumber.ERROR,
        severity_text="ERROR",
        body="failed",
        attributes={"hydra.layer": "DB", "query": 'SELECT "a", b', "rows": 0},
        context=span_context,
    )
    formatter = CsvFormatter(format_options)
    header, row = read_rows(formatter, [formatter.format(record)])
    values = dict(zip(header, row, strict=True))
    assert values["timestamp"] == "2024-03-05T06:07:08.123456Z"
    assert (values["level"], values["layer"], values["logger"]) == ("ERROR", "DB", "shop.orders")
    assert (values["trace_id"], values["span_id"]) == (f"{TRACE_ID:032x}", f"{SPAN_ID:016x}")
    assert json.loads(values["attributes"]) == {"query": 'SELECT "a", b', "rows": 0}


def test_empty_optional_columns(make_record, format_options):
    formatter = CsvFormatter(format_options)
    header, row = read_rows(formatter, [formatter.format(make_record(body="x"))])
    values = dict(zip(header, row, strict=True))
    assert (values["trace_id"], values["span_id"], values["attributes"]) == ("", "", "")
    assert values["layer"] == "DEFAULT"


def test_concurrent_formatting_keeps_rows_whole(make_record, format_options):
    formatter = CsvFormatter(format_options)
    records = [make_record(body=f'message, {index}\n"quoted"') for index in range(50)]
    results: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        for record in records:
            line = formatter.format(record)
            with lock:
                results.append(line)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    header, *rows = read_rows(formatter, results)
    assert len(rows) == 200
    assert {row[header.index("message")] for row in rows} == {
        f'message, {index}\n"quoted"' for index in range(50)
    }
