"""ExportOutcome and the parsing of Retry-After and OTLP response bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from google.rpc.status_pb2 import Status
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsPartialSuccess,
    ExportLogsServiceResponse,
)
from opentelemetry.sdk._logs.export import LogRecordExportResult

from hydra_otel.export.otlp import ExportOutcome, parse_retry_after
from hydra_otel.export.otlp._outcome import parse_partial_success, status_message

_NOW = datetime(2030, 5, 1, 12, 0, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("Wed, 01 May 2030 12:00:30 GMT", 30.0),
        ("Wed, 01 May 2030 11:59:00 GMT", 0.0),  # already past
        ("Wed, 01 May 2030 12:01:00 -0000", 60.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("inf", None),
    ],
)
def test_retry_after_accepts_seconds_and_http_dates(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, now=_NOW) == seconds


def test_retry_after_http_date_is_relative_to_the_clock() -> None:
    in_ten = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    assert 8.0 <= (parse_retry_after(in_ten) or 0.0) <= 10.0


def test_partial_success_is_read_from_the_response_body() -> None:
    body = ExportLogsServiceResponse(
        partial_success=ExportLogsPartialSuccess(rejected_log_records=4, error_message="too old")
    ).SerializeToString()
    assert parse_partial_success(body) == (4, "too old")
    assert parse_partial_success(b"") == (0, "")
    assert parse_partial_success(b"\xff\xff\xff") == (0, "")


def test_status_message_reads_google_rpc_status_bodies() -> None:
    assert status_message(Status(code=3, message="bad record").SerializeToString()) == "bad record"
    assert status_message(b"") == ""


def test_outcome_maps_to_the_sdk_result() -> None:
    assert ExportOutcome(True).result is LogRecordExportResult.SUCCESS
    assert ExportOutcome(False, retryable=True).result is LogRecordExportResult.FAILURE
    assert ExportOutcome(True, rejected_log_records=1).partial
    assert not ExportOutcome(True).partial
    assert not ExportOutcome(False, error_message="x").partial
