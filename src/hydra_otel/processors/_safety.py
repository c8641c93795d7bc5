"""The processors that make records safe before any export, built in one place.

HydraLogger, ``configure()`` and the distro all put these first on their providers:
log-injection neutralisation and PII/secret redaction. When HYDRA_AUDIT_KEY is set,
the export processors sit behind the tamper-evident audit chain, which hashes what is
actually exported and hands records on under its lock, so export order is chain order.
"""

from __future__ import annotations

from opentelemetry.sdk._logs import LogRecordProcessor

from hydra_otel.audit import AuditChainProcessor
from hydra_otel.config import HydraSettings, load_settings
from hydra_otel.processors._redaction import RedactionProcessor
from hydra_otel.processors._security import SecurityValidationProcessor


def safety_processors(
    settings: HydraSettings | None = None,
    *,
    security: bool = True,
    detectors: bool = True,
    sensitive_keys: bool = True,
) -> list[LogRecordProcessor]:
    """Return the processors, in order, that must see every record before export.

    Args:
        settings: HYDRA_* settings; None reads the environment.
        security: neutralise CR/LF, ANSI escapes and oversized values.
        detectors: redact PII and secrets found in values (emails, cards, keys, …).
        sensitive_keys: redact whatever is stored under keys such as ``password``.
            With ``detectors`` off, only these key-name rules apply; with it off,
            only the detectors do.

    HYDRA_REDACTION_ENABLED=false turns redaction off whatever the arguments say.
    """
    settings = settings if settings is not None else load_settings()
    processors: list[LogRecordProcessor] = []
    if security:
        processors.append(SecurityValidationProcessor())
    if settings.redaction_enabled and (detectors or sensitive_keys):
        overrides: dict[str, object] = {} if detectors else {"entities": ()}
        if not sensitive_keys:
            overrides["key_rules"] = False
        processors.append(RedactionProcessor.from_settings(settings, **overrides))
    return processors


def behind_audit_chain(
    export: LogRecordProcessor, settings: HydraSettings | None = None
) -> LogRecordProcessor:
    """Return ``export`` itself, or an audit chain forwarding to it when HYDRA_AUDIT_KEY is set.

    Args:
        export: the processor (often a multi-processor) that exports the records.
        settings: HYDRA_* settings; None reads the environment.
    """
    settings = settings if settings is not None else load_settings()
    if settings.audit_key is None:
        return export
    return AuditChainProcessor(settings.audit_key.get_secret_value(), next_processor=export)
