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


@pytest.mark.parametrize(("scenario", "mode"), [("C", "rate"), ("C", "max"), ("E", "max")])
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
    else:
        assert 0 < result["file_lines"] <= result["emitted"]
    assert result["lag_ms"]["ticks"] > 50
    assert 0 <= result["lag_ms"]["p50"] <= result["lag_ms"]["p99"] <= result["lag_ms"]["max"]
    if mode == "rate":
        assert result["emitted"] == 1500  # 5000/s for 0.3 s
