"""Writing the results: a markdown table and a PNG chart under benchmarks/results/."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from benchmarks.encoder._encoding import EncodingResult
from benchmarks.encoder._export import ThroughputResult

SDK_ENCODER = "SDK encode_logs().SerializeToString()"


def _environment() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · Python {platform.python_version()} · "
        f"opentelemetry-sdk {version('opentelemetry-sdk')} · protobuf {version('protobuf')} · "
        f"{os.cpu_count()} CPUs (load average {load}) · `{' '.join(sys.argv[1:]) or 'defaults'}`"
    )


def encoding_table(results: Sequence[EncodingResult]) -> list[str]:
    """Markdown rows: µs/record per encoder and profile, with the ratio to the SDK."""
    sdk = {r.profile: r.median_us for r in results if r.encoder == SDK_ENCODER}
    rows = [
        "| record profile | encoder | µs/record (median) | µs/record (best) | SDK time ÷ this |",
        "|---|---|---:|---:|---:|",
    ]
    for r in results:
        ratio = sdk[r.profile] / r.median_us
        rows.append(
            f"| {r.profile} | {r.encoder} | {r.median_us:.2f} | {r.best_us:.2f} | {ratio:.1f}x |"
        )
    return rows


def throughput_table(results: Sequence[ThroughputResult]) -> list[str]:
    """Markdown rows: records/s at the receiver and export() cost, with the ratio to the SDK."""
    sdk = {r.transport: r.records_per_second for r in results if r.exporter.startswith("SDK")}
    rows = [
        "| transport | exporter | records/s at the receiver | export() µs/record (median) "
        "| ÷ SDK records/s | failed exports |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = r.records_per_second / sdk[r.transport]
        rows.append(
            f"| {r.transport} | {r.exporter} | {r.records_per_second:,.0f} | "
            f"{r.export_us_per_record:.2f} | {ratio:.1f}x | {r.failures} |"
        )
    return rows


def write_markdown(
    path: Path,
    encoding: Sequence[EncodingResult],
    throughput: Sequence[ThroughputResult],
    batch_size: int,
) -> None:
    """Write the results page."""
    lines = [
        "# OTLP log encoding and export: OpenTelemetry SDK vs hydra-otel",
        "",
        f"Produced by `python -m benchmarks.encoder` · {_environment()}",
        "",
        f"## Encoding one batch of {batch_size} records into `ExportLogsServiceRequest` bytes",
        "",
        "Both sides produce byte-identical output (checked before timing). *typical*: a",
        "str body, `hydra.layer` + 4 more attributes, trace and span ids, as a Hydra app",
        "logs them; *high-cardinality*: the same with a unique `request.id` and `user.id`",
        "in every record, so the attribute cache cannot help with those. Rounds are",
        "interleaved between encoders.",
        "",
        *encoding_table(encoding),
        "",
        "## End to end: export() in a loop → rotel collector → counting OTLP receiver",
        "",
        f"Batches of {batch_size} records sent one after another on one thread; records/s",
        "is what the receiver (in a separate process, behind a real rotel collector)",
        "counted, over the time from the first export to the last record counted.",
        "The median of the rounds is shown. Where 10⁶ ÷ export() µs/record is well above",
        "the counted rate, the exporter is not the limit: rotel and the Python receiver",
        "behind it share the same CPUs and set the pace.",
        "",
        *throughput_table(throughput),
        "",
        "![chart](encoder.png)",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_chart(
    path: Path, encoding: Sequence[EncodingResult], throughput: Sequence[ThroughputResult]
) -> None:
    """Two panels: µs/record by encoder and profile; records/s by exporter and transport."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    profiles = list(dict.fromkeys(r.profile for r in encoding))
    names = list(dict.fromkeys(r.encoder for r in encoding))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        values = [
            next(r.median_us for r in encoding if (r.encoder, r.profile) == (name, p))
            for p in profiles
        ]
        bars = left.bar([x + i * width for x in range(len(profiles))], values, width, label=name)
        left.bar_label(bars, fmt="%.1f", fontsize=8)
    left.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(profiles))], profiles)
    left.set_ylabel("µs per record (lower is better)")
    left.set_title("Encoding a batch")
    left.legend(fontsize=8)
    labels = [f"{r.transport}\n{r.exporter}" for r in throughput]
    colors = ["tab:gray" if r.exporter.startswith("SDK") else "tab:blue" for r in throughput]
    bars = right.bar(labels, [r.records_per_second for r in throughput], color=colors)
    right.bar_label(bars, fmt="{:,.0f}", fontsize=8)
    right.set_ylabel("records/s counted at the receiver (higher is better)")
    right.set_title("Export through rotel")
    right.tick_params(axis="x", labelsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
