"""syslog: lines that match RFC 5424 exactly, with SD escaping and name rules."""

from __future__ import annotations

import re

import pytest
from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk.resources import Resource

from hydra_otel.formats import SD_ID, FormatOptions, SyslogFormatter, syslog_severity

from .conftest import SPAN_ID, TRACE_ID

# RFC 5424 section 6, transcribed: header fields are PRINTUSASCII (%d33-126) with
# length limits, SD-NAME excludes '=', SP, ']' and '"', PARAM-VALUE must escape '"', '\', ']'.
PRINT = r"[\x21-\x7e]"
SD_NAME = r"[\x21\x23-\x3c\x3e-\x5c\x5e-\x7e]{1,32}"
PARAM_VALUE = r'(?:[^"\\\]]|\\["\\\]])*'
SD_ELEMENT = rf'\[{SD_NAME}(?: {SD_NAME}="{PARAM_VALUE}")*\]'
RFC5424 = re.compile(
    r"^<(?P<pri>\d{1,3})>1 "
    r"(?P<timestamp>-|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) "
    rf"(?P<hostname>-|{PRINT}{{1,255}}) "
    rf"(?P<app>-|{PRINT}{{1,48}}) "
    rf"(?P<procid>-|{PRINT}{{1,128}}) "
    rf"(?P<msgid>-|{PRINT}{{1,32}}) "
    rf"(?P<sd>-|(?:{SD_ELEMENT})+)"
    r"(?: (?P<msg>.*))?$",
    re.DOTALL,
)
SD_PARAM = re.compile(rf'({SD_NAME})="({PARAM_VALUE})"')


def parse(line: str) -> dict[str, str]:
    assert "\n" not in line and "\r" not in line
    match = RFC5424.match(line)
    assert match is not None, f"not RFC 5424: {line!r}"
    assert 0 <= int(match["pri"]) <= 191
    return match.groupdict()


def sd_params(line: str) -> list[tuple[str, str]]:
    sd = parse(line)["sd"]
    assert sd.startswith(f"[{SD_ID} ")
    return [(name, re.sub(r'\\(["\\\]])', r"\1", value)) for name, value in SD_PARAM.findall(sd)]


def test_header_fields(make_record, format_options):
    record = make_record(
        severity_number=SeverityNumber.WARN,
        body="disk almost full",
        attributes={"hydra.layer": "OPS"},
        resource=Resource({"service.name": "billing api", "host.name": "web-1", "process.pid": 42}),
    )
    fields = parse(SyslogFormatter(format_options).format(record))
    assert fields["pri"] == str(1 * 8 + 4)
    assert fields["timestamp"] == "2024-03-05T06:07:08.123456Z"
    assert (fields["hostname"], fields["app"], fields["procid"]) == ("web-1", "billing_api", "42")
    assert fields["msgid"] == "OPS"
    assert fields["msg"] == "disk almost full"


def test_nil_values_where_unknown(make_record, format_options):
    record = make_record(body="x", resource=Resource({}))
    fields = parse(SyslogFormatter(format_options).format(record))
    assert fields["app"] == "-"
    assert fields["hostname"] != "-"  # the local host name
    assert fields["procid"].isdigit()


@pytest.mark.parametrize(
    ("severity", "syslog"),
    [
        (SeverityNumber.TRACE, 7),
        (SeverityNumber.DEBUG, 7),
        (SeverityNumber.INFO, 6),
        (SeverityNumber.INFO2, 5),
        (SeverityNumber.WARN, 4),
        (SeverityNumber.WARN2, 4),
        (SeverityNumber.ERROR, 3),
        (SeverityNumber.FATAL, 2),
        (SeverityNumber.UNSPECIFIED, 6),
    ],
)
def test_priority_maps_otel_severity(make_record, format_options, severity, syslog):
    assert syslog_severity(severity.value) == syslog
    line = SyslogFormatter(format_options).format(make_record(severity_number=severity, body="m"))
    assert parse(line)["pri"] == str(8 + syslog)


def test_facility_comes_from_options(make_record):
    options = FormatOptions(
        date_format="%Y",
        time_format="%H",
        logger_name_format="{name}",
        message_format="{message}",
        syslog_facility=16,
    )
    record = make_record(severity_number=SeverityNumber.ERROR, body="m")
    assert parse(SyslogFormatter(options).format(record))["pri"] == str(16 * 8 + 3)


def test_param_values_are_escaped_and_round_trip(make_record, format_options):
    tricky = 'say "hi" \\ close ] and [open'
    record = make_record(body="m", attributes={"note": tricky, "count": 3, "flag": True})
    params = dict(sd_params(SyslogFormatter(format_options).format(record)))
    assert params["note"] == tricky
    assert (params["count"], params["flag"]) == ("3", "true")
    assert params["logger"] == "shop.orders"


def test_param_names_are_sanitised(make_record, format_options):
    long_key = "k" * 40
    record = make_record(
        body="m", attributes={'we=ird] "key" é': "v", long_key: "w", "http.route": "/x"}
    )
    names = [name for name, _ in sd_params(SyslogFormatter(format_options).format(record))]
    assert "http.route" in names
    assert "k" * 32 in names
    weird = [name for name in names if name.startswith("we")]
    assert weird == ["we_ird___key___"]


def test_trace_context_in_structured_data(make_record, format_options, span_context):
    record = make_record(body="m", context=span_context)
    params = dict(sd_params(SyslogFormatter(format_options).format(record)))
    assert (params["trace_id"], params["span_id"]) == (f"{TRACE_ID:032x}", f"{SPAN_ID:016x}")


def test_multiline_message_and_stacktrace_stay_on_one_line(
    make_record, format_options, zero_division_error
):
    record = make_record(
        severity_number=SeverityNumber.ERROR, body="a\nb", exception=zero_division_error
    )
    line = SyslogFormatter(format_options).format(record)
    msg = parse(line)["msg"]
    assert msg.startswith("a#012b#012Traceback (most recent call last):#012")
    assert msg.endswith("ZeroDivisionError: division by zero")
    names = [name for name, _ in sd_params(line)]
    assert "exception.type" in names and "exception.stacktrace" not in names


def test_header_fields_are_limited_and_printable(make_record, format_options):
    record = make_record(
        body="",
        attributes={"hydra.layer": "A VERY LONG LAYER NAME THAT EXCEEDS THIRTY-TWO"},
        resource=Resource({"service.name": "ü" * 60}),
    )
    fields = parse(SyslogFormatter(format_options).format(record))
    assert len(fields["msgid"]) == 32 and " " not in fields["msgid"]
    assert fields["app"] == "_" * 48
    assert fields["msg"] is None
