"""AuditChainProcessor: which records are chained and how they link."""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path

import pytest
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

from hydra_otel.audit import GENESIS, AuditChainProcessor, verify_files
from hydra_otel.core import ConfigurationError

from .chained_log import AUDIT_KEY, AuditLog, build_audit_log


def test_only_audit_categories_are_chained(written: list[str]) -> None:
    records = [json.loads(line) for line in written]
    chained = [r for r in records if "hydra.audit.mac" in r["attributes"]]
    others = [r for r in records if "hydra.audit.mac" not in r["attributes"]]
    assert len(chained) == 6 and len(others) == 2
    assert [r["attributes"]["hydra.audit.seq"] for r in chained] == [1, 2, 3, 4, 5, 6]
    assert chained[0]["attributes"]["hydra.audit.prev"] == GENESIS
    for previous, current in itertools.pairwise(chained):
        assert (
            current["attributes"]["hydra.audit.prev"] == previous["attributes"]["hydra.audit.mac"]
        )
    assert len({r["attributes"]["hydra.audit.chain"] for r in chained}) == 1


def test_the_chain_covers_redacted_content(written: list[str]) -> None:
    assert "admin@example.com" not in "\n".join(written)
    assert "[REDACTED:email]" in written[0]


@pytest.mark.parametrize("category", ["security", "audit", "compliance"])
def test_each_audit_category_joins(category: str) -> None:
    exporter = InMemoryLogRecordExporter()
    provider = LoggerProvider()
    provider.add_log_record_processor(AuditChainProcessor(AUDIT_KEY))
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    provider.get_logger("t").emit(body="x", attributes={"hydra.category": category})
    provider.get_logger("t").emit(body="y", attributes={"hydra.category": "app"})
    first, second = (r.log_record.attributes or {} for r in exporter.get_finished_logs())
    assert first["hydra.audit.seq"] == 1 and "hydra.audit.mac" in first
    assert "hydra.audit.mac" not in second


def test_concurrent_writers_still_export_in_chain_order(tmp_path: Path) -> None:
    log = build_audit_log(tmp_path / "audit.jsonl")

    def write(worker: int) -> None:
        for index in range(50):
            log.emit(f"event {worker}-{index}")

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log.provider.force_flush()
    result = verify_files([log.path], AUDIT_KEY)
    log.provider.shutdown()
    assert result.ok and result.records == 200


def test_a_new_process_chain_starts_over(tmp_path: Path, audit_log: AuditLog) -> None:
    audit_log.emit("first process")
    second = build_audit_log(audit_log.path)  # appends to the same file, new chain id
    second.emit("second process")
    second.provider.shutdown()
    result = verify_files([audit_log.path], AUDIT_KEY)
    assert result.ok and len(result.heads) == 2


def test_keys_are_required(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="HYDRA_AUDIT_KEY"):
        AuditChainProcessor(b"")
    monkeypatch.delenv("HYDRA_AUDIT_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="HYDRA_AUDIT_KEY"):
        AuditChainProcessor.from_settings()
    monkeypatch.setenv("HYDRA_AUDIT_KEY", "from-env")
    assert AuditChainProcessor.from_settings().chain_id
