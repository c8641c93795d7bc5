"""Plugin base classes and the event they see.

A plugin is attached to one logger with ``logger.add_plugin(name, plugin)``. Each kind
has one hook the logger calls for every record it emits; a hook that raises is counted
(``get_error_stats()["by_kind"]["plugin"]``) and reported once, and logging goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class LogEvent:
    """What a plugin sees of one record, before it is emitted.

    SecurityPlugins and FormatterPlugins may change ``message`` and ``attributes``.
    """

    layer: str
    """The Hydra layer (``hydra.layer``)."""
    level: str
    """The level name: DEBUG, INFO, WARNING, ERROR, CRITICAL, SECURITY, AUDIT, COMPLIANCE."""
    message: str
    """The record's body."""
    attributes: dict[str, Any] = field(default_factory=dict)
    """The record's attributes (already converted from ``extra``)."""
    timestamp_ns: int = 0
    """When the record was made, in nanoseconds since the epoch."""
    logger_name: str = ""
    """The logger's name (the OTel instrumentation scope)."""


class HydraPlugin:
    """Base of every plugin; ``on_attach`` and ``close`` are optional hooks."""

    name: str = ""
    """Set by ``register_plugin`` or ``add_plugin``."""

    def on_attach(self, logger: Any) -> None:
        """Called once when the plugin is attached to ``logger``."""

    def close(self) -> None:
        """Called once when the logger closes."""


class AnalyticsPlugin(HydraPlugin):
    """Observes every record; cannot change it."""

    def process_event(self, event: LogEvent) -> None:
        """Called for every record the logger emits."""
        raise NotImplementedError

    def get_insights(self) -> dict[str, Any]:
        """Return what the plugin has learnt; shown in ``get_performance_metrics()``."""
        return {}


class SecurityPlugin(HydraPlugin):
    """Inspects and may rewrite or veto a record before it leaves the logger."""

    def process_event(self, event: LogEvent) -> bool:
        """Rewrite ``event`` in place; return False to drop the record (counted)."""
        raise NotImplementedError


class FormatterPlugin(HydraPlugin):
    """Rewrites the message of every record."""

    def format_message(self, event: LogEvent) -> str:
        """Return the message to emit for ``event``."""
        raise NotImplementedError


class PerformancePlugin(HydraPlugin):
    """Sees how long each record took to emit."""

    def record_emit(self, event: LogEvent, duration_ns: int) -> None:
        """Called after each record with the logger's emit time in nanoseconds."""
        raise NotImplementedError
