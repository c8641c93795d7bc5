"""The ``sync`` path: no event loop, other threads, no emitting thread, a stuck one, fork."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from hydra_otel import AsyncHydraLogger
from hydra_otel.async_hydra import MultiFallbackAsyncQueue
from hydra_otel.plugins import AnalyticsPlugin, LogEvent

from .conftest import memory_config


def file_config(path: Path) -> dict[str, Any]:
    destination = {"type": "file", "path": str(path), "format": "json"}
    return {"layers": {"DEFAULT": {"level": "DEBUG", "destinations": [destination]}}}


def messages(path: Path) -> list[str]:
    return [json.loads(line)["message"] for line in path.read_text().splitlines()]


class EmittingThreadGate(AnalyticsPlugin):
    """Holds the emitting thread (only that one, only in this process) until opened."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self._pid = os.getpid()

    def process_event(self, event: LogEvent) -> None:
        if threading.current_thread().name == "hydra-async-emit" and os.getpid() == self._pid:
            self.entered.set()
            self.opened.wait(30)


class QuickToGiveUpQueue(MultiFallbackAsyncQueue):
    """Declares the emitting thread stuck after 0.2 s instead of 2 s."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, stall_after=0.2, **kwargs)


def test_logging_before_during_and_after_the_event_loop(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    log = AsyncHydraLogger(file_config(path))
    log.info("APP", "before the loop")

    async def main() -> None:
        await log.info("APP", "inside the loop")

    asyncio.run(main())
    log.info("APP", "after the loop closed")
    receipt = log.error("APP", "error without a loop")
    assert receipt.done and receipt.durable is True  # no loop: the call itself waited
    assert messages(path)[-1] == "error without a loop"  # on disk when the call returned
    asyncio.run(log.close())
    assert messages(path) == [
        "before the loop",
        "inside the loop",
        "after the loop closed",
        "error without a loop",
    ]


async def test_other_threads_log_through_the_same_queue(tmp_path: Path) -> None:
    path = tmp_path / "threads.log"

    def produce(log: AsyncHydraLogger, thread: int) -> None:
        for i in range(1000):
            log.info("APP", f"{thread}:{i}")

    async with AsyncHydraLogger(file_config(path)) as log:
        threads = [threading.Thread(target=produce, args=(log, t)) for t in range(4)]
        for thread in threads:
            thread.start()
        await log.info("APP", "from the loop")
        await asyncio.gather(*(asyncio.to_thread(thread.join) for thread in threads))
    written = messages(path)
    assert len(written) == 4001
    for thread in range(4):
        mine = [m for m in written if m.startswith(f"{thread}:")]
        assert mine == [f"{thread}:{i}" for i in range(1000)]


async def test_no_emitting_thread_means_the_callers_emit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_start = threading.Thread.start

    def refuse_the_emitting_thread(self: threading.Thread) -> None:
        if self.name == "hydra-async-emit":
            raise RuntimeError("can't start new thread")
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", refuse_the_emitting_thread)
    log = AsyncHydraLogger(memory_config())
    assert log.get_queue_performance_metrics()["current_strategy"] == "sync"
    await log.info("APP", "emitted by the caller")
    assert log.get_queue_performance_metrics()["front"]["caller_emits"] == 1
    await log.error("APP", "guaranteed on the caller path")
    assert [r.log_record.body for r in log.memory_records()] == [
        "emitted by the caller",
        "guaranteed on the caller path",
    ]
    front = log.get_queue_performance_metrics()["front"]
    assert front["guaranteed_confirmed"] == 1
    await log.close()


async def test_sync_as_primary_strategy_emits_on_the_caller() -> None:
    async with AsyncHydraLogger(memory_config(), primary_strategy="sync") as log:
        await log.info("APP", "sync first")
        queue = log.get_queue_performance_metrics()
        assert queue["current_strategy"] == "sync" and queue["front"]["caller_emits"] == 1
        assert [r.log_record.body for r in log.memory_records()] == ["sync first"]


async def test_a_stuck_emitting_thread_hands_over_to_the_callers() -> None:
    gate = EmittingThreadGate()
    log = AsyncHydraLogger(memory_config(), queue_class=QuickToGiveUpQueue)
    log.add_plugin("gate", gate)
    log.info("APP", "stuck here")
    await asyncio.to_thread(gate.entered.wait, 10)
    sent = 1
    while log.get_queue_performance_metrics()["front_strategy"] != "sync":
        await log.info("APP", f"while stuck {sent}")  # every 256th call checks the thread
        sent += 1
        if sent % 256 == 0:
            await asyncio.sleep(0.05)  # let time pass towards stall_after
    for i in range(10):
        await log.info("APP", f"on the caller {i}")
    out_while_held = [r.log_record.body for r in log.memory_records()]
    assert out_while_held[-10:] == [f"on the caller {i}" for i in range(10)]
    gate.opened.set()
    await log.close()
    bodies = [r.log_record.body for r in log.memory_records()]
    assert len(bodies) == sent + 10 and len(set(bodies)) == len(bodies)  # all, exactly once
    assert log.get_queue_performance_metrics()["front"]["stalls"] >= 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_starts_with_an_empty_queue(tmp_path: Path) -> None:
    path = tmp_path / "fork.log"
    gate = EmittingThreadGate()
    log = AsyncHydraLogger(file_config(path))
    log.add_plugin("gate", gate)
    log.info("APP", "parent 0")
    assert gate.entered.wait(10)
    for i in range(1, 4):
        log.info("APP", f"parent {i}")  # queued behind the held record
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            log.info("APP", "child")
            asyncio.run(log.close())
        finally:
            os._exit(0)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    gate.opened.set()
    asyncio.run(log.close())
    written = messages(path)
    assert sorted(written) == ["child", "parent 0", "parent 1", "parent 2", "parent 3"]
