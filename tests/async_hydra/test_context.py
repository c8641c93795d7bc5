"""Trace context and contextvars follow each record from its task to the emitting thread."""

from __future__ import annotations

import asyncio
import threading
import time
from contextvars import ContextVar

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanContext

from hydra_otel import AsyncHydraLogger
from hydra_otel.plugins import AnalyticsPlugin, LogEvent

from .conftest import attrs, memory_config

request_id: ContextVar[str] = ContextVar("request_id", default="none")


class RequestIdWitness(AnalyticsPlugin):
    """Notes, per record, the request id its context carries and the thread that emitted it."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, str]] = {}

    def process_event(self, event: LogEvent) -> None:
        self.seen[event.message] = (request_id.get(), threading.current_thread().name)


async def test_gathered_tasks_keep_their_own_span_and_contextvars() -> None:
    tracer = TracerProvider().get_tracer("context-tests")
    witness = RequestIdWitness()

    async def handle(task: int) -> SpanContext:
        request_id.set(f"req-{task}")
        with tracer.start_as_current_span(f"task-{task}") as span:
            for step in range(5):
                await log.info("API", f"t{task}-s{step}")
                await asyncio.sleep(0)  # interleave the tasks between records
            return span.get_span_context()

    async with AsyncHydraLogger(memory_config()) as log:
        log.add_plugin("witness", witness)
        await log.info("API", "outside any span")
        spans = await asyncio.gather(*(handle(task) for task in range(100)))
        await log.force_flush()  # every record emitted by the emitting thread
        records = {r.log_record.body: r for r in log.memory_records()}

    assert len(records) == 501
    for task, span in enumerate(spans):
        for step in range(5):
            record = records[f"t{task}-s{step}"].log_record
            assert (record.trace_id, record.span_id) == (span.trace_id, span.span_id)
            assert witness.seen[f"t{task}-s{step}"] == (f"req-{task}", "hydra-async-emit")
    assert len({span.trace_id for span in spans}) == 100
    assert records["outside any span"].log_record.trace_id == 0
    assert witness.seen["outside any span"][0] == "none"


class Gate(AnalyticsPlugin):
    """Holds the emitting thread at its first record until the test opens it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()

    def process_event(self, event: LogEvent) -> None:
        self.entered.set()
        self.opened.wait(10)


async def test_records_carry_the_time_of_the_call_not_of_the_emission() -> None:
    gate = Gate()
    async with AsyncHydraLogger(memory_config()) as log:
        log.add_plugin("gate", gate)
        log.info("APP", "held")
        await asyncio.to_thread(gate.entered.wait, 10)
        receipts = [log.info("APP", f"queued {i}") for i in range(3)]
        called_by = time.time_ns()
        gate.opened.set()
        await asyncio.gather(*receipts)
        records = log.memory_records()
    assert [r.log_record.body for r in records] == ["held", "queued 0", "queued 1", "queued 2"]
    assert all(r.log_record.timestamp <= called_by for r in records)  # type: ignore[operator]
    assert attrs(records[1])["hydra.layer"] == "APP"
