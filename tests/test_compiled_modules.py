"""Modules ``make compile`` builds with mypyc sit next to their sources as ``.so`` files
and are imported instead of them, so a build must never be older than its source."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]

COMPILED_MODULES = (
    "hydra_otel.data_protection._search",
    "hydra_otel.data_protection._validators",
    "hydra_otel.data_protection._families",
    "hydra_otel.data_protection._numbers",
    "hydra_otel.data_protection._scanner",
    "hydra_otel.data_protection._sanitizer",
    "hydra_otel.data_protection._walker",
    "hydra_otel.data_protection._key_rules",
    "hydra_otel.data_protection._tokens",
    "hydra_otel.data_protection._report",
    "hydra_otel.data_protection._attribute_access",
    "hydra_otel.export.otlp._wire",
    "hydra_otel.export.otlp._any_value",
    "hydra_otel.export.otlp._encoder",
)


def compiled_builds() -> list[Path]:
    """The ``.so`` files imported in place of those modules here (none when pure)."""
    paths = [Path(str(importlib.import_module(name).__file__)) for name in COMPILED_MODULES]
    return [path for path in paths if path.suffix != ".py"]


def test_the_list_above_is_what_the_makefile_compiles() -> None:
    makefile = (_REPO / "Makefile").read_text(encoding="utf-8")
    definition = makefile.split("COMPILED :=", 1)[1].split("COMPILED_BUILDS", 1)[0]
    definition = re.sub(r"\\\n\s*", " ", definition)  # join continued lines
    listed = set()
    for directory, names in re.findall(r"addprefix src/([\w/]+)/,([\w. ]+)\)", definition):
        listed |= {f"{directory}/{name}".replace("/", ".")[: -len(".py")] for name in names.split()}
    assert listed == set(COMPILED_MODULES)


def test_the_list_above_is_what_a_compiled_wheel_compiles() -> None:
    """``HATCH_BUILD_HOOK_ENABLE_MYPYC=true python -m build --wheel`` builds the same set."""
    project = tomllib.loads((_REPO / "pyproject.toml").read_text(encoding="utf-8"))
    hook = project["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]
    assert hook["enable-by-default"] is False  # an sdist install without a compiler still works
    listed = {path[len("src/") : -len(".py")].replace("/", ".") for path in hook["include"]}
    assert listed == set(COMPILED_MODULES)


def test_no_build_is_older_than_its_source() -> None:
    """A module edited after ``make compile`` would be shadowed by its stale build."""
    for built in compiled_builds():
        source = built.with_name(built.name.split(".", 1)[0] + ".py")
        assert built.stat().st_mtime >= source.stat().st_mtime, (
            f"{built.name} is older than {source.name}: run `make compile` (or `make pure`)"
        )
