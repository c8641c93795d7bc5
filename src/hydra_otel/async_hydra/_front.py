"""MultiFallbackAsyncQueue: the front of AsyncHydraLogger's export path.

A log call on the event loop does the cheap, state-capturing half of the work (level
filter, ``extra`` snapshot, timestamp, exception, a copy of the caller's contextvars)
and appends the record to :attr:`pending`: O(1), no lock, no I/O. One emitting thread
(the ``async`` path) takes records in order and emits each inside its caller's context,
so trace ids and every other contextvar stay the caller's; the records then enter each
destination's :class:`~hydra_otel.export.FallbackExportProcessor`, whose own strategies
(``async``, ``direct``, ``memory``, ``sync``; see :class:`StrategyPlan`) take them out
of the process.

The caller's thread is the ``sync`` path, used when the emitting thread cannot run
(it cannot be started, it is stuck in one record for ``stall_after`` seconds, or the
plan is ``sync`` first) and, to bound memory, when the queue passes four times its
limit. Past the limit itself, awaiting a call waits for room (backpressure that yields
the loop) and a plain thread blocks briefly.

Guaranteed records (see :class:`~hydra_otel.async_hydra.LogReceipt`) make the emitting
thread stop after them and wait until the processors hold nothing only in memory; the
receipts of every guaranteed record emitted before that wait are resolved together.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from contextvars import Context, copy_context
from typing import Any

from opentelemetry.sdk._logs import LogRecordProcessor

from hydra_otel.async_hydra._durability import DurabilityWait
from hydra_otel.async_hydra._plan import DEFAULT_FALLBACKS, StrategyPlan
from hydra_otel.async_hydra._receipt import COMPLETED, LogReceipt, resolve_all, running_loop
from hydra_otel.async_hydra._stats import FrontStats
from hydra_otel.core import ConfigurationError, track_error
from hydra_otel.core._diagnostics import pipeline_guard
from hydra_otel.export import FallbackExportOptions

Item = tuple[Context, tuple[Any, ...], LogReceipt | None]
"""A queued record: its caller's context, the emit arguments, its receipt if guaranteed."""

EmitFunction = Callable[..., None]

CHUNK = 64
"""Records emitted per hold of the emit lock; the thread yields the GIL between chunks."""
IDLE_WAIT = 0.5
"""Longest sleep of the idle emitting thread (a safety net; it is woken on every enqueue)."""
_CHECK_EVERY = 0xFF
_HARD_LIMIT_FACTOR = 4


