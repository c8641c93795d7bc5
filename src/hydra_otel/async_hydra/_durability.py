"""Durability: wait until the records emitted so far are exported or in the spool.

A guaranteed record (ERROR and CRITICAL by default) is durable once no export processor
holds anything only in memory any more: every record it accepted is exported, committed
to its sqlite spool, or counted as dropped. The emitting thread pauses while it waits,
so the processors receive nothing new and the wait ends; records logged meanwhile wait
in the queue's front and guaranteed ones among them share the next wait (group commit).

For a :class:`~hydra_otel.export.FallbackExportProcessor` the wait alternates short
``force_flush`` calls (which wake its batching thread and return True once everything
is exported) with a look at ``metrics()["queued"]`` (zero once everything left is in
the spool, which is what ``force_flush`` reports as False when the collector is down).
Other processors (the SDK's simple processor behind ``memory`` destinations) export on
the emitting thread, so their ``force_flush`` is enough.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from opentelemetry.sdk._logs import LogRecordProcessor

from hydra_otel.core import track_error
from hydra_otel.export import FallbackExportProcessor

FLUSH_SLICE = 0.02
"""Seconds of each ``force_flush`` between two looks at the processor's queue."""

BACKLOG_BATCHES = 2
"""Batches a processor may hold in memory before the emitting thread waits for it: one
being sent and one ready, so the exporter never idles and the queues stay short."""

PUSH_OUT_MILLIS = 1000
"""Longest a push-out before idling may take (a local write; normally well under 1 ms)."""

ProcessorSource = Callable[[], Sequence[LogRecordProcessor]]


class DurabilityWait:
    """Waits for the export processors that ``processors()`` returns to hold nothing in memory.

    Args:
        processors: returns the processors to wait on (read at every wait, so a
            logger's outputs can be looked up lazily).
    """

    __slots__ = ("_processors",)

    def __init__(self, processors: ProcessorSource) -> None:
        self._processors = processors

    def dropped(self) -> int:
        """Records the fallback processors dropped so far (to spot drops during a wait)."""
        total = 0
        for processor in self._fallback_processors():
            try:
                total += int(processor.metrics()["dropped"])
            except Exception as error:
                track_error("async_durability", repr(error))
        return total

    def backlogged(self) -> bool:
        """True when a fallback processor holds more than ``BACKLOG_BATCHES`` batches in memory."""
        for processor in self._fallback_processors():
            try:
                limit = BACKLOG_BATCHES * processor.options.max_batch_size
                if int(processor.metrics()["queued"]) > limit:
                    return True
            except Exception as error:
                track_error("async_durability", repr(error))
        return False

    def push_out(self) -> None:
        """Export what ``sync`` processors still queue (they only export when records arrive).

        The emitting thread calls this before it idles, so the tail of a burst reaches
        its file without waiting for the next record.
        """
        for processor in self._fallback_processors():
            try:
                if processor.options.strategy == "sync" and processor.metrics()["queue_depth"]:
                    processor.force_flush(PUSH_OUT_MILLIS)
            except Exception as error:
                track_error("async_durability", repr(error))

    def wait(self, deadline: float, heartbeat: Callable[[], None]) -> bool:
        """Wait until nothing is only in memory, or ``deadline`` (``time.monotonic``).

        Args:
            deadline: give up then and return False.
            heartbeat: called between polls, so the caller can show it is alive.

        Returns:
            True when every processor got there in time.
        """
        settled = True
        for processor in list(self._processors()):
            try:
                if isinstance(processor, FallbackExportProcessor):
                    settled = _settle(processor, deadline, heartbeat) and settled
                else:
                    settled = processor.force_flush(_millis_until(deadline)) and settled
            except Exception as error:
                track_error("async_durability", repr(error))
                settled = False
        return settled

    def _fallback_processors(self) -> list[FallbackExportProcessor]:
        return [p for p in self._processors() if isinstance(p, FallbackExportProcessor)]


def _settle(
    processor: FallbackExportProcessor, deadline: float, heartbeat: Callable[[], None]
) -> bool:
    while True:
        heartbeat()
        remaining = deadline - time.monotonic()
        if processor.force_flush(int(min(max(remaining, 0.0), FLUSH_SLICE) * 1000)):
            return True
        if processor.metrics()["queued"] == 0:
            return True
        if remaining <= 0:
            return False


def _millis_until(deadline: float) -> int:
    return max(int((deadline - time.monotonic()) * 1000), 0)
