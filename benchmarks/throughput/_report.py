"""The throughput results page (markdown table) and chart (PNG)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchmarks._environment import environment_lines as shared_environment_lines
from benchmarks.throughput._runner import ScenarioResult

_PACKAGES = (
    "hydra-otel",
    "opentelemetry-sdk",
    "opentelemetry-exporter-otlp-proto-http",
    "protobuf",
    "rotel",
    "hydra-logger",
    "loguru",
    "structlog",
)


def environment_lines() -> list[str]:
    """Machine, load, Python and package versions, date, and the command line."""
    return shared_environment_lines("throughput", _PACKAGES)


def median_run(runs: Sequence[ScenarioResult]) -> ScenarioResult:
    """The round with the median records/s."""
    ordered = sorted(runs, key=lambda r: r.records_per_second)
    return ordered[len(ordered) // 2]


def _ratio(value: float, reference: ScenarioResult | None) -> str:
    if reference is None or reference.records_per_second <= 0:
        return "n/a"
    return f"{value / reference.records_per_second:.2f}x"


def table(
    results: Sequence[ScenarioResult], all_runs: Sequence[Sequence[ScenarioResult]]
) -> list[str]:
    """Markdown rows, one per scenario (its median round)."""
    by_key = {r.key: r for r in results}
    stock, stdlib = by_key.get("a"), by_key.get("b")
    rows = [
        "| scenario | records/s end to end | ÷ (a) | ÷ (b) | caller p50 µs | caller p99 µs "
        "| caller p99.9 µs | CPU µs/record: caller + background | peak RSS MiB "
        "| RSS growth MiB | emitted | delivered | delivered/emitted | lost, all rounds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result, runs in zip(results, all_runs, strict=True):
        rate = result.records_per_second
        lost = sum(max(0, r.emitted - r.delivered) for r in runs)
        emitted_all = sum(r.emitted for r in runs)
        rows.append(
            f"| {result.label} | {rate:,.0f} | {_ratio(rate, stock)} | {_ratio(rate, stdlib)} "
            f"| {result.p50_us:.1f} | {result.p99_us:.1f} | {result.p999_us:.1f} "
            f"| {result.caller_cpu_us:.1f} + {result.background_cpu_us:.1f} "
            f"| {result.peak_rss_mb:.1f} | {result.rss_growth_mb:.1f} "
            f"| {result.emitted:,} | {result.delivered:,} "
            f"| {result.delivered / result.emitted:.4f} | {lost:,} of {emitted_all:,} |"
        )
    return rows


def interruption_table(results: Sequence[ScenarioResult]) -> list[str]:
    """Markdown rows: what interrupted the calling thread, per 100,000 records."""
    rows = [
        "| scenario | caller p50 / p99 µs | waits (GIL, I/O) | preemptions (OS) | GC collections |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r.label} | {r.p50_us:.1f} / {r.p99_us:.1f} | {r.per_100k(r.caller_waits):.0f} "
            f"| {r.per_100k(r.caller_preemptions):.0f} | {r.per_100k(r.gc_collections):.0f} |"
        )
    return rows


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def median_p99(runs: Sequence[ScenarioResult]) -> float:
    """The median of a scenario's per-round caller p99s."""
    values = sorted(r.p99_us for r in runs)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _rounds_met(held: Sequence[bool]) -> str:
    return f"{sum(held)} of {len(held)} rounds"


