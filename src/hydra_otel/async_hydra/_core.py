"""FrontCore: the records waiting at the front of the queue, and how they are emitted.

Callers append records to :attr:`FrontCore.pending` without a lock (``deque.append`` is
atomic). Whoever emits (the emitting thread, or a caller on the ``sync`` path) holds
:attr:`FrontCore.emit_lock` while it pops and emits, so records reach the export
processors in the order they were queued, whichever thread emits them.
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

BARRIER: tuple[Any, ...] = ("hydra-otel barrier",)
"""The arguments of a queued marker that is resolved, not emitted, when reached (see drain)."""

Commit = tuple[list[LogReceipt], int]
"""Receipts of guaranteed records already emitted, and the processors' drop count before."""


class FrontCore:
    """Pending records, the emit lock and the durability wait, shared by every path."""

    __slots__ = (
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
        started = time.monotonic()
        settled = self.durability.wait(started + self.guaranteed_timeout, self.beat)
        durable = settled and self.durability.dropped() == baseline
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
