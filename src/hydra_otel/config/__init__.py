"""Configuration: the LoggingConfig models and the HYDRA_* settings."""

from hydra_otel.config._files import load_config_file
from hydra_otel.config._levels import Level, parse_level
from hydra_otel.config._models import (
    DEFAULT_LAYER,
    LogDestination,
    LoggingConfig,
    LogLayer,
    coerce_config,
)
from hydra_otel.config._settings import HydraSettings, load_settings

__all__ = [
    "DEFAULT_LAYER",
    "HydraSettings",
    "Level",
    "LogDestination",
    "LogLayer",
    "LoggingConfig",
    "coerce_config",
    "load_config_file",
    "load_settings",
    "parse_level",
]