def targets(
    results: Sequence[ScenarioResult], all_runs: Sequence[Sequence[ScenarioResult]]
) -> list[str]:
    """The issue's targets, checked against this run.

    Rates are those of each scenario's median round; the p99 target compares the
    median of each scenario's per-round p99s, since one round's p99 is one noisy
    sample. Each line also says in how many rounds the target held round by round.
    """
    by_key = {r.key: r for r in results}
    runs_by_key = {runs[0].key: runs for runs in all_runs if runs}
    lines: list[str] = []

    def rate_target(top: str, bottom: str, bound: float, text: str) -> None:
        upper, lower = by_key.get(top), by_key.get(bottom)
        if upper is None or lower is None:
            return
        ratio = upper.records_per_second / lower.records_per_second
        held = [
            high.records_per_second >= bound * low.records_per_second
            for high, low in zip(runs_by_key[top], runs_by_key[bottom], strict=True)
        ]
        lines.append(
            f"- {text}: {ratio:.2f}x — {_verdict(ratio >= bound)} "
            f"(round by round: {_rounds_met(held)})"
        )

    rate_target("d", "a", 6, "(d) ≥ 6x (a) (aim 10x)")
    rate_target("d", "b", 0.8, "(d) ≥ 0.8x (b) (aim 1.5x)")
    rate_target("e", "a", 4, "(e) ≥ 4x (a)")
    if "b" in by_key and "d" in by_key:
        d_p99, b_p99 = median_p99(runs_by_key["d"]), median_p99(runs_by_key["b"])
        held = [
            rd.p99_us <= rb.p99_us
            for rd, rb in zip(runs_by_key["d"], runs_by_key["b"], strict=True)
        ]
        lines.append(
            f"- caller p99 of (d) ≤ that of (b), median of the rounds' p99s: {d_p99:.1f} µs vs "
            f"{b_p99:.1f} µs — {_verdict(d_p99 <= b_p99)} (round by round: {_rounds_met(held)})"
        )
    for result in results:
        if result.delivered != result.emitted:
            lines.append(
                f"- {result.label}: {result.emitted - result.delivered:,} of {result.emitted:,} "
                "records not delivered in the median round"
            )
    return lines


def rounds_table(all_runs: Sequence[Sequence[ScenarioResult]]) -> list[str]:
    """Markdown rows: the compared scenarios' records/s and p99, round by round."""
    runs_by_key = {runs[0].key: runs for runs in all_runs if runs}
    keys = [key for key in ("a", "b", "d", "e") if key in runs_by_key]
    if not keys:
        return []
    rows = [
        "| round | " + " | ".join(f"({k}) records/s, p99 µs" for k in keys) + " |",
        "|---:|" + "---:|" * len(keys),
    ]
    for index in range(len(runs_by_key[keys[0]])):
        cells = [
            f"{runs_by_key[k][index].records_per_second:,.0f}, {runs_by_key[k][index].p99_us:.1f}"
            for k in keys
        ]
        rows.append(f"| {index + 1} | " + " | ".join(cells) + " |")
    return rows


