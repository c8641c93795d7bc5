"""Publishing the processors' health as OpenTelemetry observable instruments.

Instruments are created once per meter provider and observe every live processor,
each under its own ``hydra.export.processor`` attribute. For the global provider they
are created on the API's proxy, so they start reporting as soon as an application
installs a real MeterProvider, before or after the processor was built; with no
provider they cost nothing (callbacks only run when a reader collects).
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from opentelemetry.metrics import (
    CallbackOptions,
    Meter,
    MeterProvider,
    NoOpMeterProvider,
    Observation,
    get_meter_provider,
)

from hydra_otel.core import track_error

METER_NAME = "hydra_otel.export"
PROCESSOR_ATTRIBUTE = "hydra.export.processor"


class _Observed(Protocol):
    def metrics(self) -> dict[str, Any]: ...


_lock = threading.Lock()
_published: weakref.WeakSet[_Observed] = weakref.WeakSet()
_names: weakref.WeakKeyDictionary[_Observed, str] = weakref.WeakKeyDictionary()
_providers: weakref.WeakSet[MeterProvider] = weakref.WeakSet()
_numbers = itertools.count(1)

_COUNTERS = {
    "hydra.export.emitted": ("emitted", "Records accepted by the processor"),
    "hydra.export.exported": ("exported", "Records the exporter accepted"),
    "hydra.export.replayed": ("replayed", "Records delivered from the spool or memory ring"),
    "hydra.export.strategy.switches": ("strategy_switches", "Automatic strategy changes"),
}
_GAUGES = {
    "hydra.export.queued": ("queued", "{record}", "Records held in memory"),
    "hydra.export.spooled": ("spool_depth", "{record}", "Records waiting in the spool"),
    "hydra.export.spool.size": ("spool_bytes", "By", "Bytes of spooled payloads"),
    "hydra.export.success_rate": ("success_rate", "1", "Share of recent attempts that succeeded"),
    "hydra.export.latency.avg": ("avg_latency", "s", "Mean export latency"),
    "hydra.export.latency.p99": ("p99_latency", "s", "99th percentile export latency"),
}


def publish(processor: _Observed, meter_provider: MeterProvider | None) -> None:
    """Make ``processor`` observable through ``meter_provider`` (None: the global one)."""
    provider = meter_provider or get_meter_provider()
    if isinstance(provider, NoOpMeterProvider):
        return
    with _lock:
        _published.add(processor)
        _names[processor] = str(next(_numbers))
        if provider in _providers:
            return
        _providers.add(provider)
    try:
        _create_instruments(provider.get_meter(METER_NAME))
    except Exception as error:
        track_error("export_metrics", repr(error))


def _create_instruments(meter: Meter) -> None:
    for name, (key, description) in _COUNTERS.items():
        meter.create_observable_counter(
            name, callbacks=[_observer(key)], unit="{record}", description=description
        )
    meter.create_observable_counter(
        "hydra.export.dropped",
        callbacks=[_observe_dropped],
        unit="{record}",
        description="Records dropped, by reason",
    )
    for name, (key, unit, description) in _GAUGES.items():
        meter.create_observable_gauge(
            name, callbacks=[_observer(key)], unit=unit, description=description
        )
    meter.create_observable_gauge(
        "hydra.export.strategy",
        callbacks=[_observe_strategy],
        unit="1",
        description="1 for the strategy in use, with attribute hydra.export.strategy",
    )


def _snapshots() -> list[tuple[str, dict[str, Any]]]:
    with _lock:
        processors = [(p, _names.get(p, "?")) for p in _published]
    result = []
    for processor, name in processors:
        try:
            result.append((name, processor.metrics()))
        except Exception as error:
            track_error("export_metrics", repr(error))
    return result


def _observer(key: str) -> Callable[[CallbackOptions], Iterable[Observation]]:
    def observe(_options: CallbackOptions) -> Iterable[Observation]:
        return [
            Observation(metrics[key] or 0, {PROCESSOR_ATTRIBUTE: name})
            for name, metrics in _snapshots()
        ]

    return observe


def _observe_dropped(_options: CallbackOptions) -> Iterable[Observation]:
    return [
        Observation(count, {PROCESSOR_ATTRIBUTE: name, "reason": reason})
        for name, metrics in _snapshots()
        for reason, count in metrics["dropped_by_reason"].items()
    ]


def _observe_strategy(_options: CallbackOptions) -> Iterable[Observation]:
    return [
        Observation(
            1, {PROCESSOR_ATTRIBUTE: name, "hydra.export.strategy": metrics["current_strategy"]}
        )
        for name, metrics in _snapshots()
    ]


def unpublish(processor: _Observed) -> None:
    """Stop observing ``processor`` (after shutdown)."""
    with _lock:
        _published.discard(processor)
