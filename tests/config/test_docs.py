"""The README's settings table is the one generated from HydraSettings."""

from __future__ import annotations

from pathlib import Path

from hydra_otel.config._docs import TABLE_END, TABLE_START, settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_settings_table_matches_the_model() -> None:
    text = README.read_text(encoding="utf-8")
    embedded = text.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0].strip()
    assert embedded == settings_table(), "run: python -m hydra_otel.config --write README.md"
