"""FrontCore.emit_inline: a caller's record never overtakes one queued ahead of it."""

from __future__ import annotations

from contextvars import copy_context
from typing import Any

from hydra_otel.async_hydra._core import BARRIER, HELP_LIMIT, FrontCore
from hydra_otel.async_hydra._receipt import LogReceipt


def core_emitting_into(seen: list[str]) -> FrontCore:
    """A front whose records are bodies, emitted into ``seen`` (no emitting thread runs)."""
    core = FrontCore(guaranteed_timeout=1.0)
    core.emit = seen.append
    return core


def queue(core: FrontCore, body: str, receipt: LogReceipt | None = None) -> None:
    core.pending.append((copy_context(), (body,), receipt))


def anything(args: tuple[Any, ...]) -> bool:
    return True


def test_records_queued_ahead_are_emitted_first_when_they_may_be() -> None:
    seen: list[str] = []
    core = core_emitting_into(seen)
    queue(core, "a")
    queue(core, "b")
    assert core.emit_inline(("c",), anything)
    assert seen == ["a", "b", "c"] and not core.pending
    assert core.stats.snapshot()["inline_emits"] == 3


def test_a_queued_record_that_may_not_be_emitted_here_keeps_the_call_out() -> None:
    seen: list[str] = []
    core = core_emitting_into(seen)
    queue(core, "to a file")
    assert not core.emit_inline(("mine",), lambda args: args[0] != "to a file")
    assert seen == [] and len(core.pending) == 1  # the caller queues "mine" behind it


def test_a_guaranteed_record_is_left_to_the_emitting_thread() -> None:
    seen: list[str] = []
    core = core_emitting_into(seen)
    queue(core, "info")
    queue(core, "error", LogReceipt(None))
    assert not core.emit_inline(("mine",), anything)
    assert seen == ["info"] and [args for _, args, _ in core.pending] == [("error",)]


def test_a_flush_marker_on_the_way_is_resolved() -> None:
    seen: list[str] = []
    core = core_emitting_into(seen)
    marker = LogReceipt(None)
    core.pending.append((copy_context(), BARRIER, marker))
    assert core.emit_inline(("mine",), anything)
    assert marker.done and seen == ["mine"]


def test_one_call_emits_a_bounded_number_of_queued_records() -> None:
    seen: list[str] = []
    core = core_emitting_into(seen)
    for i in range(HELP_LIMIT + 3):
        queue(core, f"q{i}")
    assert not core.emit_inline(("mine",), anything)  # the loop is not held for long
    assert seen == [f"q{i}" for i in range(HELP_LIMIT)] and len(core.pending) == 3


def test_nothing_is_emitted_inline_during_a_durability_wait() -> None:
    seen: list[str] = []
    core = core_emitting_into(seen)
    core.committing = 1
    assert not core.emit_inline(("mine",), anything)
    assert seen == []
