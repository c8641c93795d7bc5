"""Pipeline: the per-process state and threads behind one FallbackExportProcessor.

The processor owns one pipeline; a forked child throws its copy away and builds a new
one, which is how the child starts clean (no parent backlog, its own spool file).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from opentelemetry.sdk._logs.export import LogRecordExporter

from hydra_otel.core import track_error
from hydra_otel.export._batch import Batch
from hydra_otel.export._capture import RecordCapture
from hydra_otel.export._codec import SpoolCodec
from hydra_otel.export._encoded import QueuedRecord
from hydra_otel.export._exporter_call import ExporterCall
from hydra_otel.export._health import ExportHealth
from hydra_otel.export._intake import Intake, make_batches
from hydra_otel.export._ledger import Ledger
from hydra_otel.export._options import FallbackExportOptions, StrategyName
from hydra_otel.export._persist import Persister, SpoolFactory
from hydra_otel.export._sender import Sender
from hydra_otel.export._spool import SqliteSpool
from hydra_otel.export._strategy import StrategyState

_FLUSH_POLL = 0.005
_ROOM_POLL = 0.0005
_STUCK_EXPORT = 1.0
"""Seconds after which flush stops waiting for one export attempt once all else is spooled."""
_LIVENESS_CHECK_MASK = 0x3FF


class Pipeline:
    """Queue, intake and sender threads, spool and counters of one process."""

    def __init__(
        self,
        exporter: LogRecordExporter,
        options: FallbackExportOptions,
        spool: SqliteSpool | None,
        spool_factory: SpoolFactory | None,
        spool_directory: Path | None,
    ) -> None:
        self.options = options
        self.capture = RecordCapture(options.add_record_uid)
        self.ledger = Ledger(options.memory_max_records, options.memory_max_bytes)
        self.health = ExportHealth(options)
        self.persister = Persister(self.ledger, SpoolCodec(), spool, spool_factory, spool_directory)
        initial: StrategyName = "async" if options.strategy == "auto" else options.strategy
        self.strategy = StrategyState(initial)
        self.sender = Sender(
            self.ledger, ExporterCall(exporter), self.persister, self.health, options
        )
        self.intake = Intake(self.ledger, self.persister, self.health, self.strategy, options)
        self.sync = options.strategy == "sync"
        self._sync_lock = threading.Lock()
        self._last_sync_drain = time.monotonic()
        self._threads: list[threading.Thread] = []
        self._worker_idents: frozenset[int] = frozenset()
        self._started = False
        self.restarts = 0
        self._max_records = options.max_queue_records
        self._max_bytes = options.max_queue_bytes
        self._batch_size = options.max_batch_size
        self._batch_bytes = options.max_batch_bytes
        limit = options.max_queue_records
        self._yield_above = limit // 2 if options.yield_when_busy else limit
        self._wake_at = max(1, min(self._batch_size, limit // 4))
        """Queued records that wake the intake before its timer: a full batch, or less
        when the queue limit is small."""
        self._wait_when_full = options.max_wait_when_full
        self._wait_above = limit * 7 // 8 if options.spool_enabled else self._yield_above
        """Held records past which a caller waits for room: with a spool, only when the
        intake had no turn to spill the backlog to disk (it does at 3/4); without one, at
        half the limit, since only the writer can make room."""
        self._stuck_at = -1
        """Records exported or spooled when a wait for room last timed out (stuck)."""

    # -- threads ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the intake and sender threads (or fall back to ``sync``)."""
        self._started = True
        if self.sync:
            return
        try:
            self._threads = [
                _daemon(self.intake.run, "hydra-export-intake"),
                _daemon(self.sender.run, "hydra-export-sender"),
            ]
        except RuntimeError as error:  # no thread can be started (limits, shutdown)
            self._go_sync(f"cannot start export threads: {error}")
        self._note_workers()

    def _note_workers(self) -> None:
        self._worker_idents = frozenset(t.ident for t in self._threads if t.ident is not None)

    def check_background(self) -> None:
        """Restart a dead worker thread; go ``sync`` if that is impossible."""
        if not self._started:
            self.start()
            return
        if self.sync or all(t.is_alive() for t in self._threads):
            return
        if self.ledger.closed:
            return
        self.restarts += 1
        track_error("export_thread_died", "an export thread died; restarting it")
        if not self._threads[1].is_alive():
            self.sender.abandon_inflight()
        targets = [
            (self.intake.run, "hydra-export-intake"),
            (self.sender.run, "hydra-export-sender"),
        ]
        try:
            self._threads = [
                t if t.is_alive() else _daemon(target, name)
                for t, (target, name) in zip(self._threads, targets, strict=True)
            ]
        except RuntimeError as error:
            self._go_sync(f"cannot restart export threads: {error}")
        self._note_workers()

    def _go_sync(self, reason: str) -> None:
        self.sync = True
        self.strategy.switch("sync", reason)
        track_error("export_sync", reason)

    # -- hot path --------------------------------------------------------------------

    def accept(self, record: QueuedRecord, size: int) -> None:
        """Queue one captured record: no I/O, one short lock.

        Records logged on the export threads themselves (an exporter's warnings reaching
        the provider through a logging handler) are dropped as ``feedback``: fed back,
        every failed export would add records to export.
        """
        ledger = self.ledger
        feedback = threading.get_ident() in self._worker_idents
        with ledger.lock:
            ledger.emitted += 1
            emitted = ledger.emitted
            if ledger.closed or feedback:
                ledger.dropped["feedback" if feedback else "shutdown"] += 1
                return
            held = ledger.queue_records + ledger.live_records
            if held >= self._max_records or (
                ledger.queue_bytes + ledger.live_bytes + size > self._max_bytes
            ):
                ledger.dropped["queue_full"] += 1
                return
            ledger.queue.append(record)
            ledger.queue_sizes.append(size)
            ledger.queue_records = depth = ledger.queue_records + 1
            ledger.queue_bytes = queued_bytes = ledger.queue_bytes + size
        if self.sync:
            self._sync_step(depth)
        else:
            wake = depth >= self._wake_at or queued_bytes >= self._batch_bytes
            if wake and not self.intake.wake.is_set():
                self.intake.wake.set()
            held = depth + ledger.live_records
            if held > self._wait_above and self._wait_when_full:
                self._wait_for_room()
            elif held > self._yield_above and wake:
                time.sleep(0)  # let the export threads catch up before the queue overflows
        if not emitted & _LIVENESS_CHECK_MASK or not self._started:
            self.check_background()

    def _wait_for_room(self) -> None:
        """Wait (bounded) until the export threads bring the backlog under the wait mark.

        Rather than dropping at the queue's limit: the export threads may simply not have
        had the GIL (a producer at full speed), or the writer is slower than the producer.
        Nothing is held while waiting, and sleeping hands the GIL to the export threads.
        """
        ledger = self.ledger
        if ledger.exported + ledger.spooled == self._stuck_at:  # no progress since a timeout
            time.sleep(0)
            return
        deadline = time.monotonic() + self._wait_when_full
        self.intake.wake.set()
        while ledger.queue_records + ledger.live_records > self._wait_above:
            if ledger.closed or time.monotonic() >= deadline:
                self._stuck_at = ledger.exported + ledger.spooled
                return
            time.sleep(_ROOM_POLL)

    def _sync_step(self, depth: int) -> None:
        now = time.monotonic()
        if depth < self._batch_size and now - self._last_sync_drain < self.options.schedule_delay:
            return
        if self._sync_lock.acquire(blocking=False):
            try:
                self._last_sync_drain = now
                self.drain_on_caller()
            finally:
                self._sync_lock.release()

    def drain_on_caller(self, replays: int = 1) -> None:
        """``sync``: export the queue on this thread, once per batch; spool failures.

        Then replay up to ``replays`` spooled batches, when the collector allows: with no
        sender thread, the callers are the only ones who can.
        """
        records, sizes = self.ledger.take_queue()
        now = time.monotonic()
        for batch in make_batches(records, sizes, self._batch_size, now, self._batch_bytes):
            if self.health.healthy or self.sender.probe_due():
                self.ledger.go_live(batch)
                self.sender.send_live(batch, retries=False)
            else:
                self.persister.persist(batch)
        self.sender.maybe_adopt()
        for _ in range(replays):
            if not self.sender.replay_one():
                break

    # -- flush and close -------------------------------------------------------------

    def flush(self, timeout: float) -> bool:
        """Wait until everything accepted so far is exported; False at ``timeout``.

        "Everything" includes what this run took over from earlier runs' spool files
        and acknowledged batches waiting to be sent again.

        While the collector is unhealthy and nothing is left only in memory, it asks the
        sender for an immediate probe and returns False as soon as a probe fails: the
        records are safe in the spool and waiting longer would not help. The same once
        an export attempt has been running for over a second (a hung collector, or an
        exporter retrying inside ``export``) and everything else is spooled.
        """
        deadline = time.monotonic() + max(timeout, 0.0)
        probe_mark: int | None = None
        if self.intake.stop.is_set():  # closed: nothing will move any more
            return _nothing_pending(self.ledger.counts())
        if self._threads and not self.sync:  # first learn about earlier runs' leftovers
            self.sender.scanned_leftovers.wait(max(deadline - time.monotonic(), 0.0))
        while True:
            if self.sync and self._sync_lock.acquire(timeout=max(deadline - time.monotonic(), 0)):
                try:
                    self.drain_on_caller(replays=16)
                finally:
                    self._sync_lock.release()
            else:
                self.intake.drain_soon()
            counts = self.ledger.counts()
            if _nothing_pending(counts):
                return True
            stuck = self.health.hung_for() > _STUCK_EXPORT
            if (stuck or not self.health.healthy) and self._persisted(counts):
                if stuck:  # everything is on disk; the hung attempt can only add a duplicate
                    return False
                probe_mark = self._probe_for_flush(probe_mark, deadline)
                if probe_mark is None:
                    return False
            if time.monotonic() >= deadline:
                return False
            time.sleep(_FLUSH_POLL)

    def _probe_for_flush(self, mark: int | None, deadline: float) -> int | None:
        """Keep a probe going while flushing; None once one failed (or none is possible)."""
        attempts = self.health.attempts
        if mark is not None and attempts == mark:
            return mark  # the requested probe has not finished yet
        if mark is not None and self.health.consecutive_failures:
            return None
        if self.sync or self.sender.resume_at > deadline:
            return None
        self.sender.request_probe()
        return attempts

    def _persisted(self, counts: dict[str, Any]) -> bool:
        ring_is_all = counts["queued"] == counts["memory_ring_depth"]
        return counts["queue_depth"] == 0 and ring_is_all and not self.ledger.memory_batches()

    def close(self, timeout: float) -> None:
        """Flush within ``timeout``, stop the threads, spool what is left, close the spool."""
        deadline = time.monotonic() + timeout
        with self.ledger.lock:
            self.ledger.closed = True
        reserve = min(2.0, timeout * 0.3)
        self.flush(max(timeout - reserve, 0.0))
        self._stop_threads(deadline)
        self._persist_leftovers()
        self.persister.close()

    def _stop_threads(self, deadline: float) -> None:
        self.intake.stop.set()
        self.intake.drain_soon()
        self.sender.stop.set()
        with self.ledger.lock:
            self.ledger.has_work.notify_all()
        for thread in self._threads:
            remaining = (deadline - time.monotonic()) / 2
            thread.join(max(min(remaining, 1.0), 0.0))

    def _persist_leftovers(self) -> None:
        """Spool what is still only in memory; count what cannot be spooled."""
        records, sizes = self.ledger.take_queue()
        batches: list[Batch] = list(
            make_batches(records, sizes, self._batch_size, time.monotonic(), self._batch_bytes)
        )
        batches += self.ledger.memory_batches() + self.ledger.drain_ring()
        for batch in batches:
            if not self.persister.persist(batch):
                self.ledger.drain_ring()  # a failed persist may have put it in the ring
                self.ledger.write_off(batch, "shutdown")
        for item, count in self.ledger.drain_resend():
            self.persister.persist_extra(item, count)

    def abandon(self) -> None:
        """In a forked child: stop using everything inherited, touching no file."""
        self.ledger.closed = True
        spool = self.persister.spool
        if spool is not None:
            _ORPHANED_CONNECTIONS.append(spool.forget())

    # -- health ----------------------------------------------------------------------

    @property
    def current_strategy(self) -> StrategyName:
        """``sync`` once no background thread can run, else the chosen strategy."""
        return "sync" if self.sync else self.strategy.current

    def metrics(self) -> dict[str, Any]:
        """See :meth:`FallbackExportProcessor.metrics`."""
        counts = self.ledger.counts()
        health = self.health
        spool = self.persister.spool
        open_spool = spool if spool is not None and not spool.closed else None
        return {
            "current_strategy": self.current_strategy,
            "healthy": health.healthy,
            "health_reason": health.reason,
            "success_rate": health.success_rate,
            "avg_latency": health.avg_latency,
            "p99_latency": health.p99_latency,
            "attempts": health.attempts,
            "failures": health.failures,
            "last_success_time": health.last_success_time,
            **counts,
            "spool_depth": open_spool.records + open_spool.inherited_records if open_spool else 0,
            "spool_bytes": open_spool.size_bytes if open_spool else 0,
            "spool_path": str(spool.path) if spool is not None else None,
            "spool_errors": dict(self.persister.errors),
            "strategy_switches": self.strategy.switches,
            "strategy_history": self.strategy.history(),
            "thread_restarts": self.restarts,
        }


def _nothing_pending(counts: dict[str, Any]) -> bool:
    pending = ("queued", "spooled", "inherited_spooled", "redeliver_pending")
    return not any(counts[key] for key in pending)


_ORPHANED_CONNECTIONS: list[object] = []
"""Spool connections inherited through fork: kept referenced so they are never closed."""


def _daemon(target: Any, name: str) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread
