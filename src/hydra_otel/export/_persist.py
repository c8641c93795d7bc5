"""Persister: puts batches in the spool, or in the memory ring when the spool fails.

The spool is opened lazily (a run that never needs it leaves no file behind). When
sqlite fails (disk full, I/O error) the failure is counted, the batch goes to the
memory ring, and the spool is tried again after a pause rather than on every batch.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from hydra_otel.core import track_error
from hydra_otel.export._adoption import adopt_leftovers, find_leftovers
from hydra_otel.export._batch import SPOOLED, Batch
from hydra_otel.export._codec import SpoolCodec
from hydra_otel.export._ledger import Ledger
from hydra_otel.export._spool import SpoolError, SqliteSpool

SPOOL_RETRY_SECONDS = 5.0
"""Pause before trying a failed spool again."""

SpoolFactory = Callable[[], SqliteSpool]


class Persister:
    """Writes batches to the spool (thread-safe); falls back to the memory ring."""

    __slots__ = (
        "_codec",
        "_factory",
        "_ledger",
        "_open_lock",
        "_retry_at",
        "_spool",
        "directory",
        "errors",
    )

    def __init__(
        self,
        ledger: Ledger,
        codec: SpoolCodec,
        spool: SqliteSpool | None,
        factory: SpoolFactory | None,
        directory: Path | None,
    ) -> None:
        self._ledger = ledger
        self._codec = codec
        self._spool = spool
        self._factory = factory
        self._open_lock = threading.Lock()
        self._retry_at = 0.0
        self.errors: Counter[str] = Counter()
        """Spool failures by kind (``disk_full``, ``io_error``, ``encode_error``)."""
        self.directory = spool.directory if spool is not None else directory
        """Where this run's spool is (or will be) and where leftovers are looked for."""

    @property
    def spool(self) -> SqliteSpool | None:
        """The spool if it is open (never opens it)."""
        return self._spool

    def usable(self) -> bool:
        """True when a spool is configured and not in its pause after a failure."""
        if self._spool is None and self._factory is None:
            return False
        return time.monotonic() >= self._retry_at

    def open(self) -> SqliteSpool | None:
        """Return the spool, opening it on first use; None if unusable right now."""
        if self._spool is not None and not self._spool.closed:
            return self._spool if self.usable() else None
        if self._factory is None or not self.usable():
            return None
        with self._open_lock:
            if self._spool is None:
                try:
                    self._spool = self._factory()
                except SpoolError as error:
                    self.failed(error)
                    return None
        return self._spool

    def failed(self, error: SpoolError) -> None:
        """Count a spool failure and pause spooling for a while."""
        self.errors[error.kind] += 1
        self._retry_at = time.monotonic() + SPOOL_RETRY_SECONDS
        track_error(f"spool_{error.kind}", str(error))

    def persist(self, batch: Batch) -> bool:
        """Write ``batch`` to the spool; True once it is there.

        If the spool is unusable a batch nobody is sending live goes to the memory ring;
        a live batch stays with the sender. A batch already spooled (or being spooled by
        another thread) is left alone.
        """
        if not self._ledger.begin_spool(batch):
            return True
        spool = self.open()
        if spool is None:
            self._fall_back(batch)
            return False
        try:
            payload = self._codec.encode(batch.records)
        except Exception as error:
            self.errors["encode_error"] += 1
            track_error("spool_encode", repr(error))
            self._ledger.abort_spool(batch)
            self._ledger.drop("encode_error", len(batch))
            return False
        batch.payload = payload
        try:
            result = spool.append(payload, len(batch), pin=True)
        except SpoolError as error:
            if error.kind != "closed":
                self.failed(error)
            self._fall_back(batch)
            return False
        self._after_append(spool, batch, result.row_id, self._ledger.end_spool(batch, result))
        return result.row_id is not None

    def set_aside(self, batch: Batch) -> None:
        """Keep a batch the sender gave back only in the spool (replayed later)."""
        spool = self._spool
        if batch.state == SPOOLED and batch.row_id is not None and spool is not None:
            spool.release(batch.row_id, failed=False)  # its written-behind copy is enough
        else:
            self.persist(batch)

    @staticmethod
    def _after_append(spool: SqliteSpool, batch: Batch, row_id: int | None, step: str) -> None:
        if row_id is None:
            return
        if step == "unpin":
            spool.release(row_id, failed=False)
        elif step == "remove":
            spool.remove(row_id)

    def persist_extra(self, item: Batch | bytes, records: int) -> bool:
        """Spool records that this run already counted (resends) as if inherited."""
        spool = self.open()
        if spool is None:
            return False
        try:
            payload = item if isinstance(item, bytes) else self._codec.encode(item.records)
            result = spool.append(payload, records, inherited=True)
        except SpoolError as error:
            self.failed(error)
            return False
        except Exception as error:  # an unencodable batch
            track_error("spool_encode", repr(error))
            return False
        if result.row_id is not None:
            self._ledger.book_extra_spooled(records)
        return result.row_id is not None

    def _fall_back(self, batch: Batch) -> None:
        if not self._ledger.abort_spool(batch):
            self._ledger.push_ring(batch)

    def adopt(self) -> int:
        """Move leftover spools of earlier runs into this run's spool; return records moved."""
        own = self._spool.path if self._spool is not None else None
        if self.directory is None or not find_leftovers(self.directory, own):
            return 0
        spool = self.open()
        if spool is None:
            return 0
        report = adopt_leftovers(spool)
        for message in report.errors:
            track_error("spool_adoption", message)
        self._ledger.book_adoption(
            report.records, report.evicted_records, report.evicted_inherited, report.refused
        )
        return report.records

    def close(self) -> None:
        """Close the spool (deleted when empty, else left for the next run)."""
        with self._open_lock:
            spool, self._factory = self._spool, None
        if spool is not None:
            spool.close()
