"""LoggingConfig / LogLayer / LogDestination validation: bad values fail early, naming themselves."""

from __future__ import annotations

import pytest

from hydra_otel.config import LogDestination, LoggingConfig, LogLayer, coerce_config
from hydra_otel.core import ConfigurationError, HydraLoggerError


@pytest.mark.parametrize(
    ("destination", "named"),
    [
        ({"type": "kafka"}, "'kafka'"),
        ({"type": "console", "format": "xml"}, "'xml'"),
        ({"type": "console", "color_mode": "rainbow"}, "'rainbow'"),
        ({"type": "console", "level": "LOUD"}, "'LOUD'"),
        ({"type": "file", "path": "x.log", "max_bytes": "ten"}, "'ten'"),
        ({"type": "otlp", "endpoint": "ftp://x"}, "'ftp://x'"),
        ({"type": "file"}, "path"),
    ],
)
def test_bad_destination_names_the_value(destination: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named) as info:
        LogDestination(**destination)  # type: ignore[arg-type]
    assert isinstance(info.value, HydraLoggerError)


def test_nested_error_names_the_field_path_and_value() -> None:
    with pytest.raises(ConfigurationError) as info:
        coerce_config({"layers": {"AUTH": {"level": "nope", "destinations": [{"type": "x"}]}}})
    message = str(info.value)
    assert "layers.AUTH.level" in message and "'nope'" in message
    assert "layers.AUTH.destinations.0.type" in message and "'x'" in message


def test_assignment_is_validated() -> None:
    config = LoggingConfig()
    with pytest.raises(ConfigurationError, match="'zz'"):
        config.default_level = "zz"


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="bogus"):
        LoggingConfig(bogus=1)  # type: ignore[call-arg]


def test_dicts_are_accepted_wherever_models_are() -> None:
    config = coerce_config(
        {
            "layers": {
                "APP": {
                    "level": "debug",
                    "color": "Cyan",
                    "resource": {"team": "core"},
                    "destinations": [
                        {"type": "file", "path": "app.log", "max_bytes": "5MB", "format": "json"}
                    ],
                }
            }
        }
    )
    layer = config.layers["APP"]
    assert isinstance(layer, LogLayer)
    assert layer.level == "DEBUG" and layer.color == "cyan"
    assert layer.destinations[0].max_bytes == 5_000_000
    assert layer.destinations[0].format == "json"


def test_sizes_and_level_aliases() -> None:
    assert LogDestination(type="file", path="a", max_bytes="1 MiB").max_bytes == 1024 * 1024
    assert LogDestination(type="console", level="warn").level == "WARNING"
    assert LogDestination(type="console", format="text").format == "plain-text"


def test_unconfigured_layer_falls_back_to_default() -> None:
    config = LoggingConfig(
        layers={"DEFAULT": {"level": "ERROR", "destinations": [{"type": "memory"}]}}
    )
    assert config.layer_for("ANYTHING").level == "ERROR"
    bare = LoggingConfig(default_level="WARNING")
    fallback = bare.layer_for("APP")
    assert fallback.level == "WARNING" and fallback.destinations[0].type == "console"


def test_not_a_mapping_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="list"):
        coerce_config(["nope"])  # type: ignore[arg-type]
