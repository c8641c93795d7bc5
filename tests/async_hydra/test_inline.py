"""Inline emission: records of an I/O-free layer are emitted by the call itself, in order.

A layer whose records only go through hydra's own processors into OTLP destinations
does no I/O on the caller, so AsyncHydraLogger emits its records where the call is
made (no hop to the emitting thread). Every other layer, guaranteed records, and any
record that would overtake a queued one keep the emitting thread.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from hydra_otel import AsyncHydraLogger
from hydra_otel.async_hydra import MultiFallbackAsyncQueue
from hydra_otel.plugins import AnalyticsPlugin, LogEvent
from hydra_otel.testing import RotelCollector

from .conftest import memory_config, otlp_config
from .test_sync_fallback import file_config, messages


def handed_to_exporters(log: AsyncHydraLogger) -> int:
    """Records the export processors have received so far."""
    return int(log.get_queue_performance_metrics()["emitted"])


def inline_emits(log: AsyncHydraLogger) -> int:
    return int(log.get_queue_performance_metrics()["front"]["inline_emits"])


async def first_record_emitted(log: AsyncHydraLogger, layer: str = "APP") -> None:
    """Log the layer's first record and wait until the emitting thread emitted it."""
    await log.info(layer, "first")
    await log.force_flush(10_000)


async def test_an_otlp_layer_emits_during_the_call(collector: RotelCollector) -> None:
    log = AsyncHydraLogger(otlp_config(collector.http_endpoint, service="inline"))
    await first_record_emitted(log)
    before = handed_to_exporters(log)
    log.info("APP", "emitted before the call returns", extra={"n": 1})  # not awaited
    assert handed_to_exporters(log) == before + 1
    assert inline_emits(log) == 1
    await log.close()
    received = await asyncio.to_thread(collector.receiver.wait_for_logs, 2, 10)
    assert [record.body for record in received] == ["first", "emitted before the call returns"]
    assert received[1].attributes["n"] == 1 and received[1].attributes["hydra.layer"] == "APP"


async def test_inline_records_arrive_in_order_between_guaranteed_ones(
    collector: RotelCollector,
) -> None:
    log = AsyncHydraLogger(otlp_config(collector.http_endpoint, service="inline-order"))
    await first_record_emitted(log)
    bodies = []
    for i in range(300):
        body = f"error {i}" if i % 50 == 0 else f"info {i}"
        receipt = log.error("APP", body) if i % 50 == 0 else log.info("APP", body)
        bodies.append(body)
        if i % 7 == 0:
            await receipt  # some guaranteed records awaited, most not
    await log.close()
    received = await asyncio.to_thread(collector.receiver.wait_for_logs, 301, 10)
    assert [record.body for record in received] == ["first", *bodies]
    front = log.get_queue_performance_metrics()["front"]
    assert front["inline_emits"] > 0 and front["guaranteed_confirmed"] == 6


async def test_a_durability_wait_ends_while_other_tasks_keep_logging(
    collector: RotelCollector,
) -> None:
    log = AsyncHydraLogger(otlp_config(collector.http_endpoint, service="inline-commit"))
    await first_record_emitted(log)
    stop = asyncio.Event()

    async def chatter() -> int:
        sent = 0
        while not stop.is_set():
            await log.info("APP", f"chatter {sent}")
            sent += 1
            if sent % 16 == 0:
                await asyncio.sleep(0)
        return sent

    producer = asyncio.ensure_future(chatter())
    await asyncio.sleep(0)
    receipts = []
    for i in range(5):
        receipts.append(log.error("APP", f"must be durable {i}"))
        await receipts[-1]
    stop.set()
    sent = await producer
    await log.close()
    assert all(receipt.durable is True for receipt in receipts)  # not timed out
    metrics = log.get_queue_performance_metrics()
    assert metrics["front"]["guaranteed_confirmed"] == 5
    assert metrics["exported"] == sent + 6 and metrics["conserved"] is True


async def test_gathered_tasks_keep_their_own_context_inline(collector: RotelCollector) -> None:
    from opentelemetry.sdk.trace import TracerProvider

    tracer = TracerProvider().get_tracer("inline")
    log = AsyncHydraLogger(otlp_config(collector.http_endpoint, service="inline-context"))
    await first_record_emitted(log)

    async def handle(task: int) -> str:
        with tracer.start_as_current_span(f"task-{task}") as span:
            for step in range(3):
                await log.info("APP", f"t{task}-s{step}")
                await asyncio.sleep(0)
            return format(span.get_span_context().trace_id, "032x")

    trace_ids = await asyncio.gather(*(handle(task) for task in range(50)))
    assert inline_emits(log) > 0
    await log.close()
    received = await asyncio.to_thread(collector.receiver.wait_for_logs, 151, 10)
    by_body = {record.body: record for record in received}
    for task, trace_id in enumerate(trace_ids):
        for step in range(3):
            assert by_body[f"t{task}-s{step}"].trace_id == trace_id


class Witness(AnalyticsPlugin):
    """Notes the thread each record was emitted on."""

    def __init__(self) -> None:
        self.threads: set[str] = set()

    def process_event(self, event: LogEvent) -> None:
        self.threads.add(threading.current_thread().name)


async def test_layers_with_io_or_plugins_keep_the_emitting_thread(
    collector: RotelCollector, tmp_path: Path
) -> None:
    path = tmp_path / "app.log"
    configs: list[dict[str, Any]] = [file_config(path), memory_config()]
    for config in configs:  # a file is written on the emitting thread; memory is not ours
        async with AsyncHydraLogger(config) as log:
            await first_record_emitted(log)
            for i in range(20):
                await log.info("APP", f"r{i}")
            await log.force_flush(10_000)
            assert inline_emits(log) == 0
    assert messages(path) == ["first", *(f"r{i}" for i in range(20))]
    witness = Witness()
    async with AsyncHydraLogger(otlp_config(collector.http_endpoint)) as log:
        log.add_plugin("witness", witness)  # user code runs off the loop
        await first_record_emitted(log)
        await log.info("APP", "with a plugin")
        await log.force_flush(10_000)
        assert inline_emits(log) == 0 and witness.threads == {"hydra-async-emit"}


def test_emit_now_never_overtakes_a_record_being_emitted() -> None:
    seen: list[str] = []
    entered, opened = threading.Event(), threading.Event()

    def emit(body: str) -> None:
        if body == "held":
            entered.set()
            opened.wait(10)
        seen.append(body)

    queue = MultiFallbackAsyncQueue()
    queue.bind(emit, lambda: [])
    queue.submit(("held",))
    assert entered.wait(10)
    assert queue.emit_now(("inline",)) is None  # the emitting thread is inside "held"
    queue.submit(("queued",))
    assert queue.emit_now(("inline",)) is None  # "queued" waits ahead of it
    opened.set()
    assert queue.drain(10)
    assert queue.emit_now(("inline",)) is not None
    assert seen == ["held", "queued", "inline"]  # emitted by the call itself
    queue.close(1.0)
    assert queue.emit_now(("after close",)) is None
    assert queue.metrics()["inline_emits"] == 1
