"""Fixtures for the audit-chain tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .chained_log import AuditLog, build_audit_log


@pytest.fixture
def audit_log(tmp_path: Path) -> Iterator[AuditLog]:
    """An AuditLog writing to ``audit.jsonl`` in a temporary directory."""
    log = build_audit_log(tmp_path / "audit.jsonl")
    yield log
    log.provider.shutdown()


@pytest.fixture
def written(audit_log: AuditLog) -> list[str]:
    """Six chained security records (one with PII, redacted before chaining) and two others."""
    for index in range(6):
        audit_log.emit(
            f"role change {index} by admin@example.com", actor=f"user{index}", index=index
        )
        if index % 3 == 0:
            audit_log.emit("ordinary line", category=None, index=index)
    return audit_log.lines()