def _hydra_metrics_lines(results: Sequence[ScenarioResult]) -> list[str]:
    lines = []
    for result in results:
        performance = result.metrics.get("performance")
        if not performance:
            continue
        keep = {
            key: value
            for key, value in performance.items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
        lines.append(f"- {result.label}: `{keep}`")
        if "queue" in result.metrics:
            lines.append(f"  - queue: `{result.metrics['queue']}`")
    return lines


def write_markdown(
    path: Path,
    results: Sequence[ScenarioResult],
    all_runs: Sequence[Sequence[ScenarioResult]],
    seconds: float,
) -> None:
    """Write the results page."""
    rounds = len(all_runs[0]) if all_runs else 0
    lines = [
        "# Logging throughput end to end: stock OpenTelemetry, stdlib, hydra-logger, Hydra, loguru, structlog",
        "",
        "Produced by `python -m benchmarks.throughput` (see `benchmarks/throughput/`).",
        "",
        *environment_lines(),
        "",
        "## How it is measured",
        "",
        f"Every scenario runs in a fresh child process of its own and logs as fast as it can for "
        f"{seconds:g} s on one thread, {rounds} round(s) per scenario with the order alternating; "
        "the table shows each scenario's median round (by records/s). Round *n* of every "
        "scenario runs before round *n + 1* of any, so a round's figures are side by side, "
        "and within a round the compared pairs (a)-(e), (e)-(d) and (d)-(b) run back to back.",
        "Each call is one INFO record `user <id> logged in` with three attributes "
        "(`user.id`, `http.route`, `bench.seq` — a counter).",
        "- OTLP scenarios send over OTLP/HTTP (protobuf) to a real rotel collector, which "
        "forwards over gRPC to a receiver counting every record (rotel and the receiver share "
        "one separate process, and the machine's CPUs with the producer). *Delivered* is what "
        "the receiver counted; the time runs from the first call to the arrival of the last record.",
        "- records/s counts delivered records only: a pipeline that drops is not credited "
        "for what it dropped.",
        "- File scenarios write a temp file; *delivered* is the number of lines in it after "
        "the logger was closed; the time runs from the first call to the end of close().",
        "- Caller latency: every 8th call is timed with `time.perf_counter_ns` (same for all scenarios). "
        "Peak RSS is the child process's high-water mark (`VmHWM`, imports included; its `ru_maxrss` would include the parent's, which Linux carries over fork+exec); RSS growth is peak RSS "
        "minus RSS once the logger was set up.",
        "- CPU µs/record: CPU time of the producer process per emitted record, split into the "
        "calling thread (the log calls and close()) and the process's other threads (batching, "
        "encoding, exporting); the collector's and receiver's CPU is not included.",
        "- Formats: stdlib `%(asctime)s %(levelname)s [%(name)s] %(message)s`; hydra-logger "
        "plain-text (no attributes); loguru its default format; structlog JSON with level and ISO "
        "time (attributes included); Hydra and OTel send every attribute over OTLP.",
        "- The machine is shared (2 CPUs, other work running): absolute figures are noisy; "
        "ratios within one run are what to read.",
        "",
        "## Results",
        "",
        *table(results, all_runs),
        "",
        "![records/s and caller p99 per scenario](throughput.png)",
        "",
        "## What interrupts the log calls (median round, per 100,000 records)",
        "",
        "A call that is interrupted lands in the latency tail: p99 is decided by whatever "
        "hits more than 1 call in 100. *Waits* are the calling thread's voluntary context "
        "switches (it gave the GIL to another thread of its process, or waited for I/O); "
        "*preemptions* are involuntary ones (the OS ran another process or thread on its CPU; "
        "rotel and the receiver share the 2 CPUs in OTLP scenarios); *GC collections* are "
        "the process's cyclic garbage collections while producing.",
        "",
        *interruption_table(results),
        "",
        "## Targets (issue #3), as ratios in this run",
        "",
        *targets(results, all_runs),
        "",
        "## Round by round",
        "",
        *rounds_table(all_runs),
        "",
    ]
    hydra = _hydra_metrics_lines(results)
    if hydra:
        lines += ["## Hydra's own counters after close (median round)", "", *hydra, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_chart(path: Path, results: Sequence[ScenarioResult]) -> None:
    """Two panels: records/s per scenario, caller p99 per scenario."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [r.label.replace(" → ", "\n→ ", 1) for r in results]
    colors = ["tab:blue" if r.key in ("d", "e") else "tab:gray" for r in results]
    figure, (left, right) = plt.subplots(1, 2, figsize=(15, 6))
    bars = left.barh(labels, [r.records_per_second for r in results], color=colors)
    left.bar_label(bars, fmt="{:,.0f}", fontsize=8, padding=2)
    left.set_xlabel("records/s delivered end to end (higher is better)")
    left.invert_yaxis()
    bars = right.barh(labels, [r.p99_us for r in results], color=colors)
    right.bar_label(bars, fmt="%.1f", fontsize=8, padding=2)
    right.set_xlabel("caller p99 latency per log call, µs (lower is better)")
    right.invert_yaxis()
    right.set_yticklabels([])
    for axis in (left, right):
        axis.tick_params(axis="y", labelsize=8)
        axis.margins(x=0.15)
    figure.suptitle("Logging throughput, one run, each scenario in its own process", fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
