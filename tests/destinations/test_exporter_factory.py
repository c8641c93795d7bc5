"""create_exporter: every destination type, built from a model or a dict."""

from __future__ import annotations

import json
import re
import sys

import pytest
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter

from hydra_otel.config import LogDestination
from hydra_otel.core import ConfigurationError, DestinationError
from hydra_otel.destinations import ConsoleLogExporter, RotatingFileLogExporter, create_exporter
from hydra_otel.export.otlp import FastOTLPGrpcLogExporter, FastOTLPLogExporter


@pytest.fixture(autouse=True)
def _no_colour_variables(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def test_console_on_stderr_by_default(format_options, logger_for, capsys):
    exporter = create_exporter(LogDestination(type="console"), format_options)
    assert isinstance(exporter, ConsoleLogExporter)
    logger_for(exporter).emit(severity_text="INFO", body="hello", attributes={"hydra.layer": "APP"})
    assert capsys.readouterr().err == "INFO [APP] shop.orders: hello\n"


def test_console_on_stdout_as_json(format_options, logger_for, capsys):
    exporter = create_exporter(
        {"type": "console", "stream": "stdout", "format": "json"}, format_options
    )
    logger_for(exporter).emit(body="to stdout")
    assert json.loads(capsys.readouterr().out)["message"] == "to stdout"
    assert exporter.stream is sys.stdout


@pytest.mark.parametrize(
    ("color_mode", "environment", "coloured"),
    [
        ("always", {}, True),
        ("never", {"FORCE_COLOR": "1"}, False),
        ("auto", {}, False),  # captured stderr is no TTY
        ("auto", {"FORCE_COLOR": "1"}, True),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ],
)
def test_console_colour_rules(
    monkeypatch, format_options, logger_for, capsys, color_mode, environment, coloured
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    exporter = create_exporter({"type": "console", "color_mode": color_mode}, format_options)
    logger_for(exporter).emit(severity_text="ERROR", body="x", attributes={"hydra.layer": "APP"})
    assert ("\x1b[" in capsys.readouterr().err) is coloured


def test_file_destination(tmp_path, format_options, logger_for):
    path = tmp_path / "logs" / "app.log"
    destination = {"type": "file", "path": str(path), "format": "csv", "max_bytes": "1KB"}
    exporter = create_exporter(destination, format_options)
    assert isinstance(exporter, RotatingFileLogExporter) and exporter.path == path
    logger_for(exporter).emit(body="a, b")
    assert path.read_text().splitlines()[1].endswith(',"a, b",,,')


def test_file_is_not_coloured_by_force_color(monkeypatch, tmp_path, format_options, logger_for):
    monkeypatch.setenv("FORCE_COLOR", "1")
    path = tmp_path / "app.log"
    logger_for(create_exporter({"type": "file", "path": str(path)}, format_options)).emit(body="x")
    assert "\x1b" not in path.read_text()


def test_file_coloured_only_when_always(tmp_path, format_options, logger_for):
    path = tmp_path / "app.log"
    destination = {"type": "file", "path": str(path), "color_mode": "always"}
    logger_for(create_exporter(destination, format_options)).emit(severity_text="INFO", body="x")
    assert "\x1b[" in path.read_text()


def test_unwritable_file_fails_at_creation(tmp_path, format_options):
    with pytest.raises(DestinationError, match=re.escape(str(tmp_path))):
        create_exporter({"type": "file", "path": str(tmp_path)}, format_options)


def test_memory_destination_keeps_records(format_options, logger_for):
    exporter = create_exporter({"type": "memory", "name": "audit"}, format_options)
    assert isinstance(exporter, InMemoryLogRecordExporter)
    logger_for(exporter).emit(body="kept")
    assert [r.log_record.body for r in exporter.get_finished_logs()] == ["kept"]


def test_otlp_destination_uses_the_fast_exporters(monkeypatch, format_options):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_PROTOCOL", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", raising=False)
    http = create_exporter({"type": "otlp", "endpoint": "http://127.0.0.1:9"}, format_options)
    grpc = create_exporter(
        {"type": "otlp", "endpoint": "http://127.0.0.1:9", "protocol": "grpc"}, format_options
    )
    try:
        assert isinstance(http, FastOTLPLogExporter) and isinstance(grpc, FastOTLPGrpcLogExporter)
        assert http.endpoint == "http://127.0.0.1:9/v1/logs"
    finally:
        http.shutdown()
        grpc.shutdown()


def test_invalid_destination_dict_names_the_value(format_options):
    with pytest.raises(ConfigurationError, match="'yaml'"):
        create_exporter({"type": "console", "format": "yaml"}, format_options)


def test_hydra_color_mode_applies_unless_the_destination_sets_one(
    tmp_path, monkeypatch, format_options, logger_for
):
    monkeypatch.setenv("HYDRA_COLOR_MODE", "always")
    inherited, explicit = tmp_path / "inherited.log", tmp_path / "explicit.log"
    for path, extra in ((inherited, {}), (explicit, {"color_mode": "never"})):
        exporter = create_exporter({"type": "file", "path": str(path), **extra}, format_options)
        logger_for(exporter).emit(severity_text="INFO", body="coloured?")
    assert "\x1b[" in inherited.read_text()
    assert "\x1b[" not in explicit.read_text()
