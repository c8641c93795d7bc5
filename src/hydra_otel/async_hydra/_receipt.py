"""LogReceipt: what an AsyncHydraLogger log call returns, awaitable and already acted on.

The record is queued when the method is *called*, not when the result is awaited: code
that forgets the ``await`` (sync code inside an async app, another thread) still logs,
and no "coroutine was never awaited" warning appears. Awaiting the receipt waits for
what the call promised:

* most records: nothing (the receipt is complete at once);
* guaranteed records (ERROR and CRITICAL by default): until the record is durable,
  exported or committed to the crash-safe spool;
* a call made while the queue is over its limit: until the queue has room again
  (backpressure that yields the event loop instead of growing memory).

A receipt is not a coroutine: ``asyncio.gather``, ``asyncio.wait_for`` and
``asyncio.ensure_future`` accept it, ``asyncio.create_task`` does not.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Generator
from typing import Any


class LogReceipt:
    """The outcome of one log call; ``await`` it, or :meth:`wait` from a thread.

    ``durable`` is None until known, then True when the record was exported or
    spooled, False when that could not be confirmed in time (the record may still
    arrive; the failure is counted in the queue's metrics). Records that carry no
    guarantee are never confirmed: their ``durable`` stays None.
    """

    __slots__ = ("_event", "_future", "_loop", "_resolved", "_timer", "durable")

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.durable: bool | None = None
        self._resolved = False
        self._loop = loop
        self._future: asyncio.Future[None] | None = None
        self._event: threading.Event | None = None
        self._timer: asyncio.TimerHandle | None = None
        if loop is not None:
            self._future = loop.create_future()
        else:
            self._event = threading.Event()

    @property
    def has_loop(self) -> bool:
        """True when the receipt belongs to the event loop of the thread that made it."""
        return self._future is not None

    def expire_after(self, delay: float, callback: Callable[[LogReceipt], None]) -> None:
        """Call ``callback(self)`` on the loop after ``delay`` s unless resolved before.

        Only from the receipt's own loop thread (the one that made it).
        """
        if self._loop is not None:
            self._timer = self._loop.call_later(delay, callback, self)

    def complete_after(self, delay: float) -> None:
        """Complete the receipt (``durable`` stays None) ``delay`` s from now, on its loop.

        Only from the receipt's own loop thread; the timer completes the future there
        directly, without the cross-thread wake-up :meth:`resolve` needs.
        """
        if self._loop is not None:
            self._timer = self._loop.call_later(delay, _complete_on_loop, self)

    def run_off_loop(self, function: Callable[..., object], *args: object) -> bool:
        """Run ``function(*args)`` in the loop's default executor; False if it cannot."""
        if self._loop is None:
            return False
        try:
            self._loop.run_in_executor(None, function, *args)
        except RuntimeError:  # executor shut down, loop closed
            return False
        return True

    @property
    def done(self) -> bool:
        """True once whatever the call promised has happened (the first outcome stays)."""
        return self._resolved

    def __await__(self) -> Generator[Any, None, None]:
        future = self._future
        if future is not None and not future.done():
            yield from future.__await__()
        elif self._event is not None and not self._event.is_set():
            yield from (
                asyncio.get_running_loop().run_in_executor(None, self._event.wait).__await__()
            )

    def wait(self, timeout: float | None = None) -> bool:
        """Block this thread until done (not on an event loop thread); True if done in time."""
        if self._event is not None:
            return self._event.wait(timeout)
        return self.done

    def resolve(self, durable: bool | None) -> None:
        """Mark the receipt done (any thread); ``durable`` as described on the class."""
        resolve_all([self], durable)


def resolve_all(receipts: list[LogReceipt], durable: bool | None) -> None:
    """Resolve many receipts, waking each event loop once rather than once per receipt."""
    by_loop: dict[asyncio.AbstractEventLoop, list[LogReceipt]] = {}
    for receipt in receipts:
        if receipt._resolved:
            continue
        receipt._resolved = True
        receipt.durable = durable
        if receipt._event is not None:
            receipt._event.set()
        elif receipt._loop is not None:
            by_loop.setdefault(receipt._loop, []).append(receipt)
    for loop, on_loop in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody can await them
            loop.call_soon_threadsafe(_finish_all, on_loop)


def _complete_on_loop(receipt: LogReceipt) -> None:
    receipt._timer = None
    if not receipt._resolved:
        receipt._resolved = True
        _finish_all([receipt])


def _finish_all(receipts: list[LogReceipt]) -> None:
    """On the receipts' loop: complete their futures and cancel their expiry timers."""
    for receipt in receipts:
        future, timer = receipt._future, receipt._timer
        if future is not None and not future.done():
            future.set_result(None)
        if timer is not None:
            timer.cancel()
            receipt._timer = None


class _CompletedReceipt(LogReceipt):
    """The receipt of a call with nothing to wait for (shared, never changes)."""

    __slots__ = ()

    def __init__(self) -> None:
        self.durable = None
        self._resolved = True
        self._loop = None
        self._future = None
        self._event = None
        self._timer = None

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield  # a generator that finishes at once

    def resolve(self, durable: bool | None) -> None:
        """A completed receipt never changes."""


COMPLETED = _CompletedReceipt()
"""The receipt returned by calls that promised nothing beyond queuing the record."""


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop running in this thread, or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
