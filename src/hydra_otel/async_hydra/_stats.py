"""FrontStats: the counters of a MultiFallbackAsyncQueue's front."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class FrontStats:
    """Counters written by the emitting thread and by callers; read by ``metrics()``.

    ``emitted`` and ``inline`` are only changed while the queue's emit lock is held, so
    they need no lock of their own; the rarer counters take a small one.
    """

    __slots__ = ("_counts", "_lock", "_wait_max", "_wait_total", "emitted", "inline")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._wait_total = 0.0
        self._wait_max = 0.0
        self.emitted = 0
        self.inline = 0
        """Records their callers emitted inline (an I/O-free layer, nothing queued ahead)."""

    def count(self, name: str, amount: int = 1) -> None:
        """Add ``amount`` to the counter ``name``."""
        if amount:
            with self._lock:
                self._counts[name] += amount

    def committed(self, records: int, durable: bool, seconds: float) -> None:
        """Book one durability wait that covered ``records`` guaranteed records."""
        with self._lock:
            self._counts["guaranteed"] += records
            self._counts["guaranteed_confirmed" if durable else "guaranteed_unconfirmed"] += records
            self._counts["durability_waits"] += 1
            self._wait_total += seconds
            self._wait_max = max(self._wait_max, seconds)

    def snapshot(self) -> dict[str, Any]:
        """Every counter (zero when never incremented) and the wait times in ms."""
        with self._lock:
            counts = dict(self._counts)
            waits = counts.get("durability_waits", 0)
            average = self._wait_total / waits if waits else 0.0
            longest = self._wait_max
        names = (
            "caller_emits",
            "caller_emits_over_limit",
            "caller_emits_unordered",
            "guaranteed",
            "guaranteed_confirmed",
            "guaranteed_unconfirmed",
            "guaranteed_expired",
            "durability_waits",
            "backpressure_waits",
            "stalls",
            "worker_restarts",
            "worker_errors",
            "emit_errors",
            "dropped_unbound",
        )
        return {
            "emitted": self.emitted,
            "inline_emits": self.inline,
            **{name: counts.get(name, 0) for name in names},
            "guaranteed_wait_avg_ms": average * 1000.0,
            "guaranteed_wait_max_ms": longest * 1000.0,
        }
