"""Ledger: the queue, the batches in flight and the counters, under one lock.

Every record the processor accepts is in exactly one place at any moment, and the
ledger counts it there: ``queued`` (the queue, batches in memory, the memory ring),
``spooled`` (this run's rows in the spool), ``exported`` or ``dropped[reason]``.
All moves between places happen under :attr:`Ledger.lock` and never around I/O: a
thread marks a batch (``SPOOLING``), does the I/O unlocked, then books the result. So
``emitted == exported + queued + spooled + dropped`` holds in every snapshot.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from typing import Any

from hydra_otel.export._batch import DONE, MEMORY, SPOOLED, SPOOLING, Batch, MemoryRing
from hydra_otel.export._encoded import QueuedRecord
from hydra_otel.export._redelivery import Delivered
from hydra_otel.export._spool import AppendResult, SpooledBatch

Taken = tuple[list[QueuedRecord], list[int]]
"""Records taken from the queue, oldest first, and their approximate sizes."""


class Ledger:
    """Shared state of one processor's pipeline (see the module docstring)."""

    __slots__ = (
        "adopted",
        "closed",
        "dropped",
        "emitted",
        "exported",
        "handoff",
        "has_work",
        "inflight",
        "inherited_dropped",
        "inherited_spooled",
        "live_bytes",
        "live_records",
        "lock",
        "memory_records",
        "queue",
        "queue_bytes",
        "queue_records",
        "queue_sizes",
        "recovered",
        "redelivered",
        "replayed",
        "resend",
        "resend_records",
        "ring",
        "spooled",
    )

    def __init__(self, memory_max_records: int, memory_max_bytes: int) -> None:
        self.lock = threading.Lock()
        self.has_work = threading.Condition(self.lock)
        """Notified when the sender has something new: a handed-off batch or a stop."""
        self.queue: deque[QueuedRecord] = deque()
        self.queue_sizes: deque[int] = deque()
        """The approximate size of each queued record, in step with :attr:`queue`. Two
        deques rather than one of ``(record, size)`` pairs: a pair per record would be a
        new object for Python's cyclic GC to count, and its collections interrupt the
        log calls that trigger them."""
        self.handoff: deque[Batch] = deque()
        self.inflight: Batch | None = None
        self.ring = MemoryRing(memory_max_records, memory_max_bytes)
        self.closed = False
        self.emitted = self.exported = self.spooled = 0
        self.queue_records = self.queue_bytes = self.memory_records = 0
        self.live_records = self.live_bytes = 0
        """Records (and bytes) handed to the sender and not finished: they count against
        the queue's limits, so a slow exporter cannot make memory grow."""
        self.replayed = self.recovered = self.inherited_spooled = self.inherited_dropped = 0
        self.adopted = 0
        self.dropped: Counter[str] = Counter()
        self.resend: deque[tuple[Delivered, int]] = deque()
        """Acknowledged batches to send again (see :mod:`._redelivery`); outside the invariant."""
        self.resend_records = self.redelivered = 0

    # -- the queue -------------------------------------------------------------------

    def take_queue(self, limit: int | None = None) -> Taken:
        """Move up to ``limit`` (default all) queued records, oldest first, into memory."""
        with self.lock:
            queue, sizes = self.queue, self.queue_sizes
            if limit is None or limit >= len(queue):
                records, taken_sizes = list(queue), list(sizes)
                queue.clear()
                sizes.clear()
                self.queue_bytes = 0
            else:
                records = [queue.popleft() for _ in range(limit)]
                taken_sizes = [sizes.popleft() for _ in range(limit)]
                self.queue_bytes -= sum(taken_sizes)
            self.memory_records += len(records)
            self.queue_records = len(queue)
            return records, taken_sizes

    def held_records(self) -> int:
        """Records under the queue's limits: queued plus handed to the sender."""
        return self.queue_records + self.live_records

    def hand_off(self, batch: Batch) -> None:
        """Give ``batch`` to the sender thread."""
        with self.lock:
            self._go_live(batch)
            self.handoff.append(batch)
            self.has_work.notify()

    def reclaim(self, keep_records: int) -> list[Batch]:
        """Take back the newest handed-off batches until at most ``keep_records`` stay live.

        The in-flight batch is never taken back. The caller spools what it takes back.
        """
        with self.lock:
            taken = []
            while self.handoff and self.live_records > keep_records:
                batch = self.handoff.pop()
                batch.live = False
                self.live_records -= len(batch)
                self.live_bytes -= batch.size
                taken.append(batch)
            return taken

    def go_live(self, batch: Batch) -> None:
        """Mark ``batch`` as being sent by the calling thread (``sync``)."""
        with self.lock:
            self._go_live(batch)

    def _go_live(self, batch: Batch) -> None:
        batch.live = True
        self.live_records += len(batch)
        self.live_bytes += batch.size

    def drop(self, reason: str, records: int) -> None:
        """Count ``records`` that left memory without being delivered."""
        with self.lock:
            self.memory_records -= records
            self.dropped[reason] += records

    def write_off(self, batch: Batch, reason: str) -> None:
        """Count a batch still only in memory as dropped (at shutdown, when unspoolable)."""
        with self.lock:
            if batch.state == MEMORY:
                self._finish_dropped(batch, reason)

    # -- spooling a batch ------------------------------------------------------------

    def begin_spool(self, batch: Batch) -> bool:
        """Claim ``batch`` for writing to the spool; False if it is not only in memory."""
        with self.lock:
            if batch.state != MEMORY:
                return False
            batch.state = SPOOLING
            return True

    def abort_spool(self, batch: Batch) -> bool:
        """The spool write failed: the batch is only in memory again. Returns ``batch.live``."""
        with self.lock:
            if batch.state == SPOOLING:
                batch.state = MEMORY
            return batch.live

    def end_spool(self, batch: Batch, result: AppendResult) -> str:
        """Book a finished spool write; return what the caller must do with the row.

        Returns:
            ``"keep"`` (leave as is), ``"unpin"`` (nobody sends it live: replay may take
            it) or ``"remove"`` (the live export finished first: delete the copy).
        """
        with self.lock:
            self._book_evictions(result)
            if result.row_id is None:  # refused by the size cap
                if batch.state == SPOOLING:
                    batch.state = MEMORY
                    if not batch.live:
                        self._finish_dropped(batch, "spool_full")
                return "keep"
            if batch.state == DONE:
                return "remove"
            batch.state = SPOOLED
            batch.row_id = result.row_id
            self.memory_records -= len(batch)
            self.spooled += len(batch)
            return "keep" if batch.live else "unpin"

    def book_adoption(
        self, records: int, evicted: int, evicted_inherited: int, refused: int
    ) -> None:
        """Count rows adopted from earlier runs, and what the cap dropped for them."""
        with self.lock:
            self.adopted += records
            self.inherited_spooled += records - evicted_inherited
            self.inherited_dropped += evicted_inherited + refused
            if evicted:
                self.spooled -= evicted
                self.dropped["spool_full"] += evicted

    def _book_evictions(self, result: AppendResult) -> None:
        if result.evicted_records:
            self.spooled -= result.evicted_records
            self.dropped["spool_full"] += result.evicted_records
        self.inherited_spooled -= result.evicted_inherited
        self.inherited_dropped += result.evicted_inherited

    def _finish_dropped(self, batch: Batch, reason: str) -> None:
        batch.state = DONE
        self.memory_records -= len(batch)
        self.dropped[reason] += len(batch)

    # -- live export -----------------------------------------------------------------

    def finish_live(self, batch: Batch, success: bool, rejected: int) -> str:
        """Book the end of a live export; return the caller's next step.

        Returns:
            ``"remove"`` (delete its spool copy), ``"release"`` (unpin its spool copy for
            replay), ``"persist"`` (failed and only in memory: spool it) or ``"none"``.
        """
        with self.lock:
            if batch.live:
                batch.live = False
                self.live_records -= len(batch)
                self.live_bytes -= batch.size
            if self.inflight is batch:
                self.inflight = None
            if batch.state == DONE:  # written off at shutdown while this export hung
                return "none"
            if not success:
                if batch.state == SPOOLED:
                    return "release"
                return "persist" if batch.state == MEMORY else "none"
            step = "none"
            if batch.state == SPOOLED:
                self.spooled -= len(batch)
                step = "remove"
            elif batch.state in (MEMORY, SPOOLING):
                self.memory_records -= len(batch)
            batch.state = DONE
            self._book_delivery(len(batch), rejected)
            return step

    def _book_delivery(self, records: int, rejected: int) -> None:
        rejected = min(rejected, records)
        self.exported += records - rejected
        if rejected:
            self.dropped["rejected"] += rejected

    # -- replay ----------------------------------------------------------------------

    def finish_replay(self, row: SpooledBatch, rejected: int) -> None:
        """Book a spooled row the exporter accepted (the caller deletes the row)."""
        with self.lock:
            self.replayed += row.records
            if row.inherited:
                self.inherited_spooled -= row.records
                self.recovered += row.records - min(rejected, row.records)
            else:
                self.spooled -= row.records
                self._book_delivery(row.records, rejected)

    def discard_row(self, row: SpooledBatch, reason: str) -> None:
        """Book a spooled row given up for good (the caller deletes the row)."""
        with self.lock:
            if row.inherited:
                self.inherited_spooled -= row.records
                self.inherited_dropped += row.records
            else:
                self.spooled -= row.records
                self.dropped[reason] += row.records

    def finish_ring_batch(self, batch: Batch, rejected: int) -> None:
        """Book a batch from the memory ring that the exporter accepted."""
        with self.lock:
            batch.state = DONE
            self.memory_records -= len(batch)
            self.replayed += len(batch)
            self._book_delivery(len(batch), rejected)

    def push_ring(self, batch: Batch) -> None:
        """Keep ``batch`` in the memory ring, dropping the oldest batches past its bounds."""
        with self.lock:
            for evicted in self.ring.push(batch):
                self._finish_dropped(evicted, "memory_full")

    def pop_ring(self) -> Batch | None:
        """Take the oldest batch of the memory ring for replay."""
        with self.lock:
            return self.ring.pop_oldest()

    def return_ring(self, batch: Batch) -> None:
        """Put back a ring batch whose replay failed."""
        with self.lock:
            self.ring.push_front(batch)

    def drain_ring(self) -> list[Batch]:
        """Take every batch out of the memory ring (to spool them at shutdown)."""
        with self.lock:
            batches = []
            while (batch := self.ring.pop_oldest()) is not None:
                batches.append(batch)
            return batches

    # -- redelivery ------------------------------------------------------------------

    def push_resend(self, items: list[tuple[Delivered, int]], max_records: int) -> None:
        """Queue acknowledged batches to be sent again, keeping at most ``max_records``.

        Past that the oldest are forgotten: they were acknowledged once already, so this
        only gives up a chance of a duplicate, not a record the ledger counts.
        """
        with self.lock:
            self.resend.extend(items)
            self.resend_records += sum(n for _, n in items)
            while len(self.resend) > 1 and self.resend_records > max_records:
                self.resend_records -= self.resend.popleft()[1]

    def pop_resend(self) -> tuple[Delivered, int] | None:
        """Take the oldest batch waiting to be sent again."""
        with self.lock:
            if not self.resend:
                return None
            item = self.resend.popleft()
            self.resend_records -= item[1]
            return item

    def return_resend(self, item: tuple[Delivered, int]) -> None:
        """Put back a batch whose resend failed."""
        with self.lock:
            self.resend.appendleft(item)
            self.resend_records += item[1]

    def finish_resend(self, records: int) -> None:
        """Count records sent again."""
        with self.lock:
            self.redelivered += records

    def drain_resend(self) -> list[tuple[Delivered, int]]:
        """Take everything waiting to be sent again (to spool it at shutdown)."""
        with self.lock:
            items = list(self.resend)
            self.resend.clear()
            self.resend_records = 0
            return items

    def book_extra_spooled(self, records: int) -> None:
        """Count records spooled outside this run's invariant (resends kept for the next run)."""
        with self.lock:
            self.inherited_spooled += records

    # -- views -----------------------------------------------------------------------

    def memory_batches(self) -> list[Batch]:
        """Batches handed off or in flight that exist only in memory (not the ring)."""
        with self.lock:
            batches = list(self.handoff)
            if self.inflight is not None:
                batches.append(self.inflight)
            return [b for b in batches if b.state == MEMORY]

    def counts(self) -> dict[str, Any]:
        """A consistent snapshot of every counter."""
        with self.lock:
            queued = self.queue_records + self.memory_records
            dropped = {reason: n for reason, n in self.dropped.items() if n}
            return {
                "emitted": self.emitted,
                "exported": self.exported,
                "queued": queued,
                "spooled": self.spooled,
                "dropped": sum(dropped.values()),
                "dropped_by_reason": dropped,
                "queue_depth": self.queue_records,
                "queue_bytes": self.queue_bytes,
                "memory_ring_depth": self.ring.records,
                "replayed": self.replayed,
                "recovered": self.recovered,
                "adopted": self.adopted,
                "inherited_spooled": self.inherited_spooled,
                "inherited_dropped": self.inherited_dropped,
                "redelivered": self.redelivered,
                "redeliver_pending": self.resend_records,
                "conserved": self.emitted
                == self.exported + queued + self.spooled + sum(dropped.values()),
            }
