"""The public surface is a contract: this test lists it, so changing it is deliberate."""

from __future__ import annotations

import pytest

import hydra_otel
import hydra_otel.config
import hydra_otel.core
import hydra_otel.plugins

PUBLIC = {
    "AsyncHydraLogger",
    "CLOUD_PROVIDER_PATTERNS",
    "FRAMEWORK_PATTERNS",
    "HydraLogger",
    "PII_PATTERNS",
    "__version__",
    "configure",
    "create_logger",
    "get_error_stats",
    "shutdown",
    "track_error",
}


def test_top_level_names() -> None:
    assert set(hydra_otel.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(hydra_otel, name) is not None


def test_issue_contract_imports() -> None:
    from hydra_otel.config import LogDestination, LoggingConfig, LogLayer
    from hydra_otel.core import ConfigurationError, HydraLoggerError
    from hydra_otel.plugins import (
        AnalyticsPlugin,
        FormatterPlugin,
        PerformancePlugin,
        SecurityPlugin,
        register_plugin,
    )

    assert issubclass(ConfigurationError, HydraLoggerError)
    assert {LogDestination, LoggingConfig, LogLayer}
    assert callable(register_plugin)
    assert {AnalyticsPlugin, FormatterPlugin, PerformancePlugin, SecurityPlugin}


def test_pattern_tables_are_read_only_mappings() -> None:
    for table in (
        hydra_otel.PII_PATTERNS,
        hydra_otel.CLOUD_PROVIDER_PATTERNS,
        hydra_otel.FRAMEWORK_PATTERNS,
    ):
        assert len(table) > 0
        with pytest.raises(TypeError):
            table["new"] = "x"  # type: ignore[index]
    assert "email" in hydra_otel.PII_PATTERNS and "credit_card" in hydra_otel.PII_PATTERNS
