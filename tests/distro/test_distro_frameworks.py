"""Framework detection from sys.modules only (FRAMEWORK_PATTERNS)."""

from __future__ import annotations

import sys
import types

import pytest

from hydra_otel.distro import FRAMEWORK_PATTERNS, detect_frameworks


def test_detects_what_the_module_table_shows() -> None:
    modules = {"fastapi": object(), "starlette": object(), "json": object()}

    assert detect_frameworks(modules) == ("fastapi", "starlette")


def test_detects_an_imported_framework_in_sys_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "celery", types.ModuleType("celery"))

    assert "celery" in detect_frameworks()
    assert FRAMEWORK_PATTERNS["celery"].layer == "WORKER"


def test_detection_never_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    for pattern in FRAMEWORK_PATTERNS.values():
        for module in pattern.modules:
            monkeypatch.delitem(sys.modules, module, raising=False)
    before = set(sys.modules)

    assert detect_frameworks() == ()
    assert set(sys.modules) == before


def test_every_pattern_suggests_a_layer_and_the_mapping_is_read_only() -> None:
    assert {"fastapi", "flask", "django", "starlette", "aiohttp", "celery"} <= set(
        FRAMEWORK_PATTERNS
    )
    assert all(
        pattern.layer.isupper() and pattern.modules for pattern in FRAMEWORK_PATTERNS.values()
    )
    with pytest.raises(TypeError):
        FRAMEWORK_PATTERNS["bottle"] = FRAMEWORK_PATTERNS["flask"]  # type: ignore[index]
