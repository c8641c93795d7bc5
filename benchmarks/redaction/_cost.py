"""Per-record cost of RedactionProcessor next to the SDK's own ``Logger.emit``.

Two SDK LoggerProviders log the same records: one with only a do-nothing processor
(the SDK's emit cost), one with RedactionProcessor in front of it. Rounds alternate
between them and CPU time (``time.process_time``) is used, so other processes on a
shared machine disturb both sides alike; the ratio is taken per round, then the median.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from opentelemetry.sdk._logs import LoggerProvider, LogRecordProcessor, ReadWriteLogRecord

from benchmarks.redaction._records import Record
from hydra_otel.processors import RedactionProcessor


class _Discard(LogRecordProcessor):
    """Ends the pipeline without doing any work (an exporter's cost is not measured)."""

    def on_emit(self, log_record: ReadWriteLogRecord) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


@dataclass
class CostResult:
    """Median per-record costs of one record profile."""

    profile: str
    emit_us: float
    added_us: float
    ratio: float
    ratios: list[float]


def _provider(redacting: bool) -> LoggerProvider:
    provider = LoggerProvider()
    if redacting:
        provider.add_log_record_processor(RedactionProcessor())
    provider.add_log_record_processor(_Discard())
    return provider


def _cpu_us_per_record(provider: LoggerProvider, records: list[Record]) -> float:
    logger = provider.get_logger("bench")
    emit = logger.emit
    started = time.process_time()
    for body, attributes in records:
        emit(body=body, attributes=attributes)
    return (time.process_time() - started) / len(records) * 1e6


def measure(profile: str, records: list[Record], rounds: int) -> CostResult:
    """Alternate baseline and redacting rounds over ``records``; medians of both."""
    baseline, redacting = _provider(False), _provider(True)
    _cpu_us_per_record(baseline, records[:200])  # warm-up: caches, lazy imports
    _cpu_us_per_record(redacting, records[:200])
    emits, totals, ratios = [], [], []
    for _ in range(rounds):
        base = _cpu_us_per_record(baseline, records)
        total = _cpu_us_per_record(redacting, records)
        emits.append(base)
        totals.append(total)
        ratios.append((total - base) / base)
    emit_us = statistics.median(emits)
    return CostResult(
        profile, emit_us, statistics.median(totals) - emit_us, statistics.median(ratios), ratios
    )
