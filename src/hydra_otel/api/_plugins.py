"""Running a logger's attached plugins on each record, never letting one break logging."""

from __future__ import annotations

from typing import Any

from hydra_otel.core import PluginError, track_error
from hydra_otel.plugins import (
    AnalyticsPlugin,
    FormatterPlugin,
    HydraPlugin,
    LogEvent,
    PerformancePlugin,
    SecurityPlugin,
    get_plugin_class,
)


class PluginChain:
    """The plugins attached to one logger, grouped by the hook they implement."""

    __slots__ = ("_analytics", "_formatters", "_performance", "_plugins", "_security", "active")

    def __init__(self) -> None:
        self._plugins: dict[str, HydraPlugin] = {}
        self._security: list[SecurityPlugin] = []
        self._formatters: list[FormatterPlugin] = []
        self._analytics: list[AnalyticsPlugin] = []
        self._performance: list[PerformancePlugin] = []
        self.active = False
        """True while any plugin is attached (read on every log call: a plain attribute)."""

    def __bool__(self) -> bool:
        return self.active

    def add(
        self, name: str, plugin: HydraPlugin | type[HydraPlugin] | None, owner: Any
    ) -> HydraPlugin:
        """Attach ``plugin`` (an instance, a class, or None for the class registered as ``name``)."""
        if plugin is None:
            plugin = get_plugin_class(name)
        if isinstance(plugin, type) and issubclass(plugin, HydraPlugin):
            plugin = plugin()
        if not isinstance(plugin, HydraPlugin):
            raise PluginError(
                f"plugin {name!r} must be an AnalyticsPlugin, FormatterPlugin, SecurityPlugin "
                f"or PerformancePlugin instance, got {type(plugin).__name__}"
            )
        if name in self._plugins:
            raise PluginError(f"a plugin named {name!r} is already attached")
        plugin.name = name
        plugin.on_attach(owner)
        self._plugins[name] = plugin
        self.active = True
        for kind, bucket in (
            (SecurityPlugin, self._security),
            (FormatterPlugin, self._formatters),
            (AnalyticsPlugin, self._analytics),
            (PerformancePlugin, self._performance),
        ):
            if isinstance(plugin, kind):
                bucket.append(plugin)  # type: ignore[arg-type]
        return plugin

    def remove(self, name: str) -> None:
        """Detach the plugin ``name``; unknown names raise PluginError."""
        plugin = self._plugins.pop(name, None)
        self.active = bool(self._plugins)
        if plugin is None:
            raise PluginError(f"no plugin named {name!r} is attached")
        for bucket in (self._security, self._formatters, self._analytics, self._performance):
            if plugin in bucket:
                bucket.remove(plugin)  # type: ignore[arg-type]
        _guarded(plugin.close)

    def before_emit(self, event: LogEvent) -> bool:
        """Run security then formatter plugins; False means a security plugin vetoed it."""
        for security in self._security:
            try:
                if security.process_event(event) is False:
                    return False
            except Exception as exc:
                track_error("plugin", f"{security.name}: {exc!r}")
        for formatter in self._formatters:
            try:
                event.message = str(formatter.format_message(event))
            except Exception as exc:
                track_error("plugin", f"{formatter.name}: {exc!r}")
        return True

    def after_emit(self, event: LogEvent, duration_ns: int) -> None:
        """Run analytics and performance plugins on the emitted record."""
        for analytics in self._analytics:
            try:
                analytics.process_event(event)
            except Exception as exc:
                track_error("plugin", f"{analytics.name}: {exc!r}")
        for performance in self._performance:
            try:
                performance.record_emit(event, duration_ns)
            except Exception as exc:
                track_error("plugin", f"{performance.name}: {exc!r}")

    def insights(self) -> dict[str, Any]:
        """Each analytics plugin's ``get_insights()``, by name."""
        result: dict[str, Any] = {}
        for analytics in self._analytics:
            try:
                result[analytics.name] = analytics.get_insights()
            except Exception as exc:
                track_error("plugin", f"{analytics.name}: {exc!r}")
        return result

    def names(self) -> list[str]:
        """Names of the attached plugins, in attach order."""
        return list(self._plugins)

    def close(self) -> None:
        """Close every plugin once."""
        for plugin in self._plugins.values():
            _guarded(plugin.close)


def _guarded(func: Any) -> None:
    try:
        func()
    except Exception as exc:
        track_error("plugin", f"close: {exc!r}")
