"""Colour decisions and ANSI codes for the console.

``should_use_color`` answers the one question a destination asks at construction;
the formats never look at the environment per record.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Mapping
from typing import Any

from hydra_otel.config._models import COLOR_MODES, COLOR_NAMES
from hydra_otel.core import FormatterError

RESET = "\x1b[0m"

ANSI_CODES: dict[str, str] = {
    name: f"\x1b[{code}m"
    for name, code in zip(COLOR_NAMES, [*range(30, 38), *range(90, 98)], strict=True)
}
"""The escape sequence of each colour name a LogLayer accepts."""

# Palette for layers without a configured colour: stable per name, never red (levels own red).
_LAYER_PALETTE = (
    "cyan",
    "green",
    "blue",
    "magenta",
    "bright_cyan",
    "bright_green",
    "bright_blue",
    "bright_magenta",
    "yellow",
)

_LEVEL_COLORS: dict[str, str] = {
    "SECURITY": "\x1b[1;35m",
    "AUDIT": "\x1b[34m",
    "COMPLIANCE": "\x1b[34m",
}
# By OTel severity range: unset, TRACE, DEBUG, INFO, WARN, ERROR, FATAL.
_SEVERITY_COLORS = ("", "\x1b[2m", "\x1b[36m", "\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[1;41;97m")


def should_use_color(color_mode: str, stream: Any) -> bool:
    """Decide whether text written to ``stream`` gets ANSI colours.

    ``always`` and ``never`` are explicit and win over the environment. ``auto``
    colours only a TTY, except that a non-empty ``NO_COLOR`` disables colour and a
    non-empty ``FORCE_COLOR`` other than ``0`` enables it (``NO_COLOR`` wins when both
    are set).

    Args:
        color_mode: ``auto``, ``always`` or ``never``.
        stream: the stream the text goes to (anything with ``isatty()``).

    Raises:
        FormatterError: naming an unknown colour mode.
    """
    mode = color_mode.strip().lower() if isinstance(color_mode, str) else color_mode
    if mode not in COLOR_MODES:
        raise FormatterError(
            f"unknown color_mode {color_mode!r}: expected one of {', '.join(COLOR_MODES)}"
        )
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force and force != "0":
        return True
    try:
        return bool(stream.isatty())
    except Exception:  # a stream without isatty (or a closed one) is no TTY
        return False


def check_color_names(layer_colors: Mapping[str, str]) -> dict[str, str]:
    """Return ``layer_colors`` in lower case; raise FormatterError naming a bad colour."""
    checked: dict[str, str] = {}
    for layer, color in layer_colors.items():
        name = color.strip().lower() if isinstance(color, str) else color
        if name not in ANSI_CODES:
            raise FormatterError(
                f"unknown colour {color!r} for layer {layer!r}: expected one of "
                f"{', '.join(COLOR_NAMES)}"
            )
        checked[str(layer)] = name
    return checked


def layer_color_code(layer: str, layer_colors: Mapping[str, str]) -> str:
    """Return the ANSI code of a layer: its configured colour, else a stable palette pick."""
    name = layer_colors.get(layer)
    if name is None:
        name = _LAYER_PALETTE[zlib.crc32(layer.encode("utf-8", "replace")) % len(_LAYER_PALETTE)]
    return ANSI_CODES[name]


def level_color_code(level: str, severity: int) -> str:
    """Return the ANSI code of a level: Hydra categories by name, the rest by severity range."""
    special = _LEVEL_COLORS.get(level)
    if special is not None:
        return special
    return _SEVERITY_COLORS[0 if severity <= 0 else min((severity - 1) // 4 + 1, 6)]
