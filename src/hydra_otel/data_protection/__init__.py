"""Data protection: PII and secret detection, redaction, and log-injection defences.

``DataSanitizer`` is the engine (``sanitize(value) -> value``, usable without
OpenTelemetry); the log and span processors in :mod:`hydra_otel.processors` drive it.
``SecurityValidator`` neutralises log injection. ``PII_PATTERNS`` lists the detectors.
"""

from hydra_otel.data_protection._key_rules import SensitiveKeyRules, key_words
from hydra_otel.data_protection._options import (
    DEFAULT_ENTITIES,
    OPTIONAL_ENTITIES,
    RedactionOptions,
)
from hydra_otel.data_protection._patterns import PII_PATTERNS
from hydra_otel.data_protection._report import RedactionReport, RedactionStats
from hydra_otel.data_protection._sanitizer import DataSanitizer
from hydra_otel.data_protection._security import (
    DEFAULT_MULTILINE_KEYS,
    NeutralizedText,
    SecurityFinding,
    SecurityValidator,
)

__all__ = [
    "DEFAULT_ENTITIES",
    "DEFAULT_MULTILINE_KEYS",
    "OPTIONAL_ENTITIES",
    "PII_PATTERNS",
    "DataSanitizer",
    "NeutralizedText",
    "RedactionOptions",
    "RedactionReport",
    "RedactionStats",
    "SecurityFinding",
    "SecurityValidator",
    "SensitiveKeyRules",
    "key_words",
]
