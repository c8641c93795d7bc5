"""One scenario in a process of its own: ``python -m benchmarks.throughput._child SPEC_JSON``.

The spec names the scenario and how to drive it; the child writes its findings as
JSON to ``spec["result"]``. A paced (outage) child touches ``workdir/ready`` once its
logger is set up and then reads its phase schedule from stdin. Times are ``time.monotonic()``, which on Linux is one
system-wide clock, so the parent can compare them with the receiver's arrival times.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.throughput._scenarios import SCENARIOS, Context, Sink
from benchmarks.throughput._workload import percentile_us, produce_for, produce_paced


def current_rss_bytes() -> int:
    """Resident set size of this process now (Linux ``/proc/self/statm``)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize()


def peak_rss_bytes() -> int:
    """Peak resident set size of this process image so far.

    ``VmHWM`` of ``/proc/self/status``, not ``getrusage().ru_maxrss``: Linux carries
    ``ru_maxrss`` over ``fork`` + ``exec``, so a child's value starts at its parent's
    peak and would hide a small logger behind the harness's own footprint.
    ``ru_maxrss`` is the fallback where ``/proc`` is missing.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _cpu_seconds() -> tuple[float, float]:
    """(CPU seconds of the whole process, CPU seconds of the calling thread) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, time.thread_time()


def _thread_switches() -> tuple[int, int]:
    """(voluntary, involuntary) context switches of the calling thread so far (Linux).

    Voluntary ones are waits: for the GIL (another thread of the process ran Python)
    or for I/O. Involuntary ones are the OS preempting the thread for another process
    or thread. Zeros where ``/proc`` is missing.
    """
    found = {"voluntary_ctxt_switches": 0, "nonvoluntary_ctxt_switches": 0}
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/status", encoding="ascii") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in found:
                    found[name] = int(value)
    except OSError:
        pass
    return found["voluntary_ctxt_switches"], found["nonvoluntary_ctxt_switches"]


def _gc_collections() -> int:
    return sum(generation["collections"] for generation in gc.get_stats())


def _throughput(sink: Sink, spec: dict[str, Any], rss_ready: int) -> dict[str, Any]:
    process_before, caller_before = _cpu_seconds()
    waits_before, preempted_before = _thread_switches()
    collections_before = _gc_collections()
    produced = produce_for(sink.emit, spec["seconds"])
    waits_after, preempted_after = _thread_switches()
    collections = _gc_collections() - collections_before
    sink.close()
    closed = time.monotonic()
    process_after, caller_after = _cpu_seconds()
    caller_cpu = caller_after - caller_before
    return {
        "caller_cpu": caller_cpu,
        "background_cpu": max(0.0, process_after - process_before - caller_cpu),
        "emitted": produced.emitted,
        "started": produced.started,
        "produced": produced.finished,
        "closed": closed,
        "delivered_lines": _count_lines(sink.file) if sink.file is not None else None,
        "p50_us": percentile_us(produced.latencies_ns, 0.50),
        "p99_us": percentile_us(produced.latencies_ns, 0.99),
        "p999_us": percentile_us(produced.latencies_ns, 0.999),
        "samples": len(produced.latencies_ns),
        "caller_waits": waits_after - waits_before,
        "caller_preemptions": preempted_after - preempted_before,
        "gc_collections": collections,
        "rss_ready": rss_ready,
        "peak_rss": peak_rss_bytes(),
        "metrics": sink.metrics(),
    }


def _outage(sink: Sink, spec: dict[str, Any], rss_ready: int) -> dict[str, Any]:
    timeline: list[dict[str, Any]] = []

    def on_second(now: float, emitted: int) -> None:
        timeline.append({"t": now, "emitted": emitted, "metrics": sink.metrics()})

    (Path(spec["workdir"]) / "ready").touch()
    schedule = json.loads(sys.stdin.readline())  # the parent's timetable, once we are ready
    time.sleep(max(0.0, schedule["start"] - time.monotonic()))
    phases = [(name, float(end)) for name, end in schedule["phases"]]
    produced = produce_paced(sink.emit, spec["rate"], phases, on_second)
    sink.close()
    closed = time.monotonic()
    return {
        "emitted": produced.emitted,
        "started": produced.started,
        "produced": produced.finished,
        "closed": closed,
        "emitted_by_phase": produced.emitted_by_phase,
        "latency_by_phase": {
            name: {
                "p50_us": percentile_us(samples, 0.50),
                "p99_us": percentile_us(samples, 0.99),
                "max_us": max(samples, default=0) / 1000,
            }
            for name, samples in produced.latencies_ns.items()
        },
        "rss_ready": rss_ready,
        "peak_rss": peak_rss_bytes(),
        "timeline": timeline,
        "metrics": sink.metrics(),
    }


def main() -> None:
    spec = json.loads(sys.argv[1])
    context = Context(spec["endpoint"], Path(spec["workdir"]))
    sink = SCENARIOS[spec["scenario"]].setup(context)
    rss_ready = current_rss_bytes()
    run = _outage if spec.get("paced") else _throughput
    result = run(sink, spec, rss_ready)
    Path(spec["result"]).write_text(json.dumps(result, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
