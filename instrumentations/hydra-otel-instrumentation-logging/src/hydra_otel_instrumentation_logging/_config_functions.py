"""Keeping the bridge on the root logger through the application's logging set-up.

``logging.basicConfig`` does nothing when the root logger already has a handler, and
``dictConfig`` / ``fileConfig`` replace the root's handlers. While they run, the bridge
steps off the root logger and steps back on afterwards, so the application's own
configuration comes out exactly as it would without the bridge.
"""

from __future__ import annotations

import logging
import logging.config
from collections.abc import Callable
from typing import Any

from opentelemetry.instrumentation.utils import unwrap
from wrapt import wrap_function_wrapper

CONFIG_FUNCTIONS: tuple[tuple[Any, str], ...] = (
    (logging, "basicConfig"),
    (logging.config, "dictConfig"),
    (logging.config, "fileConfig"),
)
"""The stdlib functions that would remove the bridge or be disabled by it."""


def keep_on_root(handler: logging.Handler) -> None:
    """Wrap the stdlib configuration functions so ``handler`` survives them unnoticed."""

    def step_aside(
        wrapped: Callable[..., Any], _instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        root = logging.getLogger()
        attached = handler in root.handlers
        if attached:
            root.removeHandler(handler)
        try:
            return wrapped(*args, **kwargs)
        finally:
            if attached:
                root.addHandler(handler)

    for module, name in CONFIG_FUNCTIONS:
        wrap_function_wrapper(module, name, step_aside)


def release_root() -> None:
    """Restore the stdlib configuration functions."""
    for module, name in CONFIG_FUNCTIONS:
        unwrap(module, name)
