"""Redelivery: resending what a collector acknowledged just before it died.

Collectors such as rotel, or the OpenTelemetry Collector with its in-memory queue,
acknowledge a request once it is queued and forward it a little later; if the collector
is killed in between, records it acknowledged are lost although the exporter reported
success. The processor therefore keeps the batches acknowledged in the last
``redeliver_window`` seconds; when a later attempt fails without an answer from the
server (connection refused or reset, timeout: the collector may have died), the
batches acknowledged within that window before the last success are sent again once
the collector is back. The cost is a few duplicates per collector crash, which the
``log.record.uid`` attribute lets a backend remove; a failure the server answered
(HTTP 503, gRPC RESOURCE_EXHAUSTED...) proves it alive and triggers nothing.
"""

from __future__ import annotations

import threading
from collections import deque

from hydra_otel.export._batch import Batch

Delivered = Batch | bytes
"""A batch sent live, or a spooled payload sent by replay."""


class RedeliveryWindow:
    """The recently acknowledged batches (thread-safe, bounded in records)."""

    __slots__ = ("_entries", "_lock", "_records", "max_records", "window")

    def __init__(self, window: float, max_records: int) -> None:
        self.window = window
        self.max_records = max_records
        self._entries: deque[tuple[float, Delivered, int]] = deque()
        self._records = 0
        self._lock = threading.Lock()

    def delivered(self, item: Delivered, records: int, now: float) -> None:
        """Remember an acknowledged batch; forget those too old to be at risk."""
        if self.window <= 0:
            return
        with self._lock:
            self._entries.append((now, item, records))
            self._records += records
            while self._entries and (
                self._entries[0][0] < now - self.window or self._records > self.max_records
            ):
                self._records -= self._entries.popleft()[2]

    def suspects(self) -> list[tuple[Delivered, int]]:
        """Take the batches acknowledged within the window before the last success."""
        with self._lock:
            if not self._entries:
                return []
            last = self._entries[-1][0]
            taken = [(item, n) for at, item, n in self._entries if at >= last - self.window]
            self._entries.clear()
            self._records = 0
            return taken
