"""Which web and task frameworks the process runs, judged from ``sys.modules`` alone.

Detection never imports anything: a framework counts as present once the application
has imported it, so asking early (before the app imports) finds nothing, by design.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class FrameworkPattern:
    """The modules that reveal one framework, and the Hydra layer its records belong to."""

    modules: tuple[str, ...]
    """Module names; the framework is present when any of them is in ``sys.modules``."""
    layer: str
    """The Hydra layer name suggested for the framework's records (``API``, ``WORKER``…)."""


FRAMEWORK_PATTERNS: Mapping[str, FrameworkPattern] = MappingProxyType(
    {
        "fastapi": FrameworkPattern(("fastapi",), "API"),
        "starlette": FrameworkPattern(("starlette",), "API"),
        "flask": FrameworkPattern(("flask",), "WEB"),
        "django": FrameworkPattern(("django",), "WEB"),
        "aiohttp": FrameworkPattern(("aiohttp.web",), "API"),
        "tornado": FrameworkPattern(("tornado.web",), "WEB"),
        "falcon": FrameworkPattern(("falcon",), "API"),
        "pyramid": FrameworkPattern(("pyramid",), "WEB"),
        "sanic": FrameworkPattern(("sanic",), "API"),
        "litestar": FrameworkPattern(("litestar",), "API"),
        "celery": FrameworkPattern(("celery",), "WORKER"),
        "rq": FrameworkPattern(("rq",), "WORKER"),
        "dramatiq": FrameworkPattern(("dramatiq",), "WORKER"),
        "grpc": FrameworkPattern(("grpc.aio", "grpc._server"), "RPC"),
    }
)
"""Framework name -> :class:`FrameworkPattern` (read-only)."""


def detect_frameworks(modules: Mapping[str, object] | None = None) -> tuple[str, ...]:
    """Return the names of the frameworks whose modules are already imported.

    Args:
        modules: the module table to look at; ``sys.modules`` when None.

    Returns:
        Framework names in :data:`FRAMEWORK_PATTERNS` order, e.g. ``("fastapi", "starlette")``.
    """
    loaded = sys.modules if modules is None else modules
    return tuple(
        name
        for name, pattern in FRAMEWORK_PATTERNS.items()
        if any(module in loaded for module in pattern.modules)
    )
