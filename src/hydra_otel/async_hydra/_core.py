"""FrontCore: the records waiting at the front of the queue, and how they are emitted.

Callers append records to :attr:`FrontCore.pending` without a lock (``deque.append`` is
atomic). Whoever emits (the emitting thread, a caller on the ``sync`` path, or a caller
emitting its own record inline) holds :attr:`FrontCore.emit_lock` while it pops and
emits, so records reach the export processors in the order they were queued, whichever
thread emits them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from contextvars import Context
from typing import Any

from hydra_otel.async_hydra._durability import DurabilityWait
from hydra_otel.async_hydra._receipt import LogReceipt, resolve_all
from hydra_otel.async_hydra._stats import FrontStats
from hydra_otel.core import track_error

Item = tuple[Context, tuple[Any, ...], LogReceipt | None]
"""A queued record: its caller's context, the emit arguments, its receipt if guaranteed."""

EmitFunction = Callable[..., None]

InlineCheck = Callable[[tuple[Any, ...]], bool]
"""Whether a queued record's emit arguments may be emitted on a caller's thread."""

BARRIER: tuple[Any, ...] = ("hydra-otel barrier",)
"""The arguments of a queued marker that is resolved, not emitted, when reached (see drain)."""

Commit = tuple[list[LogReceipt], int]
"""Receipts of guaranteed records already emitted, and the processors' drop count before."""

BACKLOG_CHECK_EVERY = 256
"""Inline emissions between two looks at the export processors' backlog (a look reads
their metrics: tens of microseconds). Past ``BACKLOG_BATCHES`` batches held in memory,
records queue for the emitting thread again, which waits for the exporters and so gives
awaiting callers backpressure; 256 records over that limit fit easily in the processors'
queues (16,384 records by default)."""

BACKLOG_RECHECK = 0.001
"""Seconds between two looks at the backlog while the exporters are behind (the records
queue meanwhile): a look costs about 10 µs, too much for every call."""

HELP_LIMIT = 4
"""Queued records one inline call emits at most before its own. Each call that finds
records queued ahead empties the queue by three (the emitting thread helps too), so the
queue empties soon after it filled, while a burst of calls on the event loop stays short
(a limit of 64 let one burst of 32 calls emit 2,000 records: 30 ms of loop lag)."""


