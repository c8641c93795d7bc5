"""One health summary over the export processors of a logger's destinations.

Each destination has its own :class:`~hydra_otel.export.FallbackExportProcessor`;
``get_queue_performance_metrics()`` reports them as one queue, in the units of the
Hydra plan (``success_rate`` in percent, latencies in milliseconds), with each
processor's own ``metrics()`` under ``destinations``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from opentelemetry.sdk._logs import LogRecordProcessor

from hydra_otel.core import track_error
from hydra_otel.export import FallbackExportProcessor

_DEGRADATION = {"async": 0, "sync": 1, "direct": 2, "memory": 3}
"""How far from the normal path each strategy is; the summary shows the worst."""

_SUMMED = (
    "emitted",
    "exported",
    "queued",
    "spooled",
    "dropped",
    "queue_depth",
    "queue_bytes",
    "memory_ring_depth",
    "spool_depth",
    "spool_bytes",
    "replayed",
    "recovered",
    "adopted",
    "redelivered",
    "attempts",
    "failures",
    "strategy_switches",
    "thread_restarts",
)
_OUTCOME_WINDOW = 50
_LATENCY_WINDOW = 256


def summarize_export_health(processors: Mapping[str, LogRecordProcessor]) -> dict[str, Any]:
    """Aggregate the ``metrics()`` of the fallback export processors among ``processors``.

    Args:
        processors: destination label -> processor; processors other than
            FallbackExportProcessor (the ``memory`` destination's) are skipped.

    Returns:
        ``current_strategy`` (the most degraded one), ``success_rate`` (percent, recent
        attempts weighted by their number), ``avg_latency`` and ``p99_latency`` (ms),
        ``healthy`` (all are), ``health_reason``, ``last_success_time``, ``conserved``,
        ``dropped_by_reason``, the sums of every counter of
        :meth:`FallbackExportProcessor.metrics`, and ``destinations`` (label -> that
        processor's own metrics, in its units).
    """
    per_destination: dict[str, dict[str, Any]] = {}
    for label, processor in processors.items():
        if isinstance(processor, FallbackExportProcessor):
            try:
                per_destination[label] = processor.metrics()
            except Exception as error:
                track_error("queue_metrics", repr(error))
    summary: dict[str, Any] = {key: 0 for key in _SUMMED}
    dropped_by_reason: Counter[str] = Counter()
    for metrics in per_destination.values():
        for key in _SUMMED:
            summary[key] += metrics.get(key, 0) or 0
        dropped_by_reason.update(metrics.get("dropped_by_reason", {}))
    summary.update(_health_fields(per_destination))
    summary["dropped_by_reason"] = dict(dropped_by_reason)
    summary["destinations"] = per_destination
    return summary


def _health_fields(per_destination: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    values = list(per_destination.values())
    strategies = [str(m["current_strategy"]) for m in values]
    unhealthy = {
        label: m["health_reason"] for label, m in per_destination.items() if not m["healthy"]
    }
    outcome_weights = [min(int(m["attempts"]), _OUTCOME_WINDOW) for m in values]
    latency_weights = [min(int(m["attempts"]), _LATENCY_WINDOW) for m in values]
    successes = [float(m["success_rate"]) for m in values]
    latencies = [float(m["avg_latency"]) for m in values]
    last_success = [m["last_success_time"] for m in values if m["last_success_time"] is not None]
    return {
        "current_strategy": max(strategies, key=lambda s: _DEGRADATION.get(s, 0), default="async"),
        "success_rate": 100.0 * _weighted_mean(successes, outcome_weights, default=1.0),
        "avg_latency": 1000.0 * _weighted_mean(latencies, latency_weights, default=0.0),
        "p99_latency": 1000.0 * max((float(m["p99_latency"]) for m in values), default=0.0),
        "healthy": not unhealthy,
        "health_reason": "; ".join(f"{k}: {v}" for k, v in unhealthy.items()) or "healthy",
        "last_success_time": max(last_success, default=None),
        "conserved": all(bool(m["conserved"]) for m in values),
    }


def _weighted_mean(values: list[float], weights: list[int], *, default: float) -> float:
    total = sum(weights)
    if not total:
        return default
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total
