"""CPU and wall time per request on the exporting thread, each path in turn."""

from __future__ import annotations

import gc
import resource
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from benchmarks.transport._contenders import Payload
from hydra_otel.export.otlp import FastOTLPLogExporter


@dataclass(frozen=True)
class CostResult:
    """Medians over the repeats of one path sending one payload; every repeat's CPU kept."""

    payload: str
    payload_bytes: int
    path: str
    requests_per_block: int
    cpu_us: float
    user_us: float
    wall_us: float
    cpu_samples: tuple[float, ...]
    failures: int


@dataclass(frozen=True)
class _Block:
    cpu_us: float
    user_us: float
    wall_us: float
    failures: int


def _timed_block(exporter: FastOTLPLogExporter, body: bytes, count: int) -> _Block:
    """Send ``count`` requests; this thread's CPU (getrusage RUSAGE_THREAD) and wall time."""
    failures = 0
    before = resource.getrusage(resource.RUSAGE_THREAD)
    started = time.perf_counter()
    for _ in range(count):
        failures += not exporter.export_encoded(body).success
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_THREAD)
    user = after.ru_utime - before.ru_utime
    system = after.ru_stime - before.ru_stime
    scale = 1e6 / count
    return _Block((user + system) * scale, user * scale, wall * scale, failures)


def measure(
    exporters: Mapping[str, FastOTLPLogExporter], payloads: Sequence[Payload], repeats: int
) -> list[CostResult]:
    """Time each path on each payload ``repeats`` times, alternating which path goes first.

    Alternating keeps a shared, noisy machine from favouring whoever ran first.
    """
    results = []
    for payload in payloads:
        blocks: dict[str, list[_Block]] = {name: [] for name in exporters}
        for exporter in exporters.values():  # connect and warm up
            _timed_block(exporter, payload.body, max(payload.requests_per_block // 10, 5))
        for repeat in range(repeats):
            order = list(exporters) if repeat % 2 == 0 else list(exporters)[::-1]
            for name in order:
                gc.collect()
                blocks[name].append(
                    _timed_block(exporters[name], payload.body, payload.requests_per_block)
                )
        results += [_summary(payload, name, runs) for name, runs in blocks.items()]
    return results


def _summary(payload: Payload, path: str, blocks: Sequence[_Block]) -> CostResult:
    return CostResult(
        payload.name,
        len(payload.body),
        path,
        payload.requests_per_block,
        statistics.median(b.cpu_us for b in blocks),
        statistics.median(b.user_us for b in blocks),
        statistics.median(b.wall_us for b in blocks),
        tuple(b.cpu_us for b in blocks),
        sum(b.failures for b in blocks),
    )
