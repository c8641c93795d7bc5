"""MultiFallbackAsyncQueue's front: backpressure instead of unbounded memory, drain, metrics."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from hydra_otel import AsyncHydraLogger
from hydra_otel.async_hydra import LogReceipt, MultiFallbackAsyncQueue

from .conftest import memory_config
from .test_sync_fallback import EmittingThreadGate


class TinyQueue(MultiFallbackAsyncQueue):
    """A front of 8 records, so its limits are easy to reach."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_pending"] = 8
        super().__init__(*args, **kwargs)


async def held_logger() -> tuple[AsyncHydraLogger, EmittingThreadGate]:
    """A logger whose emitting thread is held inside its first record."""
    gate = EmittingThreadGate()
    log = AsyncHydraLogger(memory_config(), queue_class=TinyQueue)
    log.add_plugin("gate", gate)
    log.info("APP", "held")
    await asyncio.to_thread(gate.entered.wait, 10)
    return log, gate


async def test_past_the_limit_an_awaited_call_waits_for_room() -> None:
    log, gate = await held_logger()
    for i in range(8):
        assert log.info("APP", f"fits {i}").done
    over = log.info("APP", "one too many")
    assert isinstance(over, LogReceipt) and not over.done
    waiting = asyncio.ensure_future(_await(over))
    assert log.get_queue_performance_metrics()["pending"] == 9
    gate.opened.set()
    await asyncio.wait_for(waiting, 5)
    await log.close()
    bodies = [r.log_record.body for r in log.memory_records()]
    assert bodies == ["held", *(f"fits {i}" for i in range(8)), "one too many"]
    assert log.get_queue_performance_metrics()["front"]["backpressure_waits"] == 1


async def _await(receipt: LogReceipt) -> None:
    await receipt


async def test_a_thread_past_the_limit_blocks_until_there_is_room() -> None:
    log, gate = await held_logger()
    returned = threading.Event()

    def produce() -> None:
        for i in range(12):
            log.info("APP", f"thread {i}")
        returned.set()

    producer = threading.Thread(target=produce)
    producer.start()
    assert not await asyncio.to_thread(returned.wait, 0.1)  # held back, not dropped
    gate.opened.set()
    await asyncio.to_thread(producer.join, 10)
    assert returned.is_set()
    await log.close()
    bodies = [r.log_record.body for r in log.memory_records()]
    assert bodies == ["held", *(f"thread {i}" for i in range(12))]


async def test_force_flush_drains_the_front_before_flushing_the_destinations() -> None:
    log, gate = await held_logger()
    for i in range(5):
        log.info("APP", f"queued {i}")
    flushing = asyncio.ensure_future(log.force_flush(10_000))
    assert log.get_performance_metrics()["records_pending"] == 5
    gate.opened.set()
    assert await flushing is True
    assert log.get_performance_metrics()["records_pending"] == 0
    assert len(log.memory_records()) == 6
    await log.close()


def test_metrics_of_a_fresh_queue() -> None:
    queue = MultiFallbackAsyncQueue()
    metrics = queue.metrics()
    assert metrics["front_strategy"] == "async" and metrics["pending"] == 0
    assert metrics["primary_strategy"] == "async"
    assert metrics["fallback_strategies"] == ["sync", "direct", "memory"]
    assert metrics["max_pending"] == 1024 and metrics["emitted"] == 0
    queue.close(1.0)
    assert queue.submit(()) is None  # closed: the caller counts the drop


async def test_code_that_never_awaits_cannot_grow_the_queue_without_bound() -> None:
    log = AsyncHydraLogger(memory_config(), queue_class=TinyQueue)  # room 8, hard limit 32
    peak = 0
    for i in range(2000):
        log.info("APP", f"r{i}")  # sync code on the loop thread, never awaiting
        peak = max(peak, log.get_performance_metrics()["records_pending"])
    await log.close()
    assert peak < 200  # bounded near the hard limit, not growing with the 2000 calls
    bodies = [r.log_record.body for r in log.memory_records()]
    assert bodies == [f"r{i}" for i in range(2000)]
