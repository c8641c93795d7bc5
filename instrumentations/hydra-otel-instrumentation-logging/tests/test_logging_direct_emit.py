"""The direct emit path keeps the SDK's semantics: limits, logger configurator, proxies."""

from __future__ import annotations

import logging
import warnings

import pytest
from opentelemetry._logs import set_logger_provider
from opentelemetry.sdk._logs import LoggerProvider, LogRecordLimits
from opentelemetry.sdk._logs._internal import _LoggerConfig
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from hydra_otel_instrumentation_logging import HydraLoggingInstrumentor


def _provider(exporter: InMemoryLogRecordExporter, **kwargs: object) -> LoggerProvider:
    provider = LoggerProvider(shutdown_on_exit=False, **kwargs)  # type: ignore[arg-type]
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    return provider


def test_records_beyond_the_attribute_count_limit_get_the_sdk_treatment(
    app_logger: logging.Logger,
) -> None:
    exporter = InMemoryLogRecordExporter()
    provider = _provider(exporter, log_record_limits=LogRecordLimits(max_attributes=6))
    HydraLoggingInstrumentor().instrument(logger_provider=provider)

    app_logger.warning("few", extra={"a": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app_logger.warning("many", extra={"a": 1, "b": 2, "c": 3})

    few, many = exporter.get_finished_logs()
    assert few.dropped_attributes == 0 and len(few.log_record.attributes or {}) == 6
    assert many.dropped_attributes == 2 and len(many.log_record.attributes or {}) == 6


def test_long_values_are_truncated_as_the_sdk_limit_says(app_logger: logging.Logger) -> None:
    exporter = InMemoryLogRecordExporter()
    provider = _provider(exporter, log_record_limits=LogRecordLimits(max_attribute_length=40))
    HydraLoggingInstrumentor().instrument(logger_provider=provider)

    app_logger.warning("note", extra={"note": "x" * 100})

    (record,) = exporter.get_finished_logs()
    assert (record.log_record.attributes or {})["note"] == "x" * 40


def test_scopes_disabled_by_the_logger_configurator_emit_nothing(
    app_logger: logging.Logger,
) -> None:
    def mute_noisy(scope: InstrumentationScope) -> _LoggerConfig:
        return _LoggerConfig(is_enabled=scope.name != "tests.noisy")

    exporter = InMemoryLogRecordExporter()
    provider = _provider(exporter, _logger_configurator=mute_noisy)
    HydraLoggingInstrumentor().instrument(logger_provider=provider)

    logging.getLogger("tests.noisy").warning("muted")
    app_logger.warning("kept")

    assert [r.log_record.body for r in exporter.get_finished_logs()] == ["kept"]


def test_instrumenting_before_the_global_provider_exists_still_delivers(
    app_logger: logging.Logger,
) -> None:
    exporter = InMemoryLogRecordExporter()
    HydraLoggingInstrumentor().instrument()
    app_logger.warning("before any provider")

    set_logger_provider(_provider(exporter))
    app_logger.warning("after the provider")

    assert [r.log_record.body for r in exporter.get_finished_logs()] == ["after the provider"]


@pytest.mark.parametrize("value", [(1, 2), [True, False], {"k": "v"}, 1.5])
def test_values_reach_processors_unchanged(app_logger: logging.Logger, value: object) -> None:
    exporter = InMemoryLogRecordExporter()
    HydraLoggingInstrumentor().instrument(logger_provider=_provider(exporter))

    app_logger.warning("value", extra={"value": value})

    (record,) = exporter.get_finished_logs()
    assert (record.log_record.attributes or {})["value"] == value
