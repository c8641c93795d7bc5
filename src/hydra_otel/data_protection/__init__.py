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

__all__ = [
    "DEFAULT_ENTITIES",
    "OPTIONAL_ENTITIES",
    "PII_PATTERNS",
    "DataSanitizer",
    "RedactionOptions",
    "RedactionReport",
    "RedactionStats",
    "SensitiveKeyRules",
    "key_words",
]
