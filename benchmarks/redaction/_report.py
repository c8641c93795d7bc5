"""Writing benchmarks/results/redaction.md and redaction.png."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from benchmarks.redaction._cost import ApplyCost, CostResult
from benchmarks.redaction._quality import WorstCase
from benchmarks.redaction._records import CLEAN_RECORD
from benchmarks.redaction.corpus import ENTITIES, Scores


def _environment() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · Python {platform.python_version()} · "
        f"opentelemetry-sdk {version('opentelemetry-sdk')} · {os.cpu_count()} CPUs "
        f"(load average {load}) · `{' '.join(sys.argv[1:]) or 'defaults'}`"
    )


def cost_table(results: Sequence[CostResult]) -> list[str]:
    """Per-record CPU µs of Logger.emit and of RedactionProcessor, and their ratio."""
    rows = [
        "| record profile | SDK Logger.emit µs/record | added by RedactionProcessor µs/record "
        "| added ÷ emit (median of rounds) | range over rounds |",
        "|---|---:|---:|---:|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.profile} | {r.emit_us:.2f} | {r.added_us:.2f} | **{r.ratio:.2f}x** "
            f"| {min(r.ratios):.2f}x to {max(r.ratios):.2f}x |"
        )
    return rows


def verdict_lines(results: Sequence[CostResult], bound: float = 3.0) -> list[str]:
    """Which profiles meet the issue's bound (added cost at most ``bound`` x emit)."""
    met = [r.profile for r in results if r.ratio <= bound]
    missed = [f"{r.profile} ({r.ratio:.2f}x)" for r in results if r.ratio > bound]
    line = f"Within {bound:g}x: {', '.join(met) or 'none'}."
    if missed:
        line += f" **Over {bound:g}x: {', '.join(missed)}.**"
    return [line]


def apply_lines(clean: ApplyCost) -> list[str]:
    """The clean-record ``apply()`` cost beside the SDK's emit of that record."""
    body, attributes = CLEAN_RECORD
    spread = f"{min(clean.rounds):.2f} to {max(clean.rounds):.2f}"
    return [
        f"`RedactionProcessor.apply()` on a clean record (body {body!r}, attributes "
        f"`{attributes}`), the call hydra's emit path makes: **{clean.apply_us:.2f} µs** "
        f"(median of rounds, {spread}); the SDK's `Logger.emit` of the same record: "
        f"{clean.emit_us:.2f} µs.",
    ]


def quality_table(scores: Scores) -> list[str]:
    """Recall per entity, overall recall, benign alteration rate."""
    rows = ["| entity | planted | recall |", "|---|---:|---:|"]
    for entity in ENTITIES:
        rows.append(f"| {entity} | {scores.planted.get(entity, 0)} | {scores.recall(entity):.3f} |")
    rows.append(f"| **all** | {sum(scores.planted.values())} | **{scores.recall():.4f}** |")
    rows += [
        "",
        f"Benign lines altered: **{scores.benign_altered} of {scores.benign_lines}** "
        f"({scores.benign_altered_rate * 1000:.2f} per 1,000). Benign look-alikes next to PII "
        f"lost: {scores.lookalikes_lost} of {scores.lookalikes}.",
    ]
    return rows


def worst_table(results: Sequence[WorstCase]) -> list[str]:
    """The slowest 64 KiB input per family."""
    rows = [
        "| 64 KiB inputs | worst CPU ms (best of 5) | that input starts with |",
        "|---|---:|---|",
    ]
    rows += [f"| {w.family} | {w.worst_ms:.2f} | `{w.sample!r}` |" for w in results]
    return rows


def write_markdown(
    path: Path,
    costs: Sequence[CostResult],
    clean: ApplyCost,
    scores: Scores,
    worst: Sequence[WorstCase],
) -> None:
    """The results page."""
    lines = [
        "# Redaction benchmark",
        "",
        _environment(),
        "",
        "Produced by `python -m benchmarks.redaction`. Cost: the same records are emitted "
        "through two SDK LoggerProviders — one with only a do-nothing processor (the SDK's "
        "own `Logger.emit`), one with `RedactionProcessor()` (defaults) in front of it — "
        "alternating rounds, CPU time, per-round ratio, median. Each round emits records no "
        "earlier round has seen (the engine remembers strings it found clean; repeating "
        "records would measure that memory, not the scan). Quality: the Faker corpus of "
        "`benchmarks/redaction/corpus.py` through a real SDK pipeline.",
        "",
        "## Added cost per record",
        "",
        *cost_table(costs),
        "",
        "Profiles: *structured* — a fixed event message and four short attributes whose "
        "values repeat (user ids from a pool of 500, four routes); *typical* — an "
        "application message with numbers in it and five attributes (layer, function, "
        "request UUID, status, duration); *corpus, benign* — look-alike-heavy records (UUIDs, "
        "trace ids, timestamps, epoch times, sizes, user ids, hashes); *corpus, with PII* — "
        "every record holds a value to redact. Target: at most 3x, aim 1.5x.",
        "",
        *verdict_lines(costs),
        "",
        *apply_lines(clean),
        "",
        "## Recall and false alterations",
        "",
        *quality_table(scores),
        "",
        "## Worst-case scan time",
        "",
        *worst_table(worst),
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_chart(path: Path, costs: Sequence[CostResult], scores: Scores) -> None:
    """Left: emit vs added cost per profile. Right: recall per entity."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    names = [c.profile for c in costs]
    positions = range(len(costs))
    left.bar([p - 0.2 for p in positions], [c.emit_us for c in costs], 0.4, label="SDK Logger.emit")
    left.bar(
        [p + 0.2 for p in positions], [c.added_us for c in costs], 0.4, label="added by redaction"
    )
    for p, c in zip(positions, costs, strict=True):
        left.annotate(f"{c.ratio:.2f}x", (p + 0.2, c.added_us), ha="center", va="bottom")
    left.set_xticks(list(positions), names, fontsize=8)
    left.set_ylabel("CPU µs per record")
    left.set_title("RedactionProcessor cost beside Logger.emit")
    left.legend()
    recalls = [scores.recall(e) for e in ENTITIES]
    right.barh(list(ENTITIES), recalls, color="tab:green")
    right.axvline(0.95, color="tab:red", linestyle="--", label="0.95 per type")
    right.set_xlim(0.9, 1.0)
    right.set_title(f"Recall per entity (overall {scores.recall():.4f})")
    right.tick_params(axis="y", labelsize=7)
    right.legend(loc="lower left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
