"""The machine-and-versions lines every benchmark results page starts with."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version


def package_versions(packages: Sequence[str]) -> str:
    """``name version`` of each package, ``(not installed)`` where missing."""
    found = []
    for name in packages:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def environment_lines(benchmark: str, packages: Sequence[str]) -> list[str]:
    """Date, machine and load, Python, package versions, and the command line that ran."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    command = f"python -m benchmarks.{benchmark} {' '.join(sys.argv[1:])}".strip()
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, load average {load} "
        "(1/5/15 min, at the end of the run)",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}",
        f"- packages: {package_versions(packages)}",
        f"- command: `{command}`",
    ]
