"""MultiFallbackAsyncQueue: the front of AsyncHydraLogger's export path.

A log call does the state-capturing half of the work on the caller's thread (level
filter, ``extra`` snapshot, timestamp, exception, a copy of the caller's contextvars)
and appends the record to the queue: O(1), no lock, no I/O. Layers whose emit path does
no I/O skip the queue when nothing is queued ahead (:meth:`MultiFallbackAsyncQueue.emit_now`).
The ``async`` path is an
:class:`~._emitting.EmittingThread` that emits records in order, inside their callers'
contexts, into each destination's :class:`~hydra_otel.export.FallbackExportProcessor`,
whose own strategies (``async``, ``direct``, ``memory``, ``sync``; see
:class:`~._plan.StrategyPlan`) take them out of the process.

The ``sync`` path is the caller's thread: it emits what is queued and then its own
record when the emitting thread cannot run (it cannot start, or it has shown no
progress for ``stall_after`` seconds) or when ``sync`` is the primary strategy. Past
``max_pending`` records an awaited call waits for room (backpressure that yields the
loop) and a thread without a loop blocks briefly; past four times that, callers emit
themselves, so memory stays bounded whatever happens.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from asyncio import _get_running_loop
from collections.abc import Callable, Iterable, Sequence
from contextvars import Context, copy_context
from typing import Any

from opentelemetry.sdk._logs import LogRecordProcessor

from hydra_otel.async_hydra._core import BARRIER, Commit, EmitFunction, FrontCore, InlineCheck
from hydra_otel.async_hydra._durability import DurabilityWait
from hydra_otel.async_hydra._emitting import EmittingThread
from hydra_otel.async_hydra._loop_share import LoopShare
from hydra_otel.async_hydra._plan import StrategyPlan
from hydra_otel.async_hydra._receipt import COMPLETED, LogReceipt, running_loop
from hydra_otel.core import ConfigurationError, track_error
from hydra_otel.export import FallbackExportOptions

_CHECK_EVERY = 0xFF
"""Every 256th call looks at the emitting thread's health (cheap, but not free)."""
_HARD_LIMIT_FACTOR = 4
HARD_LIMIT_LOOP_WAIT = 0.01
"""Past the hard limit, an event-loop caller waits this long for the emitting thread's
current chunk (CPU work, no I/O) so it can make room: the only backpressure left for
code that logs without awaiting."""


def _never(args: tuple[Any, ...]) -> bool:
    """No queued record may be emitted by a caller (callers that say nothing about them)."""
    return False


