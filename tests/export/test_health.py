"""ExportHealth's verdict with hysteresis, and the backoff delays."""

from __future__ import annotations

import time

import pytest

from hydra_otel.export import FallbackExportOptions
from hydra_otel.export._health import Backoff, ExportHealth, percentile
from hydra_otel.export._strategy import StrategyState


@pytest.fixture
def health() -> ExportHealth:
    return ExportHealth(
        FallbackExportOptions(trip_failures=2, recover_successes=3, latency_limit=0.5)
    )


def test_it_trips_after_consecutive_failures_and_needs_more_successes_to_recover(
    health: ExportHealth,
) -> None:
    health.attempt_finished(False, 0.01)
    assert health.healthy  # one failure is not a trend
    health.attempt_finished(False, 0.01)
    assert not health.healthy and "2 consecutive failures" in health.reason
    for _ in range(2):
        health.attempt_finished(True, 0.01)
        assert not health.healthy
    health.attempt_finished(True, 0.01)
    assert health.healthy
    assert health.success_rate == pytest.approx(3 / 5)
    assert health.last_success_time is not None


def test_a_slow_collector_is_unhealthy_until_latency_is_back(health: ExportHealth) -> None:
    for _ in range(10):
        health.attempt_finished(True, 0.9)
    assert not health.healthy and "latency" in health.reason
    for _ in range(3):
        health.attempt_finished(True, 0.01)
    assert not health.healthy  # the recent p99 still includes the slow attempts
    for _ in range(32):
        health.attempt_finished(True, 0.01)
    assert health.healthy
    assert health.p99_latency == pytest.approx(0.9)


def test_a_hung_attempt_trips_while_it_lasts() -> None:
    health = ExportHealth(FallbackExportOptions(export_timeout=0.05))
    health.attempt_started()
    assert health.evaluate()
    time.sleep(0.08)
    assert not health.evaluate() and health.reason == "export hung"


def test_backoff_doubles_with_jitter_caps_and_respects_retry_after() -> None:
    backoff = Backoff(FallbackExportOptions(initial_backoff=0.1, max_backoff=1.0, jitter=0.2), 7)
    delays = [backoff.delay(n) for n in range(1, 6)]
    for n, delay in enumerate(delays[:4], start=1):
        assert 0.1 * 2 ** (n - 1) * 0.8 <= delay <= 0.1 * 2 ** (n - 1) * 1.2
    assert 0.8 <= delays[4] <= 1.2
    assert backoff.delay(1, retry_after=3.0) == 3.0
    assert backoff.delay(10_000) <= 1.2


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 0.99) == 0.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 0.99) == 99.0


def test_strategy_switches_are_counted_with_hysteresis_on_recovery() -> None:
    state = StrategyState("async")
    choose = dict(spool_usable=True, queue_fill=0.0, reason="r")
    assert state.choose(healthy=False, min_dwell=60, **choose) == "direct"  # leaving at once
    assert state.choose(healthy=True, min_dwell=60, **choose) == "direct"  # dwell not over
    assert state.choose(healthy=True, min_dwell=0, **choose) == "async"
    assert state.switches == 2
    assert [h["to"] for h in state.history()] == ["direct", "async"]


def test_queue_pressure_and_a_broken_spool_choose_memory() -> None:
    state = StrategyState("async")
    assert (
        state.choose(healthy=False, spool_usable=False, queue_fill=0, min_dwell=0, reason="")
        == "memory"
    )
    state = StrategyState("async")
    assert (
        state.choose(healthy=False, spool_usable=True, queue_fill=0.8, min_dwell=0, reason="")
        == "memory"
    )
    assert (
        state.choose(healthy=False, spool_usable=True, queue_fill=0.5, min_dwell=0, reason="")
        == "memory"
    )
    assert (
        state.choose(healthy=False, spool_usable=True, queue_fill=0.2, min_dwell=0, reason="")
        == "direct"
    )
