"""AsyncHydraLogger: the same surface and the same records as HydraLogger, awaitable."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from typing import Any

import pytest

from hydra_otel import AsyncHydraLogger, HydraLogger
from hydra_otel.async_hydra import LogReceipt
from hydra_otel.core import ConfigurationError
from hydra_otel.plugins import AnalyticsPlugin, LogEvent

from .conftest import attrs, memory_config

LEVEL_METHODS = ("debug", "info", "warning", "error", "critical", "security", "audit", "compliance")


def test_every_public_method_of_the_sync_logger_exists_on_the_async_one() -> None:
    sync_names = {name for name in dir(HydraLogger) if not name.startswith("_")}
    async_names = {name for name in dir(AsyncHydraLogger) if not name.startswith("_")}
    assert sync_names - async_names == set()
    for name in ("force_flush", "close", "initialize", "__aenter__", "__aexit__"):
        assert inspect.iscoroutinefunction(getattr(AsyncHydraLogger, name)), name


async def test_every_level_method_emits_the_same_record_as_the_sync_logger(
    memory_logger: AsyncHydraLogger,
) -> None:
    with HydraLogger(memory_config()) as sync_log:
        for method in LEVEL_METHODS:
            await getattr(memory_logger, method)("APP", f"{method} message", extra={"n": 1})
            getattr(sync_log, method)("APP", f"{method} message", extra={"n": 1})
        expected = sync_log.memory_records()
    received = memory_logger.memory_records()

    def view(record: Any) -> tuple[object, ...]:
        log = record.log_record
        return (log.body, log.severity_number, log.severity_text, log.event_name, attrs(record))

    assert [view(r) for r in received] == [view(r) for r in expected]


async def test_message_first_form_log_by_level_name_and_extra_of_any_type(
    memory_logger: AsyncHydraLogger,
) -> None:
    @dataclasses.dataclass
    class Order:
        id: int
        items: list[str]

    await memory_logger.info("Backend event", layer="API", order=Order(7, ["a", "b"]))
    await memory_logger.log("warning", "DB", "slow query", extra={"ms": 812.5, "tags": ("x", "y")})
    await memory_logger.log(40, "DB", "by stdlib number")
    first, second, third = memory_logger.memory_records()
    assert attrs(first)["hydra.layer"] == "API"
    assert attrs(first)["order"] == '{"id":7,"items":["a","b"]}'
    assert second.log_record.severity_text == "WARNING"
    assert attrs(second)["ms"] == 812.5 and attrs(second)["tags"] == ("x", "y")
    assert third.log_record.severity_text == "ERROR"


async def test_exception_is_taken_when_called_not_when_emitted(
    memory_logger: AsyncHydraLogger,
) -> None:
    try:
        raise KeyError("missing-key")
    except KeyError:
        receipt = memory_logger.exception("APP", "lookup failed")
    await receipt  # awaited outside the except block: the exception was captured at call time
    (record,) = memory_logger.memory_records()
    assert attrs(record)["exception.type"] == "KeyError"
    assert "missing-key" in attrs(record)["exception.message"]
    assert record.log_record.severity_text == "ERROR"


async def test_extra_is_a_snapshot_taken_at_call_time(memory_logger: AsyncHydraLogger) -> None:
    extra: dict[str, Any] = {"state": "before", "items": ["a"]}
    memory_logger.info("APP", "snapshot", extra=extra)
    extra["state"] = "after"
    extra["items"].append("b")
    (record,) = memory_logger.memory_records()
    assert attrs(record)["state"] == "before"
    assert attrs(record)["items"] == ("a",)


async def test_calls_return_awaitable_receipts_that_gather_and_wait_for_accept(
    memory_logger: AsyncHydraLogger,
) -> None:
    receipt = memory_logger.info("APP", "one")
    assert isinstance(receipt, LogReceipt) and not inspect.iscoroutine(receipt)
    await asyncio.gather(memory_logger.info("APP", "two"), memory_logger.error("APP", "three"))
    await asyncio.wait_for(memory_logger.warning("APP", "four"), timeout=5)
    await receipt
    bodies = [r.log_record.body for r in memory_logger.memory_records()]
    assert bodies == ["one", "two", "three", "four"]


async def test_a_call_without_await_still_logs_and_warns_about_nothing(
    memory_logger: AsyncHydraLogger, recwarn: pytest.WarningsRecorder
) -> None:
    def sync_helper_inside_an_async_app() -> None:
        memory_logger.info("APP", "from sync code")

    sync_helper_inside_an_async_app()
    assert [r.log_record.body for r in memory_logger.memory_records()] == ["from sync code"]
    assert not [w for w in recwarn if "never awaited" in str(w.message)]


async def test_levels_below_the_layer_threshold_are_filtered_and_counted() -> None:
    config = {"layers": {"DEFAULT": {"level": "WARNING", "destinations": [{"type": "memory"}]}}}
    async with AsyncHydraLogger(config) as log:
        await log.info("APP", "filtered")
        await log.warning("APP", "kept")
        assert [r.log_record.body for r in log.memory_records()] == ["kept"]
        metrics = log.get_performance_metrics()
    assert metrics["records_filtered"] == 1 and metrics["records_emitted"] == 1


async def test_force_flush_close_and_async_with() -> None:
    log = AsyncHydraLogger(memory_config())
    await log.initialize()
    await log.info("APP", "before close")
    assert await log.force_flush() is True
    await log.close()
    await log.close()  # idempotent
    assert log.closed
    await log.info("APP", "after close")
    metrics = log.get_performance_metrics()
    assert metrics["dropped_by_reason"] == {"closed": 1}
    assert metrics["records_emitted"] == 1


async def test_performance_and_queue_metrics() -> None:
    async with AsyncHydraLogger(memory_config()) as log:
        for i in range(10):
            await log.info("APP", f"r{i}")
        await log.error("DB", "guaranteed")
        metrics = log.get_performance_metrics()
        queue = log.get_queue_performance_metrics()
    assert metrics["records_emitted"] == 11
    assert metrics["per_layer"] == {"APP": 10, "DB": 1}
    assert queue["current_strategy"] == "async"
    assert queue["success_rate"] == 100.0
    assert queue["front"]["guaranteed"] == 1 and queue["front"]["guaranteed_confirmed"] == 1


async def test_analytics_plugin_sees_every_record_with_its_callers_context() -> None:
    seen: list[tuple[str, str]] = []

    class Collecting(AnalyticsPlugin):
        def process_event(self, event: LogEvent) -> None:
            seen.append((event.level, event.message))

    async with AsyncHydraLogger(memory_config()) as log:
        log.add_plugin("collecting", Collecting())
        assert log.list_plugins() == ["collecting"]
        await log.info("APP", "a")
        await log.critical("APP", "b")
        await log.force_flush()
        log.remove_plugin("collecting")
        await log.info("APP", "c")
        await log.force_flush()
    assert seen == [("INFO", "a"), ("CRITICAL", "b")]


async def test_magic_configs_and_register_magic() -> None:
    @AsyncHydraLogger.register_magic("async_tests_app")
    def async_tests_app() -> dict[str, Any]:
        return memory_config()

    assert "async_tests_app" in AsyncHydraLogger.list_magic_configs()
    assert "async_tests_app" in HydraLogger.list_magic_configs()
    for factory in (AsyncHydraLogger.for_async_tests_app, AsyncHydraLogger.for_testing):
        log = factory()
        assert isinstance(log, AsyncHydraLogger)
        await log.info("APP", "magic")
        assert [r.log_record.body for r in log.memory_records()] == ["magic"]
        await log.close()
    for name in ("for_production", "for_development", "for_high_performance", "for_bare_metal"):
        await getattr(AsyncHydraLogger, name)().close()
    with pytest.raises(ConfigurationError, match="unknown"):
        AsyncHydraLogger.for_unknown()


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"guaranteed_level": "LOUD"}, "LOUD"),
        ({"queue_class": dict}, "queue_class"),
        ({"primary_strategy": "fastest"}, "fastest"),
        ({"max_pending": 0}, "max_pending"),
        ({"fallback_strategies": ["sync", "sync"]}, "'sync' twice"),
    ],
)
def test_invalid_options_fail_at_construction_naming_the_value(
    options: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        AsyncHydraLogger(memory_config(), **options)


def test_invalid_config_fails_at_construction_naming_the_value() -> None:
    with pytest.raises(ConfigurationError, match="NOPE"):
        AsyncHydraLogger({"layers": {"DEFAULT": {"level": "NOPE"}}})
