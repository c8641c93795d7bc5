"""Closing every HydraLogger still open when the interpreter exits, so nothing queued is lost."""

from __future__ import annotations

import atexit
import weakref
from typing import Protocol

from hydra_otel.core import track_error


class _Closable(Protocol):
    def close(self) -> None: ...


_open_loggers: weakref.WeakSet[_Closable] = weakref.WeakSet()


def close_at_exit(logger: _Closable) -> None:
    """Close ``logger`` at exit unless it is closed (or collected) before."""
    _open_loggers.add(logger)


@atexit.register
def _close_open_loggers() -> None:
    for logger in list(_open_loggers):
        try:
            logger.close()
        except Exception as exc:
            track_error("close", repr(exc))
