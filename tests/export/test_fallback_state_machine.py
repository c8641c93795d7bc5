"""A Hypothesis state machine over emit / fail / crash / restart / drain.

After every step ``emitted == exported + queued + spooled + dropped`` must hold, and a
drain must deliver every record accepted by any run so far (crashed runs included:
the next run adopts their spool).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from opentelemetry.sdk._logs import Logger, LoggerProvider

from hydra_otel.export import FallbackExportOptions, FallbackExportProcessor

from .conftest import ControlledExporter, assert_conserved, wait_until


def _crash(processor: FallbackExportProcessor) -> None:
    """Stop a processor the way SIGKILL would: threads gone, files closed, memory lost."""
    pipeline = processor._pipeline
    with pipeline.ledger.lock:
        pipeline.ledger.closed = True
        pipeline.ledger.has_work.notify_all()
    pipeline.intake.stop.set()
    pipeline.intake.wake.set()
    pipeline.sender.stop.set()
    for thread in pipeline._threads:
        thread.join(5)
    spool = pipeline.persister.spool
    if spool is not None:
        spool.close()  # what the OS does for a killed process: close the file, drop the lock


class FallbackExportMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="hydra-export-sm-"))
        self.exporter = ControlledExporter()
        self.accepted: set[str] = set()
        self.lost_at_crash = 0
        self.next_body = 0
        self.processor: FallbackExportProcessor | None = None
        self.logger: Logger | None = None
        self._start()

    def _start(self) -> None:
        options = FallbackExportOptions(
            spool_dir=self.directory,
            spool_name="machine",
            max_batch_size=64,
            initial_backoff=0.005,
            max_backoff=0.05,
            min_dwell=0.0,
            shutdown_timeout=2.0,
            publish_metrics=False,
            redeliver_window=0.0,
        )
        self.processor = FallbackExportProcessor(self.exporter, options=options)
        provider = LoggerProvider(shutdown_on_exit=False)
        provider.add_log_record_processor(self.processor)
        self.logger = provider.get_logger("machine")  # type: ignore[assignment]

    @precondition(lambda self: self.processor is not None)
    @rule(count=st.integers(1, 200))
    def emit(self, count: int) -> None:
        assert self.logger is not None
        for _ in range(count):
            body = f"r{self.next_body}"
            self.next_body += 1
            self.logger.emit(body=body)
            self.accepted.add(body)

    @rule(mode=st.sampled_from(["ok", "fail", "raise"]))
    def collector(self, mode: str) -> None:
        self.exporter.mode = mode

    @precondition(lambda self: self.processor is not None)
    @rule()
    def crash(self) -> None:
        processor = self.processor
        assert processor is not None
        # records older than ~200 ms are exported or on disk: give the last ones that time
        wait_until(lambda: processor.metrics()["queued"] == 0, timeout=2)
        self.lost_at_crash += processor.metrics()["queued"]
        _crash(processor)
        self.processor = self.logger = None

    @precondition(lambda self: self.processor is None)
    @rule()
    def restart(self) -> None:
        self._start()

    @precondition(lambda self: self.processor is not None)
    @rule()
    def drain(self) -> None:
        processor = self.processor
        assert processor is not None
        self.exporter.mode = "ok"
        assert processor.force_flush(10_000), processor.metrics()
        assert wait_until(lambda: processor.metrics()["inherited_spooled"] == 0, timeout=10)
        missing = self.accepted - set(self.exporter.bodies())
        assert len(missing) <= self.lost_at_crash, (len(missing), processor.metrics())

    @invariant()
    def records_are_conserved(self) -> None:
        if self.processor is not None:
            assert_conserved(self.processor.metrics())

    def teardown(self) -> None:
        self.exporter.release()
        if self.processor is not None:
            self.processor.shutdown()
        shutil.rmtree(self.directory, ignore_errors=True)


FallbackExportMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_fallback_export_state_machine = FallbackExportMachine.TestCase
