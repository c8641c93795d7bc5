"""EmittingThread: the ``async`` path of the queue's front.

One daemon thread emits queued records in order, a chunk at a time, each inside its
caller's context. After a chunk that held guaranteed records it stops emitting and
waits for durability (see :mod:`._durability`), so the export processors receive
nothing new and the wait can end; guaranteed records queued meanwhile share the next
wait. It also waits while the export processors already hold ``EXPORT_BACKLOG``
records, which keeps the backlog (and the work of the garbage collector, and the
fight for the GIL with the event loop) in the front, where callers feel backpressure.
"""

from __future__ import annotations

import threading
import time

from hydra_otel.async_hydra._core import FrontCore
from hydra_otel.core import track_error
from hydra_otel.core._diagnostics import pipeline_guard

CHUNK = 64
"""Records emitted per hold of the emit lock (about 1 ms of work); the thread then sleeps
``YIELD_SECONDS`` so the event loop can take the GIL."""
BACKLOG_POLL = 0.001
"""Seconds between two looks at the export backlog while waiting for it to shrink."""
YIELD_SECONDS = 0.00005
"""A real sleep between chunks. ``sleep(0)`` hands the GIL over, but this thread, still
running, usually takes it straight back; a sleep leaves a window in which the event
loop (waiting since its last system call) gets it. Measured: the 1 ms ticker's worst
lag with a file destination fell from 10-15 to 7-8 ms and throughput rose by a third."""
IDLE_WAIT = 0.5
"""Longest sleep when idle (a safety net: every enqueue wakes the thread)."""


class EmittingThread:
    """Owns the daemon thread that drains a :class:`FrontCore`.

    Args:
        core: the shared front state.
        low_water: at or below this many pending records, callers waiting for room
            are released.
    """

    __slots__ = ("_core", "_low_water", "_stop", "_thread", "idle")

    def __init__(self, core: FrontCore, low_water: int) -> None:
        self._core = core
        self._low_water = low_water
        self._thread: threading.Thread | None = None
        self._stop = False
        self.idle = True
        """True while the thread sleeps waiting for records (callers then wake it)."""

    @property
    def alive(self) -> bool:
        """True while the thread runs."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def ensure_running(self) -> str | None:
        """Start (or restart) the thread unless it runs; the reason when it cannot."""
        if self.alive or self._stop:
            return None
        restarting = self._thread is not None
        try:
            thread = threading.Thread(target=self._run, name="hydra-async-emit", daemon=True)
            thread.start()
        except RuntimeError as error:  # interpreter shutting down, thread limits
            return f"cannot start the emitting thread: {error}"
        if restarting:
            self._core.stats.count("worker_restarts")
        self._thread = thread
        return None

    def stuck(self, stall_after: float) -> bool:
        """True when records wait but the thread has shown no progress for ``stall_after`` s."""
        core = self._core
        return (
            bool(core.pending) and not self.idle and time.monotonic() - core.heartbeat > stall_after
        )

    def stop(self, timeout: float) -> None:
        """Ask the thread to end and wait up to ``timeout`` seconds for it."""
        self._stop = True
        self._core.wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(max(timeout, 0.0))

    # -- the thread ------------------------------------------------------------------

    def _run(self) -> None:
        """Thread body: never raises, never logs into the pipeline it feeds."""
        core = self._core
        with pipeline_guard():
            while not self._stop:
                try:
                    if core.handed_over:
                        core.commit(*core.handed_over.popleft())
                    elif core.pending:
                        self._round()
                    else:
                        self._go_idle()
                except Exception as error:  # the thread must outlive any surprise
                    core.stats.count("worker_errors")
                    track_error("async_worker", repr(error))

    def _round(self) -> None:
        """Emit chunks until one held guaranteed records (then commit) or none are left."""
        core = self._core
        while core.pending:
            with core.emit_lock:
                _, (waiting, baseline) = core.emit_queued(0, CHUNK)
            core.beat()
            if len(core.pending) <= self._low_water:
                core.release_space()
            if waiting:
                core.commit(waiting, baseline)
                return
            self._let_exports_catch_up()

    def _let_exports_catch_up(self) -> None:
        core = self._core
        while core.durability.backlogged() and not self._stop:
            core.beat()
            time.sleep(BACKLOG_POLL)
        time.sleep(YIELD_SECONDS)

    def _go_idle(self) -> None:
        core = self._core
        core.durability.push_out()
        with core.state_lock:
            core.wake.clear()
            self.idle = True
            if core.pending or core.handed_over:
                self.idle = False
                return
        core.release_space()
        core.wake.wait(IDLE_WAIT)
        self.idle = False
        core.beat()
