"""RedactionReport (what one call redacted) and RedactionStats (totals since start).

Neither ever holds a matched value: only entity names, counts and attribute keys.
"""

from __future__ import annotations

import threading
from typing import Any


class RedactionReport:
    """What one sanitizing pass found: counts by entity and the keys involved."""

    __slots__ = ("body", "counts", "found", "keys")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        """Entity name -> number of values redacted (or, in dry-run, found)."""
        self.keys: set[str] = set()
        """Top-level attribute keys whose value was redacted."""
        self.body = False
        """True when the log body (or span name/status) was redacted."""
        self.found = 0
        """Number of values redacted (or found, in dry-run), all entities together."""

    def add(self, entity: str, count: int = 1) -> None:
        """Count ``count`` redactions of ``entity``."""
        self.counts[entity] = self.counts.get(entity, 0) + count
        self.found += count

    def __bool__(self) -> bool:
        return self.found > 0

    def __repr__(self) -> str:
        return f"RedactionReport(counts={self.counts!r}, keys={sorted(self.keys)!r})"


class RedactionStats:
    """Thread-safe self-metrics of a redaction processor.

    ``snapshot()`` returns ``{"records", "records_redacted", "matches_by_entity",
    "time_ns", "mean_ns_per_record", "failures"}``.
    """

    __slots__ = ("_failures", "_lock", "_matches", "_records", "_redacted", "_time_ns")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records = 0
        self._redacted = 0
        self._time_ns = 0
        self._failures = 0
        self._matches: dict[str, int] = {}

    def record(self, report: RedactionReport | None, elapsed_ns: int) -> None:
        """Account for one processed record and the time it took."""
        lock = self._lock
        lock.acquire()  # cheaper than ``with`` on this per-record path
        try:
            self._records += 1
            self._time_ns += elapsed_ns
            if report is not None and report.found:
                self._redacted += 1
                matches = self._matches
                for entity, count in report.counts.items():
                    matches[entity] = matches.get(entity, 0) + count
        finally:
            lock.release()

    def failure(self) -> None:
        """Count a record whose redaction failed (it was then masked whole)."""
        with self._lock:
            self._failures += 1

    def snapshot(self) -> dict[str, Any]:
        """A consistent copy of the counters."""
        with self._lock:
            return {
                "records": self._records,
                "records_redacted": self._redacted,
                "matches_by_entity": dict(self._matches),
                "time_ns": self._time_ns,
                "mean_ns_per_record": self._time_ns / self._records if self._records else 0.0,
                "failures": self._failures,
            }
