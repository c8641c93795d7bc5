"""The async-logging results page (markdown tables) and chart (PNG)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks._environment import environment_lines
from benchmarks.async_logging._runner import CaseResult

_PACKAGES = ("hydra-otel", "opentelemetry-sdk", "rotel", "hydra-logger")


def median_run(runs: Sequence[CaseResult]) -> CaseResult:
    """The round with the median worst loop lag (the figure this benchmark is about)."""
    ordered = sorted(runs, key=lambda r: r.lag_ms["max"])
    return ordered[len(ordered) // 2]


def table(results: Sequence[CaseResult], all_runs: Sequence[Sequence[CaseResult]]) -> list[str]:
    """One markdown table: a row per case (its median round), every round's worst lag."""
    lines = [
        "| case | records/s end to end | calls/s while producing | await p50 µs | await p99 µs "
        "| loop lag p50 ms | loop lag p99 ms | loop lag max ms | max, every round | "
        "full GCs | delivered / emitted |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for result, runs in zip(results, all_runs, strict=True):
        every = ", ".join(f"{r.lag_ms['max']:.1f}" for r in runs)
        lines.append(
            f"| {result.case.label} | {result.records_per_second:,.0f} "
            f"| {result.offered_per_second:,.0f} | {result.caller_us['p50']:.1f} "
            f"| {result.caller_us['p99']:.1f} | {result.lag_ms['p50']:.2f} "
            f"| {result.lag_ms['p99']:.2f} | {result.lag_ms['max']:.2f} | {every} "
            f"| {result.full_collections} | {result.delivered:,} / {result.emitted:,} |"
        )
    return lines


def write_markdown(
    path: Path,
    sections: Sequence[tuple[str, Sequence[CaseResult], Sequence[Sequence[CaseResult]]]],
    seconds: float,
    rate: int,
    rounds: int,
) -> None:
    """The results page: how it is measured, then one table per producer mode."""
    lines = [
        "# Async logging: records/s end to end and event-loop lag",
        "",
        "Produced by `python -m benchmarks.async_logging` (see `benchmarks/async_logging/`).",
        "",
        *environment_lines("async_logging", _PACKAGES),
        "",
        "## How it is measured",
        "",
        f"Every case runs in a fresh process of its own, {rounds} round(s) with the order "
        "alternating; the table shows each case's median round by worst loop lag, and the "
        "worst lag of every round. Each call logs one INFO record `user logged in` with three "
        "attributes. A 1 ms ticker task runs beside the producer task and records how late "
        "the loop runs it: that lateness is the loop lag every other coroutine of the "
        "application would see.",
        f"- *max*: the producer awaits each call as fast as it can for {seconds:g} s, yielding "
        "to the loop every 32 calls. *rate*: it offers "
        f"{rate:,} records/s for {seconds:g} s (a call that must wait for room waits).",
        "- OTLP cases send OTLP/HTTP to a real rotel collector that forwards to a receiver "
        "counting records, both in a separate process; *end to end* runs from the first call "
        "to the last record's arrival. File cases count lines after close. Collector-down "
        "cases count records exported or spooled (the next run would replay the spool).",
        "- Synchronous loggers are called inside a coroutine, as an asyncio application "
        "calls them. hydra-logger 0.7.0's AsyncLogger is awaited through `info_async`.",
        "- `gc.freeze()` is called once each logger is set up (the usual setting for "
        "latency-sensitive services): a full collection of the start-up heap alone pauses "
        "the loop for tens of milliseconds whatever the logger does. The row marked "
        "*no gc.freeze()* shows that effect; *full GCs* counts generation-2 collections.",
        "- The machine is shared (2 CPUs, other work running; rotel and the receiver use "
        "them too): absolute figures are noisy, ratios within one run are what to read. "
        "Row *(0) no logger* runs the same producer and ticker with each call an awaited "
        "no-op: the loop lag the machine itself caused during the run.",
        "",
    ]
    for title, results, all_runs in sections:
        lines += [f"## {title}", "", *table(results, all_runs), ""]
    lines += ["![records/s and loop lag per case](async_logging.png)", ""]
    lines += [
        "## Findings in this run",
        "",
        *findings([r for _, rs, _ in sections for r in rs], rate),
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def findings(results: Sequence[CaseResult], rate: int) -> list[str]:
    """The issue's bounds and the side-by-side ratios, read off this run's rows."""
    rows = {(r.case.mode, r.case.scenario, r.case.freeze): r for r in results}
    lines = []
    up, down = rows.get(("rate", "A", True)), rows.get(("rate", "A-down", True))
    if up is not None:
        verdict = "met" if up.lag_ms["max"] <= 10.0 else "**not met**"
        lines.append(
            f"- AsyncHydraLogger, {rate:,} records/s offered ({up.offered_per_second:,.0f}/s "
            f"taken, the rest held back by backpressure), collector up: worst loop lag "
            f"{up.lag_ms['max']:.1f} ms (p99 "
            f"{up.lag_ms['p99']:.1f} ms); issue bound 10 ms: {verdict}"
        )
    if down is not None:
        verdict = "met" if down.lag_ms["max"] <= 100.0 else "**not met**"
        lines.append(
            f"- collector down: worst loop lag {down.lag_ms['max']:.1f} ms; "
            f"issue bound 100 ms: {verdict}"
        )
    floor = rows.get(("rate", "0", True))
    if floor is not None:
        lines.append(
            f"- the same producer with no logger (the machine's own share): worst loop lag "
            f"{floor.lag_ms['max']:.1f} ms (p99 {floor.lag_ms['p99']:.1f} ms)"
        )
    for mode in ("max", "rate"):
        for ours, theirs in (("A", "B"), ("A-down", "B-down"), ("C", "D"), ("C", "E")):
            mine, other = rows.get((mode, ours, True)), rows.get((mode, theirs, True))
            if mine is None or other is None:
                continue
            lines.append(
                f"- [{mode}] {mine.case.label} vs {other.case.label}: worst loop lag "
                f"{mine.lag_ms['max']:.1f} vs {other.lag_ms['max']:.1f} ms, records/s "
                f"{mine.records_per_second / max(other.records_per_second, 1):.2f}x"
            )
    for result in results:
        if result.delivered < result.emitted:
            lost = result.emitted - result.delivered
            lines.append(
                f"- [{result.case.mode}] {result.case.label}: {lost:,} of {result.emitted:,} "
                f"records missing after close; {_own_account(result.metrics)}"
            )
    return lines


def _own_account(metrics: dict[str, Any]) -> str:
    """What the logger itself counted: records dropped by reason, and still queued or spooled."""
    queue = metrics.get("queue", {})
    if not queue:
        return "the logger reports no counters"
    dropped = queue.get("dropped_by_reason") or {}
    return (
        f"the logger counted {queue.get('exported', 0):,} exported, "
        f"{queue.get('spooled', 0):,} spooled, {queue.get('queued', 0):,} queued, "
        f"dropped {dropped or 'none'}"
    )


def write_chart(path: Path, sections: Sequence[tuple[str, Sequence[CaseResult]]]) -> None:
    """A row of two panels per producer mode: records/s end to end, and loop lag p99/max."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(len(sections), 2, figsize=(15, 5.5 * len(sections)), squeeze=False)
    for (title, results), (left, right) in zip(sections, axes, strict=True):
        _throughput_panel(left, results, title)
        _lag_panel(right, results)
    figure.suptitle("Async logging, each case in its own process", fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _throughput_panel(axis: Any, results: Sequence[CaseResult], title: str) -> None:
    labels = [r.case.label.replace(" → ", "\n→ ", 1) for r in results]
    colors = ["tab:blue" if "AsyncHydraLogger" in r.case.label else "tab:gray" for r in results]
    bars = axis.barh(labels, [r.records_per_second for r in results], color=colors)
    axis.bar_label(bars, fmt="{:,.0f}", fontsize=8, padding=2)
    axis.set_xlabel("records/s end to end (higher is better)")
    axis.set_title(title, fontsize=10)
    axis.invert_yaxis()
    axis.tick_params(axis="y", labelsize=8)
    axis.margins(x=0.15)


def _lag_panel(axis: Any, results: Sequence[CaseResult]) -> None:
    positions = list(range(len(results)))
    axis.barh(
        [p - 0.2 for p in positions],
        [r.lag_ms["p99"] for r in results],
        height=0.4,
        color="tab:orange",
        label="p99",
    )
    bars = axis.barh(
        [p + 0.2 for p in positions],
        [r.lag_ms["max"] for r in results],
        height=0.4,
        color="tab:red",
        label="max",
    )
    axis.bar_label(bars, fmt="%.1f", fontsize=8, padding=2)
    axis.axvline(10.0, color="black", linestyle="--", linewidth=1, label="10 ms")
    axis.set_yticks(positions, [""] * len(results))
    axis.set_xlabel("event-loop lag, ms (lower is better)")
    axis.invert_yaxis()
    axis.legend(loc="lower right", fontsize=8)
