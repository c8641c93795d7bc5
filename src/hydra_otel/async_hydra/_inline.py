"""InlineRoutes: which layers' records an AsyncHydraLogger may emit on the caller's thread.

Handing a record to the emitting thread costs a context copy, a queue hop and a thread
that competes with the event loop for the GIL (about 23 µs of CPU per record in all,
against 19 µs inline). A layer whose emit path does no I/O does not need that thread: when every processor behind its SDK
logger is one of hydra's (the layer's ``DirectEmitter`` runs a fused ``EmitPlan``),
the call is CPU work of a few microseconds (safety processors in place, then the
record encoded into an export processor's queue) and can run where the call is made,
as HydraLogger runs it.

A layer qualifies when its emitter's plan exists (built by the first record it
emitted), is current, and each step is either a safety processor's in-place ``apply``
or a :class:`~hydra_otel.export.FallbackExportProcessor` whose strategy is not
``sync`` (a ``sync`` processor exports on the calling thread: file and console
destinations under the queue's plan, or an OTLP one whose background threads could
not start). Anything else (the SDK's path for a user's own processor, a memory
destination, a file) keeps the emitting thread. :class:`~._loop_share.LoopShare` keeps
inline emission from taking the whole loop.
"""

from __future__ import annotations

from typing import Any

from hydra_otel.api._emit_plan import APPLY, EmitPlan
from hydra_otel.core import track_error
from hydra_otel.export import FallbackExportProcessor

REVIEW_EVERY = 4096
"""Verdicts are re-derived after this many questions, so a processor that went ``sync``
at run time (its threads could not be restarted) is noticed without a per-call cost."""


class InlineRoutes:
    """Per-layer verdicts, cached by the emit plan they were derived from."""

    __slots__ = ("_asked", "_verdicts")

    def __init__(self) -> None:
        self._verdicts: dict[int, tuple[EmitPlan, bool]] = {}
        self._asked = 0

    def allows(self, emitter: Any) -> bool:
        """True when records of ``emitter``'s layer may be emitted on the calling thread.

        Args:
            emitter: a layer route's ``DirectEmitter``.
        """
        plan: EmitPlan | None = emitter.plan
        if plan is None:
            return False
        self._asked += 1
        if self._asked >= REVIEW_EVERY:
            self._asked = 0
            self._verdicts.clear()
        cached = self._verdicts.get(id(emitter))
        if cached is None or cached[0] is not plan:
            cached = (plan, io_free(plan))
            self._verdicts[id(emitter)] = cached
        return cached[1] and plan.is_current()


def io_free(plan: EmitPlan) -> bool:
    """True when running ``plan`` does no I/O on the calling thread (see the module doc)."""
    if plan.steps is None:
        return False
    try:
        return all(
            kind == APPLY or _queues_only(processor) for _gate, kind, processor in plan.steps
        )
    except Exception as error:  # a verdict must never break a log call
        track_error("async_inline", repr(error))
        return False


def _queues_only(processor: Any) -> bool:
    if type(processor) is not FallbackExportProcessor:
        return False
    if processor.options.strategy == "sync":
        return False
    return bool(processor.current_strategy != "sync")
