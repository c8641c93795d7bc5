"""Reading a LoggingConfig from a JSON or TOML file (HYDRA_LOG_CONFIG)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from hydra_otel.config._models import LoggingConfig, coerce_config
from hydra_otel.core import ConfigurationError


def load_config_file(path: str | Path) -> LoggingConfig:
    """Parse and validate the LoggingConfig in ``path`` (``.json`` or ``.toml``).

    Raises:
        ConfigurationError: naming the file when it is missing, unreadable, of another
            type, not valid JSON/TOML, or holds an invalid configuration.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".json", ".toml"):
        raise ConfigurationError(f"config file {str(file)!r}: expected a .json or .toml file")
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"config file {str(file)!r} cannot be read: {exc.strerror}"
        ) from None
    try:
        data = json.loads(text) if suffix == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(
            f"config file {str(file)!r} is not valid {suffix[1:].upper()}: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"config file {str(file)!r}: expected an object at the top level")
    try:
        return coerce_config(data)
    except ConfigurationError as exc:
        raise ConfigurationError(f"config file {str(file)!r}: {exc}") from None
