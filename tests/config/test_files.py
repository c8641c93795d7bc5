"""HYDRA_LOG_CONFIG: a LoggingConfig from JSON or TOML, bad files named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hydra_otel import HydraLogger
from hydra_otel.config import load_config_file
from hydra_otel.core import ConfigurationError

CONFIG = {"layers": {"DEFAULT": {"level": "DEBUG", "destinations": [{"type": "memory"}]}}}


def test_json_and_toml_files(tmp_path: Path) -> None:
    json_file = tmp_path / "hydra.json"
    json_file.write_text(json.dumps(CONFIG))
    toml_file = tmp_path / "hydra.toml"
    toml_file.write_text(
        '[layers.DEFAULT]\nlevel = "DEBUG"\n[[layers.DEFAULT.destinations]]\ntype = "memory"\n'
    )
    assert load_config_file(json_file) == load_config_file(toml_file)


def test_hydra_logger_without_config_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = tmp_path / "hydra.json"
    config_file.write_text(json.dumps(CONFIG))
    monkeypatch.setenv("HYDRA_LOG_CONFIG", str(config_file))
    with HydraLogger() as log:
        log.debug("APP", "from the file's config")
        assert [r.log_record.body for r in log.memory_records()] == ["from the file's config"]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("missing.json", None, "cannot be read"),
        ("hydra.yaml", "layers: {}", "expected a .json or .toml"),
        ("broken.json", "{not json", "not valid JSON"),
        ("list.json", "[1, 2]", "top level"),
        ("bad.json", json.dumps({"layers": {"A": {"level": "LOUD"}}}), "'LOUD'"),
    ],
)
def test_bad_files_are_named(tmp_path: Path, name: str, content: str | None, says: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigurationError, match=says) as info:
        load_config_file(path)
    assert name in str(info.value)
