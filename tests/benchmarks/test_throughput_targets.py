"""The throughput page's target lines: rates from the median rounds, p99 from the median
of the rounds' p99s, and how many rounds met each target on their own."""

from __future__ import annotations

from benchmarks.throughput._report import median_p99, median_run, rounds_table, targets
from benchmarks.throughput._runner import ScenarioResult


def _run(key: str, rate: float, p99: float) -> ScenarioResult:
    return ScenarioResult(
        key=key,
        label=f"({key})",
        emitted=int(rate),
        delivered=int(rate),
        seconds=1.0,
        produce_seconds=1.0,
        p50_us=1.0,
        p99_us=p99,
        p999_us=p99,
        peak_rss_mb=1.0,
        rss_growth_mb=0.0,
        caller_cpu_us=1.0,
        background_cpu_us=0.0,
        metrics={},
    )


ROUNDS = {  # three rounds: (records/s, p99) per scenario
    "a": [(10_000, 100.0), (9_000, 120.0), (11_000, 90.0)],
    "b": [(80_000, 20.0), (70_000, 30.0), (75_000, 25.0)],
    "d": [(70_000, 19.0), (75_000, 31.0), (65_000, 24.0)],
    "e": [(41_000, 50.0), (35_000, 60.0), (45_000, 40.0)],
}


def _all_runs() -> list[list[ScenarioResult]]:
    return [[_run(key, *values) for values in rounds] for key, rounds in ROUNDS.items()]


def test_rates_come_from_median_rounds_and_p99_from_the_median_of_p99s() -> None:
    all_runs = _all_runs()
    lines = targets([median_run(runs) for runs in all_runs], all_runs)
    # median rounds: (a) 10,000, (b) 75,000, (d) 70,000, (e) 41,000
    # (d) ÷ (a) per round: 7.0, 8.3, 5.9
    assert lines[0] == "- (d) ≥ 6x (a) (aim 10x): 7.00x — **met** (round by round: 2 of 3 rounds)"
    assert "0.93x — **met** (round by round: 3 of 3 rounds)" in lines[1]
    # (e) ÷ (a) per round: 4.10, 3.89, 4.09
    assert lines[2] == "- (e) ≥ 4x (a): 4.10x — **met** (round by round: 2 of 3 rounds)"
    # median p99s: (d) 24.0, (b) 25.0; round by round (d) ≤ (b) in rounds 1 and 3
    assert "24.0 µs vs 25.0 µs — **met** (round by round: 2 of 3 rounds)" in lines[3]
    assert median_p99([_run("d", 1, p) for p in (5.0, 1.0, 3.0, 7.0)]) == 4.0


def test_a_target_missed_at_the_median_is_reported_as_not_met() -> None:
    all_runs = _all_runs()
    all_runs[2] = [_run("d", rate, p99 + 10) for rate, p99 in ROUNDS["d"]]
    lines = targets([median_run(runs) for runs in all_runs], all_runs)
    assert "34.0 µs vs 25.0 µs — **not met** (round by round: 0 of 3 rounds)" in lines[3]


def test_the_round_by_round_table_lists_every_round_of_the_compared_scenarios() -> None:
    rows = rounds_table(_all_runs())
    assert rows[0].startswith("| round | (a) records/s, p99 µs | (b)")
    assert rows[2] == "| 1 | 10,000, 100.0 | 80,000, 20.0 | 70,000, 19.0 | 41,000, 50.0 |"
    assert len(rows) == 2 + 3
