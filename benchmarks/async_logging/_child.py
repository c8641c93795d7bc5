"""One measured run, in a process of its own: ``python -m benchmarks.async_logging._child SPEC``.

SPEC is JSON: ``scenario``, ``mode`` (``max``: log as fast as awaiting allows;
``rate``: offer ``rate`` records/s), ``seconds``, ``endpoint``, ``workdir`` and ``freeze``
(``gc.freeze()`` once the logger is set up). A 1 ms ticker task runs beside the producer
and records how late the loop runs it. The result is one JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.async_logging._scenarios import SCENARIOS, Sink

_TICK = 0.001
_SAMPLE_EVERY = 8
_BURST = 32


async def _ticker(lateness: list[float], stop: asyncio.Event) -> None:
    due = time.perf_counter() + _TICK
    while not stop.is_set():
        await asyncio.sleep(max(due - time.perf_counter(), 0.0))
        now = time.perf_counter()
        lateness.append(now - due)
        due = max(due + _TICK, now)


async def _emit_sampled(sink: Sink, seq: int, samples: list[int]) -> None:
    if seq % _SAMPLE_EVERY:
        await sink.emit(seq)
        return
    started = time.perf_counter_ns()
    await sink.emit(seq)
    samples.append(time.perf_counter_ns() - started)


async def _produce_max(sink: Sink, seconds: float, samples: list[int]) -> int:
    """As fast as awaiting each call allows, yielding to other tasks every 32 calls."""
    seq = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for _ in range(_BURST):
            await _emit_sampled(sink, seq, samples)
            seq += 1
        await asyncio.sleep(0)
    return seq


async def _produce_rate(sink: Sink, seconds: float, rate: int, samples: list[int]) -> int:
    """Offer ``rate`` records/s in bursts of at most 32, as request handlers would.

    Behind schedule it yields (``sleep(0)``) between bursts; on schedule it sleeps 0.5 ms.
    """
    total = int(rate * seconds)
    started, seq = time.perf_counter(), 0
    while seq < total:
        due = min(int((time.perf_counter() - started) * rate), total)
        burst_end = min(due, seq + _BURST)
        while seq < burst_end:
            await _emit_sampled(sink, seq, samples)
            seq += 1
        await asyncio.sleep(0 if seq < due else 0.0005)
    return seq


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


async def _run(spec: dict[str, Any]) -> dict[str, Any]:
    scenario = SCENARIOS[spec["scenario"]]
    sink = scenario.build(spec["endpoint"], Path(spec["workdir"]))
    if spec["freeze"]:
        gc.collect()
        gc.freeze()
    collections = [0]
    gc.callbacks.append(_count_full_collections(collections))
    lateness: list[float] = []
    samples: list[int] = []
    stop = asyncio.Event()
    ticks = asyncio.create_task(_ticker(lateness, stop))
    started = time.monotonic()
    if spec["mode"] == "max":
        emitted = await _produce_max(sink, spec["seconds"], samples)
    else:
        emitted = await _produce_rate(sink, spec["seconds"], spec["rate"], samples)
    produced = time.monotonic()
    stop.set()
    await ticks
    await sink.close()
    closed = time.monotonic()
    lines = _count_lines(sink.path) if sink.path is not None else None
    return {
        "emitted": emitted,
        "started": started,
        "produce_seconds": produced - started,
        "closed": closed,
        "close_seconds": closed - produced,
        "file_lines": lines,
        "lag_ms": {
            "p50": _percentile(lateness, 0.50) * 1000,
            "p99": _percentile(lateness, 0.99) * 1000,
            "max": max(lateness, default=0.0) * 1000,
            "ticks": len(lateness),
        },
        "caller_us": {
            "p50": _percentile([s / 1000 for s in samples], 0.50),
            "p99": _percentile([s / 1000 for s in samples], 0.99),
        },
        "full_collections": collections[0],
        "metrics": sink.metrics(),
    }


def _count_full_collections(counter: list[int]) -> Callable[[str, dict[str, Any]], None]:
    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info.get("generation") == 2:
            counter[0] += 1

    return callback


def _count_lines(path: Path) -> int:
    with path.open("rb") as file:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))


def main() -> None:
    spec = json.loads(sys.argv[1])
    result = asyncio.run(_run(spec))
    print(json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
