"""What each scenario logs with, built inside the child process that measures it.

Every scenario gives the same shape: ``emit(seq)`` returns an awaitable that logs one
INFO record ``user logged in`` with three attributes (``user.id``, ``http.route``,
``bench.seq``), and ``close()`` is awaited at the end. A synchronous logger is called
inside a coroutine, as an asyncio application would call it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROUTE = "/api/login"


@dataclass
class Sink:
    """A logger as the child drives it.

    Attributes:
        emit: ``emit(seq)`` -> awaitable that logs record number ``seq``.
        close: flushes and shuts the logger down.
        path: the file written (file scenarios), for counting lines.
        metrics: the library's own counters after close (Hydra only).
    """

    emit: Callable[[int], Awaitable[Any]]
    close: Callable[[], Awaitable[None]]
    path: Path | None = None
    metrics: Callable[[], dict[str, Any]] = field(default=lambda: {})


@dataclass(frozen=True)
class Scenario:
    """One row of the results table."""

    key: str
    label: str
    otlp: bool
    collector_down: bool
    build: Callable[[str, Path], Sink]
    control: bool = False
    """No logger at all: the row shows the loop lag of the machine itself in this run."""


def _otlp_config(endpoint: str) -> dict[str, Any]:
    destination = {"type": "otlp", "endpoint": endpoint, "protocol": "http/protobuf"}
    return {"service_name": "bench", "layers": {"APP": {"destinations": [destination]}}}


def _file_config(path: Path) -> dict[str, Any]:
    # one file however many records: the line count is the delivered count
    destination = {"type": "file", "path": str(path), "format": "plain-text", "max_bytes": 1 << 34}
    return {"layers": {"APP": {"destinations": [destination]}}}


def _extra(seq: int) -> dict[str, Any]:
    return {"user.id": f"u{seq % 1000}", "http.route": ROUTE, "bench.seq": seq}


def _async_hydra(config: dict[str, Any], path: Path | None) -> Sink:
    from hydra_otel import AsyncHydraLogger

    log = AsyncHydraLogger(config)
    info = log.info

    def emit(seq: int) -> Awaitable[Any]:
        return info("APP", "user logged in", extra=_extra(seq))

    def metrics() -> dict[str, Any]:
        return {"queue": log.get_queue_performance_metrics()}

    return Sink(emit, log.close, path, metrics)


def _sync_hydra(config: dict[str, Any], path: Path | None) -> Sink:
    from hydra_otel import HydraLogger

    log = HydraLogger(config)
    info = log.info

    async def emit(seq: int) -> None:
        info("APP", "user logged in", extra=_extra(seq))

    async def close() -> None:
        log.close()

    def metrics() -> dict[str, Any]:
        return {"queue": log.get_queue_performance_metrics()}

    return Sink(emit, close, path, metrics)


def async_hydra_otlp(endpoint: str, workdir: Path) -> Sink:
    """AsyncHydraLogger -> OTLP/HTTP (``await log.info(...)``)."""
    return _async_hydra(_otlp_config(endpoint), None)


def sync_hydra_otlp(endpoint: str, workdir: Path) -> Sink:
    """HydraLogger -> OTLP/HTTP, called inside a coroutine."""
    return _sync_hydra(_otlp_config(endpoint), None)


def async_hydra_file(endpoint: str, workdir: Path) -> Sink:
    """AsyncHydraLogger -> file (plain-text)."""
    path = workdir / "async-hydra.log"
    return _async_hydra(_file_config(path), path)


def sync_hydra_file(endpoint: str, workdir: Path) -> Sink:
    """HydraLogger -> file (plain-text), called inside a coroutine."""
    path = workdir / "hydra.log"
    return _sync_hydra(_file_config(path), path)


def hydra_logger_async_file(endpoint: str, workdir: Path) -> Sink:
    """hydra-logger 0.7.0 AsyncLogger -> its file destination (``await log.info_async(...)``)."""
    from hydra_logger import create_async_logger

    path = workdir / "hydra-logger.log"
    destination = {"type": "file", "path": str(path), "format": "plain-text"}
    log = create_async_logger(
        {
            "base_log_dir": str(workdir),
            "layers": {"APP": {"level": "INFO", "destinations": [destination]}},
        }
    )
    info = log.info_async

    def emit(seq: int) -> Awaitable[None]:
        return info("user logged in", layer="APP", extra=_extra(seq))

    return Sink(emit, log.aclose, path)


def no_logging(endpoint: str, workdir: Path) -> Sink:
    """No logger: the same producer and ticker, each call an awaited no-op coroutine."""

    async def emit(seq: int) -> None:
        return None

    async def close() -> None:
        return None

    return Sink(emit, close)


SCENARIOS: dict[str, Scenario] = {
    scenario.key: scenario
    for scenario in (
        Scenario("A", "(A) AsyncHydraLogger → OTLP/HTTP", True, False, async_hydra_otlp),
        Scenario("B", "(B) HydraLogger (sync) → OTLP/HTTP", True, False, sync_hydra_otlp),
        Scenario(
            "A-down",
            "(A) AsyncHydraLogger → OTLP/HTTP, collector down",
            True,
            True,
            async_hydra_otlp,
        ),
        Scenario(
            "B-down",
            "(B) HydraLogger (sync) → OTLP/HTTP, collector down",
            True,
            True,
            sync_hydra_otlp,
        ),
        Scenario("C", "(C) AsyncHydraLogger → file", False, False, async_hydra_file),
        Scenario("D", "(D) HydraLogger (sync) → file", False, False, sync_hydra_file),
        Scenario(
            "E", "(E) hydra-logger 0.7.0 AsyncLogger → file", False, False, hydra_logger_async_file
        ),
        Scenario("0", "(0) no logger (the machine's own loop lag)", False, False, no_logging, True),
    )
}
