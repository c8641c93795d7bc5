"""configure() / shutdown() in-process, against the real rotel collector."""

from __future__ import annotations

import json
import logging

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

import hydra_otel.distro
from hydra_otel.core import ConfigurationError
from hydra_otel.distro import configure, effective_configuration, shutdown
from hydra_otel.testing import RotelCollector
from hydra_otel_instrumentation_logging import HydraBridgeHandler


def _bridges() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, HydraBridgeHandler)]


def test_stdlib_records_and_spans_reach_the_collector(
    collector: RotelCollector, app_logger: logging.Logger
) -> None:
    configure(service_name="shop", endpoint=collector.http_endpoint, metrics_exporter="none")
    tracer = trace.get_tracer("tests")
    with tracer.start_as_current_span("checkout") as span:
        app_logger.warning("stock low for %s", "SKU-1")
    app_logger.info("outside the span")
    shutdown()

    logs = collector.receiver.wait_for_logs(2)
    spans = collector.receiver.wait_for_spans(1)
    by_body = {log.body: log for log in logs}
    assert sorted(log.body for log in logs) == ["outside the span", "stock low for SKU-1"]
    inside = by_body["stock low for SKU-1"]
    assert inside.severity_number == 13
    assert inside.trace_id == format(span.get_span_context().trace_id, "032x")
    assert inside.resource["service.name"] == "shop"
    assert inside.resource["telemetry.distro.name"] == "hydra"
    assert by_body["outside the span"].trace_id == ""
    assert [s.name for s in spans] == ["checkout"]
    assert spans[0].resource["service.name"] == "shop"


def test_logs_exporter_none_sends_spans_but_no_logs(
    collector: RotelCollector, app_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_LOGS_EXPORTER", "none")
    configure(service_name="shop", endpoint=collector.http_endpoint, metrics_exporter="none")
    with trace.get_tracer("tests").start_as_current_span("work"):
        app_logger.warning("goes nowhere")
    shutdown()

    collector.receiver.wait_for_spans(1)
    assert collector.receiver.log_count == 0
    assert effective_configuration()["signals"]["logs"]["exporters"] == []  # type: ignore[index]


def test_same_options_twice_is_a_no_op() -> None:
    configure(
        service_name="shop", traces_exporter="none", metrics_exporter="none", logs_exporter="none"
    )
    provider = trace.get_tracer_provider()
    configure(
        service_name="shop", traces_exporter="none", metrics_exporter="none", logs_exporter="none"
    )

    assert trace.get_tracer_provider() is provider
    assert len(_bridges()) == 1


def test_other_options_the_second_time_raise_naming_them() -> None:
    configure(
        service_name="shop", traces_exporter="none", metrics_exporter="none", logs_exporter="none"
    )

    with pytest.raises(ConfigurationError, match="service_name"):
        configure(
            service_name="other",
            traces_exporter="none",
            metrics_exporter="none",
            logs_exporter="none",
        )
    assert len(_bridges()) == 1


def test_shutdown_removes_the_bridge_and_is_idempotent() -> None:
    configure(traces_exporter="none", metrics_exporter="none", logs_exporter="none")
    assert len(_bridges()) == 1

    shutdown()
    shutdown()

    assert _bridges() == []


def test_configure_after_shutdown_explains_why_it_cannot() -> None:
    configure(traces_exporter="none", metrics_exporter="none", logs_exporter="none")
    shutdown()

    with pytest.raises(ConfigurationError, match="only once per process"):
        configure(traces_exporter="none", metrics_exporter="none", logs_exporter="none")


def test_unknown_keyword_is_named() -> None:
    with pytest.raises(ConfigurationError, match="'servce_name'"):
        configure(servce_name="typo")


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"endpoint": "localhost:4318"}, "localhost:4318"),
        ({"protocol": "udp"}, "protocol"),
        ({"level": "LOUD"}, "LOUD"),
        ({"timeout": -1}, "timeout"),
        ({"logs_exporter": "carrier-pigeon"}, "carrier-pigeon"),
    ],
)
def test_bad_values_are_named(overrides: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        configure(**overrides)
    assert _bridges() == []


def test_disabled_instrumentations_variable_turns_the_bridge_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_PYTHON_DISABLED_INSTRUMENTATIONS", "requests, hydra_logging")

    configure(traces_exporter="none", metrics_exporter="none", logs_exporter="none")

    assert _bridges() == []


def test_instrument_logging_false_installs_providers_only() -> None:
    configure(instrument_logging=False, traces_exporter="none", metrics_exporter="none")

    assert _bridges() == []
    assert isinstance(trace.get_tracer_provider(), TracerProvider)


def test_a_tracer_provider_set_by_the_app_is_kept() -> None:
    own = TracerProvider()
    trace.set_tracer_provider(own)

    configure(traces_exporter="none", metrics_exporter="none", logs_exporter="none")

    assert trace.get_tracer_provider() is own
    assert len(_bridges()) == 1


def test_effective_configuration_masks_header_values() -> None:
    configure(
        endpoint="https://user:hunter2@otlp.example.com",
        headers={"authorization": "Bearer s3cret", "x-tenant": "acme"},
        traces_exporter="none",
        metrics_exporter="none",
        logs_exporter="none",
    )

    dumped = json.dumps(effective_configuration())
    logs = hydra_otel.distro.effective_configuration()["signals"]["logs"]  # type: ignore[index]
    assert "s3cret" not in dumped and "acme" not in dumped and "hunter2" not in dumped
    assert logs["headers"] == {"authorization": "***", "x-tenant": "***"}
    assert logs["endpoint"] == "https://user:***@otlp.example.com/v1/logs"
