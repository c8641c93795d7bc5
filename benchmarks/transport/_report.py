"""The transport results page (markdown tables) and chart (PNG)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchmarks._environment import environment_lines
from benchmarks.transport._app_thread import AppThreadResult, median
from benchmarks.transport._contenders import LEAN, REQUESTS, Payload
from benchmarks.transport._cost import CostResult

_PACKAGES = ("hydra-otel", "requests", "urllib3", "rotel")


def _pick(results: Sequence[CostResult], payload: str, path: str) -> CostResult:
    return next(r for r in results if (r.payload, r.path) == (payload, path))


def cost_table(results: Sequence[CostResult]) -> list[str]:
    """Markdown rows: medians per payload and path, the CPU spread, and the ratio to lean."""
    rows = [
        "| payload | path | requests per repeat | CPU µs/request | user µs/request "
        "| wall µs/request | CPU, lowest-highest repeat | CPU ÷ lean | wall ÷ lean | failed |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lean = _pick(results, r.payload, LEAN)
        rows.append(
            f"| {r.payload} | {r.path} | {r.requests_per_block:,} | {r.cpu_us:.0f} "
            f"| {r.user_us:.0f} | {r.wall_us:.0f} "
            f"| {min(r.cpu_samples):.0f}-{max(r.cpu_samples):.0f} "
            f"| {r.cpu_us / lean.cpu_us:.1f}x | {r.wall_us / lean.wall_us:.1f}x | {r.failures} |"
        )
    return rows


def ratio_table(results: Sequence[CostResult]) -> list[str]:
    """Markdown rows: requests ÷ lean per payload, for CPU, user CPU and wall time."""
    rows = [
        "| payload | CPU: requests ÷ lean | user CPU: requests ÷ lean | wall: requests ÷ lean |",
        "|---|---:|---:|---:|",
    ]
    for payload in dict.fromkeys(r.payload for r in results):
        lean, slow = _pick(results, payload, LEAN), _pick(results, payload, REQUESTS)
        rows.append(
            f"| {payload} | {slow.cpu_us / lean.cpu_us:.1f}x "
            f"({slow.cpu_us:.0f} vs {lean.cpu_us:.0f} µs) "
            f"| {slow.user_us / lean.user_us:.1f}x | {slow.wall_us / lean.wall_us:.1f}x |"
        )
    return rows


def app_thread_table(results: Sequence[AppThreadResult]) -> list[str]:
    """Markdown rows: every repeat of the application-thread runs, medians first."""

    def every(values: Sequence[float], fmt: str) -> str:
        return ", ".join(format(v, fmt) for v in values)

    rows = [
        "| payload | background thread | app throughput lost % (median) | every repeat "
        "| p99.9 gap µs (median) | every repeat | requests/s sent, every repeat |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.payload} | {r.path} | {median(r.lost_pct):.1f} | {every(r.lost_pct, '.1f')} "
            f"| {median(r.p999_gap_us):.0f} | {every(r.p999_gap_us, '.0f')} "
            f"| {every(r.sent_per_second, '.0f')} |"
        )
    return rows


def _how_measured(payloads: Sequence[Payload], repeats: int) -> list[str]:
    large = payloads[-1]
    return [
        "## How it is measured",
        "",
        "`FastOTLPLogExporter(endpoint)` sends over one kept-alive `http.client` connection "
        "(*lean*); `FastOTLPLogExporter(endpoint, session=requests.Session())` sends through "
        "`requests` (*requests*), as it also does for proxies and `.netrc`. Both POST to a real "
        "rotel collector started with `--exporter blackhole` on free loopback ports, so nothing "
        "behind it decodes or forwards; each exporter was checked to use the transport its name "
        "says before timing.",
        "",
        f"- Payloads: an empty body, and {large.records:,} log records "
        f"({len(large.body):,} bytes) encoded by the exporter's own `encode`: the encoder "
        "benchmark's records (str body, 5 attributes, trace ids) with a unique `request.id` "
        "and `user.id` each.",
        "- Each repeat sends a block of requests on one thread with `export_encoded` "
        "(no encoding in the timed part) and divides that thread's CPU time "
        "(`getrusage(RUSAGE_THREAD)`, user + system, and user alone) and wall time by the "
        f"number of requests. {repeats} repeats, alternating which path goes first; the "
        "tables show medians.",
        "- CPU time is the figure that matters: the exporter runs on a thread of the "
        "application, and the Python it runs holds the GIL away from the application's "
        "threads. Wall time also includes rotel reading the body and the kernel's loopback, "
        "on the same 2 shared CPUs.",
        "- The machine is shared (2 CPUs, other work running): absolute figures are noisy, "
        "ratios within one run are what to read.",
        "",
    ]


def _app_thread_section(
    app_thread: Sequence[AppThreadResult] | None, rate: int, seconds: float
) -> list[str]:
    intro = (
        f"A background thread exports one request every 1/{rate} s with one path while the "
        f"main thread spins a Python loop for {seconds:g} s; *throughput lost* is the loop's "
        "iterations against a run without exporter in the same repeat, the *gap* is the time "
        "between two chunks of 200 loop iterations."
    )
    if not app_thread:
        return [
            "## What an application thread loses (not in this run)",
            "",
            intro,
            "Tried with 5 repeats on this machine, these figures were too noisy to read: the "
            "same case's throughput lost spread over tens of percentage points between repeats "
            "(from below zero to over 50 %), more than the difference between the paths, and "
            "the p99.9 and largest gaps varied several-fold, because the other work on the 2 "
            "shared CPUs and rotel itself take CPU from the loop whatever the exporter does. "
            "The background thread also often fell short of the rate (the requests path more "
            "than the lean one), so the two paths did not even send the same load. "
            "The CPU per request above is the steadier measure of the same cost (see the "
            "findings). `python -m benchmarks.transport --app-thread` runs it anyway "
            "and adds the table with every repeat's figures.",
            "",
        ]
    return [
        "## What an application thread loses",
        "",
        intro,
        "Every repeat is shown: on this shared machine they are noisy (see the spread) and "
        "the medians are not a reliable ranking on their own.",
        "",
        *app_thread_table(app_thread),
        "",
    ]


def findings(results: Sequence[CostResult], rate: int) -> list[str]:
    """Per payload: both paths' CPU and wall per request, their ratio, the GIL time at ``rate``."""
    lines = []
    for payload in dict.fromkeys(r.payload for r in results):
        lean, slow = _pick(results, payload, LEAN), _pick(results, payload, REQUESTS)
        lines.append(
            f"- {payload}: {lean.cpu_us / 1000:.2f} ms of CPU per request on the lean path "
            f"against {slow.cpu_us / 1000:.2f} ms through requests "
            f"({slow.cpu_us / lean.cpu_us:.1f}x); wall {lean.wall_us / 1000:.2f} ms against "
            f"{slow.wall_us / 1000:.2f} ms. At {rate} requests/s that is "
            f"{lean.cpu_us * rate / 1e4:.1f} % against {slow.cpu_us * rate / 1e4:.1f} % of a CPU "
            "spent on the exporting thread, whose user part is mostly Python holding the GIL."
        )
    return lines


