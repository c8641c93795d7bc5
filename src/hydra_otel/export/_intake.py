"""Intake: the thread that turns the queue into batches and decides where they go.

Every ``schedule_delay`` (or as soon as a full batch is queued) it picks the strategy
from the health verdict, cuts the queue into batches and routes them: to the sender
(``async``), to the spool (``direct``) or to the memory ring (``memory``).

In ``async`` it takes only as many batches as the sender has room for
(``max_inflight_batches``): records wait in the bounded queue rather than being
spooled and replayed, which would cost far more than waiting. But nothing waits
unspooled for longer than ``spool_after``: the queue is spooled once it is that old,
and so is any batch the sender has not delivered by then (write-behind). So even with
the sender stuck in a hung export, a killed process loses only the last few hundred
milliseconds of records.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from hydra_otel.core import track_error
from hydra_otel.core._diagnostics import pipeline_guard
from hydra_otel.export._batch import Batch
from hydra_otel.export._health import ExportHealth
from hydra_otel.export._ledger import Entry, Ledger
from hydra_otel.export._options import FallbackExportOptions, StrategyName
from hydra_otel.export._persist import Persister
from hydra_otel.export._strategy import StrategyState


def make_batches(entries: list[Entry], max_size: int, now: float) -> Iterator[Batch]:
    """Cut queue entries into batches of at most ``max_size`` records."""
    for start in range(0, len(entries), max_size):
        chunk = entries[start : start + max_size]
        yield Batch([record for record, _ in chunk], sum(size for _, size in chunk), now)


class Intake:
    """Runs the routing loop; see the module docstring. One per pipeline."""

    def __init__(
        self,
        ledger: Ledger,
        persister: Persister,
        health: ExportHealth,
        strategy: StrategyState,
        options: FallbackExportOptions,
    ) -> None:
        self._ledger = ledger
        self._persister = persister
        self._health = health
        self._strategy = strategy
        self._options = options
        self.wake = threading.Event()
        """Set by ``on_emit`` when a full batch is queued, and by flush/shutdown."""
        self.stop = threading.Event()

    def run(self) -> None:
        """Thread body: never raises, never logs into the pipeline it serves."""
        with pipeline_guard():
            while not self.stop.is_set():
                self.wake.wait(self._options.schedule_delay)
                self.wake.clear()
                try:
                    self.tick()
                except Exception as error:
                    track_error("export_intake", repr(error))

    def tick(self) -> None:
        """One round: choose the strategy, route the queue, write behind."""
        strategy = self.choose_strategy()
        now = time.monotonic()
        if strategy == "async":
            self._hand_off_queue(now)
            if self._ledger.queue_age(now) >= self._options.spool_after:
                strategy = "direct"  # the sender is behind: spool the rest
        if strategy != "async":
            for batch in self._batches(None, now):
                self.route(batch, strategy)
        self.write_behind(now)

    def _hand_off_queue(self, now: float) -> None:
        batch_size = self._options.max_batch_size
        while self._ledger.queue_records:
            room = self._options.max_inflight_batches - self._waiting()
            if room <= 0:
                return
            for batch in self._batches(room * batch_size, now):
                if not self._hand_off(batch):
                    self._persister.persist(batch)

    def _batches(self, limit: int | None, now: float) -> list[Batch]:
        entries = self._ledger.take_queue(limit)
        return list(make_batches(entries, self._options.max_batch_size, now))

    def _waiting(self) -> int:
        with self._ledger.lock:
            return len(self._ledger.handoff) + (self._ledger.inflight is not None)

    def choose_strategy(self) -> StrategyName:
        """The pinned strategy, or the one health calls for (``auto``)."""
        pinned = self._options.strategy
        if pinned != "auto":
            return pinned
        healthy = self._health.evaluate()
        fill = self._ledger.queue_records / self._options.max_queue_records
        return self._strategy.choose(
            healthy=healthy,
            spool_usable=self._persister.usable(),
            queue_fill=fill,
            min_dwell=self._options.min_dwell,
            reason=self._health.reason,
        )

    def route(self, batch: Batch, strategy: StrategyName) -> None:
        """Send ``batch`` where ``strategy`` says."""
        if strategy in ("async", "sync") and self._hand_off(batch):
            return
        if strategy == "memory":
            self._ledger.push_ring(batch)
            return
        self._persister.persist(batch)
        if self._health.healthy:
            with self._ledger.lock:  # the sender replays it as soon as it is idle
                self._ledger.has_work.notify()

    def _hand_off(self, batch: Batch) -> bool:
        ledger = self._ledger
        with ledger.lock:
            waiting = len(ledger.handoff) + (ledger.inflight is not None)
            if waiting >= self._options.max_inflight_batches:
                return False
            batch.live = True
            ledger.handoff.append(batch)
            ledger.has_work.notify()
            return True

    def write_behind(self, now: float) -> None:
        """Copy to the spool every unsent batch older than ``spool_after``."""
        spool_after = self._options.spool_after
        for batch in self._ledger.memory_batches():
            if now - batch.created >= spool_after:
                self._persister.persist(batch)
