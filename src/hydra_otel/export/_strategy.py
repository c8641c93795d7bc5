"""Strategy selection: which export path the intake uses, chosen from measured health.

* ``async``  - the collector is healthy: batches go to the sender thread.
* ``direct`` - it is not (failures, hang, latency): batches go to the spool, and the
  sender's replays probe for its return.
* ``memory`` - the spool is failing too (disk full, unwritable), or the disk cannot
  keep up with the queue: batches go to the bounded memory ring.
* ``sync``   - no background thread can run: the caller's thread exports (and spools).

Leaving ``async`` happens at once (the health verdict already has its own threshold);
going back to it waits ``min_dwell`` seconds after the previous switch, and the queue
pressure signal has separate on (75%) and off (25%) levels, so the choice does not flap.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from hydra_otel.export._options import StrategyName

_HISTORY = 32
PRESSURE_ON = 0.75
PRESSURE_OFF = 0.25


class StrategyState:
    """The current strategy, its switches and their reasons (thread-safe)."""

    __slots__ = ("_history", "_last_switch", "_lock", "current", "pressure", "switches")

    def __init__(self, initial: StrategyName) -> None:
        self._lock = threading.Lock()
        self.current: StrategyName = initial
        self.switches = 0
        self.pressure = False
        self._last_switch = time.monotonic()
        self._history: deque[dict[str, Any]] = deque(maxlen=_HISTORY)

    def choose(
        self, *, healthy: bool, spool_usable: bool, queue_fill: float, min_dwell: float, reason: str
    ) -> StrategyName:
        """Pick and switch to the strategy the measurements call for; return it."""
        if queue_fill >= PRESSURE_ON:
            self.pressure = True
        elif queue_fill <= PRESSURE_OFF:
            self.pressure = False
        want: StrategyName
        if healthy:
            want = "async"
        elif spool_usable and not self.pressure:
            want = "direct"
        else:
            want = "memory"
        recent = time.monotonic() - self._last_switch < min_dwell
        if want == "async" and self.current != "async" and recent:
            return self.current
        self.switch(want, reason if not self.pressure else "queue pressure")
        return self.current

    def switch(self, to: StrategyName, reason: str) -> None:
        """Switch to ``to`` (no-op if current), counting and remembering it."""
        with self._lock:
            if to == self.current:
                return
            self._history.append(
                {"at": time.time(), "from": self.current, "to": to, "reason": reason}
            )
            self.current = to
            self.switches += 1
            self._last_switch = time.monotonic()

    def history(self) -> list[dict[str, Any]]:
        """The latest switches, oldest first: ``{"at", "from", "to", "reason"}``."""
        with self._lock:
            return list(self._history)
