"""Run the redaction benchmark: ``python -m benchmarks.redaction [--records 3000]``.

Writes benchmarks/results/redaction.md and benchmarks/results/redaction.png.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.redaction import _cost, _quality
from benchmarks.redaction._records import (
    CLEAN_RECORD,
    batches,
    corpus_records,
    structured_records,
    typical_records,
)
from benchmarks.redaction._report import (
    apply_lines,
    cost_table,
    quality_table,
    verdict_lines,
    worst_table,
    write_chart,
    write_markdown,
)

RESULTS = Path(__file__).resolve().parent.parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=3000, help="records per round")
    parser.add_argument("--rounds", type=int, default=9, help="alternating rounds per profile")
    parser.add_argument("--per-entity", type=int, default=200, help="planted values per entity")
    parser.add_argument("--benign", type=int, default=10000, help="benign corpus records")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    size, total = args.records, args.records * (args.rounds + 1)  # +1: the warm-up batch
    profiles = {
        "structured": structured_records(total),
        "typical": typical_records(total),
        "corpus, benign": corpus_records(total, with_pii=False),
        "corpus, with PII": corpus_records(total, with_pii=True),
    }
    costs = [_cost.measure(name, batches(records, size)) for name, records in profiles.items()]
    print("\n".join([*cost_table(costs), *verdict_lines(costs)]), flush=True)
    clean = _cost.apply_cost(CLEAN_RECORD, calls=20000, rounds=args.rounds)
    print("\n".join(apply_lines(clean)), flush=True)
    scores = _quality.corpus_scores(args.per_entity, args.benign, seed=99)
    print("\n".join(quality_table(scores)), flush=True)
    worst = _quality.worst_cases()
    print("\n".join(worst_table(worst)), flush=True)

    args.output.mkdir(parents=True, exist_ok=True)
    write_markdown(args.output / "redaction.md", costs, clean, scores, worst)
    write_chart(args.output / "redaction.png", costs, scores)
    print(f"wrote {args.output / 'redaction.md'} and {args.output / 'redaction.png'}")


if __name__ == "__main__":
    main()
