"""plain-text: the readable console/file line."""

from __future__ import annotations

import re
from datetime import datetime

from opentelemetry._logs import SeverityNumber

from hydra_otel.formats import FormatOptions, PlainTextFormatter

from .conftest import FIXED_NS, SPAN_ID, TRACE_ID

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def local_timestamp(ns: int, *, fraction_digits: int = 3) -> str:
    moment = datetime.fromtimestamp(ns // 1_000_000_000)
    fraction = f"{ns % 1_000_000_000:09d}"[:fraction_digits]
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + fraction


def test_default_line_has_timestamp_level_layer_logger_message(make_record, format_options):
    record = make_record(
        severity_number=SeverityNumber.INFO,
        severity_text="INFO",
        body="order placed",
        attributes={"hydra.layer": "APP"},
    )
    line = PlainTextFormatter(format_options).format(record)
    assert line == f"{local_timestamp(FIXED_NS)} INFO     [APP] shop.orders: order placed"


def test_microseconds_when_fraction_is_not_last(make_record):
    options = FormatOptions(
        date_format="%Y-%m-%d",
        time_format="%H:%M:%S.%f local",
        logger_name_format="{name}",
        message_format="{timestamp}|{message}",
    )
    line = PlainTextFormatter(options).format(make_record(body="x"))
    assert line == f"{local_timestamp(FIXED_NS, fraction_digits=6)} local|x"


def test_attributes_other_than_hydra_are_key_value_pairs(make_record, format_options):
    record = make_record(
        body="paid",
        attributes={
            "hydra.layer": "API",
            "hydra.category": "audit",
            "user.id": "u-7",
            "note": "two words",
            "amount": 12.5,
            "retry": False,
            "tags": ("a", "b"),
        },
    )
    line = PlainTextFormatter(format_options).format(record)
    assert line.endswith(
        ': paid user.id=u-7 note="two words" amount=12.5 retry=false tags=["a","b"]'
    )
    assert "hydra." not in line


def test_stacktrace_follows_on_its_own_lines(make_record, format_options, zero_division_error):
    record = make_record(
        severity_number=SeverityNumber.ERROR,
        body="charge failed",
        attributes={"hydra.layer": "APP", "order": 7},
        exception=zero_division_error,
    )
    first, *rest = PlainTextFormatter(format_options).format(record).split("\n")
    assert first.endswith("[APP] shop.orders: charge failed order=7")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ZeroDivisionError: division by zero"
    assert "exception.type" not in first


def test_record_without_layer_shows_default_layer_and_logger_name(make_record, format_options):
    # What the stdlib bridge emits: a logger named after the stdlib logger, no hydra.layer.
    record = make_record(
        logger="payments.gateway",
        severity_number=SeverityNumber.WARN,
        severity_text="WARN",
        body="card visa declined",
    )
    line = PlainTextFormatter(format_options).format(record)
    assert line.endswith(" WARN     [DEFAULT] payments.gateway: card visa declined")


def test_level_falls_back_to_severity_number(make_record, format_options):
    record = make_record(severity_number=SeverityNumber.WARN2, body="x")
    assert " WARNING  [" in PlainTextFormatter(format_options).format(record)


def test_colour_wraps_level_and_layer_without_breaking_padding(make_record, format_options):
    record = make_record(
        severity_number=SeverityNumber.WARN,
        severity_text="WARNING",
        body="slow",
        attributes={"hydra.layer": "AUTH"},
    )
    options = FormatOptions(
        date_format=format_options.date_format,
        time_format=format_options.time_format,
        logger_name_format="{name}",
        message_format=format_options.message_format,
        layer_colors={"AUTH": "bright_magenta"},
    )
    plain = PlainTextFormatter(options, color=False).format(record)
    coloured = PlainTextFormatter(options, color=True).format(record)
    assert "\x1b" not in plain
    assert ANSI.sub("", coloured) == plain
    assert "\x1b[33mWARNING \x1b[0m" in coloured
    assert "[\x1b[95mAUTH\x1b[0m]" in coloured


def test_unconfigured_layers_get_a_stable_colour(make_record, format_options):
    formatter = PlainTextFormatter(format_options, color=True)
    first = formatter.format(make_record(body="a", attributes={"hydra.layer": "BILLING"}))
    again = PlainTextFormatter(format_options, color=True).format(
        make_record(body="b", attributes={"hydra.layer": "BILLING"})
    )
    colour = re.search(r"\[(\x1b\[[0-9;]*m)BILLING", first)
    assert colour is not None
    assert f"[{colour.group(1)}BILLING" in again


def test_error_levels_are_red(make_record, format_options):
    record = make_record(severity_number=SeverityNumber.ERROR, severity_text="ERROR", body="x")
    line = PlainTextFormatter(format_options, color=True).format(record)
    assert "\x1b[31mERROR   \x1b[0m" in line


def test_custom_patterns_with_trace_ids_and_logger_name(make_record, span_context):
    options = FormatOptions(
        date_format="",
        time_format="%H",
        logger_name_format="{layer}/{name}",
        message_format="{logger} {trace_id}:{span_id} {level!r} {message}",
    )
    record = make_record(
        severity_text="INFO", body="hi", attributes={"hydra.layer": "DB"}, context=span_context
    )
    line = PlainTextFormatter(options).format(record)
    assert line == f"DB/shop.orders {TRACE_ID:032x}:{SPAN_ID:016x} 'INFO' hi"


def test_trace_fields_are_empty_outside_a_span(make_record):
    options = FormatOptions(
        date_format="%Y",
        time_format="%H",
        logger_name_format="{name}",
        message_format="[{trace_id}] {message}",
    )
    assert PlainTextFormatter(options).format(make_record(body="m")) == "[] m"


def test_structured_body_is_rendered_as_json(make_record, format_options):
    record = make_record(body={"event": "login", "ok": True})
    line = PlainTextFormatter(format_options).format(record)
    assert line.endswith(': {"event":"login","ok":true}')


def test_literal_braces_in_pattern_survive(make_record):
    options = FormatOptions(
        date_format="%Y",
        time_format="%H",
        logger_name_format="{name}",
        message_format="{{{level}}} {message} {{done}}",
    )
    line = PlainTextFormatter(options).format(make_record(severity_text="INFO", body="m"))
    assert line == "{INFO} m {done}"
