"""HydraLoggingInstrumentor: entry point, instrument/uninstrument, levels, coexistence."""

from __future__ import annotations

import logging
import warnings

import pytest
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter
from opentelemetry.util._importlib_metadata import entry_points

from hydra_otel_instrumentation_logging import HydraBridgeHandler, HydraLoggingInstrumentor


def _bridges_on_root() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, HydraBridgeHandler)]


def test_registered_as_the_hydra_logging_instrumentor() -> None:
    (entry_point,) = entry_points(group="opentelemetry_instrumentor", name="hydra_logging")

    assert entry_point.load() is HydraLoggingInstrumentor
    assert HydraLoggingInstrumentor().instrumentation_dependencies() == ()


def test_instrument_attaches_exactly_one_handler(logger_provider: LoggerProvider) -> None:
    instrumentor = HydraLoggingInstrumentor()
    instrumentor.instrument(logger_provider=logger_provider)
    instrumentor.instrument(logger_provider=logger_provider)

    assert _bridges_on_root() == [instrumentor.handler]


def test_uninstrument(
    logger_provider: LoggerProvider,
    log_exporter: InMemoryLogRecordExporter,
    app_logger: logging.Logger,
) -> None:
    original_basic_config = logging.basicConfig
    original_dict_config = logging.config.dictConfig
    instrumentor = HydraLoggingInstrumentor()
    instrumentor.instrument(logger_provider=logger_provider)
    app_logger.warning("while instrumented")

    instrumentor.uninstrument()
    app_logger.warning("after uninstrument")

    assert _bridges_on_root() == []
    assert instrumentor.handler is None
    assert logging.basicConfig is original_basic_config
    assert logging.config.dictConfig is original_dict_config
    assert [r.log_record.body for r in log_exporter.get_finished_logs()] == ["while instrumented"]


def test_level_keyword_sets_the_minimum_forwarded_level(
    logger_provider: LoggerProvider,
    log_exporter: InMemoryLogRecordExporter,
    app_logger: logging.Logger,
) -> None:
    HydraLoggingInstrumentor().instrument(logger_provider=logger_provider, level="WARNING")

    app_logger.info("dropped by the bridge level")
    app_logger.warning("forwarded")

    assert [r.log_record.body for r in log_exporter.get_finished_logs()] == ["forwarded"]


def test_hydra_bridge_level_variable_is_the_default(
    logger_provider: LoggerProvider,
    log_exporter: InMemoryLogRecordExporter,
    app_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HYDRA_BRIDGE_LEVEL", "ERROR")
    HydraLoggingInstrumentor().instrument(logger_provider=logger_provider)

    app_logger.warning("below HYDRA_BRIDGE_LEVEL")
    app_logger.error("at HYDRA_BRIDGE_LEVEL")

    assert [r.log_record.body for r in log_exporter.get_finished_logs()] == [
        "at HYDRA_BRIDGE_LEVEL"
    ]


def test_not_attached_next_to_the_sdk_logging_handler(
    logger_provider: LoggerProvider,
    log_exporter: InMemoryLogRecordExporter,
    app_logger: logging.Logger,
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        sdk_handler = LoggingHandler(logger_provider=logger_provider)
    logging.getLogger().addHandler(sdk_handler)
    instrumentor = HydraLoggingInstrumentor()
    instrumentor.instrument(logger_provider=logger_provider)

    app_logger.warning("once")

    assert _bridges_on_root() == []
    assert len(log_exporter.get_finished_logs()) == 1