class MultiFallbackAsyncQueue:
    """The Hydra plan's multi-fallback queue, built on the export processors' strategies.

    Args:
        primary_strategy: ``async`` (default), ``sync``, ``direct`` or ``memory``.
        fallback_strategies: the strategies allowed when the primary is unhealthy;
            default ``["sync", "direct", "memory"]``. See :class:`StrategyPlan` for
            how the chain maps onto each destination's export options.
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
        fallback_strategies: Iterable[str] | None = DEFAULT_FALLBACKS,
        *,
        max_pending: int = 8192,
        guaranteed_timeout: float = 5.0,
        stall_after: float = 2.0,
    ) -> None:
        self.plan = StrategyPlan.parse(primary_strategy, fallback_strategies)
        _require_positive(max_pending=max_pending, guaranteed_timeout=guaranteed_timeout)
        _require_positive(stall_after=stall_after)
        self.max_pending = int(max_pending)
        self.guaranteed_timeout = float(guaranteed_timeout)
        self.stall_after = float(stall_after)
        self.pending: deque[Item] = deque()
        self.stats = FrontStats()
        self._hard_limit = self.max_pending * _HARD_LIMIT_FACTOR
        self._low_water = self.max_pending // 2
        self._reset_threading()
        self._emit: EmitFunction | None = None
        self._durability = DurabilityWait(lambda: ())
        self._closed = False
        self._caller_path = self.plan.front_is_sync
        self._caller_reason = "sync first" if self._caller_path else ""
        self._submits = 0
        _live_queues.add(self)

    def _reset_threading(self) -> None:
        self._emit_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._settled = threading.Condition(self._state_lock)
        self._wake = threading.Event()
        self._space_waiters: list[LogReceipt] = []
        self._handed_over: deque[tuple[list[LogReceipt], int]] = deque()
        self._worker: threading.Thread | None = None
        self._idle = True
        self._stop = False
        self._heartbeat = time.monotonic()

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
            processors: the export processors guaranteed records wait on.
        """
        self._emit = emit
        self._durability = DurabilityWait(processors)
        if not self.plan.front_is_sync:
            self._ensure_worker()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` began."""
        return self._closed

    @property
    def front_strategy(self) -> str:
        """``async`` while the emitting thread emits, ``sync`` while callers do."""
        return "sync" if self._caller_path else "async"

    # -- the hot path ----------------------------------------------------------------

    def submit(self, args: tuple[Any, ...], guaranteed: bool = False) -> LogReceipt | None:
        """Queue one record; None when the queue is closed (the caller counts the drop).

        Args:
            args: what ``emit`` receives for this record.
            guaranteed: wait until the record is durable before the receipt is done.
        """
        if self._closed:
            return None
        self._submits += 1
        if not self._submits & _CHECK_EVERY or self._caller_path:
            self._check_worker()
            if self._caller_path:
                return self._submit_on_caller(copy_context(), args, guaranteed)
        receipt = LogReceipt(running_loop()) if guaranteed else None
        pending = self.pending
        pending.append((copy_context(), args, receipt))
        if self._idle:
            self._wake.set()
        if len(pending) > self.max_pending:
            return self._over_limit(receipt)
        if receipt is None:
            return COMPLETED
        return self._await_durability(receipt)

    def _await_durability(self, receipt: LogReceipt) -> LogReceipt:
        """On a loop: the receipt to await. In a thread without a loop: wait here."""
        if receipt.has_loop:
            receipt.expire_after(self.guaranteed_timeout + self.stall_after, self._expire)
        elif not receipt.wait(self.guaranteed_timeout + self.stall_after):
            self._expire(receipt)
        return receipt

    def _expire(self, receipt: LogReceipt) -> None:
        """A guaranteed receipt outlived every bound: the emitting thread is not answering."""
        if receipt.done:
            return
        self.stats.count("guaranteed_expired")
        self._check_worker()
        receipt.resolve(False)

    def _over_limit(self, receipt: LogReceipt | None) -> LogReceipt:
        """Backpressure: room is awaited on a loop, waited for in a thread, made past 4x."""
        if len(self.pending) > self._hard_limit:
            self.stats.count("caller_emits_over_limit", self.help_emit(self.max_pending))
        elif receipt is None or receipt.done:
            loop = running_loop()
            space = LogReceipt(loop)
            with self._state_lock:
                self._space_waiters.append(space)
            self.stats.count("backpressure_waits")
            if len(self.pending) <= self._low_water:
                self._release_space()
            if loop is not None:
                space.expire_after(self.stall_after, self._space_timeout)
                return space if receipt is None else receipt
            if not space.wait(self.stall_after):
                self._space_timeout(space)
        return receipt if receipt is not None else COMPLETED

    def _space_timeout(self, space: LogReceipt) -> None:
        if space.done:
            return
        self._check_worker()
        self.stats.count("caller_emits_over_limit", self.help_emit(self.max_pending))
        space.resolve(None)

    # -- the caller's path -----------------------------------------------------------

    def _submit_on_caller(
        self, context: Context, args: tuple[Any, ...], guaranteed: bool
    ) -> LogReceipt:
        """``sync``: emit what is queued, then this record, on the calling thread."""
        waiting: list[LogReceipt] = []
        baseline = 0
        if self._emit_lock.acquire(timeout=self.stall_after):
            try:
                _, waiting, baseline = self._emit_queued_locked(0)
                if guaranteed and not waiting:
                    baseline = self._durability.dropped()
                self._emit_one(context, args)
            finally:
                self._emit_lock.release()
            self.stats.count("caller_emits")
        else:  # the emitting thread is stuck inside a record: keep this one anyway
            self._emit_one(context, args)
            self.stats.count("caller_emits_unordered")
        if not guaranteed:
            self._commit_elsewhere(waiting, baseline)
            return COMPLETED
        receipt = LogReceipt(running_loop())
        self._commit_elsewhere([*waiting, receipt], baseline)
        if not receipt.has_loop:
            receipt.wait(self.guaranteed_timeout + self.stall_after)
        return receipt

    def help_emit(self, keep: int) -> int:
        """Emit queued records on this thread until at most ``keep`` remain; return how many."""
        with self._emit_lock:
            emitted, waiting, baseline = self._emit_queued_locked(keep)
        self._commit_elsewhere(waiting, baseline)
        return emitted

    def _emit_queued_locked(self, keep: int) -> tuple[int, list[LogReceipt], int]:
        """Emit the oldest records (emit lock held); return the count, receipts, drop baseline."""
        pending = self.pending
        emitted = baseline = 0
        waiting: list[LogReceipt] = []
        while len(pending) > keep:
            try:
                context, args, receipt = pending.popleft()
            except IndexError:
                break
            if receipt is not None:
                if not waiting:
                    baseline = self._durability.dropped()
                waiting.append(receipt)
            self._emit_one(context, args)
            emitted += 1
        self._release_space()
        return emitted, waiting, baseline

    def _commit_elsewhere(self, receipts: list[LogReceipt], baseline: int) -> None:
        """Make records a caller emitted durable without blocking an event loop.

        The emitting thread does it when it runs (it pauses emission meanwhile, which is
        what lets the wait end); otherwise the loop's executor, or this very thread when
        no loop runs here.
        """
        if not receipts:
            return
        if not self._caller_path and self._worker is not None and self._worker.is_alive():
            self._handed_over.append((receipts, baseline))
            self._wake.set()
            return
        loop = running_loop()
        if loop is not None:
            try:
                loop.run_in_executor(None, self._commit, receipts, baseline)
                return
            except RuntimeError:  # executor already shut down
                pass
        self._commit(receipts, baseline)

    def _emit_one(self, context: Context, args: tuple[Any, ...]) -> None:
        emit = self._emit
        if emit is None:
            self.stats.count("dropped_unbound")
            return
        try:
            context.run(emit, *args)
        except Exception as error:
            self.stats.count("emit_errors")
            track_error("async_emit", repr(error))
        self.stats.emitted += 1

    # -- the emitting thread -----------------------------------------------------------

    def _ensure_worker(self) -> None:
        worker = self._worker
        if worker is not None and worker.is_alive():
            return
        if self._closed or self._stop or self.plan.front_is_sync:
            return
        try:
            thread = threading.Thread(target=self._run, name="hydra-async-emit", daemon=True)
            thread.start()
        except RuntimeError as error:  # interpreter shutting down, thread limits
            self._use_caller_path(f"cannot start the emitting thread: {error}")
            return
        if worker is not None:
            self.stats.count("worker_restarts")
        self._worker = thread

    def _check_worker(self) -> None:
        """Pick the path for the next calls: the emitting thread if it can run, else the caller."""
        if self.plan.front_is_sync:
            return
        self._ensure_worker()
        worker = self._worker
        if worker is None or not worker.is_alive():
            return
        stuck = (
            bool(self.pending)
            and not self._idle
            and time.monotonic() - self._heartbeat > self.stall_after
        )
        if stuck and not self._caller_path:
            self.stats.count("stalls")
            self._use_caller_path("the emitting thread made no progress")
        elif not stuck and self._caller_path:
            self._caller_path = False
            self._caller_reason = ""

    def _use_caller_path(self, reason: str) -> None:
        self._caller_path = True
        self._caller_reason = reason
        track_error("async_caller_path", reason)

    def _run(self) -> None:
        """Thread body: emit in order, stop after guaranteed records to make them durable."""
        with pipeline_guard():
            while not self._stop:
                try:
                    if self._handed_over:
                        self._commit(*self._handed_over.popleft())
                    elif self.pending:
                        self._round()
                    else:
                        self._go_idle()
                except Exception as error:  # never let the thread die on a surprise
                    self.stats.count("worker_errors")
                    track_error("async_worker", repr(error))

    def _round(self) -> None:
        waiting: list[LogReceipt] = []
        baseline = 0
        pending = self.pending
        while pending and not waiting:
            with self._emit_lock:
                for _ in range(CHUNK):
                    try:
                        context, args, receipt = pending.popleft()
                    except IndexError:
                        break
                    if receipt is not None:
                        if not waiting:
                            baseline = self._durability.dropped()
                        waiting.append(receipt)
                    self._emit_one(context, args)
            self._heartbeat = time.monotonic()
            if len(pending) <= self._low_water:
                self._release_space()
            time.sleep(0)  # hand the GIL to the event loop between chunks
        if waiting:
            self._commit(waiting, baseline)

    def _commit(self, receipts: list[LogReceipt], baseline: int) -> None:
        """Wait until the processors hold nothing only in memory; resolve ``receipts``."""
        started = time.monotonic()
        settled = self._durability.wait(started + self.guaranteed_timeout, self._beat)
        durable = settled and self._durability.dropped() == baseline
        self.stats.committed(len(receipts), durable, time.monotonic() - started)
        resolve_all(receipts, durable)

    def _beat(self) -> None:
        self._heartbeat = time.monotonic()

    def _go_idle(self) -> None:
        with self._state_lock:
            self._wake.clear()
            self._idle = True
            if self.pending or self._handed_over:
                self._idle = False
                return
            self._settled.notify_all()
        self._release_space()
        self._wake.wait(IDLE_WAIT)
        self._idle = False
        self._heartbeat = time.monotonic()

    def _release_space(self) -> None:
        with self._state_lock:
            waiters, self._space_waiters = self._space_waiters, []
        if waiters:
            resolve_all(waiters, None)

    # -- flush and close -------------------------------------------------------------

    def drain(self, timeout: float) -> bool:
        """Wait until every record queued so far is emitted; True if that happened in time.

        Blocks the calling thread: run it off the event loop.
        """
        deadline = time.monotonic() + timeout
        if not self._caller_path and self._worker is not None and self._worker.is_alive():
            self._wake.set()
            with self._settled:
                self._settled.wait_for(
                    lambda: not self.pending and not self._handed_over and self._idle,
                    max(deadline - time.monotonic(), 0),
                )
        # no emitting thread, or it is stuck: emit here
        if self.pending and self._emit_lock.acquire(timeout=max(deadline - time.monotonic(), 0)):
            try:
                _, waiting, baseline = self._emit_queued_locked(0)
            finally:
                self._emit_lock.release()
            self._commit_elsewhere(waiting, baseline)
        return not self.pending

    def close(self, timeout: float = 10.0) -> None:
        """Emit what is queued, stop the emitting thread; later calls are refused."""
        if self._closed:
            return
        self._closed = True
        deadline = time.monotonic() + timeout
        self.drain(timeout)
        self._stop = True
        self._wake.set()
        worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(max(min(deadline - time.monotonic(), 1.0), 0.0))
        if self.pending:
            self.help_emit(0)
        self._release_space()
        _live_queues.discard(self)

    # -- health ----------------------------------------------------------------------

    def metrics(self) -> dict[str, Any]:
        """The front's own state: ``front_strategy``, ``pending`` and its counters.

        Keys: ``front_strategy`` (``async``/``sync``), ``front_reason``, ``pending``,
        ``max_pending``, ``emitted`` (records handed to the processors), ``caller_emits``,
        ``guaranteed``, ``guaranteed_confirmed``, ``guaranteed_unconfirmed``,
        ``guaranteed_wait_avg_ms``, ``guaranteed_wait_max_ms``, ``backpressure_waits``,
        ``stalls``, ``worker_restarts``, ``emit_errors`` and the other counters.
        """
        return {
            "front_strategy": self.front_strategy,
            "front_reason": self._caller_reason or "emitting thread running",
            "pending": len(self.pending),
            "max_pending": self.max_pending,
            "primary_strategy": self.plan.primary,
            "fallback_strategies": list(self.plan.fallbacks),
            **self.stats.snapshot(),
        }

    # -- fork ------------------------------------------------------------------------

    def _after_fork_in_child(self) -> None:
        """The child starts empty: the parent's queued records are the parent's to emit."""
        self.pending.clear()
        self._reset_threading()
        self.stats = FrontStats()


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
