"""HydraDistro and HydraConfigurator as opentelemetry-instrument loads them."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from opentelemetry._logs import get_logger_provider
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.util._importlib_metadata import entry_points

from hydra_otel.core import ConfigurationError
from hydra_otel.distro import HydraConfigurator, HydraDistro

_DEFAULTED = (
    "OTEL_PYTHON_CONFIGURATOR",
    "OTEL_TRACES_EXPORTER",
    "OTEL_METRICS_EXPORTER",
    "OTEL_LOGS_EXPORTER",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
)


@pytest.fixture
def restored_environ() -> Iterator[None]:
    """Whatever the distro writes into os.environ is undone after the test."""
    saved = dict(os.environ)
    for name in _DEFAULTED:
        os.environ.pop(name, None)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_entry_points_name_hydra() -> None:
    (distro,) = entry_points(group="opentelemetry_distro", name="hydra")
    (configurator,) = entry_points(group="opentelemetry_configurator", name="hydra")

    assert distro.load() is HydraDistro
    assert configurator.load() is HydraConfigurator


@pytest.mark.usefixtures("restored_environ")
def test_distro_sets_defaults() -> None:
    HydraDistro().configure()

    assert {name: os.environ[name] for name in _DEFAULTED} == {
        "OTEL_PYTHON_CONFIGURATOR": "hydra",
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_METRICS_EXPORTER": "otlp",
        "OTEL_LOGS_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
    }


@pytest.mark.usefixtures("restored_environ")
def test_distro_never_overrides_what_the_user_set() -> None:
    os.environ["OTEL_PYTHON_CONFIGURATOR"] = "someone_else"
    os.environ["OTEL_LOGS_EXPORTER"] = "console"
    os.environ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc"

    HydraDistro().configure()

    assert os.environ["OTEL_PYTHON_CONFIGURATOR"] == "someone_else"
    assert os.environ["OTEL_LOGS_EXPORTER"] == "console"
    assert os.environ["OTEL_EXPORTER_OTLP_PROTOCOL"] == "grpc"


@pytest.fixture
def no_exporters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every signal's exporter set to ``none`` through the standard variables."""
    for name in ("OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER"):
        monkeypatch.setenv(name, "none")


@pytest.mark.usefixtures("no_exporters")
def test_configurator_takes_the_sdk_configurator_arguments() -> None:
    exporter = InMemoryLogRecordExporter()

    HydraConfigurator().configure(
        auto_instrumentation_version="9.9",
        resource_attributes={"team": "payments"},
        log_record_processors=[SimpleLogRecordProcessor(exporter)],
    )
    provider = get_logger_provider()
    provider.get_logger("tests").emit(body="direct")  # type: ignore[call-arg]

    assert isinstance(provider, LoggerProvider)
    assert provider.resource.attributes["telemetry.auto.version"] == "9.9"
    assert provider.resource.attributes["team"] == "payments"
    assert [r.log_record.body for r in exporter.get_finished_logs()] == ["direct"]


@pytest.mark.usefixtures("no_exporters")
def test_configurator_rejects_arguments_it_does_not_honour() -> None:
    with pytest.raises(ConfigurationError, match="export_log_record_processor"):
        HydraConfigurator().configure(export_log_record_processor=SimpleLogRecordProcessor)


@pytest.mark.usefixtures("no_exporters")
def test_the_sdk_logging_handler_is_never_attached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED", "true")

    HydraConfigurator().configure(setup_logging_handler=True)

    assert not any(isinstance(h, LoggingHandler) for h in logging.getLogger().handlers)


def test_otel_config_file_goes_to_the_sdk_declarative_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_CONFIG_FILE", "/nonexistent/otel.yaml")

    with pytest.raises(RuntimeError, match="opentelemetry-configuration"):
        HydraConfigurator().configure()