def write_markdown(
    path: Path,
    cost: Sequence[CostResult],
    payloads: Sequence[Payload],
    repeats: int,
    app_thread: Sequence[AppThreadResult] | None,
    rate: int,
    seconds: float,
) -> None:
    """Write the results page."""
    lines = [
        "# FastOTLPLogExporter transports: lean http.client vs requests",
        "",
        "Produced by `python -m benchmarks.transport` (see `benchmarks/transport/`).",
        "",
        *environment_lines("transport", _PACKAGES),
        "",
        *_how_measured(payloads, repeats),
        "## CPU and wall time per request",
        "",
        *cost_table(cost),
        "",
        "## requests ÷ lean",
        "",
        *ratio_table(cost),
        "",
        "![CPU and wall time per request](transport.png)",
        "",
        "## Findings in this run",
        "",
        *findings(cost, rate),
        "",
        *_app_thread_section(app_thread, rate, seconds),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_chart(path: Path, cost: Sequence[CostResult]) -> None:
    """Two panels: CPU µs/request (user and system stacked) and wall µs/request."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    payloads = list(dict.fromkeys(r.payload for r in cost))
    colors = {LEAN: "tab:blue", REQUESTS: "tab:gray"}
    width = 0.38
    for i, name in enumerate((LEAN, REQUESTS)):
        rows = [_pick(cost, p, name) for p in payloads]
        xs = [x + i * width for x in range(len(payloads))]
        user = [r.user_us for r in rows]
        system = [r.cpu_us - r.user_us for r in rows]
        left.bar(xs, user, width, color=colors[name], label=f"{name}: user")
        bars = left.bar(
            xs, system, width, bottom=user, color=colors[name], alpha=0.45, label=f"{name}: system"
        )
        left.bar_label(bars, labels=[f"{r.cpu_us:.0f}" for r in rows], fontsize=8)
        bars = right.bar(xs, [r.wall_us for r in rows], width, color=colors[name], label=name)
        right.bar_label(bars, fmt="%.0f", fontsize=8)
    ticks = [x + width / 2 for x in range(len(payloads))]
    for axis, title, label in (
        (left, "CPU of the exporting thread per request", "CPU µs per request (lower is better)"),
        (right, "Wall time per request", "wall µs per request (lower is better)"),
    ):
        axis.set_xticks(ticks, payloads)
        axis.set_title(title)
        axis.set_ylabel(label)
        axis.legend(fontsize=8)
    figure.suptitle("FastOTLPLogExporter → rotel (blackhole) on loopback, medians")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