class MultiFallbackAsyncQueue:
    """The Hydra plan's multi-fallback queue, built on the export processors' strategies.

    Args:
        primary_strategy: ``async`` (default), ``sync``, ``direct`` or ``memory``.
        fallback_strategies: the strategies allowed when the primary is unhealthy;
            None (default) means ``["sync", "direct", "memory"]`` without the primary.
            See :class:`StrategyPlan` for how the chain maps onto each destination's
            export options.
        max_pending: records the front may hold before calls wait for room.
        guaranteed_timeout: seconds a guaranteed record waits to become durable.
        stall_after: seconds without progress after which the emitting thread is
            considered stuck and callers emit on their own threads.

    Raises:
        ConfigurationError: naming an unknown strategy or an invalid number.
    """

    def __init__(
        self,
        primary_strategy: str = "async",
        fallback_strategies: Iterable[str] | None = None,
        *,
        max_pending: int = 1024,
        guaranteed_timeout: float = 5.0,
        stall_after: float = 2.0,
    ) -> None:
        self.plan = StrategyPlan.parse(primary_strategy, fallback_strategies)
        _require_positive(max_pending=max_pending, guaranteed_timeout=guaranteed_timeout)
        _require_positive(stall_after=stall_after)
        self.max_pending = int(max_pending)
        self.guaranteed_timeout = float(guaranteed_timeout)
        self.stall_after = float(stall_after)
        self._hard_limit = self.max_pending * _HARD_LIMIT_FACTOR
        self._core = FrontCore(self.guaranteed_timeout)
        self._emitter = EmittingThread(self._core, self.max_pending // 2)
        self._closed = False
        self._caller_path = self.plan.front_is_sync
        self._caller_reason = "sync is the primary strategy" if self._caller_path else ""
        self._calls = 0
        self._share = LoopShare()
        _live_queues.add(self)

    # -- set-up ----------------------------------------------------------------------

    def export_options(
        self, destination_type: str, options: FallbackExportOptions
    ) -> FallbackExportOptions:
        """The export options of one destination's processor under this queue's plan."""
        return self.plan.export_options(destination_type, options)

    def bind(
        self, emit: EmitFunction, processors: Callable[[], Sequence[LogRecordProcessor]]
    ) -> None:
        """Connect the queue to a logger and start the emitting thread.

        Args:
            emit: called as ``emit(*args)`` inside each record's context.
            processors: the export processors that guaranteed records wait on.
        """
        self._core.emit = emit
        self._core.durability = DurabilityWait(processors)
        self.start()

    def start(self) -> None:
        """Start the emitting thread if the plan uses one and it is not running."""
        if not self.plan.front_is_sync and not self._closed:
            reason = self._emitter.ensure_running()
            if reason is not None:
                self._use_caller_path(reason)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` began."""
        return self._closed

    @property
    def pending(self) -> int:
        """Records queued and not yet emitted."""
        return len(self._core.pending)

    @property
    def front_strategy(self) -> str:
        """``async`` while the emitting thread emits, ``sync`` while callers do."""
        return "sync" if self._caller_path else "async"

    # -- the hot path ----------------------------------------------------------------

    def submit(self, args: tuple[Any, ...], guaranteed: bool = False) -> LogReceipt | None:
        """Queue one record; None when the queue is closed (the caller counts the drop).

        Args:
            args: what ``emit`` receives for this record.
            guaranteed: the receipt is done only once the record is durable.
        """
        if self._closed:
            return None
        self._calls += 1
        if self._caller_path or not self._calls & _CHECK_EVERY:
            self._check_emitter()
            if self._caller_path:
                return self._submit_on_caller(copy_context(), args, guaranteed)
        receipt = LogReceipt(running_loop()) if guaranteed else None
        pending = self._core.pending
        pending.append((copy_context(), args, receipt))
        if self._emitter.idle:
            self._core.wake.set()
        if len(pending) > self.max_pending:
            return self._over_limit(receipt)
        if receipt is None:
            return COMPLETED
        return self._await_durability(receipt)

    def emit_now(self, args: tuple[Any, ...], may_help: InlineCheck = _never) -> LogReceipt | None:
        """Emit one record on the calling thread, now, in the caller's own context.

        For layers whose emit path does no I/O (see :class:`~._inline.InlineRoutes`),
        this skips the emitting thread and its fight with the event loop for the GIL.
        Records queued ahead are emitted first, here, when ``may_help`` says their
        layers do no I/O either. False, and the caller queues the record with
        :meth:`submit` instead, while the queue is closed or callers emit on the
        ``sync`` path, while a queued record cannot be overtaken or the emitting thread
        is inside a chunk, while a durability wait runs, or while the exporters are
        behind.

        Args:
            args: what ``emit`` receives for this record.
            may_help: whether a queued record's arguments may be emitted here.
        """
        if self._closed or self._caller_path:
            return None
        core = self._core
        started = time.perf_counter_ns()
        if not core.emit_inline(args, may_help):
            return None
        now = time.perf_counter_ns()
        if core.space_waiters and len(core.pending) <= self.max_pending // 2:
            core.release_space()
        loop = _get_running_loop()
        return COMPLETED if loop is None else self._share.charge(loop, now - started, now)

    def _await_durability(self, receipt: LogReceipt) -> LogReceipt:
        """On a loop: the receipt to await. In a thread without a loop: wait here."""
        bound = self.guaranteed_timeout + self.stall_after
        if receipt.has_loop:
            receipt.expire_after(bound, self._expire)
        elif not receipt.wait(bound):
            self._expire(receipt)
        return receipt

    def _expire(self, receipt: LogReceipt) -> None:
        """A guaranteed receipt outlived every bound: the emitting thread is not answering."""
        if receipt.done:
            return
        self._core.stats.count("guaranteed_expired")
        self._check_emitter()
        receipt.resolve(False)

    def _over_limit(self, receipt: LogReceipt | None) -> LogReceipt:
        """Backpressure: room is awaited on a loop, waited for in a thread, made past 4x."""
        core = self._core
        if len(core.pending) > self._hard_limit:  # callers that never await: make room here
            emitted = self.help_emit(self.max_pending, self._lock_wait(HARD_LIMIT_LOOP_WAIT))
            core.stats.count("caller_emits_over_limit", emitted)
            return receipt if receipt is not None else COMPLETED
        if receipt is not None:  # already a wait, and a longer one
            return receipt
        loop = running_loop()
        space = LogReceipt(loop)
        core.add_space_waiter(space)
        core.stats.count("backpressure_waits")
        if self._emitter.idle:
            core.wake.set()
        if loop is not None:
            space.expire_after(self.stall_after, self._space_timeout)
        elif not space.wait(self.stall_after):
            self._space_timeout(space)
        return space

    def _space_timeout(self, space: LogReceipt) -> None:
        """Room did not come in time: check the emitting thread, make room here if possible."""
        if space.done:
            return
        self._check_emitter()
        emitted = self.help_emit(self.max_pending, self._lock_wait())
        self._core.stats.count("caller_emits_over_limit", emitted)
        space.resolve(None)

    def _lock_wait(self, on_loop: float = 0.0) -> float:
        """How long this thread may wait for the emit lock: ``on_loop`` on an event loop."""
        return on_loop if running_loop() is not None else self.stall_after

    # -- the caller's path -----------------------------------------------------------

    def _submit_on_caller(
        self, context: Context, args: tuple[Any, ...], guaranteed: bool
    ) -> LogReceipt:
        """``sync``: emit what is queued, then this record, on the calling thread."""
        core = self._core
        waiting: list[LogReceipt] = []
        baseline = 0
        if _acquire(core.emit_lock, self._lock_wait()):
            try:
                _, (waiting, baseline) = core.emit_queued(0)
                if guaranteed and not waiting:
                    baseline = core.durability.dropped()
                core.emit_one(context, args)
            finally:
                core.emit_lock.release()
            core.stats.count("caller_emits")
        else:  # the emitting thread is stuck inside a record: keep this one anyway
            core.emit_one(context, args)
            core.stats.count("caller_emits_unordered")
        if not guaranteed:
            self._commit_elsewhere((waiting, baseline))
            return COMPLETED
        receipt = LogReceipt(running_loop())
        self._commit_elsewhere(([*waiting, receipt], baseline))
        if not receipt.has_loop:
            receipt.wait(self.guaranteed_timeout + self.stall_after)
        return receipt

    def help_emit(self, keep: int, wait: float) -> int:
        """Emit queued records on this thread until at most ``keep`` remain; return how many.

        No I/O happens here (the processors only queue), but it is CPU work on the
        calling thread; guaranteed records met on the way are made durable elsewhere.

        Args:
            keep: records to leave queued.
            wait: seconds to wait for the emitting thread's current chunk (0: do not
                wait; return 0 if it is emitting right now).
        """
        core = self._core
        if not _acquire(core.emit_lock, wait):
            return 0
        try:
            emitted, commit = core.emit_queued(keep)
        finally:
            core.emit_lock.release()
        core.release_space()
        self._commit_elsewhere(commit)
        return emitted

    def _commit_elsewhere(self, commit: Commit) -> None:
        """Make records a caller emitted durable without blocking an event loop.

        The emitting thread does it when it runs (it pauses emission meanwhile, which is
        what lets the wait end); otherwise the loop's executor, or this very thread when
        no loop runs here.
        """
        receipts, baseline = commit
        if not receipts:
            return
        if not self._caller_path and self._emitter.alive:
            self._core.handed_over.append(commit)
            self._core.wake.set()
            return
        loop = running_loop()
        if loop is not None:
            try:
                loop.run_in_executor(None, self._core.commit, receipts, baseline)
                return
            except RuntimeError:  # executor already shut down
                pass
        self._core.commit(receipts, baseline)

    # -- health of the emitting thread -----------------------------------------------

    def _check_emitter(self) -> None:
        """Pick the path for the next calls: the emitting thread if it can run, else the caller."""
        if self.plan.front_is_sync or self._closed:
            return
        reason = self._emitter.ensure_running()
        if reason is None and self._emitter.stuck(self.stall_after):
            self._core.stats.count("stalls")
            reason = "the emitting thread made no progress"
        if reason is not None:
            if not self._caller_path:
                self._use_caller_path(reason)
        elif self._caller_path:
            self._caller_path = False
            self._caller_reason = ""

    def _use_caller_path(self, reason: str) -> None:
        self._caller_path = True
        self._caller_reason = reason
        track_error("async_caller_path", reason)

    # -- flush and close -------------------------------------------------------------

    def drain(self, timeout: float) -> bool:
        """Wait until every record queued before this call is emitted; True if in time.

        A marker is queued behind them and the call waits for it to be reached, so
        records other tasks keep logging meanwhile do not prolong the wait. Blocks the
        calling thread: run it off the event loop.
        """
        core = self._core
        deadline = time.monotonic() + timeout
        barrier = LogReceipt(None)
        core.pending.append((copy_context(), BARRIER, barrier))
        if not self._caller_path and self._emitter.alive:
            core.wake.set()
            if barrier.wait(timeout):
                return True
        # no emitting thread, or it is stuck: emit here, up to the marker and beyond
        self.help_emit(0, max(deadline - time.monotonic(), 0.0))
        return barrier.done

    def close(self, timeout: float = 10.0) -> None:
        """Emit what is queued and stop the emitting thread; later calls are refused."""
        if self._closed:
            return
        deadline = time.monotonic() + timeout
        self.drain(timeout)
        self._closed = True
        self._emitter.stop(min(deadline - time.monotonic(), 1.0))
        core = self._core
        if core.pending:
            self.help_emit(0, self.stall_after)
        while core.handed_over:  # guaranteed records the emitting thread did not get to
            core.commit(*core.handed_over.popleft())
        core.release_space()
        _live_queues.discard(self)

    # -- health ----------------------------------------------------------------------

    def metrics(self) -> dict[str, Any]:
        """The front's own state: which path emits, what waits, and its counters.

        Keys: ``front_strategy`` (``async``/``sync``), ``front_reason``, ``pending``,
        ``max_pending``, ``primary_strategy``, ``fallback_strategies``, ``emitted``
        (records handed to the processors), ``inline_emits`` (of those, records a caller
        emitted inline: see :meth:`emit_now`), ``inline_pauses`` (pauses awaiting callers
        were asked for to keep inline emission under half of the loop's time),
        ``caller_emits`` (records a caller emitted on the ``sync`` path), ``guaranteed``, ``guaranteed_confirmed``,
        ``guaranteed_unconfirmed``, ``guaranteed_expired``, ``durability_waits``,
        ``guaranteed_wait_avg_ms``, ``guaranteed_wait_max_ms``, ``backpressure_waits``,
        ``stalls``, ``worker_restarts``, ``worker_errors``, ``emit_errors``.
        """
        return {
            "front_strategy": self.front_strategy,
            "front_reason": self._caller_reason or "the emitting thread emits",
            "pending": self.pending,
            "max_pending": self.max_pending,
            "primary_strategy": self.plan.primary,
            "fallback_strategies": list(self.plan.fallbacks),
            **self._core.stats.snapshot(),
            "inline_pauses": self._share.pauses,
        }

    # -- fork ------------------------------------------------------------------------

    def _after_fork_in_child(self) -> None:
        """The child starts empty: the parent's queued records are the parent's to emit."""
        old = self._core
        self._core = FrontCore(self.guaranteed_timeout)
        self._core.emit = old.emit
        self._core.durability = old.durability
        self._emitter = EmittingThread(self._core, self.max_pending // 2)
        self._caller_path = True  # the next call starts the child's own emitting thread
        self._caller_reason = "forked"


def _acquire(lock: threading.Lock, wait: float) -> bool:
    return lock.acquire(timeout=wait) if wait > 0 else lock.acquire(blocking=False)


def _require_positive(**values: float) -> None:
    for name, value in values.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ConfigurationError(f"MultiFallbackAsyncQueue {name}={value!r}: must be > 0")


_live_queues: weakref.WeakSet[MultiFallbackAsyncQueue] = weakref.WeakSet()


def _restart_after_fork() -> None:
    for queue in list(_live_queues):
        try:
            queue._after_fork_in_child()
        except Exception as error:
            track_error("async_fork", repr(error))


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_restart_after_fork)
