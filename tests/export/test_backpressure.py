"""Without a spool, callers wait for a slow writer instead of its backlog being dropped.

A writer that stops making progress is waited for once, then not again until it moves.
"""

from __future__ import annotations

import time

from opentelemetry.sdk._logs import LoggerProvider

from hydra_otel.export import FallbackExportOptions, FallbackExportProcessor

from .conftest import ControlledExporter, assert_conserved, emit


def test_a_hung_writer_is_waited_for_once_then_records_are_counted_as_dropped() -> None:
    exporter = ControlledExporter()
    exporter.mode = "hang"
    options = FallbackExportOptions(
        spool_enabled=False,
        max_queue_records=64,
        memory_max_records=64,
        max_batch_size=16,
        max_wait_when_full=0.3,
        publish_metrics=False,
        shutdown_timeout=1.0,
    )
    processor = FallbackExportProcessor(exporter, options=options)
    started = time.monotonic()
    provider: LoggerProvider = emit(processor, 2_000)
    elapsed = time.monotonic() - started
    metrics = processor.metrics()
    exporter.release()
    processor.shutdown()
    provider.shutdown()
    assert elapsed < 0.3 * 3  # one timed-out wait, not one per record
    assert metrics["dropped"] > 0 and metrics["emitted"] == 2_000
    assert_conserved(metrics)


def test_a_slow_writer_slows_the_producer_and_loses_nothing() -> None:
    exporter = ControlledExporter()
    exporter.delay = 0.002  # 16 records per 2 ms: far slower than the producer
    options = FallbackExportOptions(
        spool_enabled=False,
        max_queue_records=64,
        memory_max_records=64,
        max_batch_size=16,
        publish_metrics=False,
    )
    processor = FallbackExportProcessor(exporter, options=options)
    provider = emit(processor, 2_000)
    assert processor.force_flush(10_000)
    metrics = processor.metrics()
    processor.shutdown()
    provider.shutdown()
    assert metrics["dropped"] == 0 and metrics["exported"] == 2_000
    assert sorted(exporter.bodies()) == sorted(f"r{i}" for i in range(2_000))
