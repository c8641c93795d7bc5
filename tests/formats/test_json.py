"""json: one strict JSON object per line, whatever the record holds."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider, LogRecordProcessor, ReadWriteLogRecord
from opentelemetry.sdk.resources import Resource

from hydra_otel.formats import JsonFormatter

from .conftest import FIXED_NS, SPAN_ID, TRACE_ID

ISO_UTC_MICROS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def strict_loads(line: str) -> dict:
    def reject(constant: str) -> None:
        raise AssertionError(f"non-standard JSON constant {constant}")

    assert "\n" not in line
    return json.loads(line, parse_constant=reject)


def test_fields_of_a_layered_record(make_record, format_options, span_context):
    record = make_record(
        severity_number=SeverityNumber.WARN,
        severity_text="WARNING",
        body="quota low",
        attributes={"hydra.layer": "AUTH", "user.id": "u-1", "remaining": 3},
        context=span_context,
        event_name="quota.low",
    )
    document = strict_loads(JsonFormatter(format_options).format(record))
    assert document == {
        "timestamp": "2024-03-05T06:07:08.123456Z",
        "level": "WARNING",
        "severity_number": 13,
        "layer": "AUTH",
        "logger": "shop.orders",
        "message": "quota low",
        "trace_id": f"{TRACE_ID:032x}",
        "span_id": f"{SPAN_ID:016x}",
        "event_name": "quota.low",
        "attributes": {"user.id": "u-1", "remaining": 3},
        "service.name": "checkout",
    }
    assert ISO_UTC_MICROS.match(document["timestamp"])


def test_timestamp_is_utc_with_microseconds(make_record, format_options):
    ns = 1_700_000_000_000_001_999
    document = strict_loads(JsonFormatter(format_options).format(make_record(timestamp=ns)))
    expected = datetime.fromtimestamp(ns // 1_000_000_000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert document["timestamp"] == f"{expected}.000001Z"


def test_ids_absent_outside_a_span_and_layer_defaults(make_record, format_options):
    document = strict_loads(JsonFormatter(format_options).format(make_record(body="x")))
    assert "trace_id" not in document and "span_id" not in document
    assert document["layer"] == "DEFAULT"
    assert document["level"] == "NOTSET"


def test_no_service_name_without_resource_attribute(make_record, format_options):
    record = make_record(body="x", resource=Resource({}))
    assert "service.name" not in strict_loads(JsonFormatter(format_options).format(record))


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no")

    __repr__ = __str__


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe raw",
        {"ratio": float("nan"), "big": float("inf"), 1: ("a", b"\x00")},
        [1, {"nested": {"deeper": [float("-inf")]}}],
        _Unprintable(),
        datetime(2024, 1, 2, tzinfo=UTC),
        {("tuple", "key"): "value"},
    ],
)
def test_odd_bodies_never_fail_and_stay_strict_json(make_record, format_options, body):
    record = make_record(body=body)
    document = strict_loads(JsonFormatter(format_options).format(record))
    assert isinstance(document["message"], str) and document["message"]


def test_odd_attribute_values_are_converted(make_record, format_options):
    record = make_record(
        body="x", attributes={"raw": b"\xffbin", "ratio": float("nan"), "tags": ("a", "b")}
    )
    attributes = strict_loads(JsonFormatter(format_options).format(record))["attributes"]
    assert attributes["ratio"] == "nan"
    assert attributes["tags"] == ["a", "b"]
    assert "bin" in attributes["raw"]


def test_message_keeps_newlines_quotes_and_unicode(make_record, format_options):
    text = 'line one\nline "two"\tü — ✓'
    document = strict_loads(JsonFormatter(format_options).format(make_record(body=text)))
    assert document["message"] == text


def test_formats_the_processor_side_read_write_record(format_options):
    seen: list[str] = []

    class FormattingProcessor(LogRecordProcessor):
        def on_emit(self, log_record: ReadWriteLogRecord) -> None:
            seen.append(JsonFormatter(format_options).format(log_record))

        def shutdown(self) -> None:
            pass

        def force_flush(self, timeout_millis: int = 30000) -> bool:
            return True

    provider = LoggerProvider(resource=Resource({"service.name": "svc"}))
    provider.add_log_record_processor(FormattingProcessor())
    provider.get_logger("proc").emit(body="hello", timestamp=FIXED_NS)
    provider.shutdown()
    (document,) = [strict_loads(line) for line in seen]
    assert (document["message"], document["logger"], document["service.name"]) == (
        "hello",
        "proc",
        "svc",
    )
