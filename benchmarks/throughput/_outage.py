"""HydraLogger -> OTLP at a steady rate while the collector is SIGKILLed and, later, restarted.

The parent samples the producer's RSS (psutil) and what the receiver counted once a
second; the producer records its own caller latency per phase and Hydra's counters
once a second. The receiver tells distinct records from duplicates by ``bench.seq``.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from benchmarks.throughput._collector import Arrivals, CollectorProcess
from benchmarks.throughput._runner import finish_child, start_child

BEFORE, OUTAGE, AFTER, DRAIN = "before", "outage", "after", "drain (closed)"
_READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class OutagePlan:
    """Rate (records/s) and the seconds of each phase."""

    rate: int
    before: float
    outage: float
    after: float


@dataclass(frozen=True)
class Sample:
    """One second of the run, seen from the parent.

    Attributes:
        t: seconds since the producer started.
        phase: which phase the sample falls in.
        rss_mib: the producer's RSS (None once it has exited).
        received: records the receiver counted, duplicates included.
        unique: distinct records the receiver counted.
    """

    t: float
    phase: str
    rss_mib: float | None
    received: int
    unique: int


@dataclass
class OutageRun:
    """Everything the outage run measured."""

    plan: OutagePlan
    child: dict[str, Any]
    samples: list[Sample] = field(default_factory=list)
    final: Arrivals | None = None
    kill_at: float = 0.0
    restart_at: float = 0.0
    closed_at: float = 0.0
    drained_at: float = 0.0

    @property
    def emitted(self) -> int:
        """Log calls made."""
        return int(self.child["emitted"])


def _wait_ready(workdir: Path, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _READY_TIMEOUT
    while not (workdir / "ready").exists():
        if child.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((workdir / "stderr.txt").read_text(errors="replace")[-3000:])
        time.sleep(0.05)


def _phase_at(now: float, ends: list[tuple[str, float]]) -> str:
    return next((name for name, end in ends if now < end), DRAIN)


def _rss_mib(process: psutil.Process) -> float | None:
    try:
        return float(process.memory_info().rss) / (1024 * 1024)
    except psutil.Error:
        return None


class _Sampler:
    """Takes one :class:`Sample` a second and fires the kill/restart at their times."""

    def __init__(
        self, collector: CollectorProcess, child: subprocess.Popen[bytes], start: float
    ) -> None:
        self.collector = collector
        self.process = psutil.Process(child.pid)
        self.child = child
        self.start = start
        self.samples: list[Sample] = []

    def sample(self, phase: str) -> Arrivals:
        arrivals = self.collector.arrivals()
        alive = self.child.poll() is None
        rss = _rss_mib(self.process) if alive else None
        now = time.monotonic() - self.start
        self.samples.append(Sample(now, phase, rss, arrivals.records, arrivals.unique))
        return arrivals


def run_outage(plan: OutagePlan) -> OutageRun:
    """Run the plan once and return what was measured."""
    with (
        CollectorProcess(track_sequence=True) as collector,
        tempfile.TemporaryDirectory(prefix="hydra-bench-outage-") as tmp,
    ):
        workdir = Path(tmp)
        spec = {
            "scenario": "d",
            "paced": True,
            "rate": plan.rate,
            "endpoint": collector.http_endpoint,
            "workdir": str(workdir),
            "result": str(workdir / "result.json"),
        }
        child = start_child(spec, workdir, stdin=subprocess.PIPE)
        _wait_ready(workdir, child)
        start = time.monotonic() + 0.2
        ends = [
            (BEFORE, start + plan.before),
            (OUTAGE, start + plan.before + plan.outage),
            (AFTER, start + plan.before + plan.outage + plan.after),
        ]
        assert child.stdin is not None
        child.stdin.write((json.dumps({"start": start, "phases": ends}) + "\n").encode())
        child.stdin.close()
        run = OutageRun(plan, {})
        sampler = _Sampler(collector, child, start)
        _drive(sampler, ends, run)
        run.child = finish_child(child, workdir, timeout=120.0)
        run.closed_at = run.child["closed"] - start
        _drain(sampler, run)
        run.samples = sampler.samples
    return run


def _drive(sampler: _Sampler, ends: list[tuple[str, float]], run: OutageRun) -> None:
    """Sample every second until the producer exits, killing and restarting rotel on time."""
    killed = restarted = False
    next_sample = sampler.start
    while sampler.child.poll() is None:
        now = time.monotonic()
        if not killed and now >= ends[0][1]:
            sampler.collector.kill_collector()
            run.kill_at, killed = time.monotonic() - sampler.start, True
        if killed and not restarted and now >= ends[1][1]:
            sampler.collector.start_collector()
            run.restart_at, restarted = time.monotonic() - sampler.start, True
        if now >= next_sample:
            sampler.sample(_phase_at(now, ends))
            next_sample += 1.0
        time.sleep(0.02)


def _drain(sampler: _Sampler, run: OutageRun, settle: float = 15.0, timeout: float = 180.0) -> None:
    """After the producer closed: sample until everything arrived or nothing more comes."""
    deadline = time.monotonic() + timeout
    quiet_since, last = time.monotonic(), -1
    while time.monotonic() < deadline:
        arrivals = sampler.sample(DRAIN)
        if arrivals.unique != last:
            quiet_since, last = time.monotonic(), arrivals.unique
        if arrivals.unique >= run.emitted or time.monotonic() - quiet_since > settle:
            break
        time.sleep(1.0)
    run.final = sampler.collector.arrivals()
    run.drained_at = run.final.last_change - sampler.start
