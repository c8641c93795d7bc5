"""Run the transport benchmark: ``python -m benchmarks.transport [--repeats 9] [--app-thread]``.

Writes benchmarks/results/transport.md and benchmarks/results/transport.png.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.transport import _app_thread, _cost
from benchmarks.transport._contenders import LEAN, make_payloads, open_exporters
from benchmarks.transport._report import (
    app_thread_table,
    cost_table,
    ratio_table,
    write_chart,
    write_markdown,
)
from hydra_otel.testing import RotelCollector

RESULTS = Path(__file__).resolve().parent.parent / "results"


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.transport",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repeats", type=int, default=9, help="timed blocks per path (median)")
    parser.add_argument("--payload-kb", type=int, default=300, help="size of the large payload")
    parser.add_argument("--empty-requests", type=int, default=1000, help="per block, empty body")
    parser.add_argument("--large-requests", type=int, default=200, help="per block, large body")
    parser.add_argument(
        "--app-thread",
        action="store_true",
        help="also measure what an application thread loses (noisy on a shared machine)",
    )
    parser.add_argument("--rate", type=int, default=200, help="requests/s, --app-thread only")
    parser.add_argument("--seconds", type=float, default=1.5, help="per run, --app-thread only")
    parser.add_argument("--app-repeats", type=int, default=5, help="--app-thread only")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where results are written")
    return parser.parse_args()


def main() -> None:
    args = _parse()
    app_thread = None
    with RotelCollector(None) as collector:  # rotel's blackhole exporter: nothing downstream
        exporters = open_exporters(collector.http_endpoint + "/v1/logs")
        try:
            payloads = make_payloads(
                exporters[LEAN], args.payload_kb, args.empty_requests, args.large_requests
            )
            cost = _cost.measure(exporters, payloads, args.repeats)
            print("\n".join([*cost_table(cost), "", *ratio_table(cost)]), flush=True)
            if args.app_thread:
                app_thread = _app_thread.measure(
                    exporters, payloads, args.rate, args.seconds, args.app_repeats
                )
                print("\n".join(app_thread_table(app_thread)), flush=True)
        finally:
            for exporter in exporters.values():
                exporter.shutdown()
    args.output.mkdir(parents=True, exist_ok=True)
    write_markdown(
        args.output / "transport.md",
        cost,
        payloads,
        args.repeats,
        app_thread,
        args.rate,
        args.seconds,
    )
    write_chart(args.output / "transport.png", cost)
    print(f"wrote {args.output / 'transport.md'} and {args.output / 'transport.png'}", flush=True)


if __name__ == "__main__":
    main()
