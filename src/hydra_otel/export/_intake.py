"""Intake: the thread that turns the queue into batches and decides where they go.

Every ``schedule_delay`` (or as soon as a full batch is queued) it picks the strategy
from the health verdict, cuts the queue into batches and routes them: to the sender
(``async``), to the spool (``direct``) or to the memory ring (``memory``).

Then it writes behind: any batch the sender has not delivered ``spool_after`` seconds
after it left the queue is copied to the spool while it stays queued for the sender
(which deletes the copy once the batch is delivered, and sends the copy's bytes as they
are when the exporter accepts raw payloads). So a sender that is merely behind costs one
encoding and one row per batch, never a decode-and-replay, and even with the sender
stuck in a hung export a killed process loses only the last few hundred milliseconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from hydra_otel.core import track_error
from hydra_otel.core._diagnostics import pipeline_guard
from hydra_otel.export._batch import Batch
from hydra_otel.export._encoded import QueuedRecord
from hydra_otel.export._health import ExportHealth
from hydra_otel.export._ledger import Ledger
from hydra_otel.export._options import FallbackExportOptions, StrategyName
from hydra_otel.export._persist import Persister
from hydra_otel.export._strategy import StrategyState


def make_batches(
    records: list[QueuedRecord],
    sizes: list[int],
    max_size: int,
    now: float,
    max_bytes: int | None = None,
) -> Iterator[Batch]:
    """Cut queued records (with their ``sizes``) into batches of at most ``max_size``
    records and ``max_bytes``.

    A single record larger than ``max_bytes`` still makes a batch of its own.
    """
    if max_bytes is None or sum(sizes) <= max_bytes:
        for start in range(0, len(records), max_size):
            end = start + max_size
            yield Batch(records[start:end], sum(sizes[start:end]), now)
        return
    batch: list[QueuedRecord] = []
    held = 0
    for record, size in zip(records, sizes, strict=True):
        if batch and (len(batch) >= max_size or held + size > max_bytes):
            yield Batch(batch, held, now)
            batch, held = [], 0
        batch.append(record)
        held += size
    if batch:
        yield Batch(batch, held, now)


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
        """Set by ``on_emit`` when a full batch is queued; see also :meth:`drain_soon`."""
        self.stop = threading.Event()
        self._drain_requested = False

    def drain_soon(self) -> None:
        """Wake the intake to take the whole queue, partial batch included (flush, close)."""
        self._drain_requested = True
        self.wake.set()

    def run(self) -> None:
        """Thread body: never raises, never logs into the pipeline it serves."""
        with pipeline_guard():
            while not self.stop.is_set():
                woken = self.wake.wait(self._options.schedule_delay)
                self.wake.clear()
                try:
                    self.tick(whole_batches=woken and self._options.full_batches_only)
                except Exception as error:
                    track_error("export_intake", repr(error))

    def tick(self, whole_batches: bool = False) -> None:
        """One round: choose the strategy, route the queue, write behind.

        With ``whole_batches`` (woken because a full batch is queued) it takes only full
        batches, oldest first, unless a drain was requested; the partial rest goes with
        the next full batch or at the next timer round, ``schedule_delay`` later at most.
        Under load every request is then a full one: each costs the export threads the
        same few turns of the GIL whatever its size, and each turn pauses the application.
        """
        strategy = self.choose_strategy()
        now = time.monotonic()
        options = self._options
        limit = None
        if whole_batches and not self._drain_requested:
            queued = self._ledger.queue_records
            limit = queued - queued % options.max_batch_size or None
        self._drain_requested = False
        records, sizes = self._ledger.take_queue(limit)
        for batch in make_batches(
            records, sizes, options.max_batch_size, now, options.max_batch_bytes
        ):
            self.route(batch, strategy)
        self.write_behind(now)
        self.spill(strategy)

    def spill(self, strategy: StrategyName) -> None:
        """Move handed-off batches out of memory into the spool when they must not wait there.

        All of them once the collector is unhealthy (the sender would only fail them one
        by one); the newest ones when the backlog passes 3/4 of the queue limit (down to
        1/2), so a slow or hung sender never makes the processor drop new records.
        """
        limit = self._options.max_queue_records
        if strategy in ("async", "sync"):
            if self._ledger.held_records() <= limit * 3 // 4:
                return
            keep = limit // 2
        else:
            keep = 0
        for batch in self._ledger.reclaim(keep):
            self._persister.set_aside(batch)

    def choose_strategy(self) -> StrategyName:
        """The pinned strategy, or the one health calls for (``auto``)."""
        pinned = self._options.strategy
        if pinned != "auto":
            return pinned
        healthy = self._health.evaluate()
        fill = self._ledger.held_records() / self._options.max_queue_records
        return self._strategy.choose(
            healthy=healthy,
            spool_usable=self._persister.usable(),
            queue_fill=fill,
            min_dwell=self._options.min_dwell,
            reason=self._health.reason,
        )

    def route(self, batch: Batch, strategy: StrategyName) -> None:
        """Send ``batch`` where ``strategy`` says."""
        if strategy in ("async", "sync"):
            self._ledger.hand_off(batch)
        elif strategy == "memory":
            self._ledger.push_ring(batch)
        else:
            self._persister.persist(batch)
            if self._health.healthy:
                with self._ledger.lock:  # the sender replays it as soon as it is idle
                    self._ledger.has_work.notify()

    def write_behind(self, now: float) -> None:
        """Copy to the spool every unsent batch older than ``spool_after``."""
        spool_after = self._options.spool_after
        for batch in self._ledger.memory_batches():
            if now - batch.created >= spool_after:
                self._persister.persist(batch)
