"""HydraSettings: every HYDRA_* environment variable, in one pydantic-settings model.

Each field's docstring is its documentation; the README's settings table is generated
from this model (``python -m hydra_otel.config``) and a test keeps them equal. Standard
``OTEL_*`` variables are never redefined here: they keep their meaning in the SDK.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from hydra_otel.core import ConfigurationError


def _default_spool_dir() -> Path:
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hydra-otel" / "spool"


class HydraSettings(BaseSettings):
    """Settings read from ``HYDRA_*`` environment variables."""

    model_config = SettingsConfigDict(
        env_prefix="HYDRA_", case_sensitive=False, extra="ignore", use_attribute_docstrings=True
    )

    log_level: str = "INFO"
    """Minimum level of the zero-configuration ``HydraLogger()`` (no config, no HYDRA_LOG_CONFIG)."""
    log_date_format: str = "%Y-%m-%d"
    """strftime pattern for the date part of timestamps in text formats."""
    log_time_format: str = "%H:%M:%S.%f"
    """strftime pattern for the time part (``%f`` = microseconds, cut to milliseconds when it ends the pattern)."""
    log_logger_name_format: str = "{name}"
    """Pattern of the logger name in text formats; fields ``{name}`` and ``{layer}``."""
    log_message_format: str = "{timestamp} {level:<8} [{layer}] {logger}: {message}{attributes}"
    """Pattern of a plain-text line; fields ``{timestamp}``, ``{level}``, ``{layer}``, ``{logger}``, ``{message}``, ``{attributes}``, ``{trace_id}``, ``{span_id}``."""
    color_mode: Literal["auto", "always", "never"] = "auto"
    """Colour on the console: ``auto`` only on a TTY (NO_COLOR and FORCE_COLOR are honoured)."""
    log_config: Path | None = None
    """Path of a JSON or TOML file holding the LoggingConfig that ``HydraLogger()`` uses when given none."""
    log_config_dump: bool = False
    """Print the effective configuration at start-up, with headers, tokens and keys masked."""
    bridge_level: str = "NOTSET"
    """Minimum level of stdlib ``logging`` records the bridge forwards (NOTSET = what the loggers pass)."""
    spool_dir: Path = Field(default_factory=_default_spool_dir)
    """Directory of the crash-safe sqlite spool (default under the user cache dir)."""
    redaction_enabled: bool = True
    """Redact PII and secrets in logs and spans before export."""
    redaction_hmac_key: SecretStr | None = None
    """Key of the keyed-hash redaction mode (stable tokens for correlation)."""
    redaction_mode: Literal["mask", "partial", "hash"] = "mask"
    """How matches are replaced: ``mask`` (``[REDACTED:email]``), ``partial`` (last 4 digits of cards and phones kept) or ``hash`` (keyed hash token; needs HYDRA_REDACTION_HMAC_KEY)."""
    redaction_entities: str = ""
    """Entities to detect, comma-separated: ``email,phone`` replaces the defaults, ``+uuid,-ipv4`` adjusts them; empty = defaults."""
    redaction_extra_patterns: dict[str, str] = {}
    """Extra entities as a JSON object ``{"name": "regex"}``; matches are redacted as ``name``."""
    redaction_allow_list: list[str] = []
    """JSON array of regexes; a detected value fully matching one is kept."""
    redaction_key_rules: bool = True
    """Redact values under sensitive key names (password, api_key, *_token, …) whatever they hold; false leaves them to the detectors."""
    redaction_sensitive_keys: list[str] = []
    """JSON array of extra key names whose values are always redacted."""
    redaction_ignored_keys: list[str] = []
    """JSON array of attribute keys never inspected by redaction."""
    redaction_summary: Literal["silent", "info", "debug"] = "debug"
    """Summary attributes on redacted records: ``silent``, ``info`` (counts) or ``debug`` (counts and keys)."""
    redaction_dry_run: bool = False
    """Only report what would be redacted (summary attributes, metrics); change nothing."""
    redaction_hash_algorithm: Literal["hmac-sha256", "blake2b"] = "hmac-sha256"
    """Keyed hash of the ``hash`` redaction mode."""
    audit_key: SecretStr | None = None
    """Key of the tamper-evident audit chain (``hydra.audit.mac``); ``hydra-otel audit verify`` reads it too."""
    export_strategy: Literal["auto", "async", "sync", "direct", "memory"] = "auto"
    """Export path of the FallbackExportProcessor: ``auto`` picks async/sync/direct/memory from measured health."""
    queue_max_records: int = Field(default=16384, gt=0)
    """Most records the export queue holds in memory before new records are dropped (counted)."""
    queue_max_bytes: int = Field(default=32 * 1024 * 1024, gt=0)
    """Approximate most bytes of records the export queue holds in memory."""
    spool_max_bytes: int = Field(default=256 * 1024 * 1024, gt=0)
    """Size cap of one process's spool; past it the oldest spooled records are dropped (counted)."""
    shutdown_timeout: float = Field(default=10.0, gt=0)
    """Seconds shutdown/close may take, even with the collector down; what is unsent is spooled."""


def load_settings() -> HydraSettings:
    """Read the environment now; raise ConfigurationError naming a bad HYDRA_* value."""
    try:
        return HydraSettings()
    except ValidationError as exc:
        problems = [
            f"HYDRA_{'_'.join(str(p) for p in err['loc']).upper()}: "
            f"{err['msg']} (got {err['input']!r})"
            for err in exc.errors()
        ]
        raise ConfigurationError("invalid hydra-otel settings: " + "; ".join(problems)) from None
