"""Batch: records travelling together from the queue to the exporter, and where they are.

A batch lives in memory (handed to the sender, or in the memory ring) and may also be
written to the spool while an export is still running, so a crash cannot lose it. Its
``state`` says which copy the conservation ledger counts; every change of ``state``
happens under the processor's ledger lock.
"""

from __future__ import annotations

from collections import deque

from hydra_otel.export._encoded import QueuedRecord

MEMORY = "memory"
"""Only in memory: counted as queued."""
SPOOLING = "spooling"
"""Being written to the spool by some thread: still counted as queued."""
SPOOLED = "spooled"
"""Safe in the spool (``row_id``): counted as spooled."""
DONE = "done"
"""Exported or dropped: counted there."""


class Batch:
    """Up to ``max_batch_size`` records and their bookkeeping."""

    __slots__ = ("created", "live", "payload", "records", "row_id", "size", "state")

    def __init__(self, records: list[QueuedRecord], size: int, created: float) -> None:
        self.records = records
        self.size = size
        self.created = created
        """``time.monotonic()`` when the batch left the queue."""
        self.state = MEMORY
        self.row_id: int | None = None
        self.live = False
        """True while the sender may still deliver it (its spool row stays pinned)."""
        self.payload: bytes | None = None
        """The encoded request, once written behind: the sender can send it as it is."""

    def __len__(self) -> int:
        return len(self.records)


class MemoryRing:
    """The last-resort buffer: a bounded FIFO of batches, oldest evicted first.

    Not thread-safe: the processor guards it with its ledger lock.
    """

    __slots__ = ("_batches", "bytes", "max_bytes", "max_records", "records")

    def __init__(self, max_records: int, max_bytes: int) -> None:
        self._batches: deque[Batch] = deque()
        self.max_records = max_records
        self.max_bytes = max_bytes
        self.records = 0
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._batches)

    def push(self, batch: Batch) -> list[Batch]:
        """Add ``batch`` at the new end; return the batches evicted to stay in bounds."""
        self._batches.append(batch)
        self._grow(batch)
        evicted: list[Batch] = []
        while len(self._batches) > 1 and (
            self.records > self.max_records or self.bytes > self.max_bytes
        ):
            evicted.append(self._take(self._batches.popleft()))
        return evicted

    def push_front(self, batch: Batch) -> None:
        """Put back a batch whose replay failed, keeping its place as the oldest."""
        self._batches.appendleft(batch)
        self._grow(batch)

    def pop_oldest(self) -> Batch | None:
        """Remove and return the oldest batch, or None."""
        return self._take(self._batches.popleft()) if self._batches else None

    def _grow(self, batch: Batch) -> None:
        self.records += len(batch)
        self.bytes += batch.size

    def _take(self, batch: Batch) -> Batch:
        self.records -= len(batch)
        self.bytes -= batch.size
        return batch
