"""AsyncHydraLogger: the Hydra API for asyncio code, never blocking the loop on I/O.

A record of a layer whose emit path does no I/O (hydra's own processors into OTLP
destinations) is emitted on the calling thread, as HydraLogger emits it: encoded into the
export processor's queue in a few microseconds, with no thread to hand over to. Any
other record, and any record that would overtake a queued one, takes the queue: the call
does the part that must happen at call time (level filter, ``extra`` snapshot,
timestamp, exception, a copy of the contextvars) and queues the record in a
:class:`~hydra_otel.async_hydra.MultiFallbackAsyncQueue`; an emitting thread hands it, in
order and inside the caller's context, to the same OpenTelemetry pipeline. Guaranteed
records (ERROR+) always take the queue, whose thread makes them durable off the loop.

Calls return a :class:`~hydra_otel.async_hydra.LogReceipt`: ``await`` it to wait for
what the call promises (for ERROR and CRITICAL, that the record is exported or in the
crash-safe spool), or ignore it from sync code.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, TypeVar

from opentelemetry.sdk._logs import LogRecordProcessor, ReadableLogRecord

from hydra_otel.api._attributes import to_attributes
from hydra_otel.api._call_arguments import ExcInfo, exception_from, level_or_info
from hydra_otel.api._logger import HydraLogger
from hydra_otel.api._magic_access import MagicConfigAccess
from hydra_otel.async_hydra import LogReceipt, MultiFallbackAsyncQueue
from hydra_otel.async_hydra._inline import InlineRoutes
from hydra_otel.async_hydra._receipt import COMPLETED
from hydra_otel.config import LogDestination, LoggingConfig
from hydra_otel.config import _levels as levels
from hydra_otel.config._magic import MagicFactory, list_magic_configs, register_magic
from hydra_otel.core import ConfigurationError, track_error
from hydra_otel.export import FallbackExportOptions
from hydra_otel.plugins import HydraPlugin

_T = TypeVar("_T")
_NO_FIELDS: dict[str, Any] = {}
_CLOSE_TIMEOUT = 10.0


class AsyncHydraLogger(metaclass=MagicConfigAccess):
    """The awaitable twin of HydraLogger: same configuration, same records, same outputs.

    Args:
        config: as for HydraLogger (a LoggingConfig, a dict, or None).
        queue_class: MultiFallbackAsyncQueue or a subclass (the Hydra plan's API).
        primary_strategy: the queue's first strategy: ``async`` (default), ``sync``,
            ``direct`` or ``memory``.
        fallback_strategies: the strategies allowed after it; None (default) means
            ``["sync", "direct", "memory"]`` without the primary.
        guaranteed_level: records at this level or above are durable (exported or in
            the spool) when their awaited call returns; default ``"ERROR"``; None
            turns the guarantee off.
        guaranteed_timeout: seconds a guaranteed call waits at most.
        max_pending: records queued before callers wait for room.
        **logger_options: HydraLogger's keyword arguments (``date_format``,
            ``enable_security``, ``name``, ...).

    Raises:
        ConfigurationError: at construction, naming any invalid value.
    """

    def __init__(
        self,
        config: LoggingConfig | Mapping[str, Any] | None = None,
        *,
        queue_class: type[MultiFallbackAsyncQueue] | None = None,
        primary_strategy: str = "async",
        fallback_strategies: Iterable[str] | None = None,
        guaranteed_level: str | int | None = "ERROR",
        guaranteed_timeout: float = 5.0,
        max_pending: int = 1024,
        **logger_options: Any,
    ) -> None:
        queue_type = queue_class if queue_class is not None else MultiFallbackAsyncQueue
        if not (isinstance(queue_type, type) and issubclass(queue_type, MultiFallbackAsyncQueue)):
            raise ConfigurationError(
                f"queue_class={queue_class!r}: expected MultiFallbackAsyncQueue or a subclass"
            )
        self._guaranteed = _level_names_from(guaranteed_level)
        self._queue = queue_type(
            primary_strategy,
            fallback_strategies,
            max_pending=max_pending,
            guaranteed_timeout=guaranteed_timeout,
        )
        self._logger = _QueuedLogger(self._queue, config, **logger_options)
        self._inline = InlineRoutes()
        self.config: LoggingConfig = self._logger.config
        self.name = self._logger.name
        self._queue.bind(self._logger._emit_admitted, self._logger.export_processors)

    async def initialize(self) -> None:
        """Make sure the emitting thread runs; the logger is usable without it."""
        self._queue.start()

    # -- level methods -------------------------------------------------------------

    def log(
        self,
        level: str | int,
        layer_or_message: Any,
        message: Any = None,
        /,
        *,
        layer: str | None = None,
        extra: Mapping[str, Any] | None = None,
        exc_info: ExcInfo = None,
        **fields: Any,
    ) -> LogReceipt:
        """Queue a record at ``level`` (a name such as ``"INFO"`` or a stdlib number)."""
        resolved = level_or_info(level)
        return self._submit(resolved, layer_or_message, message, layer, extra, exc_info, fields)

    def exception(
        self,
        layer_or_message: Any,
        message: Any = None,
        /,
        *,
        layer: str | None = None,
        extra: Mapping[str, Any] | None = None,
        exc_info: ExcInfo = True,
        **fields: Any,
    ) -> LogReceipt:
        """Queue an ERROR record with the exception being handled (taken at call time)."""
        return self._submit(levels.ERROR, layer_or_message, message, layer, extra, exc_info, fields)

    debug: Callable[..., LogReceipt]
    info: Callable[..., LogReceipt]
    warning: Callable[..., LogReceipt]
    error: Callable[..., LogReceipt]
    critical: Callable[..., LogReceipt]
    security: Callable[..., LogReceipt]
    audit: Callable[..., LogReceipt]
    compliance: Callable[..., LogReceipt]

    def _submit(
        self,
        level: levels.Level,
        layer_or_message: Any,
        message: Any,
        layer: str | None,
        extra: Mapping[str, Any] | None,
        exc_info: ExcInfo,
        fields: dict[str, Any],
    ) -> LogReceipt:
        logger = self._logger
        admitted = logger._admit(level, layer_or_message, message, layer)
        if admitted is None:
            return COMPLETED
        route, layer_name, text = admitted
        guaranteed = level.name in self._guaranteed  # a str hash is cached; a Level's is not
        if not guaranteed and not logger.plugins_active and self._inline.allows(route.emitter):
            done = self._queue.emit_now(
                (route, level, layer_name, text, extra, exc_info, fields), self._queued_inline_ok
            )
            if done is not None:
                return done
        try:
            attributes = to_attributes(extra)
            if fields:
                attributes.update(to_attributes(fields))
            exception = exception_from(exc_info)
            receipt = self._queue.submit(
                (
                    route,
                    level,
                    layer_name,
                    text,
                    None,
                    exception,
                    _NO_FIELDS,
                    time.time_ns(),
                    attributes,
                ),
                guaranteed,
            )
        except Exception as exc:  # never into the application
            logger.count_dropped("error")
            track_error("async_submit", repr(exc))
            return COMPLETED
        if receipt is None:
            logger.count_dropped("closed")
            return COMPLETED
        return receipt

    def _queued_inline_ok(self, args: tuple[Any, ...]) -> bool:
        """Whether a queued record (emit arguments, route first) may be emitted inline."""
        return self._inline.allows(args[0].emitter)

    # -- lifecycle ------------------------------------------------------------------

    async def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Emit what is queued and export it, off the event loop; True if done in time."""
        return await _off_loop(self._logger.flush_all, timeout_millis)

    async def close(self) -> None:
        """Emit what is queued, flush and shut down, off the event loop; idempotent."""
        if not self._logger.closed:
            await _off_loop(self._logger.close)

    @property
    def closed(self) -> bool:
        """True after ``close()``."""
        return self._logger.closed

    async def __aenter__(self) -> AsyncHydraLogger:
        await self.initialize()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # -- plugins, metrics, magic -------------------------------------------------------

    def add_plugin(
        self, name: str, plugin: HydraPlugin | type[HydraPlugin] | None = None
    ) -> HydraPlugin:
        """Attach a plugin, as ``HydraLogger.add_plugin`` (it runs on the emitting thread)."""
        return self._logger.add_plugin(name, plugin)

    def remove_plugin(self, name: str) -> None:
        """Detach and close the plugin ``name``."""
        self._logger.remove_plugin(name)

    def list_plugins(self) -> list[str]:
        """Names of the attached plugins."""
        return self._logger.list_plugins()

    def get_performance_metrics(self) -> dict[str, Any]:
        """HydraLogger's metrics, plus ``records_pending`` (queued, not yet emitted)."""
        metrics = self._logger.get_performance_metrics()
        metrics["records_pending"] = self._queue.pending
        return metrics

    def get_queue_performance_metrics(self) -> dict[str, Any]:
        """The queue's health: the export processors' summary and the queue's front.

        ``current_strategy`` (``sync`` while callers emit themselves, else the most
        degraded destination's), ``success_rate`` (percent), ``avg_latency`` and
        ``p99_latency`` (ms), the export health fields of
        ``HydraLogger.get_queue_performance_metrics``, ``pending``, ``front_strategy``,
        and the front's counters under ``front`` (see ``MultiFallbackAsyncQueue.metrics``).
        """
        summary = self._logger.get_queue_performance_metrics()
        front = self._queue.metrics()
        if front["front_strategy"] == "sync":
            summary["current_strategy"] = "sync"
        summary["front_strategy"] = front["front_strategy"]
        summary["pending"] = front["pending"]
        summary["front"] = front
        return summary

    def memory_records(self, name: str | None = None) -> list[ReadableLogRecord]:
        """Records held by the ``memory`` destinations (those named ``name``, if given).

        Queued records are emitted first, on this thread (no I/O: memory destinations
        export as they receive), so every call made before this one is included.
        """
        if not self._queue.closed:
            self._queue.help_emit(0, self._queue.stall_after)
        return self._logger.memory_records(name)

    @staticmethod
    def register_magic(name: str) -> Callable[[MagicFactory], MagicFactory]:
        """Decorator registering a magic config (shared with HydraLogger)."""
        return register_magic(name)

    @staticmethod
    def list_magic_configs() -> list[str]:
        """Built-in and registered magic config names."""
        return list_magic_configs()


