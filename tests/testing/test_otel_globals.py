"""reset_otel_globals / isolated_logging_state against the real OTel API and SDK."""

from __future__ import annotations

import logging

from opentelemetry import _logs, metrics, trace
from opentelemetry._logs._internal import ProxyLoggerProvider
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider

from hydra_otel.testing import isolated_logging_state, reset_otel_globals


def test_logger_provider_can_be_installed_again_after_reset() -> None:
    first, second = LoggerProvider(), LoggerProvider()
    _logs.set_logger_provider(first)

    reset_otel_globals()
    _logs.set_logger_provider(second)

    assert _logs.get_logger_provider() is second


def test_without_reset_the_api_keeps_the_first_provider() -> None:
    first, second = TracerProvider(), TracerProvider()
    trace.set_tracer_provider(first)

    trace.set_tracer_provider(second)  # ignored by the API (set-once)

    assert trace.get_tracer_provider() is first


def test_tracer_provider_can_be_installed_again_after_reset() -> None:
    trace.set_tracer_provider(TracerProvider())

    reset_otel_globals()
    second = TracerProvider()
    trace.set_tracer_provider(second)

    assert trace.get_tracer_provider() is second


def test_reset_leaves_proxies_in_place() -> None:
    trace.set_tracer_provider(TracerProvider())

    reset_otel_globals()

    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    assert isinstance(_logs.get_logger_provider(), ProxyLoggerProvider)


def test_meter_created_before_any_provider_follows_the_newest_provider() -> None:
    counter = metrics.get_meter("early").create_counter("early.count")
    first_reader, second_reader = InMemoryMetricReader(), InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[first_reader]))
    counter.add(1)

    reset_otel_globals()
    metrics.set_meter_provider(MeterProvider(metric_readers=[second_reader]))
    counter.add(5)

    assert _sum_of(first_reader, "early.count") == 1
    assert _sum_of(second_reader, "early.count") == 5


def test_isolated_logging_state_removes_root_handlers_and_restores_level() -> None:
    root = logging.getLogger()
    level_before, handlers_before = root.level, list(root.handlers)
    provider = LoggerProvider()
    seen: list[str] = []
    collecting = logging.Handler()
    collecting.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]

    with isolated_logging_state():
        _logs.set_logger_provider(provider)
        root.addHandler(collecting)
        root.setLevel(logging.DEBUG)
        logging.getLogger("inside").debug("captured")

    logging.getLogger("outside").warning("not captured")
    assert seen == ["captured"]
    assert (root.level, root.handlers) == (level_before, handlers_before)
    assert _logs.get_logger_provider() is not provider


def _sum_of(reader: InMemoryMetricReader, name: str) -> int:
    data = reader.get_metrics_data()
    assert data is not None
    return sum(
        int(point.value)
        for resource_metrics in data.resource_metrics
        for scope_metrics in resource_metrics.scope_metrics
        for metric in scope_metrics.metrics
        if metric.name == name
        for point in metric.data.data_points  # type: ignore[union-attr]
    )
