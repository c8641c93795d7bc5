"""Smoke test of ``benchmarks.async_logging``'s measuring child: it runs and counts right.

Speed and lag are what the benchmark reports, not what is checked here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("scenario", "mode"), [("C", "rate"), ("C", "max"), ("E", "max"), ("0", "rate")]
)
def test_the_child_measures_and_counts_the_lines_written(
    tmp_path: Path, scenario: str, mode: str
) -> None:
    spec = {
        "scenario": scenario,
        "mode": mode,
        "seconds": 0.3,
        "rate": 5000,
        "freeze": True,
        "endpoint": "http://127.0.0.1:9",
        "workdir": str(tmp_path),
    }
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.async_logging._child", json.dumps(spec)],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["emitted"] > 0
    if scenario == "C":  # ours: every record; hydra-logger's count is reported, not required
        assert result["file_lines"] == result["emitted"]
    elif scenario == "0":  # the control: no logger, nothing written
        assert result["file_lines"] is None
    else:
        assert 0 < result["file_lines"] <= result["emitted"]
    assert result["lag_ms"]["ticks"] > 50
    assert 0 <= result["lag_ms"]["p50"] <= result["lag_ms"]["p99"] <= result["lag_ms"]["max"]
    if mode == "rate":
        assert result["emitted"] == 1500  # 5000/s for 0.3 s


def test_the_results_page_and_chart_render(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO_ROOT))
    from benchmarks.async_logging._report import write_chart, write_markdown
    from benchmarks.async_logging._runner import Case, CaseResult

    def result(scenario: str, mode: str, worst: float, delivered: int = 100) -> CaseResult:
        lag = {"p50": 0.5, "p99": worst / 2, "max": worst, "ticks": 1000}
        return CaseResult(
            Case(scenario, mode), 100, delivered, 1.0, 1.0, lag, {"p50": 3.0, "p99": 9.0}, 0, {}
        )

    rate = [
        result("A", "rate", 12.0),
        result("A-down", "rate", 13.0),
        result("B", "rate", 50.0),
        result("0", "rate", 3.0),
    ]
    lossy = [result("C", "max", 7.0), result("E", "max", 4.0, delivered=90)]
    sections = [("rate", rate, [[r] for r in rate]), ("max", lossy, [[r] for r in lossy])]
    write_markdown(tmp_path / "page.md", sections, seconds=2.0, rate=50_000, rounds=1)
    write_chart(tmp_path / "page.png", [(title, rows) for title, rows, _ in sections])
    page = (tmp_path / "page.md").read_text()
    assert "worst loop lag 12.0 ms" in page and "issue bound 10 ms: **not met**" in page
    assert "issue bound 100 ms: met" in page
    assert "no logger (the machine's own share): worst loop lag 3.0 ms" in page
    assert "10 of 100 records missing after close" in page
    assert (tmp_path / "page.png").stat().st_size > 10_000