class _QueuedLogger(HydraLogger):
    """The HydraLogger behind an AsyncHydraLogger: its queue's plan, its queue closed first."""

    def __init__(
        self,
        queue: MultiFallbackAsyncQueue,
        config: LoggingConfig | Mapping[str, Any] | None,
        **options: Any,
    ) -> None:
        self._queue = queue
        super().__init__(config, **options)

    def _adjust_export_options(
        self, destination: LogDestination, options: FallbackExportOptions
    ) -> FallbackExportOptions:
        return self._queue.export_options(destination.type, options)

    @property
    def plugins_active(self) -> bool:
        """True while a plugin is attached (plugins are user code: they run off the loop)."""
        return self._plugins.active

    def export_processors(self) -> list[LogRecordProcessor]:
        """Each destination's export processor (what guaranteed records wait on)."""
        return [output.processor for output in self._pipeline.outputs()]

    def count_dropped(self, reason: str) -> None:
        """Count a record lost before it reached the pipeline."""
        self._metrics.dropped(reason)

    def flush_all(self, timeout_millis: int = 30000) -> bool:
        """Emit what the queue holds, then flush every destination (blocking)."""
        deadline = time.monotonic() + timeout_millis / 1000
        drained = self._queue.drain(timeout_millis / 1000)
        remaining = max(int((deadline - time.monotonic()) * 1000), 0)
        return self.force_flush(remaining) and drained

    def close(self) -> None:
        """Emit what the queue holds, then close as HydraLogger does (also at exit)."""
        if not self.closed:
            self._queue.close(_CLOSE_TIMEOUT)
        super().close()


