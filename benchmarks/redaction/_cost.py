"""Per-record cost of RedactionProcessor next to the SDK's own ``Logger.emit``.

Two SDK LoggerProviders log the same records: one with only a do-nothing processor
(the SDK's emit cost), one with RedactionProcessor in front of it. Rounds alternate
between them and CPU time (``time.process_time``) is used, so other processes on a
shared machine disturb both sides alike; the ratio is taken per round, then the median.

Every round logs a batch of records no earlier round (nor the warm-up) has seen: the
engine remembers strings it found clean, and records repeated round after round would
measure that memory rather than the scan. Values that repeat *within* a batch (layer
names, function names, routes) are found in it, as they would be in an application.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from opentelemetry._logs import LogRecord
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


@dataclass
class ApplyCost:
    """CPU µs of one ``RedactionProcessor.apply`` on the same clean record, repeated."""

    apply_us: float
    emit_us: float
    rounds: list[float]


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


def measure(profile: str, batches: list[list[Record]]) -> CostResult:
    """Warm up on ``batches[0]``, then one alternating round per further batch."""
    baseline, redacting = _provider(False), _provider(True)
    _cpu_us_per_record(baseline, batches[0])  # warm-up: caches, lazy imports
    _cpu_us_per_record(redacting, batches[0])
    emits, totals, ratios = [], [], []
    for records in batches[1:]:
        base = _cpu_us_per_record(baseline, records)
        total = _cpu_us_per_record(redacting, records)
        emits.append(base)
        totals.append(total)
        ratios.append((total - base) / base)
    emit_us = statistics.median(emits)
    return CostResult(
        profile, emit_us, statistics.median(totals) - emit_us, statistics.median(ratios), ratios
    )


def apply_cost(record: Record, calls: int, rounds: int) -> ApplyCost:
    """``apply()`` on one clean record (hydra's emit path calls it directly), and the
    SDK's ``Logger.emit`` of that record, alternating rounds of ``calls`` calls each."""
    body, attributes = record
    processor = RedactionProcessor()
    log_record = LogRecord(body=body, attributes=dict(attributes))
    apply = processor.apply
    emit = _provider(False).get_logger("bench").emit
    applies, emits = [], []
    for _ in range(rounds + 1):
        started = time.process_time()
        for _ in range(calls):
            apply(log_record)
        applies.append((time.process_time() - started) / calls * 1e6)
        started = time.process_time()
        for _ in range(calls):
            emit(body=body, attributes=attributes)
        emits.append((time.process_time() - started) / calls * 1e6)
    applies, emits = applies[1:], emits[1:]  # the first round warms up
    return ApplyCost(statistics.median(applies), statistics.median(emits), applies)
