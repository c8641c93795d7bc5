"""Tamper-evident audit trail: a keyed hash chain over security/audit/compliance records.

``AuditChainProcessor`` adds ``hydra.audit.{chain,seq,prev,time,mac}`` to records whose
``hydra.category`` is an audit one; ``verify_files`` (and ``hydra-otel audit verify``)
reads exported JSON lines back and reports altered, deleted, reordered or replayed records.
"""

from hydra_otel.audit._canonical import AUDIT_CATEGORIES, GENESIS
from hydra_otel.audit._chain import AuditChainProcessor
from hydra_otel.audit._readers import FORMATS, AuditEntry, MalformedLine, read_entries
from hydra_otel.audit._verify import (
    AuditIssue,
    ChainHead,
    VerificationResult,
    verify_entries,
    verify_files,
)

__all__ = [
    "AUDIT_CATEGORIES",
    "FORMATS",
    "GENESIS",
    "AuditChainProcessor",
    "AuditEntry",
    "AuditIssue",
    "ChainHead",
    "MalformedLine",
    "VerificationResult",
    "read_entries",
    "verify_entries",
    "verify_files",
]
