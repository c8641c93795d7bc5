"""The Hydra API: HydraLogger and AsyncHydraLogger on OpenTelemetry logs."""

from hydra_otel.api._async_logger import AsyncHydraLogger
from hydra_otel.api._attributes import to_attribute_value, to_attributes
from hydra_otel.api._direct_emit import DirectEmitter
from hydra_otel.api._logger import HydraLogger, create_logger

__all__ = [
    "AsyncHydraLogger",
    "DirectEmitter",
    "HydraLogger",
    "create_logger",
    "to_attribute_value",
    "to_attributes",
]
