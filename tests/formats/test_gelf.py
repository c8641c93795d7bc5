"""gelf: GELF 1.1 documents with valid additional fields."""

from __future__ import annotations

import json
import re

from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk.resources import Resource

from hydra_otel.formats import GelfFormatter

from .conftest import FIXED_NS, SPAN_ID, TRACE_ID

FIELD_NAME = re.compile(r"^[A-Za-z0-9_.\-]*$")
REQUIRED = {"version", "host", "short_message"}
STANDARD = REQUIRED | {"full_message", "timestamp", "level"}


def check_gelf(line: str) -> dict:
    assert "\n" not in line
    document = json.loads(line)
    assert document.keys() >= REQUIRED
    assert document["version"] == "1.1"
    assert document["host"] and document["short_message"]
    for key, value in document.items():
        if key in STANDARD:
            continue
        assert key.startswith("_") and FIELD_NAME.match(key), key
        assert key != "_id"
        assert isinstance(value, str | int | float) and not isinstance(value, bool), key
    return document


def test_standard_fields(make_record, format_options, span_context):
    record = make_record(
        severity_number=SeverityNumber.WARN,
        body="slow response",
        attributes={"hydra.layer": "API", "http.route": "/orders", "ms": 812.5},
        context=span_context,
        resource=Resource({"service.name": "shop", "host.name": "api-3"}),
    )
    document = check_gelf(GelfFormatter(format_options).format(record))
    assert document["host"] == "api-3"
    assert document["short_message"] == "slow response"
    assert document["level"] == 4
    assert abs(document["timestamp"] - FIXED_NS / 1e9) < 1e-6
    assert document["_layer"] == "API"
    assert document["_logger"] == "shop.orders"
    assert document["_service_name"] == "shop"
    assert (document["_trace_id"], document["_span_id"]) == (
        f"{TRACE_ID:032x}",
        f"{SPAN_ID:016x}",
    )
    assert (document["_http.route"], document["_ms"]) == ("/orders", 812.5)
    assert "full_message" not in document


def test_full_message_carries_the_stacktrace(make_record, format_options, zero_division_error):
    record = make_record(
        severity_number=SeverityNumber.ERROR, body="charge failed", exception=zero_division_error
    )
    document = check_gelf(GelfFormatter(format_options).format(record))
    assert document["level"] == 3
    assert document["short_message"] == "charge failed"
    assert document["full_message"].startswith("charge failed\nTraceback (most recent call last):")
    assert document["full_message"].endswith("ZeroDivisionError: division by zero")
    assert document["_exception.type"] == "ZeroDivisionError"
    assert "_exception.stacktrace" not in document


def test_attribute_names_and_values_follow_gelf_rules(make_record, format_options):
    record = make_record(
        body="m",
        attributes={
            "id": "must not become _id",
            "layer": "user attribute named layer",
            "user name": "space",
            "ключ": "non-ascii key",
            "ok": True,
            "tags": ("a", "b"),
            "raw": b"\x00\xff",
            "ratio": float("nan"),
        },
    )
    document = check_gelf(GelfFormatter(format_options).format(record))
    assert document["_attr_id"] == "must not become _id"
    assert document["_attr_layer"] == "user attribute named layer"
    assert document["_layer"] == "DEFAULT"
    assert document["_user_name"] == "space"
    assert document["_" + "_" * len("ключ")] == "non-ascii key"
    assert (document["_ok"], document["_tags"], document["_ratio"]) == ("true", '["a","b"]', "nan")
    assert isinstance(document["_raw"], str)


def test_empty_message_still_has_a_short_message(make_record, format_options):
    document = check_gelf(GelfFormatter(format_options).format(make_record(body="")))
    assert document["short_message"] == "-"
    assert document["level"] == 6
