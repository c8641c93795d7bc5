"""Run the throughput benchmark.

``python -m benchmarks.throughput`` — every scenario, the table and chart
(``benchmarks/results/throughput.md`` / ``throughput.png``).
``python -m benchmarks.throughput --quick`` — a 0.5 s smoke run, one round.
``python -m benchmarks.throughput outage`` — HydraLogger through a 60 s collector
outage (``outage.md`` / ``outage.png``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.throughput._scenarios import SCENARIOS

RESULTS = Path(__file__).resolve().parent.parent / "results"


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.throughput",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", nargs="?", choices=("table", "outage"), default="table")
    parser.add_argument("--seconds", type=float, default=3.0, help="producing time per scenario")
    parser.add_argument("--rounds", type=int, default=5, help="runs per scenario (median kept)")
    parser.add_argument("--quick", action="store_true", help="0.5 s per scenario, one round")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated keys, from {', '.join(SCENARIOS)}",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where results are written")
    parser.add_argument("--rate", type=int, default=5000, help="outage: records per second")
    parser.add_argument("--outage-seconds", type=float, default=60.0, help="outage: collector down")
    parser.add_argument("--before-seconds", type=float, default=10.0, help="outage: steady first")
    parser.add_argument("--after-seconds", type=float, default=30.0, help="outage: after restart")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds = 0.5, 1
    unknown = [key for key in args.scenarios.split(",") if key not in SCENARIOS]
    if unknown:
        parser.error(
            f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}"
        )
    return args


def _table(args: argparse.Namespace) -> None:
    from benchmarks.throughput._report import median_run, table, write_chart, write_markdown
    from benchmarks.throughput._runner import run_rounds

    keys = args.scenarios.split(",")
    all_runs = run_rounds(keys, args.seconds, args.rounds)
    results = [median_run(runs) for runs in all_runs]
    print("\n".join(table(results, all_runs)), flush=True)
    args.output.mkdir(parents=True, exist_ok=True)
    write_markdown(args.output / "throughput.md", results, all_runs, args.seconds)
    write_chart(args.output / "throughput.png", results)
    print(f"wrote {args.output / 'throughput.md'} and {args.output / 'throughput.png'}")


def _outage(args: argparse.Namespace) -> None:
    from benchmarks.throughput._outage import OutagePlan, run_outage
    from benchmarks.throughput._outage_report import write_outage_chart, write_outage_markdown

    plan = OutagePlan(args.rate, args.before_seconds, args.outage_seconds, args.after_seconds)
    run = run_outage(plan)
    args.output.mkdir(parents=True, exist_ok=True)
    write_outage_markdown(args.output / "outage.md", run)
    write_outage_chart(args.output / "outage.png", run)
    print(f"wrote {args.output / 'outage.md'} and {args.output / 'outage.png'}")


def main() -> None:
    args = _parse()
    if args.command == "outage":
        _outage(args)
    else:
        _table(args)


if __name__ == "__main__":
    main()
