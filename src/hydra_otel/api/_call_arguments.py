"""The arguments of a Hydra log call: layer and message in either order, ``exc_info``."""

from __future__ import annotations

import sys
from typing import Any

from hydra_otel.config import DEFAULT_LAYER, Level, parse_level
from hydra_otel.config._levels import INFO
from hydra_otel.core import track_error

ExcInfo = bool | BaseException | tuple[Any, Any, Any] | None
"""What ``exc_info=`` accepts: True (the exception being handled), an exception, a
``sys.exc_info()`` tuple, or False/None."""


def split_layer_and_message(first: Any, second: Any, layer: str | None) -> tuple[str, str]:
    """``(layer, message)`` from ``info(layer, message)``, ``info(message, layer=…)`` or ``info(message)``."""
    if layer is not None:
        if second is not None:
            return str(layer), f"{message_text(first)} {message_text(second)}"
        return str(layer), message_text(first)
    if second is None:
        return DEFAULT_LAYER, message_text(first)
    return message_text(first), message_text(second)


def message_text(value: Any) -> str:
    """``value`` as the record's text; an object whose ``str()`` fails becomes a placeholder."""
    if type(value) is str:
        return value
    try:
        return str(value)
    except Exception:  # a broken __str__ must not lose the record
        return f"<unprintable {type(value).__name__}>"


def exception_from(exc_info: ExcInfo) -> BaseException | None:
    """The exception ``exc_info`` names, or None."""
    if exc_info is None or exc_info is False:
        return None
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple):
        return exc_info[1] if len(exc_info) > 1 and isinstance(exc_info[1], BaseException) else None
    return sys.exc_info()[1]


def level_or_info(level: str | int) -> Level:
    """The level ``level`` names; an invalid one is counted (``bad_level``) and logged as INFO."""
    try:
        return parse_level(level)
    except ValueError as exc:
        track_error("bad_level", str(exc))
        return INFO
