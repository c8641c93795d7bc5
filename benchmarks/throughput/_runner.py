"""Runs scenarios in child processes and turns what they report into results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.throughput._collector import Arrivals, CollectorProcess
from benchmarks.throughput._scenarios import SCENARIOS

REPO_ROOT = Path(__file__).resolve().parents[2]
_SETTLE_SECONDS = 5.0
_DRAIN_TIMEOUT = 180.0


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's run.

    Attributes:
        key: scenario key (``a``, ``b``, ... ``f-structlog``).
        label: the table's row label.
        emitted: log calls made.
        delivered: records counted at the receiver, or lines in the file after close.
        seconds: first call to the last record delivered.
        produce_seconds: first call to last call (the producing part).
        p50_us, p99_us, p999_us: sampled caller latency of one log call.
        peak_rss_mb: the child's peak RSS (imports included).
        rss_growth_mb: peak RSS minus RSS once the logger was set up.
        caller_cpu_us: CPU time of the calling thread per emitted record (calls and close).
        background_cpu_us: CPU time of the process's other threads per emitted record.
        metrics: the library's own counters after close (Hydra only).
        caller_waits, caller_preemptions, gc_collections: while producing, the calling
            thread's voluntary context switches (waits for the GIL or I/O), its
            involuntary ones (preempted by the OS) and the process's GC collections.
    """

    key: str
    label: str
    emitted: int
    delivered: int
    seconds: float
    produce_seconds: float
    p50_us: float
    p99_us: float
    p999_us: float
    peak_rss_mb: float
    rss_growth_mb: float
    caller_cpu_us: float
    background_cpu_us: float
    metrics: dict[str, Any]
    caller_waits: int = 0
    caller_preemptions: int = 0
    gc_collections: int = 0

    def per_100k(self, count: int) -> float:
        """``count`` per 100,000 emitted records."""
        return count * 100_000 / self.emitted if self.emitted else 0.0

    @property
    def records_per_second(self) -> float:
        """Delivered records per second, end to end."""
        return self.delivered / self.seconds if self.seconds > 0 else 0.0


def child_environment(spool_dir: Path) -> dict[str, str]:
    """The parent's environment without OTEL_*/HYDRA_* settings, with a private spool dir.

    A fresh spool directory per child keeps one scenario's leftovers from being
    replayed (and counted) in the next.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OTEL_", "HYDRA_"))
    }
    environment["HYDRA_SPOOL_DIR"] = str(spool_dir)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO_ROOT), environment.get("PYTHONPATH", "")])
    )
    return environment


def start_child(
    spec: dict[str, Any], workdir: Path, stdin: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    """Start ``benchmarks.throughput._child`` for ``spec`` (stdout/stderr to files in workdir)."""
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.throughput._child", json.dumps(spec)],
        cwd=REPO_ROOT,
        env=child_environment(workdir / "spool"),
        stdin=stdin,
        stdout=(workdir / "stdout.txt").open("wb"),
        stderr=(workdir / "stderr.txt").open("wb"),
    )


def finish_child(child: subprocess.Popen[bytes], workdir: Path, timeout: float) -> dict[str, Any]:
    """Wait for the child and return its JSON result.

    Raises:
        RuntimeError: when it failed, with the tail of its stderr.
    """
    try:
        code = child.wait(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        code = child.wait()
    result_path = workdir / "result.json"
    if code != 0 or not result_path.exists():
        tail = (workdir / "stderr.txt").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"scenario child exited with {code}:\n{tail}")
    result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    return result


def run_scenario(key: str, seconds: float, collector: CollectorProcess) -> ScenarioResult:
    """Run scenario ``key`` for ``seconds`` of producing, in its own process."""
    scenario = SCENARIOS[key]
    with tempfile.TemporaryDirectory(prefix=f"hydra-bench-{key}-") as tmp:
        workdir = Path(tmp)
        spec = {
            "scenario": key,
            "seconds": seconds,
            "endpoint": collector.http_endpoint,
            "workdir": str(workdir),
            "result": str(workdir / "result.json"),
        }
        before = collector.arrivals().records if scenario.otlp else 0
        child = start_child(spec, workdir)
        found = finish_child(child, workdir, timeout=seconds + _DRAIN_TIMEOUT)
    if scenario.otlp:
        arrivals = _await_delivery(collector, before + found["emitted"], found["closed"])
        delivered, finished = arrivals.records - before, arrivals.last_change
    else:
        delivered, finished = found["delivered_lines"], found["closed"]
    mb = 1024 * 1024
    return ScenarioResult(
        key=key,
        label=scenario.label,
        emitted=found["emitted"],
        delivered=delivered,
        seconds=max(finished, found["produced"]) - found["started"],
        produce_seconds=found["produced"] - found["started"],
        p50_us=found["p50_us"],
        p99_us=found["p99_us"],
        p999_us=found["p999_us"],
        peak_rss_mb=found["peak_rss"] / mb,
        rss_growth_mb=(found["peak_rss"] - found["rss_ready"]) / mb,
        caller_cpu_us=found["caller_cpu"] / max(found["emitted"], 1) * 1e6,
        background_cpu_us=found["background_cpu"] / max(found["emitted"], 1) * 1e6,
        metrics=found["metrics"],
        caller_waits=found.get("caller_waits", 0),
        caller_preemptions=found.get("caller_preemptions", 0),
        gc_collections=found.get("gc_collections", 0),
    )


def _await_delivery(collector: CollectorProcess, target: int, closed: float) -> Arrivals:
    return collector.wait_for(target, since=closed, settle=_SETTLE_SECONDS, timeout=_DRAIN_TIMEOUT)


RUN_ORDER = ("c", "f-loguru", "f-structlog", "a", "e", "d", "b")
"""The order scenarios run in within a round (reversed every other round): the pairs the
targets compare, (a)-(e), (e)-(d) and (d)-(b), run back to back, so each pair's figures
come from the same stretch of the shared machine's time (one scenario's median call
took up to 1.5x longer in one run than in another a minute later)."""


def run_rounds(keys: list[str], seconds: float, rounds: int) -> list[list[ScenarioResult]]:
    """Run every scenario ``rounds`` times, alternating the order; results per scenario,
    in the order of ``keys``."""
    runs: dict[str, list[ScenarioResult]] = {key: [] for key in keys}
    ranked = sorted(keys, key=lambda key: RUN_ORDER.index(key) if key in RUN_ORDER else -1)
    with CollectorProcess() as collector:
        for index in range(rounds):
            order = ranked if index % 2 == 0 else ranked[::-1]
            for key in order:
                result = run_scenario(key, seconds, collector)
                runs[key].append(result)
                print(
                    f"round {index + 1}/{rounds} {result.label}: {result.records_per_second:,.0f} rec/s, "
                    f"p99 {result.p99_us:.1f} µs, {result.delivered}/{result.emitted} delivered",
                    flush=True,
                )
                time.sleep(0.2)
    return [runs[key] for key in keys]
