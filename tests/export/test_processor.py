"""FallbackExportProcessor in a plain SDK LoggerProvider, with exporters failing on demand."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import pytest
from opentelemetry.sdk._logs import (
    LoggerProvider,
    LoggingHandler,
    LogRecordProcessor,
    ReadWriteLogRecord,
)
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from hydra_otel.core import ConfigurationError, get_error_stats
from hydra_otel.export import (
    RECORD_UID_KEY,
    FallbackExportOptions,
    FallbackExportProcessor,
    SqliteSpool,
)
from hydra_otel.export.otlp import ExportOutcome

from .conftest import (
    ControlledExporter,
    DetailedExporter,
    ProcessorFactory,
    assert_conserved,
    emit,
    wait_until,
)


def test_records_reach_the_exporter_once_each_with_a_unique_id(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    # spool_after: a loaded test machine could delay a batch past the 80 ms write-behind
    processor = make_processor(controlled_exporter, spool_after=60.0)
    emit(processor, 3000)
    assert processor.force_flush(10_000)
    assert sorted(controlled_exporter.bodies()) == sorted(f"r{i}" for i in range(3000))
    assert len(set(controlled_exporter.uids())) == 3000
    metrics = processor.metrics()
    assert (metrics["emitted"], metrics["exported"], metrics["current_strategy"]) == (
        3000,
        3000,
        "async",
    )
    assert_conserved(metrics)
    assert metrics["spool_path"] is None  # a healthy run never creates a spool file


def test_under_load_only_full_batches_are_sent(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    # each request costs the export threads turns of the GIL whatever its size, so a
    # partial batch waits (up to schedule_delay) to be filled rather than going alone
    processor = make_processor(
        controlled_exporter, max_batch_size=100, schedule_delay=5.0, spool_after=60.0
    )
    emit(processor, 250)
    assert wait_until(lambda: processor.metrics()["exported"] == 200)
    time.sleep(0.2)
    metrics = processor.metrics()
    assert (metrics["exported"], metrics["queue_depth"]) == (200, 50)
    assert controlled_exporter.batch_sizes == [100, 100]
    assert processor.force_flush(10_000)  # a flush takes the partial batch at once
    assert controlled_exporter.batch_sizes == [100, 100, 50]
    assert sorted(controlled_exporter.bodies()) == sorted(f"r{i}" for i in range(250))
    assert_conserved(processor.metrics())


def test_a_partial_batch_leaves_after_the_schedule_delay(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    processor = make_processor(controlled_exporter, max_batch_size=100, schedule_delay=0.2)
    emit(processor, 130)
    assert wait_until(lambda: processor.metrics()["exported"] == 130, timeout=5.0)
    assert sum(controlled_exporter.batch_sizes) == 130


def test_the_snapshot_is_independent_of_later_processors(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    seen: list[dict[str, object]] = []

    class Mutator(LogRecordProcessor):
        def on_emit(self, log_record: ReadWriteLogRecord) -> None:
            seen.append(dict(log_record.log_record.attributes or {}))
            log_record.log_record.body = "changed"
            log_record.log_record.attributes["later"] = True  # type: ignore[index]

        def shutdown(self) -> None:
            pass

        def force_flush(self, timeout_millis: int = 30000) -> bool:
            return True

    processor = make_processor(controlled_exporter)
    provider = LoggerProvider(shutdown_on_exit=False)
    provider.add_log_record_processor(processor)
    provider.add_log_record_processor(Mutator())
    provider.get_logger("t").emit(body="original", attributes={"k": "v"})
    assert processor.force_flush(5000)
    [record] = controlled_exporter.received
    assert record.log_record.body == "original"
    assert dict(record.log_record.attributes or {}).keys() == {"k", RECORD_UID_KEY}
    assert seen == [{"k": "v"}]  # the uid is ours; other processors never see it


def test_a_failing_collector_sends_records_to_the_spool_then_replays_them(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    processor = make_processor(controlled_exporter)
    controlled_exporter.mode = "fail"
    emit(processor, 2000)
    assert wait_until(lambda: processor.metrics()["spooled"] == 2000)
    assert wait_until(lambda: processor.metrics()["current_strategy"] == "direct")
    metrics = processor.metrics()
    assert not metrics["healthy"]
    assert metrics["exported"] == 0 and metrics["spool_depth"] == 2000
    assert_conserved(metrics)
    assert not processor.force_flush(5000)  # unhealthy: returns once all is safe on disk

    controlled_exporter.mode = "ok"
    assert processor.force_flush(10_000)
    metrics = processor.metrics()
    assert (metrics["exported"], metrics["spooled"]) == (2000, 0)
    assert metrics["replayed"] > 1000  # most come back from the spool, not from memory
    assert sorted(set(controlled_exporter.bodies())) == sorted(f"r{i}" for i in range(2000))
    # The switch back is the intake's next round's decision (every schedule_delay), which
    # can come just after the flush saw the spool drained.
    assert wait_until(
        lambda: (
            [s["to"] for s in processor.metrics()["strategy_history"]][-2:] == ["direct", "async"]
        )
    )
    metrics = processor.metrics()
    assert metrics["strategy_switches"] >= 2
    assert_conserved(metrics)


def test_exporter_exceptions_never_reach_the_application(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    controlled_exporter.mode = "raise"
    processor = make_processor(controlled_exporter)
    emit(processor, 500)  # would raise here if anything leaked
    assert wait_until(lambda: processor.metrics()["spooled"] == 500)
    assert controlled_exporter.calls > 0
    assert get_error_stats()["by_kind"]["export_failed"]["count"] >= 1
    assert_conserved(processor.metrics())


def test_exports_run_inside_the_pipeline_guard(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    processor = make_processor(controlled_exporter)
    emit(processor, 10)
    assert processor.force_flush(5000)
    assert controlled_exporter.guarded and all(controlled_exporter.guarded)
    assert threading.get_ident() not in controlled_exporter.threads


@pytest.mark.filterwarnings("ignore:.*LoggingHandler.*:DeprecationWarning")
def test_an_exporters_own_logging_is_not_fed_back(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    processor = make_processor(controlled_exporter)
    provider = LoggerProvider(shutdown_on_exit=False)
    provider.add_log_record_processor(processor)
    handler = LoggingHandler(logger_provider=provider)
    chatty = logging.getLogger("tests.export.chatty")
    chatty.addHandler(handler)
    original = controlled_exporter.export

    def export_and_log(batch):  # type: ignore[no-untyped-def]
        chatty.warning("sent %d records", len(batch))  # like the SDK exporter's warnings
        return original(batch)

    controlled_exporter.export = export_and_log  # type: ignore[method-assign]
    try:
        for i in range(10):
            chatty.warning("app %d", i)
        assert processor.force_flush(5000)
    finally:
        chatty.removeHandler(handler)
    assert sorted(controlled_exporter.bodies()) == sorted(f"app {i}" for i in range(10))
    metrics = processor.metrics()
    assert metrics["dropped_by_reason"]["feedback"] >= 1
    assert_conserved(metrics)


def test_a_full_queue_drops_new_records_and_counts_them(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    controlled_exporter.mode = "hang"
    processor = make_processor(
        controlled_exporter,
        spool_enabled=False,
        max_queue_records=100,
        max_batch_size=50,
        memory_max_records=100,
        max_wait_when_full=0.0,  # no waiting for the writer (tests/export/test_backpressure.py)
    )
    emit(processor, 5000)
    metrics = processor.metrics()
    # dropped at the queue's limit, or from the bounded ring the backlog spilled into
    assert metrics["dropped"] > 0
    assert set(metrics["dropped_by_reason"]) <= {"queue_full", "memory_full"}
    assert metrics["queue_depth"] <= 100
    assert_conserved(metrics)
    controlled_exporter.release()


def test_unsent_batches_are_on_disk_within_200_ms_even_while_the_export_hangs(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    controlled_exporter.mode = "hang"
    processor = make_processor(controlled_exporter)
    emit(processor, 1000)
    accepted = time.monotonic()
    assert wait_until(lambda: processor.metrics()["spooled"] == 1000, timeout=5)
    assert time.monotonic() - accepted < 0.3  # spool_after (80 ms) plus an intake tick (50 ms)
    assert processor.metrics()["current_strategy"] == "async"  # the hang is not yet a trip
    controlled_exporter.release()


def test_shutdown_is_bounded_with_a_hung_exporter_and_the_next_run_replays(
    tmp_path: Path, fast_options: FallbackExportOptions
) -> None:
    hung = ControlledExporter()
    hung.mode = "hang"
    first = FallbackExportProcessor(hung, options=fast_options.evolve(shutdown_timeout=2.0))
    emit(first, 4000)
    started = time.monotonic()
    first.shutdown()
    assert time.monotonic() - started < 2.5
    metrics = first.metrics()
    assert metrics["exported"] == 0 and metrics["spooled"] == 4000 and metrics["dropped"] == 0
    assert_conserved(metrics)

    healthy = ControlledExporter()
    second = FallbackExportProcessor(healthy, options=fast_options)
    try:
        assert wait_until(lambda: len(set(healthy.bodies())) == 4000)
        assert second.metrics()["recovered"] >= 4000
        assert second.metrics()["emitted"] == 0  # earlier runs' records are not this run's
    finally:
        second.shutdown()
        hung.release()
    assert list((tmp_path / "spool" / "test").glob("*.db")) == []


def test_a_full_disk_falls_back_to_the_memory_ring_and_recovers(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory, tmp_path: Path
) -> None:
    tiny = SqliteSpool.create_in(tmp_path / "tiny", page_limit=8)
    controlled_exporter.mode = "fail"
    processor = make_processor(controlled_exporter, spool=tiny)
    emit(processor, 3000)
    assert wait_until(lambda: processor.metrics()["current_strategy"] == "memory")
    assert wait_until(lambda: processor.metrics()["memory_ring_depth"] > 0)
    metrics = processor.metrics()
    assert metrics["spool_errors"].get("disk_full", 0) >= 1
    assert_conserved(metrics)

    controlled_exporter.mode = "ok"
    assert processor.force_flush(10_000)
    assert len(set(controlled_exporter.bodies())) == 3000
    assert_conserved(processor.metrics())


def test_the_memory_ring_is_bounded_and_counts_what_it_drops(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    controlled_exporter.mode = "fail"
    processor = make_processor(
        controlled_exporter, spool_enabled=False, memory_max_records=600, max_batch_size=100
    )
    emit(processor, 3000)
    assert wait_until(lambda: processor.metrics()["queue_depth"] == 0)
    assert wait_until(lambda: processor.metrics()["dropped_by_reason"].get("memory_full", 0) > 0)
    metrics = processor.metrics()
    assert metrics["memory_ring_depth"] <= 600
    assert_conserved(metrics)


def test_retry_after_is_honoured(
    detailed_exporter: DetailedExporter, make_processor: ProcessorFactory
) -> None:
    detailed_exporter.outcomes = [
        ExportOutcome(False, retryable=True, retry_after=0.4, status="HTTP 429")
    ]
    processor = make_processor(detailed_exporter, max_backoff=1.0)
    emit(processor, 10)
    assert processor.force_flush(5000)
    first, second = detailed_exporter.attempt_times[:2]
    assert second - first >= 0.4
    assert len(detailed_exporter.received) == 10


def test_partial_success_counts_rejected_records(
    detailed_exporter: DetailedExporter, make_processor: ProcessorFactory
) -> None:
    detailed_exporter.outcomes = [ExportOutcome(True, rejected_log_records=3, status="HTTP 200")]
    processor = make_processor(detailed_exporter)
    emit(processor, 20)
    assert processor.force_flush(5000)
    metrics = processor.metrics()
    assert metrics["dropped_by_reason"] == {"rejected": 3}
    assert metrics["exported"] == 17
    assert_conserved(metrics)


def test_spooled_payloads_are_replayed_as_bytes_when_the_exporter_can(
    detailed_exporter: DetailedExporter, make_processor: ProcessorFactory
) -> None:
    detailed_exporter.mode = "fail"
    processor = make_processor(detailed_exporter)
    emit(processor, 300)
    assert wait_until(lambda: processor.metrics()["spooled"] == 300)
    detailed_exporter.mode = "ok"
    assert processor.force_flush(10_000)
    assert detailed_exporter.payload_sends > 0
    assert sorted(set(detailed_exporter.bodies())) == sorted(f"r{i}" for i in range(300))


def test_records_acknowledged_just_before_a_collector_dies_are_sent_again(
    detailed_exporter: DetailedExporter, make_processor: ProcessorFactory
) -> None:
    processor = make_processor(detailed_exporter, redeliver_window=5.0)
    emit(processor, 100, prefix="a")
    assert processor.force_flush(5000)
    detailed_exporter.outcomes = [ExportOutcome(False, retryable=True, status="ConnectionError")]
    emit(processor, 10, prefix="b")
    assert processor.force_flush(5000)
    bodies = detailed_exporter.bodies()
    assert sorted(set(bodies)) == sorted(
        [f"a{i}" for i in range(100)] + [f"b{i}" for i in range(10)]
    )
    assert processor.metrics()["redelivered"] == 100
    assert len(bodies) == 210  # the acknowledged window came twice: duplicates, not losses


def test_a_failure_the_server_answered_resends_nothing(
    detailed_exporter: DetailedExporter, make_processor: ProcessorFactory
) -> None:
    processor = make_processor(detailed_exporter, redeliver_window=5.0)
    emit(processor, 100)
    assert processor.force_flush(5000)
    detailed_exporter.outcomes = [ExportOutcome(False, retryable=True, status="HTTP 503")]
    emit(processor, 10, prefix="b")
    assert processor.force_flush(5000)
    assert len(detailed_exporter.received) == 110
    assert processor.metrics()["redelivered"] == 0


def test_a_slow_exporter_slows_the_backlog_into_the_spool_instead_of_dropping(
    make_processor: ProcessorFactory,
) -> None:
    class SlowExporter(ControlledExporter):
        def export(self, batch):  # type: ignore[no-untyped-def]
            time.sleep(0.005)  # a slow network: 5 ms per request
            return super().export(batch)

    exporter = SlowExporter()
    processor = make_processor(exporter, max_queue_records=1000, max_batch_size=100)
    emit(processor, 10_000)
    metrics = processor.metrics()
    assert metrics["dropped"] == 0, metrics
    assert processor.force_flush(30_000)
    assert len(set(exporter.bodies())) == 10_000
    assert processor.metrics()["replayed"] > 0  # the overflow went through the spool
    assert_conserved(processor.metrics())


def test_the_sync_strategy_replays_the_spool_when_the_collector_is_back(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    processor = make_processor(controlled_exporter, strategy="sync", max_batch_size=10)
    controlled_exporter.mode = "fail"
    emit(processor, 40)
    assert not processor.force_flush(2000)
    assert processor.metrics()["spooled"] == 40
    controlled_exporter.mode = "ok"
    time.sleep(0.15)  # past the probe backoff
    assert processor.force_flush(5000)
    assert sorted(controlled_exporter.bodies()) == sorted(f"r{i}" for i in range(40))
    assert controlled_exporter.threads == {threading.get_ident()}


@pytest.mark.parametrize(
    "changes",
    [{"max_batch_size": 0}, {"jitter": 1.5}, {"strategy": "fast"}, {"initial_backoff": 9.0}],
)
def test_invalid_options_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        FallbackExportOptions(**changes)  # type: ignore[arg-type]


def test_the_sync_strategy_exports_on_the_callers_thread(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    processor = make_processor(controlled_exporter, strategy="sync", max_batch_size=10)
    emit(processor, 25)
    assert len(controlled_exporter.received) == 20  # two full batches, sent while emitting
    assert controlled_exporter.threads == {threading.get_ident()}
    assert processor.force_flush(5000)
    assert len(controlled_exporter.received) == 25
    assert processor.metrics()["current_strategy"] == "sync"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_dead_worker_thread_is_restarted(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    killed = threading.Event()
    original = controlled_exporter.export

    def export_once_killing_the_thread(batch):  # type: ignore[no-untyped-def]
        if not killed.is_set():
            killed.set()
            raise SystemExit  # ends the sender thread like an interpreter-level failure
        return original(batch)

    controlled_exporter.export = export_once_killing_the_thread  # type: ignore[method-assign]
    processor = make_processor(controlled_exporter)
    emit(processor, 100, prefix="a")
    assert wait_until(killed.is_set)
    time.sleep(0.05)
    emit(processor, 2048, prefix="b")  # on_emit checks the workers every 1024 records
    assert processor.force_flush(10_000)
    assert processor.metrics()["thread_restarts"] >= 1
    assert {f"b{i}" for i in range(2048)} <= set(controlled_exporter.bodies())
    assert_conserved(processor.metrics())


def test_without_threads_the_caller_exports(
    controlled_exporter: ControlledExporter,
    make_processor: ProcessorFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    processor = make_processor(controlled_exporter, max_batch_size=10)
    monkeypatch.undo()
    emit(processor, 30)
    assert processor.metrics()["current_strategy"] == "sync"
    assert controlled_exporter.threads == {threading.get_ident()}
    assert len(controlled_exporter.received) == 30


def test_records_emitted_after_shutdown_are_counted_as_dropped(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    processor = make_processor(controlled_exporter)
    processor.shutdown()
    emit(processor, 5)
    metrics = processor.metrics()
    assert metrics["dropped_by_reason"] == {"shutdown": 5}
    assert_conserved(metrics)
    assert controlled_exporter.shut_down


def test_metrics_are_published_as_otel_instruments(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    processor = make_processor(
        controlled_exporter, publish_metrics=True, meter_provider=meter_provider
    )
    emit(processor, 50)
    assert processor.force_flush(5000)
    data = reader.get_metrics_data()
    points = {
        metric.name: [p.value for p in metric.data.data_points]
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for metric in sm.metrics
    }
    assert points["hydra.export.emitted"] == [50]
    assert points["hydra.export.exported"] == [50]
    assert points["hydra.export.strategy"] == [1]
    assert {"hydra.export.queued", "hydra.export.latency.p99"} <= points.keys()
    meter_provider.shutdown()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_starts_clean(
    controlled_exporter: ControlledExporter, make_processor: ProcessorFactory
) -> None:
    controlled_exporter.mode = "fail"
    processor = make_processor(controlled_exporter)
    emit(processor, 500, prefix="parent")
    assert wait_until(lambda: processor.metrics()["spooled"] == 500)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what it exported, then leave without cleanup
        try:
            controlled_exporter.mode = "ok"
            controlled_exporter.received.clear()
            emit(processor, 7, prefix="child")
            processor.force_flush(5000)
            metrics = processor.metrics()
            report = (
                f"{metrics['emitted']},{metrics['spooled']},{sorted(controlled_exporter.bodies())}"
            )
            os.write(write_end, report.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    report = os.read(read_end, 65536).decode()
    os.waitpid(pid, 0)
    expected = f"7,0,{sorted(f'child{i}' for i in range(7))}"
    assert report == expected
    metrics = processor.metrics()
    assert metrics["spooled"] == 500 and metrics["emitted"] == 500
    controlled_exporter.mode = "ok"
    assert processor.force_flush(10_000)
    assert sorted(set(controlled_exporter.bodies())) == sorted(f"parent{i}" for i in range(500))


def test_options_come_from_hydra_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HYDRA_EXPORT_STRATEGY", "direct")
    monkeypatch.setenv("HYDRA_QUEUE_MAX_RECORDS", "123")
    monkeypatch.setenv("HYDRA_SHUTDOWN_TIMEOUT", "2.5")
    monkeypatch.setenv("HYDRA_SPOOL_DIR", str(tmp_path))
    options = FallbackExportOptions.from_settings()
    assert (options.strategy, options.max_queue_records, options.shutdown_timeout) == (
        "direct",
        123,
        2.5,
    )
    assert options.spool_dir == tmp_path


def test_the_sdks_batch_variables_keep_their_meaning(
    monkeypatch: pytest.MonkeyPatch, controlled_exporter: ControlledExporter, tmp_path: Path
) -> None:
    monkeypatch.setenv("HYDRA_SPOOL_DIR", str(tmp_path))
    monkeypatch.setenv("OTEL_BLRP_SCHEDULE_DELAY", "250")
    monkeypatch.setenv("OTEL_BLRP_EXPORT_TIMEOUT", "5000")
    monkeypatch.setenv("OTEL_BLRP_MAX_QUEUE_SIZE", "4096")
    monkeypatch.setenv("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "100")
    options = FallbackExportOptions.from_settings()
    assert (
        options.schedule_delay,
        options.export_timeout,
        options.max_queue_records,
        options.max_batch_size,
    ) == (0.25, 5.0, 4096, 100)

    processor = FallbackExportProcessor(controlled_exporter)  # options from the environment
    try:
        emit(processor, 450)
        assert processor.force_flush(10_000)
    finally:
        processor.shutdown()
    assert max(controlled_exporter.batch_sizes) == 100
    assert sum(controlled_exporter.batch_sizes) == 450


def test_a_hydra_setting_beats_the_sdks_variable_for_the_same_knob(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_BLRP_MAX_QUEUE_SIZE", "4096")
    monkeypatch.setenv("HYDRA_QUEUE_MAX_RECORDS", "9000")
    assert FallbackExportOptions.from_settings().max_queue_records == 9000


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("OTEL_BLRP_SCHEDULE_DELAY", "soon", "OTEL_BLRP_SCHEDULE_DELAY must be an integer"),
        ("OTEL_BLRP_EXPORT_TIMEOUT", "0", "OTEL_BLRP_EXPORT_TIMEOUT must be positive"),
        ("OTEL_BLRP_MAX_QUEUE_SIZE", "-1", "OTEL_BLRP_MAX_QUEUE_SIZE must be positive"),
        ("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "5000", "must not exceed OTEL_BLRP_MAX_QUEUE_SIZE"),
    ],
)
def test_bad_sdk_batch_variables_are_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv("OTEL_BLRP_MAX_QUEUE_SIZE", "4096")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=message):
        FallbackExportOptions.from_settings()
