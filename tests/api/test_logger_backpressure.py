"""A producer faster than a file destination is slowed down, not dropped from.

File and console destinations have no spool. When a caller finds their queue half
full it waits (bounded by ``max_wait_when_full``) for the writer instead of the backlog
spilling into the bounded memory ring, so a burst far larger than the queue arrives
complete and in order. A writer that stops making progress is waited for once, then
not again until it moves, so a hung disk cannot hang the application.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hydra_otel import HydraLogger


def test_a_burst_far_larger_than_the_queue_reaches_the_file_complete_and_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HYDRA_QUEUE_MAX_RECORDS", "256")
    path = tmp_path / "app.log"
    destination = {"type": "file", "path": str(path), "format": "plain-text", "max_bytes": 1 << 30}
    config = {"service_name": "burst", "layers": {"APP": {"destinations": [destination]}}}
    count = 20_000
    with HydraLogger(config) as log:
        for i in range(count):
            log.info("APP", f"line {i}")
        queue = log.get_queue_performance_metrics()
    lines = path.read_text().splitlines()
    assert len(lines) == count
    assert [int(line.rsplit(" ", 1)[1]) for line in lines] == list(range(count))
    assert queue["dropped"] == 0 and queue["replayed"] == 0  # never spilled into the ring
