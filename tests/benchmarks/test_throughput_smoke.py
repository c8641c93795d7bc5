"""Smoke test of the throughput benchmark harness: it runs, writes its table, and counts right.

Speed is not checked here (that is what the benchmark reports); what is checked is
that the harness drives the real collector, counts every record it should, and that
HydraLogger's OTLP path delivers everything it accepted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _table_rows(markdown: str) -> dict[str, dict[str, str]]:
    """Scenario key (``a``, ``b``, ...) -> the row's cells by column header (first table)."""
    all_lines = markdown.splitlines()
    start = next(i for i, line in enumerate(all_lines) if line.startswith("| "))
    lines = []
    for line in all_lines[start:]:
        if not line.startswith("|"):
            break
        if line.startswith("| "):
            lines.append(line)
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0].startswith("("):
            key = cells[0][1 : cells[0].index(")")]
            rows[key] = dict(zip(header, cells, strict=True))
    return rows


def _number(cell: str) -> int:
    return int(cell.replace(",", ""))


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output directory of one ``--quick`` run of scenarios (a), (b) and (d)."""
    output = tmp_path_factory.mktemp("throughput")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.throughput",
            "--quick",
            "--scenarios",
            "a,b,d",
            "--output",
            str(output),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return output


@pytest.mark.timeout(120)
def test_quick_run_writes_a_table_row_and_chart_per_scenario(quick_run: Path) -> None:
    rows = _table_rows((quick_run / "throughput.md").read_text(encoding="utf-8"))

    assert sorted(rows) == ["a", "b", "d"]
    for row in rows.values():
        assert _number(row["emitted"]) > 0
        assert float(row["records/s end to end"].replace(",", "")) > 0
    assert (quick_run / "throughput.png").stat().st_size > 0


@pytest.mark.timeout(120)
def test_file_and_hydra_scenarios_deliver_every_record(quick_run: Path) -> None:
    rows = _table_rows((quick_run / "throughput.md").read_text(encoding="utf-8"))

    for key in ("b", "d"):
        assert _number(rows[key]["delivered"]) == _number(rows[key]["emitted"]), rows[key]


@pytest.mark.timeout(120)
def test_stock_otel_scenario_is_counted_at_the_receiver(quick_run: Path) -> None:
    """The stock SDK batch processor may drop (its queue holds 2048); what arrives is counted."""
    row = _table_rows((quick_run / "throughput.md").read_text(encoding="utf-8"))["a"]

    assert 0 < _number(row["delivered"]) <= _number(row["emitted"])


@pytest.mark.timeout(120)
def test_the_interruptions_of_the_calling_thread_are_reported(quick_run: Path) -> None:
    markdown = (quick_run / "throughput.md").read_text(encoding="utf-8")
    section = markdown.split("## What interrupts the log calls", 1)[1].split("\n## ", 1)[0]
    rows = _table_rows(section)

    assert sorted(rows) == ["a", "b", "d"]
    for row in rows.values():
        counts = [row["waits (GIL, I/O)"], row["preemptions (OS)"], row["GC collections"]]
        assert all(cell.isdigit() for cell in counts), row
    results = _table_rows(markdown)  # the same median round as the results table
    for key, row in rows.items():
        expected = f"{results[key]['caller p50 µs']} / {results[key]['caller p99 µs']}"
        assert row["caller p50 / p99 µs"] == expected