def _level_names_from(threshold: str | int | None) -> frozenset[str]:
    if threshold is None:
        return frozenset()
    try:
        lowest = levels.parse_level(threshold)
    except ValueError as exc:
        raise ConfigurationError(f"guaranteed_level: {exc}") from None
    return frozenset(
        level.name
        for level in levels.LEVELS.values()
        if level.severity.value >= lowest.severity.value
    )


async def _off_loop(function: Callable[..., _T], *args: Any) -> _T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, function, *args)


def _async_level_method(level: levels.Level) -> Callable[..., LogReceipt]:
    def method(
        self: AsyncHydraLogger,
        layer_or_message: Any,
        message: Any = None,
        /,
        *,
        layer: str | None = None,
        extra: Mapping[str, Any] | None = None,
        exc_info: ExcInfo = None,
        **fields: Any,
    ) -> LogReceipt:
        return self._submit(level, layer_or_message, message, layer, extra, exc_info, fields)

    name = level.name.lower()
    method.__name__ = method.__qualname__ = name
    method.__doc__ = (
        f"Queue a {level.name} record: ``await log.{name}(layer, message, extra=...)``; "
        "the record is queued at call time, so calling without ``await`` also logs."
    )
    return method


for _level in (
    levels.DEBUG,
    levels.INFO,
    levels.WARNING,
    levels.ERROR,
    levels.CRITICAL,
    levels.SECURITY,
    levels.AUDIT,
    levels.COMPLIANCE,
):
    setattr(AsyncHydraLogger, _level.name.lower(), _async_level_method(_level))
