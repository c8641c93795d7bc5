"""OpenTelemetry processors shipped by hydra-otel (each works in a plain SDK provider)."""

from hydra_otel.audit import AuditChainProcessor
from hydra_otel.export._processor import FallbackExportProcessor
from hydra_otel.processors._redaction import RedactionProcessor
from hydra_otel.processors._safety import behind_audit_chain, safety_processors
from hydra_otel.processors._security import SecurityValidationProcessor
from hydra_otel.processors._span_redaction import RedactionSpanProcessor

__all__ = [
    "AuditChainProcessor",
    "FallbackExportProcessor",
    "RedactionProcessor",
    "RedactionSpanProcessor",
    "SecurityValidationProcessor",
    "behind_audit_chain",
    "safety_processors",
]
