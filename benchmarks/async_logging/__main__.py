"""Run the async logging benchmark.

``python -m benchmarks.async_logging`` — every case in both producer modes, 3 rounds;
writes ``benchmarks/results/async_logging.md`` and ``async_logging.png``.
``python -m benchmarks.async_logging --quick`` — 0.5 s per case, one round.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.async_logging._runner import Case
from benchmarks.async_logging._scenarios import SCENARIOS

RESULTS = Path(__file__).resolve().parent.parent / "results"

MAX_CASES = [Case(key, "max") for key in ("A", "B", "C", "D", "E")]
"""Throughput: the producer awaits each call as fast as it can."""

RATE_CASES = [
    *(Case(key, "rate") for key in ("A", "B", "A-down", "B-down", "C", "D", "E")),
    Case("A", "rate", freeze=False),
    Case("0", "rate"),
]
"""Loop lag at an offered rate (50,000 records/s by default), and the same producer with no
logger at all (the lag the machine itself causes in that run)."""


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.async_logging",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=2.0, help="producing time per case")
    parser.add_argument("--rate", type=int, default=50_000, help="records/s offered (rate mode)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per case (median kept)")
    parser.add_argument("--quick", action="store_true", help="0.5 s per case, one round")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where results are written")
    parser.add_argument(
        "--cases",
        default=None,
        help=f"comma-separated scenario keys to run (default all: {', '.join(SCENARIOS)})",
    )
    args = parser.parse_args()
    if args.cases is not None:
        unknown = set(args.cases.split(",")) - set(SCENARIOS)
        if unknown:
            parser.error(f"unknown case(s) {', '.join(sorted(unknown))}")
    if args.quick:
        args.seconds, args.rounds = 0.5, 1
    return args


def main() -> None:
    from benchmarks.async_logging._report import median_run, table, write_chart, write_markdown
    from benchmarks.async_logging._runner import run_rounds

    args = _parse()
    sections = []
    chosen = set(args.cases.split(",")) if args.cases else set(SCENARIOS)
    for title, cases in (
        ("Throughput: awaiting each call as fast as possible (max)", MAX_CASES),
        (f"Loop lag at {args.rate:,} records/s offered (rate)", RATE_CASES),
    ):
        cases = [case for case in cases if case.scenario in chosen]
        if not cases:
            continue
        all_runs = run_rounds(cases, args.seconds, args.rate, args.rounds)
        results = [median_run(runs) for runs in all_runs]
        print("\n".join(table(results, all_runs)), flush=True)
        sections.append((title, results, all_runs))
    args.output.mkdir(parents=True, exist_ok=True)
    write_markdown(args.output / "async_logging.md", sections, args.seconds, args.rate, args.rounds)
    write_chart(args.output / "async_logging.png", [(t, r) for t, r, _ in sections])
    print(f"wrote {args.output / 'async_logging.md'} and async_logging.png", flush=True)


if __name__ == "__main__":
    main()
