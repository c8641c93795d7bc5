"""The outage results page (markdown) and chart (PNG)."""

from __future__ import annotations

import bisect
import statistics
from pathlib import Path
from typing import Any

from benchmarks.throughput._outage import AFTER, BEFORE, DRAIN, OUTAGE, OutageRun, Sample
from benchmarks.throughput._report import environment_lines

_FLAT_MIB = 5.0


def _emitted_at(run: OutageRun, t: float) -> float:
    """Calls made by ``t`` (seconds since start), from the producer's once-a-second timeline."""
    start = run.child["started"]
    times = [entry["t"] - start for entry in run.child["timeline"]]
    counts = [entry["emitted"] for entry in run.child["timeline"]]
    if t >= run.closed_at or not times:
        return float(run.emitted)
    index = bisect.bisect_right(times, t)
    if index == 0:
        return 0.0 if not counts else counts[0] * max(t, 0.0) / max(times[0], 1e-9)
    if index == len(times):
        return float(counts[-1])
    t0, t1, c0, c1 = times[index - 1], times[index], counts[index - 1], counts[index]
    return float(c0 + (c1 - c0) * (t - t0) / (t1 - t0))


def caught_up_at(run: OutageRun) -> float | None:
    """First sample after the restart whose backlog (emitted - distinct received) is < 1 s of rate."""
    for sample in run.samples:
        after_restart = sample.t > run.restart_at and sample.phase != DRAIN
        if after_restart and _emitted_at(run, sample.t) - sample.unique < run.plan.rate:
            return sample.t
    return None


def _rss(samples: list[Sample], phase: str) -> list[float]:
    return [s.rss_mib for s in samples if s.phase == phase and s.rss_mib is not None]