class FrontCore:
    """Pending records, the emit lock and the durability wait, shared by every path."""

    __slots__ = (
        "backlog_credit",
        "backlog_recheck_at",
        "committing",
        "durability",
        "emit",
        "emit_lock",
        "guaranteed_timeout",
        "handed_over",
        "heartbeat",
        "pending",
        "space_waiters",
        "state_lock",
        "stats",
        "wake",
    )

    def __init__(self, guaranteed_timeout: float) -> None:
        self.guaranteed_timeout = guaranteed_timeout
        self.pending: deque[Item] = deque()
        self.emit_lock = threading.Lock()
        self.state_lock = threading.Lock()
        self.wake = threading.Event()
        self.space_waiters: list[LogReceipt] = []
        self.handed_over: deque[Commit] = deque()
        """Guaranteed records a caller emitted; the emitting thread makes them durable."""
        self.stats = FrontStats()
        self.emit: EmitFunction | None = None
        self.durability = DurabilityWait(lambda: ())
        self.heartbeat = time.monotonic()
        self.committing = 0
        """Durability waits running now; records are not emitted inline meanwhile, so the
        processors receive nothing new and the wait can end."""
        self.backlog_credit = 0
        """Inline emissions left before the export backlog is looked at again."""
        self.backlog_recheck_at = 0.0
        """``time.monotonic()`` before which a backlog seen is not looked at again."""

    def beat(self) -> None:
        """Note that the emitting thread is making progress."""
        self.heartbeat = time.monotonic()

    def emit_one(self, context: Context, args: tuple[Any, ...]) -> None:
        """Emit one record inside its caller's context; never raises."""
        emit = self.emit
        if emit is None:
            self.stats.count("dropped_unbound")
            return
        try:
            context.run(emit, *args)
        except Exception as error:
            self.stats.count("emit_errors")
            track_error("async_emit", repr(error))
        self.stats.emitted += 1

    def emit_inline(self, args: tuple[Any, ...], may_help: InlineCheck) -> bool:
        """Emit one record now, in the caller's context, if that keeps every promise.

        It must not overtake a queued record, so the records ahead of it are emitted
        first, here, as long as ``may_help`` allows each (their layers do no I/O either)
        and none is guaranteed (the emitting thread makes those durable); it must not
        feed processors a durability wait is watching; it must not outrun the exporters.

        Returns:
            False, having emitted nothing of its own, when one of those stops it: the
            caller then queues the record.
        """
        if self.committing:
            return False
        lock = self.emit_lock
        if not lock.acquire(blocking=False):  # the emitting thread is inside a chunk
            return False
        try:
            if self.backlog_credit <= 0 and not self._exporters_keep_up():
                return False
            if self.pending and not self._help(may_help):
                return False
            self.backlog_credit -= 1
            emit = self.emit
            if emit is not None:
                emit(*args)  # HydraLogger._emit_admitted: never raises
                self.stats.emitted += 1
                self.stats.inline += 1
            else:
                self.stats.count("dropped_unbound")
        except Exception as error:  # an emit function of someone else's
            self.stats.count("emit_errors")
            track_error("async_emit", repr(error))
        finally:
            lock.release()
        return True

    def _exporters_keep_up(self) -> bool:
        """Look at the export backlog (at most once per ``BACKLOG_RECHECK`` while behind)."""
        now = time.monotonic()
        if now < self.backlog_recheck_at:
            return False
        if self.durability.backlogged():
            self.backlog_recheck_at = now + BACKLOG_RECHECK
            return False
        self.backlog_credit = BACKLOG_CHECK_EVERY
        return True

    def _help(self, may_help: InlineCheck) -> bool:
        """Emit up to ``HELP_LIMIT`` queued records on this thread; True once none is left."""
        pending = self.pending
        for _ in range(HELP_LIMIT):
            try:
                context, args, receipt = pending[0]  # only emit_lock holders pop
            except IndexError:
                return True
            if args is BARRIER:
                pending.popleft()
                if receipt is not None:
                    receipt.resolve(None)
                continue
            if receipt is not None or not may_help(args):
                return False
            pending.popleft()
            self.emit_one(context, args)
            self.backlog_credit -= 1
            self.stats.inline += 1
        return not pending

    def emit_queued(self, keep: int, limit: int | None = None) -> tuple[int, Commit]:
        """Emit the oldest records until ``keep`` remain (or ``limit`` are emitted).

        Call with :attr:`emit_lock` held.

        Returns:
            How many were emitted, and the receipts of the guaranteed ones among them
            with the drop count read before the first of those was emitted.
        """
        pending = self.pending
        emitted = baseline = 0
        waiting: list[LogReceipt] = []
        while len(pending) > keep and (limit is None or emitted < limit):
            try:
                context, args, receipt = pending.popleft()
            except IndexError:
                break
            if args is BARRIER:
                if receipt is not None:
                    receipt.resolve(None)
                continue
            if receipt is not None:
                if not waiting:
                    baseline = self.durability.dropped()
                waiting.append(receipt)
            self.emit_one(context, args)
            emitted += 1
        return emitted, (waiting, baseline)

    def commit(self, receipts: list[LogReceipt], baseline: int) -> None:
        """Block until the processors hold nothing only in memory; resolve ``receipts``.

        A receipt is durable when that happened within ``guaranteed_timeout`` and the
        processors dropped nothing since ``baseline`` was read.
        """
        with self.state_lock:
            self.committing += 1
        try:
            started = time.monotonic()
            settled = self.durability.wait(started + self.guaranteed_timeout, self.beat)
            durable = settled and self.durability.dropped() == baseline
        finally:
            with self.state_lock:
                self.committing -= 1
        self.stats.committed(len(receipts), durable, time.monotonic() - started)
        resolve_all(receipts, durable)

    def add_space_waiter(self, waiter: LogReceipt) -> None:
        """Register ``waiter`` to be resolved once the queue has room again."""
        with self.state_lock:
            self.space_waiters.append(waiter)

    def release_space(self) -> None:
        """Resolve every caller waiting for room."""
        with self.state_lock:
            waiters, self.space_waiters = self.space_waiters, []
        if waiters:
            resolve_all(waiters, None)
