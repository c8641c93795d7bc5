"""The library's own diagnostics: an internal logger and the re-entry guard.

Nothing in the logging path may log through the pipeline it is part of. Internal
messages go to ``hydra_otel.internal``, which does not propagate to the root logger
(so the stdlib bridge never sees them), and code running inside the pipeline marks
itself with a context variable that the bridge and the loggers check before emitting.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar

INTERNAL_LOGGER_NAME = "hydra_otel.internal"

internal_logger = logging.getLogger(INTERNAL_LOGGER_NAME)
internal_logger.propagate = False
if not internal_logger.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("hydra-otel: %(levelname)s %(message)s"))
    internal_logger.addHandler(_handler)
    internal_logger.setLevel(logging.WARNING)

_in_pipeline: ContextVar[bool] = ContextVar("hydra_otel_in_pipeline", default=False)


def in_pipeline() -> bool:
    """Return True while the current context is already inside hydra's logging path."""
    return _in_pipeline.get()


@contextlib.contextmanager
def pipeline_guard() -> Iterator[None]:
    """Mark the enclosed block as running inside the logging path."""
    token = _in_pipeline.set(True)
    try:
        yield
    finally:
        _in_pipeline.reset(token)


def enter_pipeline() -> object:
    """Cheaper form of :func:`pipeline_guard` for hot paths; pass the token to :func:`leave_pipeline`."""
    return _in_pipeline.set(True)


def leave_pipeline(token: object) -> None:
    """Undo :func:`enter_pipeline`."""
    _in_pipeline.reset(token)  # type: ignore[arg-type]
