"""HYDRA_* settings: read from the environment, bad values named."""

from __future__ import annotations

import pytest

from hydra_otel.config import load_settings
from hydra_otel.core import ConfigurationError


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYDRA_LOG_DATE_FORMAT", "%d/%m/%Y")
    monkeypatch.setenv("HYDRA_LOG_CONFIG_DUMP", "true")
    settings = load_settings()
    assert settings.log_date_format == "%d/%m/%Y"
    assert settings.log_config_dump is True


def test_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYDRA_LOG_CONFIG_DUMP", "maybe")
    with pytest.raises(ConfigurationError, match=r"HYDRA_LOG_CONFIG_DUMP.*'maybe'"):
        load_settings()
