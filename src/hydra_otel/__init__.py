"""hydra-otel: an OpenTelemetry-native logging distribution for Python.

Three ways in: ``opentelemetry-instrument --distro hydra python app.py``;
``hydra_otel.configure()`` in code; or the Hydra API, ``HydraLogger().info("APP", "msg")``.
"""

from hydra_otel.api import AsyncHydraLogger, HydraLogger, create_logger
from hydra_otel.core import get_error_stats, track_error
from hydra_otel.data_protection import PII_PATTERNS
from hydra_otel.distro import CLOUD_PROVIDER_PATTERNS, FRAMEWORK_PATTERNS, configure, shutdown
from hydra_otel.version import __version__

__all__ = [
    "CLOUD_PROVIDER_PATTERNS",
    "FRAMEWORK_PATTERNS",
    "PII_PATTERNS",
    "AsyncHydraLogger",
    "HydraLogger",
    "__version__",
    "configure",
    "create_logger",
    "get_error_stats",
    "shutdown",
    "track_error",
]
