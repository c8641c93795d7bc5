"""The hydra distro: ``opentelemetry-instrument --distro hydra`` and ``configure()``.

Both install the same tracer, meter and logger providers from the standard ``OTEL_*``
variables under hydra's resource, and bridge stdlib ``logging`` into the logs pipeline
through the ``hydra_logging`` instrumentation.
"""

from hydra_otel.distro._cloud import (
    CLOUD_PROVIDER_PATTERNS,
    CloudPlatformPattern,
    detect_container_id,
    detect_platform_attributes,
)
from hydra_otel.distro._config_dump import mask_secrets
from hydra_otel.distro._configure import (
    BRIDGE_INSTRUMENTATION,
    configure,
    effective_configuration,
    force_flush,
    shutdown,
)
from hydra_otel.distro._distro import HydraConfigurator, HydraDistro
from hydra_otel.distro._frameworks import FRAMEWORK_PATTERNS, FrameworkPattern, detect_frameworks
from hydra_otel.distro._log_pipeline import (
    PipelineGuardedLogExporter,
    PipelineGuardedSpanExporter,
    build_log_record_processors,
)
from hydra_otel.distro._options import TelemetryOptions
from hydra_otel.distro._resource import DISTRO_NAME, build_resource

__all__ = [
    "BRIDGE_INSTRUMENTATION",
    "CLOUD_PROVIDER_PATTERNS",
    "DISTRO_NAME",
    "FRAMEWORK_PATTERNS",
    "CloudPlatformPattern",
    "FrameworkPattern",
    "HydraConfigurator",
    "HydraDistro",
    "PipelineGuardedLogExporter",
    "PipelineGuardedSpanExporter",
    "TelemetryOptions",
    "build_log_record_processors",
    "build_resource",
    "configure",
    "detect_container_id",
    "detect_frameworks",
    "detect_platform_attributes",
    "effective_configuration",
    "force_flush",
    "mask_secrets",
    "shutdown",
]
