"""The README's HYDRA_* settings table, generated from HydraSettings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic_core import PydanticUndefined

from hydra_otel.config._settings import HydraSettings

TABLE_START = "<!-- settings-table:start -->"
TABLE_END = "<!-- settings-table:end -->"


def settings_table() -> str:
    """Return a markdown table of every HYDRA_* variable: name, default, meaning."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in HydraSettings.model_fields.items():
        default = _default_text(field.default, field.default_factory)
        description = " ".join((field.description or "").split()).replace("|", "\\|")
        rows.append(f"| `HYDRA_{name.upper()}` | {default} | {description} |")
    return "\n".join(rows)


def _default_text(default: Any, factory: Any) -> str:
    if factory is not None:
        return "(computed)"
    if default is PydanticUndefined or default is None:
        return "(unset)"
    return f"`{default}`" if str(default) else "(empty)"


def write_settings_table(path: Path) -> None:
    """Replace the table between the settings-table markers in ``path``."""
    text = path.read_text(encoding="utf-8")
    before, rest = text.split(TABLE_START, 1)
    _, after = rest.split(TABLE_END, 1)
    path.write_text(
        f"{before}{TABLE_START}\n{settings_table()}\n{TABLE_END}{after}", encoding="utf-8"
    )
