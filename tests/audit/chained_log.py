"""A chained audit log writing hydra's JSON-lines format through the real file destination."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor

from hydra_otel.audit import AuditChainProcessor
from hydra_otel.destinations import RotatingFileLogExporter
from hydra_otel.formats._json import JsonFormatter
from hydra_otel.processors import RedactionProcessor

AUDIT_KEY = b"test-audit-key"


@dataclass
class AuditLog:
    """A provider whose audit records are chained and written as JSON lines to ``path``."""

    provider: LoggerProvider
    chain: AuditChainProcessor
    path: Path

    def emit(self, message: Any, category: str | None = "security", **attributes: Any) -> None:
        if category is not None:
            attributes["hydra.category"] = category
        self.provider.get_logger("audit").emit(
            body=message, severity_number=SeverityNumber.WARN, severity_text="SECURITY",
            attributes=attributes, event_name=f"hydra.{category}" if category else None,
        )  # fmt: skip

    def lines(self) -> list[str]:
        self.provider.force_flush()
        return self.path.read_text(encoding="utf-8").splitlines()


def build_audit_log(path: Path, max_bytes: int = 10 * 1024 * 1024) -> AuditLog:
    """Redaction, then the chain, then the real file destination with the json format."""
    provider = LoggerProvider()
    exporter = RotatingFileLogExporter(path, JsonFormatter(), max_bytes=max_bytes, backup_count=9)
    chain = AuditChainProcessor(AUDIT_KEY, next_processor=SimpleLogRecordProcessor(exporter))
    provider.add_log_record_processor(RedactionProcessor())
    provider.add_log_record_processor(chain)
    return AuditLog(provider, chain, path)
