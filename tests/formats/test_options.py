"""FormatOptions: HYDRA_LOG_* defaults read once, bad patterns rejected at creation."""

from __future__ import annotations

import pytest
from opentelemetry._logs import SeverityNumber

from hydra_otel.config import LoggingConfig
from hydra_otel.core import FormatterError, HydraLoggerError
from hydra_otel.formats import FormatOptions, PlainTextFormatter


def test_defaults_come_from_hydra_settings(monkeypatch, make_record):
    monkeypatch.setenv("HYDRA_LOG_DATE_FORMAT", "%d/%m/%Y")
    monkeypatch.setenv("HYDRA_LOG_TIME_FORMAT", "%Hh")
    monkeypatch.setenv("HYDRA_LOG_LOGGER_NAME_FORMAT", "<{name}>")
    monkeypatch.setenv("HYDRA_LOG_MESSAGE_FORMAT", "{timestamp} {logger} {level} {message}")
    options = FormatOptions()
    assert options.date_format == "%d/%m/%Y"
    assert options.message_format == "{timestamp} {logger} {level} {message}"
    line = PlainTextFormatter(options).format(make_record(severity_text="INFO", body="hi"))
    assert line.endswith("h <shop.orders> INFO hi")
    assert line[2] == "/" and line[5] == "/"


def test_settings_are_read_when_options_are_created_not_per_record(monkeypatch, make_record):
    monkeypatch.setenv("HYDRA_LOG_MESSAGE_FORMAT", "A {message}")
    formatter = PlainTextFormatter(FormatOptions())
    monkeypatch.setenv("HYDRA_LOG_MESSAGE_FORMAT", "B {message}")
    assert formatter.format(make_record(body="x")) == "A x"


def test_explicit_values_beat_settings(monkeypatch):
    monkeypatch.setenv("HYDRA_LOG_DATE_FORMAT", "%d/%m/%Y")
    assert FormatOptions(date_format="%Y").date_format == "%Y"


def test_builtin_defaults_without_environment(monkeypatch, make_record):
    for name in ("DATE", "TIME", "LOGGER_NAME", "MESSAGE"):
        monkeypatch.delenv(f"HYDRA_LOG_{name}_FORMAT", raising=False)
    record = make_record(
        severity_number=SeverityNumber.INFO,
        severity_text="INFO",
        body="ready",
        attributes={"hydra.layer": "APP"},
    )
    line = PlainTextFormatter(FormatOptions()).format(record)
    assert line.endswith(" INFO     [APP] shop.orders: ready")


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"message_format": "{timestamp} {colour} {message}"}, "{colour}"),
        ({"message_format": "{} {message}"}, "{}"),
        ({"message_format": "{message.upper}"}, "{message.upper}"),
        ({"message_format": "{message"}, "{message"),
        ({"message_format": "{level:Q} {message}"}, "{level:Q}"),
        ({"logger_name_format": "{name}-{host}"}, "{host}"),
        ({"date_format": "%Y-%Q"}, "%Q"),
        ({"time_format": "%H:%M:%"}, "%H:%M:%"),
        ({"time_format": "%H:%-f"}, "%H:%-f"),
        ({"layer_colors": {"AUTH": "mauve"}}, "mauve"),
        ({"syslog_facility": 24}, "24"),
    ],
)
def test_invalid_option_raises_formatter_error_naming_it(kwargs, named):
    with pytest.raises(FormatterError) as caught:
        FormatOptions(
            **{
                "date_format": "%Y-%m-%d",
                "time_format": "%H:%M:%S",
                "logger_name_format": "{name}",
                "message_format": "{message}",
                **kwargs,
            }
        )
    assert named in str(caught.value)
    assert isinstance(caught.value, HydraLoggerError)


def test_invalid_environment_pattern_fails_at_creation(monkeypatch):
    monkeypatch.setenv("HYDRA_LOG_MESSAGE_FORMAT", "{when} {message}")
    with pytest.raises(FormatterError, match=r"\{when\}"):
        FormatOptions()


def test_escaped_percent_and_modifiers_are_valid():
    options = FormatOptions(
        date_format="%%Y is %-d %Ey",
        time_format="%H:%M:%S.%f",
        logger_name_format="{name}",
        message_format="{message}",
    )
    assert options.date_format == "%%Y is %-d %Ey"


def test_from_config_takes_patterns_and_layer_colours():
    config = LoggingConfig(
        layers={"AUTH": {"color": "red"}, "API": {}},
        date_format="%d.%m.%Y",
        time_format="%H:%M",
        logger_name_format="{layer}:{name}",
        message_format="{message}",
    )
    options = FormatOptions.from_config(config)
    assert options.layer_colors == {"AUTH": "red"}
    assert (options.date_format, options.time_format) == ("%d.%m.%Y", "%H:%M")
    assert options.logger_name_format == "{layer}:{name}"
