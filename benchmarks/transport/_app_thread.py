"""What an application thread loses while a background thread exports at a fixed rate.

The application thread spins a tight Python loop and records the time between
iterations; a second thread sends one request every ``1/rate`` s through one path.
Each request's Python holds the GIL away from the loop, so the loop completes fewer
iterations (throughput lost) and sometimes waits longer between two (the gaps).
"""

from __future__ import annotations

import gc
import statistics
import threading
import time
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from benchmarks.transport._contenders import Payload
from hydra_otel.export.otlp import FastOTLPLogExporter

NO_EXPORTER = "no exporter (baseline)"


@dataclass(frozen=True)
class _Run:
    iterations: int
    p999_gap_us: float
    max_gap_us: float
    sent_per_second: float


@dataclass(frozen=True)
class AppThreadResult:
    """One path sending one payload in the background: each repeat's figures, in order."""

    payload: str
    path: str
    lost_pct: tuple[float, ...]
    p999_gap_us: tuple[float, ...]
    max_gap_us: tuple[float, ...]
    sent_per_second: tuple[float, ...]


def _app_loop(seconds: float) -> tuple[int, array[float]]:
    """Spin for ``seconds``; every gap between two chunks of 200 empty iterations."""
    gaps: array[float] = array("d")
    append, clock = gaps.append, time.perf_counter
    last = clock()
    end = last + seconds
    while last < end:
        for _ in range(200):
            pass
        now = clock()
        append(now - last)
        last = now
    return len(gaps), gaps


def _sender(
    exporter: FastOTLPLogExporter, body: bytes, rate: float, stop: threading.Event, sent: list[int]
) -> None:
    next_send = time.perf_counter()
    while not stop.is_set():
        exporter.export_encoded(body)
        sent[0] += 1
        next_send += 1 / rate
        delay = next_send - time.perf_counter()
        if delay > 0:
            time.sleep(delay)


def _run(exporter: FastOTLPLogExporter | None, body: bytes, rate: float, seconds: float) -> _Run:
    stop, sent = threading.Event(), [0]
    thread = None
    if exporter is not None:
        thread = threading.Thread(target=_sender, args=(exporter, body, rate, stop, sent))
        thread.start()
    gc.collect()
    iterations, gaps = _app_loop(seconds)
    stop.set()
    if thread is not None:
        thread.join()
    ordered = sorted(gaps)
    return _Run(
        iterations,
        ordered[int(len(ordered) * 0.999)] * 1e6,
        ordered[-1] * 1e6,
        sent[0] / seconds,
    )


def measure(
    exporters: Mapping[str, FastOTLPLogExporter],
    payloads: Sequence[Payload],
    rate: float,
    seconds: float,
    repeats: int,
) -> list[AppThreadResult]:
    """Per payload and repeat: a baseline run, then each path (order alternating).

    Throughput lost is against the baseline of the same repeat, so a machine whose
    load drifts between repeats skews each repeat less.
    """
    results = []
    for payload in payloads:
        runs: dict[str, list[tuple[float, _Run]]] = {NO_EXPORTER: [], **{n: [] for n in exporters}}
        for repeat in range(repeats):
            baseline = _run(None, b"", rate, seconds)
            runs[NO_EXPORTER].append((0.0, baseline))
            order = list(exporters) if repeat % 2 == 0 else list(exporters)[::-1]
            for name in order:
                run = _run(exporters[name], payload.body, rate, seconds)
                lost = 100 * (1 - run.iterations / baseline.iterations)
                runs[name].append((lost, run))
        results += [_result(payload.name, name, path_runs) for name, path_runs in runs.items()]
    return results


def _result(payload: str, path: str, runs: Sequence[tuple[float, _Run]]) -> AppThreadResult:
    return AppThreadResult(
        payload,
        path,
        tuple(lost for lost, _ in runs),
        tuple(run.p999_gap_us for _, run in runs),
        tuple(run.max_gap_us for _, run in runs),
        tuple(run.sent_per_second for _, run in runs),
    )


def median(values: Sequence[float]) -> float:
    """The median of one result's per-repeat figures."""
    return statistics.median(values)
