"""HydraLogger: what a user sees in the records it emits (memory destination, real SDK)."""

from __future__ import annotations

import dataclasses
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from hydra_otel import HydraLogger, create_logger
from hydra_otel.core import ConfigurationError, HydraLoggerError


def memory_config(**layers: dict[str, object]) -> dict[str, object]:
    return {
        "layers": {
            "DEFAULT": {"level": "DEBUG", "destinations": [{"type": "memory"}]},
            **layers,
        }
    }


@pytest.fixture
def logger() -> Iterator[HydraLogger]:
    with HydraLogger(memory_config()) as log:
        yield log


def attrs(record: object) -> dict[str, object]:
    return dict(record.log_record.attributes or {})  # type: ignore[attr-defined]


def test_layer_first_and_message_first_forms(logger: HydraLogger) -> None:
    logger.info("APP", "started", extra={"port": 8080})
    logger.info("Backend event", layer="API")
    logger.warning("no layer at all")
    first, second, third = logger.memory_records()
    assert (first.log_record.body, attrs(first)["hydra.layer"], attrs(first)["port"]) == (
        "started",
        "APP",
        8080,
    )
    assert (second.log_record.body, attrs(second)["hydra.layer"]) == ("Backend event", "API")
    assert attrs(third)["hydra.layer"] == "DEFAULT"
    assert third.log_record.severity_number.value == 13


def test_severities_categories_and_event_names(logger: HydraLogger) -> None:
    for method in (
        "debug",
        "info",
        "warning",
        "error",
        "critical",
        "security",
        "audit",
        "compliance",
    ):
        getattr(logger, method)("APP", method)
    records = logger.memory_records()
    texts = [r.log_record.severity_text for r in records]
    assert texts == [
        "DEBUG",
        "INFO",
        "WARNING",
        "ERROR",
        "CRITICAL",
        "SECURITY",
        "AUDIT",
        "COMPLIANCE",
    ]
    numbers = [r.log_record.severity_number.value for r in records]
    assert numbers == [5, 9, 13, 17, 21, 14, 10, 11]
    categorized = records[5:]
    assert [attrs(r)["hydra.category"] for r in categorized] == ["security", "audit", "compliance"]
    assert [r.log_record.event_name for r in categorized] == [
        "hydra.security",
        "hydra.audit",
        "hydra.compliance",
    ]


def test_exception_attributes(logger: HydraLogger) -> None:
    try:
        raise KeyError("missing-user")
    except KeyError:
        logger.exception("AUTH", "lookup failed")
    (record,) = logger.memory_records()
    attributes = attrs(record)
    assert record.log_record.severity_text == "ERROR"
    assert attributes["exception.type"] == "KeyError"
    assert "missing-user" in str(attributes["exception.message"])
    assert "raise KeyError" in str(attributes["exception.stacktrace"])


def test_trace_context_is_attached(logger: HydraLogger) -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        logger.info("APP", "inside")
    logger.info("APP", "outside")
    inside, outside = logger.memory_records()
    assert inside.log_record.trace_id == span.get_span_context().trace_id != 0
    assert inside.log_record.span_id == span.get_span_context().span_id
    assert (
        outside.log_record.trace_id in (0, None)
        or outside.log_record.trace_id != inside.log_record.trace_id
    )
    assert trace.get_current_span() is trace.INVALID_SPAN


@dataclasses.dataclass
class Payment:
    amount: int
    currency: str


def test_extra_of_any_type_is_kept(logger: HydraLogger) -> None:
    logger.info("API", "paid", extra={"payment": Payment(5, "EUR"), "tags": ["a", "b"], "n": None})
    (record,) = logger.memory_records()
    attributes = attrs(record)
    assert json.loads(str(attributes["payment"])) == {"amount": 5, "currency": "EUR"}
    assert attributes["tags"] == ("a", "b")
    assert attributes["n"] == "null"


def test_layer_levels_filter_and_unknown_layers_fall_back() -> None:
    config = memory_config(
        AUTH={"level": "ERROR", "destinations": [{"type": "memory", "name": "auth"}]}
    )
    with HydraLogger(config) as log:
        log.info("AUTH", "ignored")
        log.error("AUTH", "kept")
        log.debug("ELSEWHERE", "to default")
        assert [r.log_record.body for r in log.memory_records("auth")] == ["kept"]
        assert [
            r.log_record.body
            for r in log.memory_records(None)
            if attrs(r)["hydra.layer"] == "ELSEWHERE"
        ] == ["to default"]
        metrics = log.get_performance_metrics()
    assert metrics["records_filtered"] == 1
    assert metrics["per_layer"] == {"AUTH": 1, "ELSEWHERE": 1}


