"""Counting what goes wrong inside the logging path, without printing per record.

``track_error(kind, message)`` records a failure by kind: the count, the first and
last message and when they happened. The first occurrence of a kind is reported once
on the internal logger; later ones are only counted.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from hydra_otel.core._diagnostics import internal_logger


@dataclass(slots=True)
class _ErrorEntry:
    count: int
    first_message: str
    last_message: str
    first_seen: float
    last_seen: float


class ErrorTracker:
    """Thread-safe counts of internal failures by kind."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, _ErrorEntry] = {}

    def track(self, kind: str, message: str) -> None:
        """Count one failure of ``kind``; report only the first of each kind."""
        now = time.time()
        with self._lock:
            entry = self._entries.get(kind)
            if entry is None:
                self._entries[kind] = _ErrorEntry(1, message, message, now, now)
                first = True
            else:
                entry.count += 1
                entry.last_message = message
                entry.last_seen = now
                first = False
        if first:
            internal_logger.warning(
                "%s: %s (further %s errors are counted, not printed)", kind, message, kind
            )

    def stats(self) -> dict[str, Any]:
        """Return ``{"total": n, "by_kind": {kind: {count, last_message, ...}}}``."""
        with self._lock:
            by_kind = {
                kind: {
                    "count": e.count,
                    "first_message": e.first_message,
                    "last_message": e.last_message,
                    "first_seen": e.first_seen,
                    "last_seen": e.last_seen,
                }
                for kind, e in self._entries.items()
            }
        return {"total": sum(v["count"] for v in by_kind.values()), "by_kind": by_kind}

    def reset(self) -> None:
        """Forget every tracked error (tests use this)."""
        with self._lock:
            self._entries.clear()


error_tracker = ErrorTracker()


def track_error(kind: str, message: str) -> None:
    """Record a failure inside the logging path, by kind.

    Args:
        kind: a short stable name, such as ``"plugin"`` or ``"export"``.
        message: what happened; only the first of each kind is printed.
    """
    with contextlib.suppress(Exception):  # error tracking itself must never raise
        error_tracker.track(str(kind), str(message))


def get_error_stats() -> dict[str, Any]:
    """Return the library's own error counts: ``{"total", "by_kind": {kind: {...}}}``."""
    return error_tracker.stats()
