"""AsyncHydraLogger: the Hydra API for asyncio code, awaitable and never blocking the loop.

Emitting only enqueues (the export processors do their I/O on their own threads), so
each awaitable call completes without waiting on I/O; ``close`` and ``force_flush``,
which do wait, run in the loop's default executor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any

from hydra_otel.api._logger import ExcInfo, HydraLogger
from hydra_otel.api._magic_access import MagicConfigAccess
from hydra_otel.config import LoggingConfig
from hydra_otel.config._magic import MagicFactory, list_magic_configs, register_magic
from hydra_otel.plugins import HydraPlugin


class AsyncHydraLogger(metaclass=MagicConfigAccess):
    """The awaitable twin of HydraLogger; takes the same arguments."""

    def __init__(
        self, config: LoggingConfig | Mapping[str, Any] | None = None, **kwargs: Any
    ) -> None:
        self._logger = HydraLogger(config, **kwargs)
        self.config = self._logger.config

    async def initialize(self) -> None:
        """Kept for the Hydra plan's API: the logger is ready once constructed."""

    async def log(self, level: str | int, *args: Any, **kwargs: Any) -> None:
        """Emit a record at ``level``."""
        self._logger.log(level, *args, **kwargs)

    async def exception(self, *args: Any, exc_info: ExcInfo = True, **kwargs: Any) -> None:
        """Emit an ERROR record with the exception being handled."""
        self._logger.exception(*args, exc_info=exc_info, **kwargs)

    debug: Callable[..., Coroutine[Any, Any, None]]
    info: Callable[..., Coroutine[Any, Any, None]]
    warning: Callable[..., Coroutine[Any, Any, None]]
    error: Callable[..., Coroutine[Any, Any, None]]
    critical: Callable[..., Coroutine[Any, Any, None]]
    security: Callable[..., Coroutine[Any, Any, None]]
    audit: Callable[..., Coroutine[Any, Any, None]]
    compliance: Callable[..., Coroutine[Any, Any, None]]

    async def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Export everything emitted so far, off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._logger.force_flush, timeout_millis)

    async def close(self) -> None:
        """Flush and shut down, off the event loop; idempotent."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._logger.close)

    @property
    def closed(self) -> bool:
        """True after ``close()``."""
        return self._logger.closed

    async def __aenter__(self) -> AsyncHydraLogger:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def add_plugin(
        self, name: str, plugin: HydraPlugin | type[HydraPlugin] | None = None
    ) -> HydraPlugin:
        """Attach a plugin, as ``HydraLogger.add_plugin``."""
        return self._logger.add_plugin(name, plugin)

    def get_performance_metrics(self) -> dict[str, Any]:
        """The same metrics as ``HydraLogger.get_performance_metrics``."""
        return self._logger.get_performance_metrics()

    def memory_records(self, name: str | None = None) -> list[Any]:
        """Records held by the ``memory`` destinations."""
        return self._logger.memory_records(name)

    @staticmethod
    def register_magic(name: str) -> Callable[[MagicFactory], MagicFactory]:
        """Decorator registering a magic config (shared with HydraLogger)."""
        return register_magic(name)

    @staticmethod
    def list_magic_configs() -> list[str]:
        """Built-in and registered magic config names."""
        return list_magic_configs()


def _async_level_method(name: str) -> Callable[..., Coroutine[Any, Any, None]]:
    async def method(self: AsyncHydraLogger, *args: Any, **kwargs: Any) -> None:
        getattr(self._logger, name)(*args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (
        f"Awaitable ``HydraLogger.{name}``: same arguments, never blocks the loop on I/O."
    )
    return method


for _name in ("debug", "info", "warning", "error", "critical", "security", "audit", "compliance"):
    setattr(AsyncHydraLogger, _name, _async_level_method(_name))
