"""``hydra-otel audit verify``: exit codes, output, key sources."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hydra_otel.cli import EXIT_OK, EXIT_TAMPERED, EXIT_USAGE, main

from .chained_log import AUDIT_KEY


@pytest.fixture
def audit_file(tmp_path: Path, written: list[str]) -> Path:
    """The chained records written to a file."""
    path = tmp_path / "audit.jsonl"
    path.write_text("\n".join(written) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """HYDRA_AUDIT_KEY set to the test key."""
    monkeypatch.setenv("HYDRA_AUDIT_KEY", AUDIT_KEY.decode())


@pytest.mark.usefixtures("key_in_env")
def test_intact_file_exits_zero(audit_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", str(audit_file)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "6 audit record(s) checked: OK" in out


@pytest.mark.usefixtures("key_in_env")
def test_tampering_exits_one_and_names_the_line(
    audit_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = audit_file.read_text(encoding="utf-8").splitlines()
    del lines[2]
    audit_file.write_text("\n".join(lines), encoding="utf-8")
    assert main(["audit", "verify", str(audit_file)]) == EXIT_TAMPERED
    out = capsys.readouterr().out
    assert "DELETED" in out and "TAMPERED" in out


@pytest.mark.usefixtures("key_in_env")
def test_json_output_and_expected_head(
    audit_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "verify", "--json", str(audit_file)]) == EXIT_OK
    document = json.loads(capsys.readouterr().out)
    chain = document["chains"][0]["chain"]
    assert document["ok"] and document["records"] == 6
    assert main(["audit", "verify", "--expect-head", f"{chain}:6", str(audit_file)]) == EXIT_OK
    assert (
        main(["audit", "verify", "--expect-head", f"{chain}:7", str(audit_file)]) == EXIT_TAMPERED
    )


def test_key_file_and_missing_key(
    audit_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("HYDRA_AUDIT_KEY", raising=False)
    assert main(["audit", "verify", str(audit_file)]) == EXIT_USAGE
    assert "HYDRA_AUDIT_KEY" in capsys.readouterr().err
    key_file = tmp_path / "key"
    key_file.write_bytes(AUDIT_KEY + b"\n")
    assert main(["audit", "verify", "--key-file", str(key_file), str(audit_file)]) == EXIT_OK


@pytest.mark.usefixtures("key_in_env")
def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["audit", "verify", str(tmp_path / "missing.jsonl")]) == EXIT_USAGE


def test_the_console_script_runs(audit_file: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "hydra_otel.cli", "audit", "verify", str(audit_file)],
        env={"HYDRA_AUDIT_KEY": AUDIT_KEY.decode(), "PATH": ""},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert completed.returncode == EXIT_OK, completed.stderr
    assert "OK" in completed.stdout
