"""AsyncHydraLogger end to end through the real rotel collector to a receiver."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from opentelemetry.sdk.trace import TracerProvider

from hydra_otel import AsyncHydraLogger
from hydra_otel.testing import RotelCollector

from .conftest import otlp_config

TASKS = 200
RECORDS_PER_TASK = 250


async def test_200_concurrent_tasks_deliver_every_record_exactly_once(
    collector: RotelCollector,
) -> None:
    async def task(number: int) -> None:
        for seq in range(RECORDS_PER_TASK):
            await log.info("API", "request handled", extra={"task": number, "seq": seq})
            if seq % 25 == 0:
                await asyncio.sleep(0)  # tasks interleave, as request handlers do

    log = AsyncHydraLogger(otlp_config(collector.http_endpoint, service="e2e-async"))
    await asyncio.gather(*(task(number) for number in range(TASKS)))
    await log.close()
    expected = TASKS * RECORDS_PER_TASK
    received = await asyncio.to_thread(collector.receiver.wait_for_logs, expected, 30)
    ids = Counter((log.attributes["task"], log.attributes["seq"]) for log in received)
    assert len(ids) == expected, "every record arrived"
    assert max(ids.values()) == 1, "and none twice"
    assert len({log.attributes["log.record.uid"] for log in received}) == expected
    assert {log.resource["service.name"] for log in received} == {"e2e-async"}
    metrics = log.get_queue_performance_metrics()
    assert metrics["exported"] == expected and metrics["conserved"] is True


@pytest.mark.parametrize("protocol", ["http/protobuf", "grpc"])
async def test_trace_ids_and_exceptions_arrive_per_task(
    collector: RotelCollector, protocol: str
) -> None:
    endpoint = collector.http_endpoint if protocol == "http/protobuf" else collector.grpc_endpoint
    tracer = TracerProvider().get_tracer("e2e")

    async def handle(number: int) -> str:
        with tracer.start_as_current_span(f"request-{number}") as span:
            await log.info("API", f"start {number}")
            await asyncio.sleep(0)
            try:
                raise ValueError(f"bad input {number}")
            except ValueError:
                await log.exception("API", f"failed {number}")
            return format(span.get_span_context().trace_id, "032x")

    log = AsyncHydraLogger(otlp_config(endpoint, protocol=protocol))
    trace_ids = await asyncio.gather(*(handle(number) for number in range(20)))
    await log.close()
    received = await asyncio.to_thread(collector.receiver.wait_for_logs, 40, 10)
    by_body = {log.body: log for log in received}
    for number, trace_id in enumerate(trace_ids):
        assert by_body[f"start {number}"].trace_id == trace_id
        failed = by_body[f"failed {number}"]
        assert failed.trace_id == trace_id and failed.severity_number == 17
        assert failed.attributes["exception.type"] == "ValueError"
        assert failed.attributes["exception.message"] == f"bad input {number}"
