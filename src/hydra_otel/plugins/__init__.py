"""Plugins: analytics, formatting, security and performance hooks on every record."""

from hydra_otel.plugins._base import (
    AnalyticsPlugin,
    FormatterPlugin,
    HydraPlugin,
    LogEvent,
    PerformancePlugin,
    SecurityPlugin,
)
from hydra_otel.plugins._registry import (
    ENTRY_POINT_GROUP,
    get_plugin_class,
    list_plugins,
    register_plugin,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "AnalyticsPlugin",
    "FormatterPlugin",
    "HydraPlugin",
    "LogEvent",
    "PerformancePlugin",
    "SecurityPlugin",
    "get_plugin_class",
    "list_plugins",
    "register_plugin",
]
