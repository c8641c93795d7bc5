"""Runs each case in a child process and turns its report into a result row.

The collector (rotel) and the counting receiver live in one more process, shared with
the throughput benchmark (``benchmarks.throughput._collector``), so neither the
receiver's decoding nor rotel competes with the measured process for its GIL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.async_logging._scenarios import SCENARIOS
from benchmarks.throughput._collector import CollectorProcess
from benchmarks.throughput._runner import REPO_ROOT, child_environment

_SETTLE_SECONDS = 5.0
_DRAIN_TIMEOUT = 120.0


@dataclass(frozen=True)
class Case:
    """What to run: a scenario, how the producer logs, and whether gc.freeze() is used."""

    scenario: str
    mode: str
    freeze: bool = True

    @property
    def label(self) -> str:
        """The row label."""
        label = SCENARIOS[self.scenario].label
        return label if self.freeze else f"{label}, no gc.freeze()"


@dataclass(frozen=True)
class CaseResult:
    """One run of one case.

    Attributes:
        case: what ran.
        emitted: log calls made.
        delivered: records counted at the receiver, lines in the file, or (collector
            down) records in the spool.
        seconds: first call to the last record delivered (or to the end of close).
        produce_seconds: first call to last call.
        lag_ms: the 1 ms ticker's lateness: p50, p99, max.
        caller_us: p50 and p99 of one awaited log call (every 8th call timed).
        full_collections: generation-2 garbage collections while producing and closing.
        metrics: the Hydra loggers' queue metrics after close.
    """

    case: Case
    emitted: int
    delivered: int
    seconds: float
    produce_seconds: float
    lag_ms: dict[str, float]
    caller_us: dict[str, float]
    full_collections: int
    metrics: dict[str, Any]

    @property
    def records_per_second(self) -> float:
        """Delivered records per second, end to end."""
        return self.delivered / self.seconds if self.seconds > 0 else 0.0

    @property
    def offered_per_second(self) -> float:
        """Log calls per second while producing."""
        return self.emitted / self.produce_seconds if self.produce_seconds > 0 else 0.0


def run_case(case: Case, seconds: float, rate: int, collector: CollectorProcess) -> CaseResult:
    """Run ``case`` in a fresh process and measure delivery."""
    scenario = SCENARIOS[case.scenario]
    if scenario.collector_down:
        collector.kill_collector()
    try:
        with tempfile.TemporaryDirectory(prefix=f"hydra-async-bench-{case.scenario}-") as tmp:
            workdir = Path(tmp)
            spec = {
                "scenario": case.scenario,
                "mode": case.mode,
                "seconds": seconds,
                "rate": rate,
                "freeze": case.freeze,
                "endpoint": collector.http_endpoint,
                "workdir": str(workdir),
            }
            before = collector.arrivals().records
            found = _run_child(spec, workdir, timeout=seconds + _DRAIN_TIMEOUT)
    finally:
        if scenario.collector_down:
            collector.start_collector()
    if scenario.control:  # nothing to deliver: every call counts
        delivered, finished = found["emitted"], float(found["closed"])
    elif scenario.otlp and not scenario.collector_down:
        arrivals = collector.wait_for(
            before + found["emitted"],
            since=found["closed"],
            settle=_SETTLE_SECONDS,
            timeout=_DRAIN_TIMEOUT,
        )
        delivered, finished = arrivals.records - before, arrivals.last_change
    else:
        delivered, finished = _local_delivery(found)
    return CaseResult(
        case=case,
        emitted=found["emitted"],
        delivered=delivered,
        seconds=finished - found["started"],
        produce_seconds=found["produce_seconds"],
        lag_ms=found["lag_ms"],
        caller_us=found["caller_us"],
        full_collections=found["full_collections"],
        metrics=found["metrics"],
    )


def _local_delivery(found: dict[str, Any]) -> tuple[int, float]:
    """Lines in the file, or records exported or spooled (collector down), at close."""
    if found["file_lines"] is not None:
        return int(found["file_lines"]), float(found["closed"])
    queue = found["metrics"].get("queue", {})
    return int(queue.get("spooled", 0)) + int(queue.get("exported", 0)), float(found["closed"])


def _run_child(spec: dict[str, Any], workdir: Path, timeout: float) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.async_logging._child", json.dumps(spec)],
        cwd=REPO_ROOT,
        env=child_environment(workdir / "spool"),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{spec['scenario']} child exited {done.returncode}:\n{done.stderr[-3000:]}"
        )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_rounds(cases: list[Case], seconds: float, rate: int, rounds: int) -> list[list[CaseResult]]:
    """Run every case ``rounds`` times, alternating the order; results per case."""
    runs: dict[Case, list[CaseResult]] = {case: [] for case in cases}
    with CollectorProcess() as collector:
        for index in range(rounds):
            for case in cases if index % 2 == 0 else cases[::-1]:
                result = run_case(case, seconds, rate, collector)
                runs[case].append(result)
                print(
                    f"round {index + 1}/{rounds} [{case.mode}] {case.label}: "
                    f"{result.records_per_second:,.0f} rec/s end to end, "
                    f"loop lag p99 {result.lag_ms['p99']:.1f} / max {result.lag_ms['max']:.1f} ms",
                    flush=True,
                )
                time.sleep(0.2)
    return [runs[case] for case in cases]
