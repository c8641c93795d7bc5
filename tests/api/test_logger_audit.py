"""With HYDRA_AUDIT_KEY set, HydraLogger's audit records form a chain the verifier accepts."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from hydra_otel import HydraLogger
from hydra_otel.audit import verify_files


def test_concurrent_audit_records_verify_and_tampering_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HYDRA_AUDIT_KEY", "test-audit-key")
    path = tmp_path / "audit.jsonl"
    config = {
        "layers": {
            "DEFAULT": {"destinations": [{"type": "file", "path": str(path), "format": "json"}]}
        }
    }
    with HydraLogger(config) as log:

        def worker(n: int) -> None:
            for i in range(50):
                log.audit("ADMIN", f"role change {n}-{i}", extra={"user.id": f"u-{n}"})
                log.info("APP", "not chained")

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    lines = path.read_text().splitlines()
    assert len(lines) == 400
    assert verify_files([path], key=b"test-audit-key").ok

    audit_lines = [i for i, line in enumerate(lines) if "hydra.audit.mac" in line]
    del lines[audit_lines[10]]
    path.write_text("\n".join(lines) + "\n")
    assert not verify_files([path], key=b"test-audit-key").ok


def test_altered_message_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYDRA_AUDIT_KEY", "test-audit-key")
    path = tmp_path / "audit.jsonl"
    config = {
        "layers": {
            "DEFAULT": {"destinations": [{"type": "file", "path": str(path), "format": "json"}]}
        }
    }
    with HydraLogger(config) as log:
        for i in range(5):
            log.compliance("GDPR", f"export request {i}")
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    entries[2]["message"] = "export request 99"
    path.write_text("".join(json.dumps(entry) + "\n" for entry in entries))
    assert not verify_files([path], key=b"test-audit-key").ok
