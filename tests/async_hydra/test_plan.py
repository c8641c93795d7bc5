"""StrategyPlan: the Hydra plan's strategy names, validated and mapped onto export options."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from hydra_otel import AsyncHydraLogger
from hydra_otel.async_hydra.queue import MultiFallbackAsyncQueue, StrategyPlan
from hydra_otel.core import ConfigurationError
from hydra_otel.export import FallbackExportOptions

from .conftest import otlp_config


@pytest.mark.parametrize(
    ("primary", "fallbacks", "message"),
    [
        ("turbo", None, "unknown queue strategy 'turbo' in primary_strategy"),
        ("async", ["sync", "disk"], "unknown queue strategy 'disk' in fallback_strategies"),
        ("async", ["async"], "repeats the primary strategy 'async'"),
        ("async", ["direct", "direct"], "lists 'direct' twice"),
        ("async", "sync", "must be a list of names"),
        (None, None, "unknown queue strategy None"),
    ],
)
def test_bad_strategy_names_raise_a_configuration_error_naming_them(
    primary: Any, fallbacks: Any, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        StrategyPlan.parse(primary, fallbacks)
    with pytest.raises(ConfigurationError, match=message):
        AsyncHydraLogger(
            queue_class=MultiFallbackAsyncQueue,
            primary_strategy=primary,
            fallback_strategies=fallbacks,
        )


@pytest.mark.parametrize(
    ("primary", "fallbacks", "otlp_strategy", "spool", "file_strategy"),
    [
        ("async", ["sync", "direct", "memory"], "auto", True, "sync"),
        ("async", None, "auto", True, "sync"),
        ("async", [], "async", False, "sync"),
        ("async", ["memory"], "auto", False, "sync"),
        ("direct", [], "direct", True, "sync"),
        ("memory", ["direct"], "memory", True, "sync"),
        ("sync", None, "sync", True, "sync"),
    ],
)
def test_the_chain_maps_onto_each_destinations_export_options(
    primary: str, fallbacks: list[str] | None, otlp_strategy: str, spool: bool, file_strategy: str
) -> None:
    plan = StrategyPlan.parse(primary, fallbacks)
    base = FallbackExportOptions()
    otlp = plan.export_options("otlp", base)
    local = plan.export_options("file", base.evolve(spool_enabled=False))
    assert (otlp.strategy, otlp.spool_enabled) == (otlp_strategy, spool)
    assert (local.strategy, local.spool_enabled) == (file_strategy, False)


def test_the_default_chain_is_the_plans() -> None:
    plan = StrategyPlan.parse("async", None)
    assert plan.chain == ("async", "sync", "direct", "memory")
    assert StrategyPlan.parse("sync", None).chain == ("sync", "direct", "memory")


def _dead_endpoint() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


async def test_a_pinned_direct_strategy_sends_records_to_the_spool() -> None:
    log = AsyncHydraLogger(
        otlp_config(_dead_endpoint()),
        queue_class=MultiFallbackAsyncQueue,
        primary_strategy="direct",
        fallback_strategies=[],
    )
    await log.error("APP", "straight to disk")
    queue = log.get_queue_performance_metrics()
    await log.close()
    assert queue["current_strategy"] == "direct"
    assert queue["spooled"] == 1 and queue["exported"] == 0
    assert queue["front"]["guaranteed_confirmed"] == 1


async def test_the_plans_queue_api_as_written() -> None:
    log = AsyncHydraLogger(
        otlp_config(_dead_endpoint()),
        queue_class=MultiFallbackAsyncQueue,
        primary_strategy="async",
        fallback_strategies=["sync", "direct", "memory"],
    )
    metrics = log.get_queue_performance_metrics()
    await log.close()
    assert metrics["current_strategy"] == "async"
    assert metrics["front"]["fallback_strategies"] == ["sync", "direct", "memory"]
    for key in ("success_rate", "avg_latency", "healthy", "spool_depth", "queue_depth"):
        assert key in metrics
