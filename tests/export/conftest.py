"""Fixtures of the fallback export tests: exporters standing in for the network, options."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import LogRecordExporter, LogRecordExportResult

from hydra_otel.core._diagnostics import in_pipeline
from hydra_otel.export import RECORD_UID_KEY, FallbackExportOptions, FallbackExportProcessor
from hydra_otel.export._codec import decode_request
from hydra_otel.export.otlp import ExportOutcome


class ControlledExporter(LogRecordExporter):
    """A plain SDK exporter standing in for the network: it succeeds, fails, raises or hangs.

    ``mode`` is read on every call: ``"ok"``, ``"fail"`` (returns FAILURE), ``"raise"``
    or ``"hang"`` (blocks until :meth:`release` or shutdown). ``delay`` seconds are slept
    in every call, like a slow disk or network (the GIL is released meanwhile).
    """

    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 0.0
        self.received: list[ReadableLogRecord] = []
        self.calls = 0
        self.batch_sizes: list[int] = []
        self.threads: set[int] = set()
        self.guarded: list[bool] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self.shut_down = False

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        with self._lock:
            self.calls += 1
            self.batch_sizes.append(len(batch))
            self.threads.add(threading.get_ident())
            self.guarded.append(in_pipeline())
            mode = self.mode
        if self.delay:
            time.sleep(self.delay)
        if mode == "hang":
            self._released.wait()
            mode = "fail"
        if mode == "raise":
            raise ConnectionError("collector unreachable")
        if mode == "fail":
            return LogRecordExportResult.FAILURE
        with self._lock:
            self.received.extend(batch)
        return LogRecordExportResult.SUCCESS

    def release(self) -> None:
        """End every hang (the hung calls fail)."""
        self._released.set()

    def uids(self) -> list[str]:
        with self._lock:
            return [str(r.log_record.attributes[RECORD_UID_KEY]) for r in self.received]  # type: ignore[index]

    def bodies(self) -> list[Any]:
        with self._lock:
            return [r.log_record.body for r in self.received]

    def shutdown(self) -> None:
        self.shut_down = True
        self.release()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


class DetailedExporter(ControlledExporter):
    """Also reports ``ExportOutcome``s and sends raw payloads, like FastOTLPLogExporter.

    ``outcomes`` is a queue of outcomes to return before behaving as ``mode`` says.
    """

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[ExportOutcome] = []
        self.attempt_times: list[float] = []
        self.payload_sends = 0

    def export_detailed(self, batch: Sequence[ReadableLogRecord]) -> ExportOutcome:
        with self._lock:
            self.attempt_times.append(time.monotonic())
            scripted = self.outcomes.pop(0) if self.outcomes else None
        if scripted is not None:
            if scripted.success:
                with self._lock:
                    self.received.extend(batch)
            return scripted
        result = self.export(batch)
        if result == LogRecordExportResult.SUCCESS:
            return ExportOutcome(True, status="HTTP 200")
        return ExportOutcome(False, retryable=True, status="ConnectionError")

    def export_encoded(self, payload: bytes) -> ExportOutcome:
        with self._lock:
            self.payload_sends += 1
        return self.export_detailed(decode_request(payload))


@pytest.fixture
def controlled_exporter() -> ControlledExporter:
    """An exporter that fails, raises or hangs on demand (``.mode``)."""
    return ControlledExporter()


@pytest.fixture
def detailed_exporter() -> DetailedExporter:
    """A ControlledExporter that also reports outcomes and accepts raw payloads."""
    return DetailedExporter()


@pytest.fixture
def fast_options(tmp_path: Path) -> FallbackExportOptions:
    """Options with short timings and a spool under the test's tmp dir."""
    return FallbackExportOptions(
        spool_dir=tmp_path / "spool",
        spool_name="test",
        initial_backoff=0.01,
        max_backoff=0.1,
        min_dwell=0.0,
        shutdown_timeout=3.0,
        publish_metrics=False,
        redeliver_window=0.0,
        max_batch_size=512,  # the tests reason in batches and spool rows of this size
    )


ProcessorFactory = Callable[..., FallbackExportProcessor]


@pytest.fixture
def make_processor(fast_options: FallbackExportOptions) -> Iterator[ProcessorFactory]:
    """Build processors (``exporter, **option changes``); all are shut down after the test."""
    made: list[FallbackExportProcessor] = []

    def make(exporter: LogRecordExporter, **changes: Any) -> FallbackExportProcessor:
        processor = FallbackExportProcessor(exporter, options=fast_options.evolve(**changes))
        made.append(processor)
        return processor

    yield make
    for processor in made:
        processor.shutdown()


def emit(processor: FallbackExportProcessor, count: int, prefix: str = "r") -> LoggerProvider:
    """Emit ``count`` records with bodies ``<prefix>0...`` through a plain SDK LoggerProvider."""
    provider = LoggerProvider(shutdown_on_exit=False)
    provider.add_log_record_processor(processor)
    logger = provider.get_logger("tests.export")
    for i in range(count):
        logger.emit(body=f"{prefix}{i}", attributes={"i": i})
    return provider


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``condition`` every 5 ms; True once it holds, False at ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def assert_conserved(metrics: dict[str, Any]) -> None:
    """emitted == exported + queued + spooled + dropped, with the numbers in the message."""
    total = metrics["exported"] + metrics["queued"] + metrics["spooled"] + metrics["dropped"]
    assert metrics["conserved"] and metrics["emitted"] == total, metrics
