"""The process-wide plugin registry: ``@register_plugin`` and entry-point discovery."""

from __future__ import annotations

import threading
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TypeVar

from hydra_otel.core import PluginError, track_error
from hydra_otel.plugins._base import HydraPlugin

ENTRY_POINT_GROUP = "hydra_otel.plugins"

_PluginT = TypeVar("_PluginT", bound=type[HydraPlugin])
_registry: dict[str, type[HydraPlugin]] = {}
_lock = threading.Lock()
_discovered = False


def register_plugin(name: str) -> Callable[[_PluginT], _PluginT]:
    """Class decorator registering a plugin class under ``name``.

    Raises:
        PluginError: when ``name`` is empty, already taken by another class, or the
            class is not a HydraPlugin subclass.
    """
    if not isinstance(name, str) or not name.strip():
        raise PluginError(f"invalid plugin name {name!r}: expected a non-empty string")

    def decorator(cls: _PluginT) -> _PluginT:
        if not (isinstance(cls, type) and issubclass(cls, HydraPlugin)):
            raise PluginError(
                f"cannot register {cls!r} as plugin {name!r}: it must subclass "
                "AnalyticsPlugin, FormatterPlugin, SecurityPlugin or PerformancePlugin"
            )
        with _lock:
            existing = _registry.get(name)
            if existing is not None and existing is not cls:
                raise PluginError(f"plugin name {name!r} is already registered to {existing!r}")
            _registry[name] = cls
        cls.name = name
        return cls

    return decorator


def get_plugin_class(name: str) -> type[HydraPlugin]:
    """Return the class registered (or discovered) under ``name``.

    Raises:
        PluginError: naming ``name`` and the known plugins when there is none.
    """
    _discover()
    with _lock:
        cls = _registry.get(name)
        known = sorted(_registry)
    if cls is None:
        raise PluginError(f"unknown plugin {name!r}; registered plugins: {known or 'none'}")
    return cls


def list_plugins() -> list[str]:
    """Return the names of every registered and discovered plugin."""
    _discover()
    with _lock:
        return sorted(_registry)


def _discover() -> None:
    """Load plugins advertised in the ``hydra_otel.plugins`` entry-point group, once."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = entry_point.load()
            if entry_point.name not in _registry:
                register_plugin(entry_point.name)(cls)
        except Exception as exc:
            track_error("plugin_discovery", f"entry point {entry_point.name!r}: {exc!r}")