def _phase_rows(run: OutageRun) -> list[str]:
    rows = [
        "| phase | seconds | RSS min MiB | RSS median MiB | RSS max MiB | calls | caller p50 µs "
        "| caller p99 µs | caller max µs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lengths = {BEFORE: run.plan.before, OUTAGE: run.plan.outage, AFTER: run.plan.after}
    for phase in (BEFORE, OUTAGE, AFTER):
        rss = _rss(run.samples, phase) or [float("nan")]
        latency = run.child["latency_by_phase"][phase]
        rows.append(
            f"| {phase} | {lengths[phase]:g} | {min(rss):.1f} | {statistics.median(rss):.1f} "
            f"| {max(rss):.1f} | {run.child['emitted_by_phase'][phase]:,} "
            f"| {latency['p50_us']:.1f} | {latency['p99_us']:.1f} | {latency['max_us']:.0f} |"
        )
    return rows


def _delivery_lines(run: OutageRun) -> list[str]:
    final = run.final
    assert final is not None
    missing = run.emitted - final.unique
    caught = caught_up_at(run)
    caught_text = (
        f"{caught - run.restart_at:.0f} s after the restart"
        if caught is not None
        else "not before close"
    )
    return [
        f"- emitted: {run.emitted:,}; received: {final.records:,} records, "
        f"{final.unique:,} distinct, {final.duplicates:,} duplicates "
        f"({final.duplicates / max(final.records, 1):.2%})",
        f"- missing (emitted, never received): {missing:,} "
        f"({missing / max(run.emitted, 1):.2%}); distinct delivered/emitted = "
        f"{final.unique / max(run.emitted, 1):.4f}",
        f"- collector SIGKILLed at t = {run.kill_at:.1f} s, restarted at t = {run.restart_at:.1f} s; "
        f"backlog under one second of records: {caught_text}",
        f"- producer closed at t = {run.closed_at:.1f} s; last record arrived at "
        f"t = {run.drained_at:.1f} s",
    ]


def _rss_verdict(run: OutageRun) -> list[str]:
    before = _rss(run.samples, BEFORE)
    during = _rss(run.samples, OUTAGE)
    after = _rss(run.samples, AFTER)
    if not before or not during:
        return ["- not enough RSS samples to judge"]
    base = statistics.median(before)
    growth = max(during) - base
    lines = [
        f"- RSS growth during the outage: {growth:+.1f} MiB over the steady state "
        f"({base:.1f} MiB); after the restart: {max(after, default=base) - base:+.1f} MiB",
        f"- RSS flat through the outage (growth ≤ {_FLAT_MIB:g} MiB): "
        + ("**met**" if growth <= _FLAT_MIB else "**not met**"),
    ]
    if len(during) >= 20:
        trend = statistics.median(during[-10:]) - statistics.median(during[5:15])
        lines.append(f"- trend within the outage (last 10 s vs 5-15 s in): {trend:+.1f} MiB")
    return lines


def _counter_lines(run: OutageRun) -> list[str]:
    lines = []
    snapshots: list[tuple[str, dict[str, Any]]] = []
    start = run.child["started"]
    for label, t in (("end of before", run.kill_at), ("end of outage", run.restart_at)):
        entries = [e for e in run.child["timeline"] if e["t"] - start <= t]
        if entries:
            snapshots.append((label, entries[-1]["metrics"]))
    snapshots.append(("after close", run.child["metrics"]))
    for label, metrics in snapshots:
        performance = {
            k: v
            for k, v in metrics.get("performance", {}).items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        }
        lines.append(f"- {label}: `{performance}`")
        if "queue" in metrics:
            lines.append(f"  - queue: `{metrics['queue']}`")
    return lines


def write_outage_markdown(path: Path, run: OutageRun) -> None:
    """Write the outage results page."""
    plan = run.plan
    lines = [
        "# HydraLogger → OTLP through a collector outage",
        "",
        "Produced by `python -m benchmarks.throughput outage` (see `benchmarks/throughput/`).",
        "",
        *environment_lines(),
        "",
        "## How it is measured",
        "",
        f"HydraLogger (one OTLP/HTTP destination, defaults otherwise) logs {plan.rate:,} records/s "
        f"in 10 ms ticks: {plan.before:g} s steady, then the rotel collector is SIGKILLed for "
        f"{plan.outage:g} s and restarted on the same ports, then {plan.after:g} s more, then "
        "`close()`. The producer runs in its own process; the parent samples its RSS and what "
        "the receiver behind rotel counted once a second. The receiver tells distinct records "
        "from duplicates by the `bench.seq` attribute. rotel acknowledges a request before it "
        "forwards it, so whatever it held at the SIGKILL is lost inside rotel unless the "
        "sender re-sends it.",
        "",
        "## RSS and caller latency by phase",
        "",
        *_phase_rows(run),
        "",
        *_rss_verdict(run),
        "",
        "## Delivery",
        "",
        *_delivery_lines(run),
        "",
        "![RSS and delivery through the outage](outage.png)",
        "",
        "## Hydra's own counters",
        "",
        *_counter_lines(run),
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_outage_chart(path: Path, run: OutageRun) -> None:
    """Two panels over time: the producer's RSS; records emitted vs distinct records received."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (top, bottom) = plt.subplots(2, 1, figsize=(11, 7), sharex=True)
    alive = [s for s in run.samples if s.rss_mib is not None]
    top.plot([s.t for s in alive], [s.rss_mib for s in alive], color="tab:blue")
    top.set_ylabel("producer RSS, MiB")
    top.set_ylim(bottom=0)
    times = [s.t for s in run.samples]
    bottom.plot(times, [_emitted_at(run, t) for t in times], label="emitted", color="tab:gray")
    bottom.plot(
        times, [s.unique for s in run.samples], label="distinct received", color="tab:green"
    )
    bottom.set_ylabel("records")
    bottom.set_xlabel("seconds since the first record")
    bottom.legend(loc="upper left")
    bottom.set_xlim(0, max(run.closed_at, run.drained_at) + 5)
    for axis in (top, bottom):
        axis.axvspan(
            run.kill_at, run.restart_at, color="tab:red", alpha=0.12, label="collector down"
        )
        axis.axvline(run.closed_at, color="black", linestyle=":", linewidth=1)
    top.set_title(
        f"HydraLogger at {run.plan.rate:,} records/s, collector down for {run.plan.outage:g} s "
        "(shaded); dotted: close()",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
