"""create_formatter: names to formatters, unknown names rejected."""

from __future__ import annotations

import json

import pytest

from hydra_otel.core import FormatterError
from hydra_otel.formats import (
    CsvFormatter,
    GelfFormatter,
    JsonFormatter,
    LogFormatter,
    PlainTextFormatter,
    SyslogFormatter,
    create_formatter,
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("plain-text", PlainTextFormatter),
        ("text", PlainTextFormatter),
        ("JSON", JsonFormatter),
        ("csv", CsvFormatter),
        ("syslog", SyslogFormatter),
        (" gelf ", GelfFormatter),
    ],
)
def test_names_give_formatters(make_record, format_options, name, kind):
    formatter = create_formatter(name, format_options, color=False)
    assert isinstance(formatter, kind)
    assert isinstance(formatter, LogFormatter)
    assert "hello" in formatter.format(make_record(body="hello"))


def test_colour_only_applies_to_plain_text(make_record, format_options):
    record = make_record(severity_text="INFO", body="x", attributes={"hydra.layer": "APP"})
    assert "\x1b[" in create_formatter("plain-text", format_options, color=True).format(record)
    line = create_formatter("json", format_options, color=True).format(record)
    assert json.loads(line)["level"] == "INFO" and "\x1b" not in line


def test_only_csv_has_a_header(format_options):
    headers = {
        name: create_formatter(name, format_options).header
        for name in ("plain-text", "json", "csv", "syslog", "gelf")
    }
    assert headers.pop("csv", None)
    assert set(headers.values()) == {None}


def test_unknown_name_raises_naming_it(format_options):
    with pytest.raises(FormatterError, match="'logfmt'"):
        create_formatter("logfmt", format_options, color=False)
