"""Plugins: registration, discovery, every record seen, failures contained."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hydra_otel import get_error_stats
from hydra_otel.api import HydraLogger
from hydra_otel.core import PluginError
from hydra_otel.plugins import (
    AnalyticsPlugin,
    FormatterPlugin,
    LogEvent,
    PerformancePlugin,
    SecurityPlugin,
    get_plugin_class,
    list_plugins,
    register_plugin,
)
from hydra_otel.plugins import _registry as plugin_registry


@register_plugin("layer_counter")
class LayerCounter(AnalyticsPlugin):
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []

    def process_event(self, event: LogEvent) -> None:
        self.seen.append((event.layer, event.level, event.message))

    def get_insights(self) -> dict[str, Any]:
        return {"count": len(self.seen)}


class DropDebugSecrets(SecurityPlugin):
    def process_event(self, event: LogEvent) -> bool:
        event.attributes.pop("secret", None)
        return "drop-me" not in event.message


class Shout(FormatterPlugin):
    def format_message(self, event: LogEvent) -> str:
        return event.message.upper()


class Timer(PerformancePlugin):
    def __init__(self) -> None:
        self.durations: list[int] = []

    def record_emit(self, event: LogEvent, duration_ns: int) -> None:
        self.durations.append(duration_ns)


class Broken(AnalyticsPlugin):
    def process_event(self, event: LogEvent) -> None:
        raise RuntimeError("plugin bug")


def memory_logger() -> HydraLogger:
    return HydraLogger(
        {"layers": {"DEFAULT": {"level": "DEBUG", "destinations": [{"type": "memory"}]}}}
    )


def test_analytics_plugin_sees_every_record() -> None:
    with memory_logger() as log:
        counter = log.add_plugin("layer_counter")
        log.info("APP", "one")
        log.error("AUTH", "two")
        log.security("AUTH", "three")
        assert counter.seen == [
            ("APP", "INFO", "one"),
            ("AUTH", "ERROR", "two"),
            ("AUTH", "SECURITY", "three"),
        ]
        assert log.get_performance_metrics()["plugins"] == {"layer_counter": {"count": 3}}


def test_security_and_formatter_plugins_change_what_is_emitted() -> None:
    with memory_logger() as log:
        log.add_plugin("guard", DropDebugSecrets())
        log.add_plugin("shout", Shout())
        timer = log.add_plugin("timer", Timer)
        log.info("APP", "hello", extra={"secret": "x", "kept": 1})
        log.info("APP", "drop-me please")
        (record,) = log.memory_records()
        assert record.log_record.body == "HELLO"
        assert (
            "secret" not in record.log_record.attributes
            and record.log_record.attributes["kept"] == 1
        )
        assert log.get_performance_metrics()["dropped_by_reason"] == {"plugin_veto": 1}
        assert len(timer.durations) == 1 and timer.durations[0] > 0


def test_a_raising_plugin_never_breaks_logging() -> None:
    before = get_error_stats()["by_kind"].get("plugin", {}).get("count", 0)
    with memory_logger() as log:
        log.add_plugin("broken", Broken())
        log.info("APP", "a")
        log.info("APP", "b")
        assert [r.log_record.body for r in log.memory_records()] == ["a", "b"]
    assert get_error_stats()["by_kind"]["plugin"]["count"] == before + 2


def test_registry_errors_are_clear() -> None:
    with pytest.raises(PluginError, match="'nope'"):
        get_plugin_class("nope")
    with pytest.raises(PluginError, match="subclass"):
        register_plugin("not_a_plugin")(dict)  # type: ignore[arg-type]
    with pytest.raises(PluginError, match="already registered"):
        register_plugin("layer_counter")(Broken)
    assert "layer_counter" in list_plugins()
    with memory_logger() as log:
        log.add_plugin("layer_counter")
        with pytest.raises(PluginError, match="already attached"):
            log.add_plugin("layer_counter")
        with pytest.raises(PluginError, match="instance"):
            log.add_plugin("junk", object())  # type: ignore[arg-type]


def test_plugins_are_discovered_from_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "acme_hydra_plugin.py").write_text(
        "from hydra_otel.plugins import AnalyticsPlugin\n"
        "class AcmeCounter(AnalyticsPlugin):\n"
        "    def __init__(self):\n"
        "        self.count = 0\n"
        "    def process_event(self, event):\n"
        "        self.count += 1\n"
    )
    dist_info = tmp_path / "acme_hydra_plugin-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-hydra-plugin\nVersion: 1.0\n"
    )
    (dist_info / "entry_points.txt").write_text(
        "[hydra_otel.plugins]\nacme_counter = acme_hydra_plugin:AcmeCounter\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(plugin_registry, "_discovered", False)
    assert "acme_counter" in list_plugins()
    with memory_logger() as log:
        plugin = log.add_plugin("acme_counter")
        log.info("APP", "counted")
        assert plugin.count == 1  # type: ignore[attr-defined]
