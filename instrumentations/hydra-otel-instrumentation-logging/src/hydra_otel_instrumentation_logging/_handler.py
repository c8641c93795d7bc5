"""HydraBridgeHandler: the ``logging.Handler`` on the root logger that feeds OpenTelemetry.

It is built for the hot path: one emitter per stdlib logger name is cached in a plain
dict, the handler lock stdlib takes around ``emit`` is skipped (the OTel pipeline is
thread-safe), a record is translated once into valid attribute values, and
:class:`~hydra_otel.api.DirectEmitter` hands it to the
SDK's processors without a second validation pass.

It changes nothing the application sees: it sits at NOTSET so stdlib's ``found a
handler`` logic is unaffected by its own threshold, and when it is the only handler a
record meets it hands the record to ``logging.lastResort`` exactly as stdlib would
have done without it.
"""

from __future__ import annotations

import logging
from typing import Any

from opentelemetry._logs import LoggerProvider, NoOpLogger

from hydra_otel.api import DirectEmitter
from hydra_otel.core import track_error
from hydra_otel.core._diagnostics import (
    INTERNAL_LOGGER_NAME,
    enter_pipeline,
    in_pipeline,
    leave_pipeline,
)
from hydra_otel_instrumentation_logging._translation import (
    SEVERITY_BY_LEVEL,
    record_attributes,
    record_body,
    severity_of,
)

SKIPPED_LOGGER_PREFIXES: tuple[str, ...] = (INTERNAL_LOGGER_NAME, "opentelemetry")
"""Loggers never bridged: hydra's own diagnostics and the OTel SDK/exporters (feedback loops)."""

_UNRESOLVED = object()
_LEVEL_COUNT = len(SEVERITY_BY_LEVEL)


def is_skipped_logger(name: str) -> bool:
    """True for loggers whose records must never enter the pipeline."""
    return any(
        name == prefix or name.startswith(prefix + ".") for prefix in SKIPPED_LOGGER_PREFIXES
    )


class HydraBridgeHandler(logging.Handler):
    """Emits every stdlib record it receives into an OpenTelemetry LoggerProvider.

    Args:
        logger_provider: where records go (the global provider when instrumented).
        threshold: minimum stdlib level forwarded; 0 forwards what the loggers pass.
    """

    def __init__(self, logger_provider: LoggerProvider, threshold: int = logging.NOTSET) -> None:
        super().__init__(logging.NOTSET)
        self.logger_provider = logger_provider
        self.threshold = threshold
        self._loggers: dict[str, Any] = {}

    def handle(self, record: logging.LogRecord) -> bool:
        """Filter and emit without the handler lock; the OTel pipeline is thread-safe."""
        if self.filters:
            filtered = self.filter(record)
            if not filtered:
                return False
            if isinstance(filtered, logging.LogRecord):
                record = filtered
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        """Translate ``record`` and emit it; never raises, never re-enters the pipeline."""
        if record.levelno >= self.threshold and not in_pipeline():
            emitter = self._loggers.get(record.name, _UNRESOLVED)
            if emitter is _UNRESOLVED:
                emitter = self._resolve_logger(record.name)
            if emitter is not None:
                token = enter_pipeline()
                try:
                    levelno = record.levelno
                    emitter.emit(
                        int(record.created * 1e9),
                        SEVERITY_BY_LEVEL[levelno]
                        if 0 <= levelno < _LEVEL_COUNT
                        else severity_of(levelno),
                        record.levelname,
                        record_body(record),
                        record_attributes(record),
                    )
                except Exception as exc:  # the application's logging call must never fail
                    track_error("logging_bridge", f"{record.name}: {type(exc).__name__}: {exc}")
                finally:
                    leave_pipeline(token)
        root_handlers = logging.root.handlers
        if len(root_handlers) == 1 and root_handlers[0] is self:
            last_resort = logging.lastResort  # checked here too: most records are below it
            if last_resort is not None and record.levelno >= last_resort.level:
                _hand_to_last_resort(record)

    def _resolve_logger(self, name: str) -> DirectEmitter | None:
        emitter: DirectEmitter | None = None
        if not is_skipped_logger(name):
            try:
                resolved = self.logger_provider.get_logger(name)
            except Exception as exc:  # a broken provider drops records, it does not raise
                track_error("logging_bridge", f"get_logger({name!r}): {exc}")
                return None
            emitter = None if isinstance(resolved, NoOpLogger) else DirectEmitter(resolved)
        self._loggers[name] = emitter
        return emitter

    def flush(self) -> None:
        """Nothing buffered here; the LoggerProvider's processors own delivery."""


def _hand_to_last_resort(record: logging.LogRecord) -> None:
    """Do what stdlib does when a record meets no handler: ``logging.lastResort``."""
    last_resort = logging.lastResort
    if last_resort is None or record.levelno < last_resort.level:
        return
    logger = logging.root.manager.loggerDict.get(record.name)
    while isinstance(logger, logging.Logger) and logger is not logging.root:
        if logger.handlers or not logger.propagate:
            return
        logger = logger.parent
    last_resort.handle(record)
