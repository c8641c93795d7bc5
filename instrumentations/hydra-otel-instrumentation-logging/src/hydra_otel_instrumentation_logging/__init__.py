"""The hydra stdlib logging bridge, as an OpenTelemetry instrumentation.

``opentelemetry-instrument --distro hydra`` loads it through the
``opentelemetry_instrumentor`` entry point ``hydra_logging`` (so
``OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=hydra_logging`` turns it off);
``hydra_otel.configure()`` instruments it too. Usage in code::

    HydraLoggingInstrumentor().instrument(logger_provider=provider, level="INFO")
    ...
    HydraLoggingInstrumentor().uninstrument()
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from opentelemetry._logs import get_logger_provider
from opentelemetry.instrumentation.instrumentor import (  # type: ignore[attr-defined]
    BaseInstrumentor,
)

from hydra_otel.config import load_settings, parse_level
from hydra_otel.core._diagnostics import internal_logger
from hydra_otel_instrumentation_logging._config_functions import keep_on_root, release_root
from hydra_otel_instrumentation_logging._handler import (
    SKIPPED_LOGGER_PREFIXES,
    HydraBridgeHandler,
    is_skipped_logger,
)
from hydra_otel_instrumentation_logging.package import _instruments
from hydra_otel_instrumentation_logging.version import __version__

__all__ = [
    "SKIPPED_LOGGER_PREFIXES",
    "HydraBridgeHandler",
    "HydraLoggingInstrumentor",
    "__version__",
    "is_skipped_logger",
]


class HydraLoggingInstrumentor(BaseInstrumentor):  # type: ignore[misc]
    """Attaches a :class:`HydraBridgeHandler` to the root logger, and removes it again.

    ``instrument()`` keyword arguments:

    - ``logger_provider``: the OTel LoggerProvider to emit into (default: the global one).
    - ``level``: minimum level forwarded, a name or number; default ``HYDRA_BRIDGE_LEVEL``
      (``NOTSET``: whatever the application's loggers let through).
    """

    _handler: HydraBridgeHandler | None = None

    @property
    def handler(self) -> HydraBridgeHandler | None:
        """The handler on the root logger while instrumented (None otherwise)."""
        return self._handler

    def instrumentation_dependencies(self) -> Collection[str]:
        """Nothing to check: ``logging`` is part of the standard library."""
        return _instruments

    def _instrument(self, **kwargs: Any) -> None:
        provider = kwargs.get("logger_provider") or get_logger_provider()
        level = kwargs.get("level")
        threshold = _threshold(load_settings().bridge_level if level is None else level)
        root = logging.getLogger()
        if _other_otel_handlers_present(root):
            return
        handler = HydraBridgeHandler(provider, threshold)
        root.addHandler(handler)
        keep_on_root(handler)
        self._handler = handler

    def _uninstrument(self, **kwargs: Any) -> None:
        handler = self._handler
        self._handler = None
        if handler is not None:
            release_root()
            logging.getLogger().removeHandler(handler)
            handler.close()


def _threshold(level: str | int) -> int:
    """Stdlib level number of ``level``; ``NOTSET`` (0) forwards everything."""
    if isinstance(level, str) and level.strip().upper() == "NOTSET":
        return logging.NOTSET
    if isinstance(level, int) and not isinstance(level, bool) and level == 0:
        return logging.NOTSET
    return int(parse_level(level).stdlib)


def _other_otel_handlers_present(root: logging.Logger) -> bool:
    """True (and reported once) when another OTel handler already bridges the root logger."""
    others = [
        type(handler).__name__
        for handler in root.handlers
        if type(handler).__module__.startswith("opentelemetry.")
    ]
    if others:
        internal_logger.warning(
            "the hydra logging bridge is not attached: %s on the root logger already sends "
            "stdlib records to OpenTelemetry (both would duplicate every record)",
            ", ".join(others),
        )
    return bool(others)
