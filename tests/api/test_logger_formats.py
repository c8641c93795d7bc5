"""Text formats of HydraLogger destinations: constructor arguments, then HYDRA_LOG_* variables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hydra_otel import HydraLogger


def file_config(path: Path, fmt: str = "plain-text") -> dict[str, object]:
    return {
        "layers": {
            "DEFAULT": {"destinations": [{"type": "file", "path": str(path), "format": fmt}]}
        }
    }


def test_constructor_formats_shape_plain_text_lines(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    with HydraLogger(
        file_config(path),
        date_format="%d/%m/%Y",
        time_format="%H:%M",
        logger_name_format="{name}.{layer}",
        message_format="{timestamp} | {level} | {logger} | {message}",
        name="shop",
    ) as log:
        log.info("AUTH", "signed in")
    (line,) = path.read_text().splitlines()
    stamp, level, logger, message = line.split(" | ")
    assert len(stamp.split()[0].split("/")) == 3 and len(stamp.split()[1]) == 5
    assert (level, logger, message) == ("INFO", "shop.AUTH", "signed in")


def test_environment_formats_apply_when_the_constructor_is_silent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HYDRA_LOG_MESSAGE_FORMAT", "[{layer}] {message}")
    path = tmp_path / "app.log"
    with HydraLogger(file_config(path)) as log:
        log.warning("API", "slow")
    assert path.read_text().splitlines() == ["[API] slow"]


def test_every_format_is_written_by_a_logger(tmp_path: Path) -> None:
    for fmt in ("json", "csv", "syslog", "gelf"):
        path = tmp_path / f"app.{fmt}"
        with HydraLogger(file_config(path, fmt)) as log:
            log.error("DB", "deadlock, retrying", extra={"table": "orders"})
        text = path.read_text()
        assert "deadlock, retrying" in text, fmt
        if fmt in ("json", "gelf"):
            entry = json.loads(text.splitlines()[-1])
            assert "orders" in json.dumps(entry)
