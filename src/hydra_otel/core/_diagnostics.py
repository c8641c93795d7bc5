"""The library's own diagnostics: an internal logger and the re-entry guard.

Nothing in the logging path may log through the pipeline it is part of. Internal
messages go to ``hydra_otel.internal``, which does not propagate to the root logger
(so the stdlib bridge never sees them), and code running inside the pipeline marks
itself with a context variable that the bridge and the loggers check before emitting.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar, Token

INTERNAL_LOGGER_NAME = "hydra_otel.internal"

internal_logger = logging.getLogger(INTERNAL_LOGGER_NAME)
internal_logger.propagate = False
if not internal_logger.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("hydra-otel: %(levelname)s %(message)s"))
    internal_logger.addHandler(_handler)
    internal_logger.setLevel(logging.WARNING)

_in_pipeline: ContextVar[bool] = ContextVar("hydra_otel_in_pipeline", default=False)


in_pipeline: Callable[[], bool] = _in_pipeline.get
"""Return True while the current context is already inside hydra's logging path.

The ContextVar's own method, not a function around it: the loggers and the bridge
call it on every record, and a Python call costs more than the check."""


@contextlib.contextmanager
def pipeline_guard() -> Iterator[None]:
    """Mark the enclosed block as running inside the logging path."""
    token = _in_pipeline.set(True)
    try:
        yield
    finally:
        _in_pipeline.reset(token)


enter_pipeline: Callable[[], Token[bool]] = functools.partial(_in_pipeline.set, True)
"""Cheaper form of :func:`pipeline_guard` for hot paths; pass the token to
:func:`leave_pipeline`. Like :data:`in_pipeline`, a C callable (no Python frame)."""

leave_pipeline: Callable[[Token[bool]], None] = _in_pipeline.reset
"""Undo :data:`enter_pipeline`."""
