"""LoopShare: inline emission takes at most 60 % of the event loop's time.

Records emitted inline (see :mod:`._inline`) are CPU work on the event loop. At tens of
thousands of records a second that work would take every millisecond of the loop, and
a saturated loop turns any other demand on the machine (another process, an export
thread taking the GIL) into lag. Measured on the shared 2-CPU machine at 50,000 records/s
offered, 8-10 interleaved 2 s runs per variant, medians (records/s taken, worst lag of a
run, p99 lag):

* one series: the emitting thread alone (no inline emission) 31,100/s, 9.5 ms, 5.0 ms;
  inline at most 50 % of the loop 27,800/s, 7.3 ms, 3.5 ms; at most 60 % 33,500/s,
  7.7 ms, 4.0 ms.
* another: the emitting thread alone 38,100/s, 8.4 ms, 4.6 ms; inline with the loop
  saturated (no share) 38,000/s, 12.2 ms, 6.9 ms.
* a third: 60 % 35,100/s, 8.3 ms (2 of 8 runs over 10 ms); 70 % 43,800/s, 9.3 ms
  (2 over, up to 17 ms); 80 % 43,900/s, 10.0 ms (4 over, up to 22 ms); HydraLogger
  called on the loop, no share, 49,700/s, 10.6 ms (5 over, up to 32 ms).

60 % keeps the worst lag of a run the most predictable for the throughput it gives.
"""

from __future__ import annotations

import asyncio

from hydra_otel.async_hydra._receipt import COMPLETED, LogReceipt

SHARE = 0.6
"""Most of an event loop's wall time that inline emission may take."""
BURST_CREDIT_NS = 2_000_000
"""Emission time a quiet logger may spend at once before the share applies (2 ms)."""
MIN_PAUSE_NS = 1_000_000
"""Overdraft at which awaiting callers are paused: the loop's timers have millisecond
resolution, so a shorter pause would last as long and be asked for more often."""
MAX_PAUSE = 0.005
"""Longest single pause, in seconds."""


class LoopShare:
    """Keeps inline emission under ``SHARE`` of the event loop's wall time.

    A credit of emission time grows with ``SHARE`` of the time that passes (up to
    ``BURST_CREDIT_NS``) and shrinks by the time each inline emission takes. Once it is
    overdrawn by ``MIN_PAUSE_NS``, awaiting callers get one shared receipt that a loop
    timer completes when the credit is back to zero: the loop idles or runs other tasks
    meanwhile. Sync callers ignore the receipt and are not slowed down. Only emissions
    made on the loop's own thread count.
    """

    __slots__ = ("_credit", "_last", "_loop", "_pause", "pauses")

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._credit = float(BURST_CREDIT_NS)
        self._last = 0
        self._pause: LogReceipt | None = None
        self.pauses = 0
        """Pauses asked of awaiting callers so far."""

    def charge(self, loop: asyncio.AbstractEventLoop, spent_ns: int, now_ns: int) -> LogReceipt:
        """Book one inline emission of ``spent_ns`` on ``loop``; what the caller should await."""
        if loop is not self._loop:  # first use, or a new loop: start afresh
            self._loop, self._pause = loop, None
            self._credit, self._last = float(BURST_CREDIT_NS), now_ns
        credit = min(self._credit + SHARE * (now_ns - self._last) - spent_ns, BURST_CREDIT_NS)
        self._credit, self._last = credit, now_ns
        pause = self._pause
        if pause is not None and not pause.done:
            return pause
        if credit > -MIN_PAUSE_NS:
            return COMPLETED
        pause = self._pause = LogReceipt(loop)
        self.pauses += 1
        pause.complete_after(min(-credit / SHARE / 1e9, MAX_PAUSE))
        return pause
