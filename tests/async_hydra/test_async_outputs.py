"""AsyncHydraLogger's local outputs: every file format complete and in call order, console."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from hydra_otel import AsyncHydraLogger


def _json_seq(line: str) -> int:
    return int(json.loads(line)["attributes"]["seq"])


def _gelf_seq(line: str) -> int:
    return int(json.loads(line)["_seq"])


def _pattern_seq(pattern: str) -> Callable[[str], int]:
    compiled = re.compile(pattern)

    def seq(line: str) -> int:
        found = compiled.search(line)
        assert found is not None, line
        return int(found.group(1))

    return seq


def _csv_seqs(text: str) -> list[int]:
    rows = list(csv.DictReader(text.splitlines()))
    return [int(json.loads(row["attributes"])["seq"]) for row in rows]


SEQUENCE_READERS: dict[str, Callable[[str], list[int]]] = {
    "json": lambda text: [_json_seq(line) for line in text.splitlines()],
    "gelf": lambda text: [_gelf_seq(line) for line in text.splitlines()],
    "plain-text": lambda text: [_pattern_seq(r"seq=(\d+)")(x) for x in text.splitlines()],
    "syslog": lambda text: [_pattern_seq(r'seq="(\d+)"')(x) for x in text.splitlines()],
    "csv": _csv_seqs,
}


@pytest.mark.parametrize("format_name", sorted(SEQUENCE_READERS))
async def test_file_output_is_complete_and_in_call_order(tmp_path: Path, format_name: str) -> None:
    path = tmp_path / f"app.{format_name}"
    config = {
        "layers": {
            "DEFAULT": {
                "level": "DEBUG",
                "destinations": [{"type": "file", "path": str(path), "format": format_name}],
            }
        }
    }
    called: list[int] = []
    counter = iter(range(1_000_000))

    async def worker(task: int) -> None:
        for _ in range(500):
            seq = next(counter)
            called.append(seq)
            await log.info("APP", f'task {task}, "quoted"', extra={"seq": seq, "task": task})
            if seq % 7 == 0:
                await asyncio.sleep(0)  # let the tasks interleave

    log = AsyncHydraLogger(config)
    await asyncio.gather(*(worker(task) for task in range(4)))
    await log.error("APP", "last one", extra={"seq": next(counter)})
    await log.close()
    written = SEQUENCE_READERS[format_name](path.read_text())
    assert written == [*called, 2000]


async def test_console_output_has_every_record_in_order(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    config = {"layers": {"DEFAULT": {"level": "INFO", "destinations": [{"type": "console"}]}}}
    async with AsyncHydraLogger(config) as log:
        for i in range(300):
            await log.info("API", f"console line {i}")
    lines = [line for line in capsys.readouterr().err.splitlines() if "console line" in line]
    assert [int(line.rsplit(" ", 1)[1]) for line in lines] == list(range(300))
    assert all("[API]" in line and "INFO" in line for line in lines)


_FORGETS_TO_CLOSE = textwrap.dedent(
    """
    import asyncio, sys
    from hydra_otel import AsyncHydraLogger

    destination = {"type": "file", "path": sys.argv[1], "format": "json"}
    log = AsyncHydraLogger({"layers": {"DEFAULT": {"destinations": [destination]}}})

    async def main():
        for i in range(3000):
            await log.info("APP", f"record {i}")  # no close, no flush

    asyncio.run(main())
    log.info("APP", "after the loop")
    """
)


def test_an_application_that_never_closes_still_writes_every_record(tmp_path: Path) -> None:
    path = tmp_path / "forgotten.log"
    subprocess.run(
        [sys.executable, "-c", _FORGETS_TO_CLOSE, str(path)],
        check=True,
        timeout=60,
        env=os.environ.copy(),
    )
    written = [json.loads(line)["message"] for line in path.read_text().splitlines()]
    assert written == [*(f"record {i}" for i in range(3000)), "after the loop"]
