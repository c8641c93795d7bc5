"""Guaranteed delivery: an awaited ERROR or CRITICAL is exported or in the spool when it returns.

The SIGKILL tests run the application in a child process, kill it the moment the
awaited call returned, and check that a next run with the same HYDRA_SPOOL_DIR (or the
collector itself) delivers the record.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

from hydra_otel import AsyncHydraLogger
from hydra_otel.testing import ReceivedLog, RotelCollector

from .conftest import memory_config, otlp_config

_APP = textwrap.dedent(
    """
    import asyncio, sys
    from hydra_otel import AsyncHydraLogger

    endpoint, marker = sys.argv[1], sys.argv[2]
    otlp = {"type": "otlp", "endpoint": endpoint, "protocol": "http/protobuf", "timeout": 1.0}
    config = {"service_name": "sigkill-app", "layers": {"DEFAULT": {"destinations": [otlp]}}}

    async def main():
        log = AsyncHydraLogger(config)
        for i in range(100):
            await log.info("APP", f"before {i}")
        receipt = log.error("APP", "about to be killed", extra={"marker": marker})
        await receipt
        print("durable" if receipt.durable else "not durable", flush=True)
        await asyncio.sleep(60)

    asyncio.run(main())
    """
)


def _run_and_kill_after_the_error(endpoint: str, marker: str) -> str:
    child = subprocess.Popen(
        [sys.executable, "-c", _APP, endpoint, marker],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=os.environ.copy(),
    )
    assert child.stdout is not None
    try:
        said = child.stdout.readline().strip()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    return said


def _sigkill_config(endpoint: str) -> dict[str, object]:
    otlp = {"type": "otlp", "endpoint": endpoint, "protocol": "http/protobuf", "timeout": 1.0}
    return {"service_name": "sigkill-app", "layers": {"DEFAULT": {"destinations": [otlp]}}}


@pytest.mark.parametrize("collector_state", ["down", "hung", "up"])
async def test_sigkill_right_after_an_awaited_error_loses_nothing(
    collector: RotelCollector, collector_state: str
) -> None:
    marker = uuid.uuid4().hex
    if collector_state == "down":
        collector.kill()
    elif collector_state == "hung":
        collector.pause()
    said = await asyncio.to_thread(_run_and_kill_after_the_error, collector.http_endpoint, marker)
    assert said == "durable"
    if collector_state == "down":
        collector.start()
    elif collector_state == "hung":
        collector.resume()
    # the next run of the same application replays what the killed one spooled
    next_run = AsyncHydraLogger(_sigkill_config(collector.http_endpoint))
    await next_run.force_flush(10_000)
    await next_run.close()
    received = await asyncio.to_thread(_wait_for_marker, collector, marker)
    assert [log.body for log in received] == ["about to be killed"]


def _wait_for_marker(collector: RotelCollector, marker: str) -> list[ReceivedLog]:
    """The records carrying ``marker``, one per ``log.record.uid`` (at-least-once allows copies)."""
    deadline = time.monotonic() + 10
    while True:
        found = [log for log in collector.receiver.logs() if log.attributes.get("marker") == marker]
        if found or time.monotonic() > deadline:
            return list({log.attributes["log.record.uid"]: log for log in found}.values())
        time.sleep(0.02)  # polling the receiver until the record is there


async def test_an_awaited_error_is_exported_when_it_returns(collector: RotelCollector) -> None:
    async with AsyncHydraLogger(otlp_config(collector.http_endpoint)) as log:
        for i in range(500):
            await log.info("APP", f"busy {i}")
        receipt = log.error("APP", "must arrive")
        await receipt
        metrics = log.get_queue_performance_metrics()
    assert receipt.durable is True
    assert metrics["exported"] + metrics["spooled"] >= 501  # nothing only in memory
    assert metrics["queued"] == 0


async def test_concurrent_errors_share_durability_waits(collector: RotelCollector) -> None:
    async with AsyncHydraLogger(otlp_config(collector.http_endpoint)) as log:
        receipts = [log.error("APP", f"error {i}") for i in range(50)]
        await asyncio.gather(*receipts)
        front = log.get_queue_performance_metrics()["front"]
    assert all(receipt.durable for receipt in receipts)
    assert front["guaranteed_confirmed"] == 50
    assert front["durability_waits"] < 50  # group commit


@pytest.mark.parametrize(
    ("threshold", "durable_levels"),
    [
        ("ERROR", {"error", "critical"}),
        ("CRITICAL", {"critical"}),
        ("WARNING", {"warning", "security", "error", "critical"}),
        (None, set()),
    ],
)
async def test_the_guaranteed_threshold_is_configurable(
    threshold: str | None, durable_levels: set[str]
) -> None:
    async with AsyncHydraLogger(memory_config(), guaranteed_level=threshold) as log:
        for level in ("info", "warning", "security", "error", "critical"):
            receipt = getattr(log, level)("APP", level)
            await receipt
            assert (receipt.durable is True) == (level in durable_levels), level
