"""get_queue_performance_metrics on HydraLogger and AsyncHydraLogger: one summary of the export queues."""

from __future__ import annotations

import socket

from hydra_otel import AsyncHydraLogger, HydraLogger
from hydra_otel.async_hydra import summarize_export_health
from hydra_otel.testing import OtlpReceiver

from .conftest import memory_config, otlp_config


def test_hydra_logger_reports_success_rate_in_percent_and_latency_in_ms(
    otlp_receiver: OtlpReceiver,
) -> None:
    config = otlp_config(otlp_receiver.http_endpoint)
    config["layers"]["DEFAULT"]["destinations"].append({"type": "memory"})
    with HydraLogger(config) as log:
        for i in range(20):
            log.info("APP", f"r{i}")
        assert log.force_flush(10_000)
        otlp_receiver.fail_next(1, http_status=503)
        log.info("APP", "after a refusal")
        assert log.force_flush(10_000)
        metrics = log.get_queue_performance_metrics()
    (label,) = metrics["destinations"]  # the memory destination has no export queue
    own = metrics["destinations"][label]
    assert label.startswith("otlp:")
    assert metrics["exported"] == own["exported"] == 21
    assert metrics["failures"] == 1 and metrics["attempts"] == own["attempts"] >= 3
    assert metrics["success_rate"] == 100.0 * own["success_rate"] < 100.0
    assert metrics["avg_latency"] == 1000.0 * own["avg_latency"] > 0.0
    assert metrics["current_strategy"] == "async" and metrics["conserved"] is True
    assert metrics["last_success_time"] is not None


async def test_collector_down_shows_the_spool_strategy_and_unhealthy() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    log = AsyncHydraLogger(otlp_config(dead))
    for i in range(5):
        await log.error("APP", f"nobody listens {i}")
    metrics = log.get_queue_performance_metrics()
    await log.close()
    assert metrics["healthy"] is False and "otlp:" in metrics["health_reason"]
    assert metrics["current_strategy"] == "direct"
    assert metrics["success_rate"] == 0.0
    assert metrics["spooled"] == 5 and metrics["spool_depth"] >= 5
    assert metrics["front"]["guaranteed_confirmed"] == 5


def test_a_logger_without_export_queues_reports_a_neutral_summary() -> None:
    with HydraLogger(memory_config()) as log:
        metrics = log.get_queue_performance_metrics()
    assert metrics["destinations"] == {}
    assert (metrics["current_strategy"], metrics["success_rate"]) == ("async", 100.0)
    assert summarize_export_health({}) == metrics
