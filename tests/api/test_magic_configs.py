"""Magic configs: built-in names, custom registration, clear errors for unknown names."""

from __future__ import annotations

import pytest

from hydra_otel import AsyncHydraLogger, HydraLogger
from hydra_otel.config import LoggingConfig
from hydra_otel.core import ConfigurationError, HydraLoggerError

BUILTINS = ["production", "development", "testing", "high_performance", "bare_metal"]


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_magic_configs_build_working_loggers(name: str) -> None:
    with getattr(HydraLogger, f"for_{name}")() as log:
        log.error("APP", f"from {name}")
        assert log.force_flush()
        assert log.get_performance_metrics()["records_emitted"] == 1


def test_for_testing_keeps_records_in_memory() -> None:
    with HydraLogger.for_testing() as log:
        log.debug("APP", "visible")
        assert [r.log_record.body for r in log.memory_records()] == ["visible"]


def test_custom_magic_config_from_a_dict_or_model() -> None:
    @HydraLogger.register_magic("my_app")
    def my_app() -> dict[str, object]:
        return {"layers": {"DEFAULT": {"level": "WARNING", "destinations": [{"type": "memory"}]}}}

    @HydraLogger.register_magic("my_model_app")
    def my_model_app() -> LoggingConfig:
        return LoggingConfig(layers={"DEFAULT": {"destinations": [{"type": "memory"}]}})

    with HydraLogger.for_my_app() as log:
        log.info("APP", "filtered")
        log.warning("APP", "kept")
        assert [r.log_record.body for r in log.memory_records()] == ["kept"]
    with HydraLogger.for_my_model_app() as log:
        assert log.config.layers["DEFAULT"].destinations[0].type == "memory"
    names = HydraLogger.list_magic_configs()
    assert set(BUILTINS) <= set(names) and {"my_app", "my_model_app"} <= set(names)


def test_unknown_magic_config_names_it() -> None:
    with pytest.raises(HydraLoggerError, match="'unknown'"):
        HydraLogger.for_unknown()
    assert not hasattr(HydraLogger, "for_unknown")


def test_bad_registrations_are_rejected() -> None:
    with pytest.raises(ConfigurationError, match="'Bad Name'"):
        HydraLogger.register_magic("Bad Name")
    with pytest.raises(ConfigurationError, match="'production'"):
        HydraLogger.register_magic("production")

    @HydraLogger.register_magic("returns_junk")
    def returns_junk() -> int:
        return 42

    with pytest.raises(ConfigurationError, match="returns_junk"):
        HydraLogger.for_returns_junk()


async def test_async_logger_shares_magic_configs() -> None:
    log = AsyncHydraLogger.for_testing()
    await log.info("APP", "async hello")
    assert [r.log_record.body for r in log.memory_records()] == ["async hello"]
    await log.close()