def test_destination_level_and_layer_resource() -> None:
    config = {
        "resource": {"deployment.environment.name": "test"},
        "layers": {
            "DB": {
                "level": "DEBUG",
                "resource": {"db.system.name": "postgresql"},
                "destinations": [
                    {"type": "memory", "name": "all"},
                    {"type": "memory", "name": "errors", "level": "ERROR"},
                ],
            }
        },
    }
    with HydraLogger(config) as log:
        log.debug("DB", "query")
        log.error("DB", "deadlock")
        assert [r.log_record.body for r in log.memory_records("all")] == ["query", "deadlock"]
        (error,) = log.memory_records("errors")
    resource = dict(error.resource.attributes)
    assert resource["db.system.name"] == "postgresql"
    assert resource["deployment.environment.name"] == "test"
    assert resource["telemetry.distro.name"] == "hydra"


def test_metrics_count_emitted_exported_and_latency(logger: HydraLogger) -> None:
    for i in range(10):
        logger.info("APP", f"n{i}")
    assert logger.force_flush() is True
    metrics = logger.get_performance_metrics()
    assert metrics["records_emitted"] == 10
    assert metrics["records_exported"] == 10
    assert metrics["records_dropped"] == 0
    assert metrics["emit_latency_us"]["samples"] == 2  # one call in eight is timed: 1st, 9th
    assert 0 < metrics["emit_latency_us"]["p50"] <= metrics["emit_latency_us"]["p99"]


def test_close_is_idempotent_and_later_calls_are_counted_not_raised() -> None:
    log = HydraLogger(memory_config())
    log.close()
    log.close()
    log.info("APP", "after close")
    assert log.closed
    assert log.get_performance_metrics()["dropped_by_reason"] == {"closed": 1}


@pytest.mark.parametrize(
    "config",
    [
        {"layers": {"APP": {"level": "LOUD"}}},
        {"layers": {"APP": {"destinations": [{"type": "carrier-pigeon"}]}}},
        {"layers": {"APP": {"destinations": [{"type": "console", "format": "yaml"}]}}},
        {"layers": {"APP": {"destinations": [{"type": "console", "color_mode": "sometimes"}]}}},
    ],
)
def test_invalid_config_fails_at_construction(config: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        HydraLogger(config)


def test_unwritable_path_fails_at_construction(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    bad = blocker / "app.log"
    with pytest.raises(HydraLoggerError, match=r"app\.log"):
        HydraLogger({"layers": {"APP": {"destinations": [{"type": "file", "path": str(bad)}]}}})


def test_bad_format_pattern_fails_at_construction() -> None:
    with pytest.raises(HydraLoggerError, match=r"\{nonsense\}"):
        HydraLogger(memory_config(), message_format="{nonsense} {message}")


def test_create_logger_takes_the_same_arguments() -> None:
    with create_logger(memory_config(), date_format="%Y") as log:
        log.info("APP", "x")
        assert len(log.memory_records()) == 1


def test_an_unprintable_message_is_kept_as_a_placeholder() -> None:
    class Boom:
        def __str__(self) -> str:
            raise RuntimeError("boom")

    with HydraLogger(memory_config()) as log:
        log.info("APP", Boom())
        log.info("APP", "fine")
        bodies = [r.log_record.body for r in log.memory_records()]
    assert bodies == ["<unprintable Boom>", "fine"]


def test_a_failing_destination_never_raises_into_the_app() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    config = {
        "layers": {
            "DEFAULT": {
                "destinations": [
                    {"type": "memory"},
                    {"type": "otlp", "endpoint": f"http://127.0.0.1:{closed_port}", "timeout": 0.5},
                ]
            }
        }
    }
    with HydraLogger(config) as log:
        log.info("APP", "still delivered to memory")
        log.force_flush(5_000)
        metrics = log.get_performance_metrics()
        assert [r.log_record.body for r in log.memory_records()] == ["still delivered to memory"]
    otlp = metrics["delivery_by_destination"][f"otlp:http://127.0.0.1:{closed_port}"]
    assert otlp["exported"] == 0 and otlp["spooled"] == 1, "kept in the spool, not lost"
    assert metrics["delivery_by_destination"]["memory"]["exported"] == 1
    assert metrics["records_spooled_by_destinations"] == 1
