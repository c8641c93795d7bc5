"""OpenTelemetry processors shipped by hydra-otel (each works in a plain SDK provider)."""

from hydra_otel.processors._redaction import RedactionProcessor
from hydra_otel.processors._security import SecurityValidationProcessor
from hydra_otel.processors._span_redaction import RedactionSpanProcessor

__all__ = [
    "RedactionProcessor",
    "RedactionSpanProcessor",
    "SecurityValidationProcessor",
]
