"""Run every benchmark package that exists: ``python -m benchmarks [name ...]``.

Each of ``throughput``, ``encoder``, ``redaction``, ``async_logging`` and ``transport`` that has a
``__main__`` runs in a process of its own (``python -m benchmarks.<name>``) and writes
its results under ``benchmarks/results/``. Names on the command line pick a subset.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = ("throughput", "encoder", "redaction", "async_logging", "transport")
_HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    """The benchmark packages present in this checkout, in run order."""
    return [name for name in BENCHMARKS if (_HERE / name / "__main__.py").is_file()]


def main(argv: list[str]) -> int:
    present = available()
    unknown = [name for name in argv if name not in present]
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; present: {', '.join(present)}")
        return 2
    failed = []
    for name in argv or present:
        print(f"== python -m benchmarks.{name}", flush=True)
        code = subprocess.call([sys.executable, "-m", f"benchmarks.{name}"], cwd=_HERE.parent)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
