"""Run the encoder and exporter benchmark: ``python -m benchmarks.encoder [--seconds 2]``.

Writes benchmarks/results/encoder.md and benchmarks/results/encoder.png.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.encoder import _encoding, _export
from benchmarks.encoder._records import batches, make_records
from benchmarks.encoder._report import encoding_table, throughput_table, write_chart, write_markdown

RESULTS = Path(__file__).resolve().parent.parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per contender and round")
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--batches", type=int, default=8, help="distinct batches cycled through")
    parser.add_argument("--rounds", type=int, default=3, help="export rounds per exporter")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    size, count = args.batch_size, args.batch_size * args.batches
    typical = batches(make_records(count), size)
    varied = batches(make_records(count, unique_values=True), size)
    encoding = _encoding.measure("typical", typical, args.seconds)
    encoding += _encoding.measure("high-cardinality", varied, args.seconds)
    print("\n".join(encoding_table(encoding)), flush=True)
    throughput = _export.measure(typical, args.seconds, args.rounds)
    print("\n".join(throughput_table(throughput)), flush=True)

    args.output.mkdir(parents=True, exist_ok=True)
    write_markdown(args.output / "encoder.md", encoding, throughput, size)
    write_chart(args.output / "encoder.png", encoding, throughput)
    print(f"wrote {args.output / 'encoder.md'} and {args.output / 'encoder.png'}")


if __name__ == "__main__":
    main()
