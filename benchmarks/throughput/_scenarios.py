"""The contenders: how each scenario sets its logger up, makes the workload's call, and closes.

Each set-up function runs inside the scenario's own child process and returns a
:class:`Sink`. Imports happen inside the functions, so a child imports only its
own library (peak RSS is then the library's, not its neighbours').
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.throughput._workload import ROUTE, Emit

_STDLIB_FORMAT = "%(asctime)s %(levelname)s [%(name)s] %(message)s"
_LOGGER_NAME = "bench.app"


@dataclass(frozen=True)
class Context:
    """What a scenario needs from the harness.

    Attributes:
        endpoint: the collector's OTLP/HTTP base URL (``http://127.0.0.1:port``).
        workdir: a fresh directory for log files.
    """

    endpoint: str
    workdir: Path


@dataclass
class Sink:
    """A ready logger.

    Attributes:
        emit: the workload's log call.
        close: flushes and shuts the logger down; delivery is complete once it returns
            (files) or once the receiver counted everything (OTLP).
        file: where the records end up as lines; None when counted at the receiver.
        metrics: the library's own counters after close, if it has any.
    """

    emit: Emit
    close: Callable[[], None]
    file: Path | None = None
    metrics: Callable[[], dict[str, Any]] = field(default=lambda: {})


@dataclass(frozen=True)
class Scenario:
    """One row of the table."""

    key: str
    label: str
    otlp: bool
    setup: Callable[[Context], Sink]


def _stdlib_logger(handler: logging.Handler | None) -> logging.Logger:
    logger = logging.getLogger(_LOGGER_NAME)
    logger.setLevel(logging.INFO)
    if handler is not None:
        logger.addHandler(handler)
        logger.propagate = False
    return logger


def _stdlib_emit(logger: logging.Logger) -> Emit:
    info = logger.info

    def emit(seq: int, user: str) -> None:
        info(
            "user %s logged in",
            user,
            extra={"user.id": user, "http.route": ROUTE, "bench.seq": seq},
        )

    return emit


def stock_otel(context: Context) -> Sink:
    """(a) stdlib logging -> SDK LoggingHandler -> BatchLogRecordProcessor -> SDK OTLP/HTTP."""
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from opentelemetry.sdk.resources import Resource

    provider = LoggerProvider(resource=Resource.create({"service.name": "bench"}))
    exporter = OTLPLogExporter(endpoint=f"{context.endpoint}/v1/logs")
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        handler = LoggingHandler(logger_provider=provider)
    return Sink(_stdlib_emit(_stdlib_logger(handler)), provider.shutdown)


def stdlib_file(context: Context) -> Sink:
    """(b) stdlib logging -> logging.FileHandler."""
    path = context.workdir / "stdlib.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_STDLIB_FORMAT))
    return Sink(_stdlib_emit(_stdlib_logger(handler)), handler.close, path)


def hydra_logger_file(context: Context) -> Sink:
    """(c) hydra-logger 0.7.0 SyncLogger -> its file destination (plain-text)."""
    from hydra_logger import create_logger

    path = context.workdir / "hydra-logger.log"
    log = create_logger(
        {
            "base_log_dir": str(context.workdir),
            "layers": {
                "APP": {
                    "level": "INFO",
                    "destinations": [{"type": "file", "path": str(path), "format": "plain-text"}],
                }
            },
        }
    )
    info = log.info

    def emit(seq: int, user: str) -> None:
        info(
            "user logged in",
            layer="APP",
            extra={"user.id": user, "http.route": ROUTE, "bench.seq": seq},
        )

    return Sink(emit, log.close, path)


def _hydra_metrics(log: Any) -> Callable[[], dict[str, Any]]:
    def metrics() -> dict[str, Any]:
        found: dict[str, Any] = {"performance": log.get_performance_metrics()}
        queue_metrics = getattr(log, "get_queue_performance_metrics", None)
        if queue_metrics is not None:
            found["queue"] = queue_metrics()
        return found

    return metrics


def hydra_otlp(context: Context) -> Sink:
    """(d) HydraLogger with one OTLP (http/protobuf) destination."""
    from hydra_otel import HydraLogger

    log = HydraLogger(
        {
            "service_name": "bench",
            "layers": {
                "APP": {
                    "level": "INFO",
                    "destinations": [
                        {"type": "otlp", "endpoint": context.endpoint, "protocol": "http/protobuf"}
                    ],
                }
            },
        }
    )
    info = log.info

    def emit(seq: int, user: str) -> None:
        info(
            "APP", "user logged in", extra={"user.id": user, "http.route": ROUTE, "bench.seq": seq}
        )

    return Sink(emit, log.close, metrics=_hydra_metrics(log))


def hydra_bridge_otlp(context: Context) -> Sink:
    """(e) stdlib logging -> the hydra bridge installed by ``hydra_otel.configure()`` -> OTLP."""
    import hydra_otel

    hydra_otel.configure(
        service_name="bench",
        endpoint=context.endpoint,
        protocol="http/protobuf",
        logs_exporter="otlp",
        traces_exporter="none",
        metrics_exporter="none",
    )
    return Sink(_stdlib_emit(_stdlib_logger(None)), hydra_otel.shutdown)


def loguru_file(context: Context) -> Sink:
    """(f) loguru -> a file sink (its default format, synchronous)."""
    from loguru import logger

    path = context.workdir / "loguru.log"
    logger.remove()
    logger.add(str(path), level="INFO", enqueue=False)
    info = logger.info

    def emit(seq: int, user: str) -> None:
        info("user {} logged in", user, **{"user.id": user, "http.route": ROUTE, "bench.seq": seq})

    return Sink(emit, logger.remove, path)


def structlog_file(context: Context) -> Sink:
    """(f) structlog -> WriteLoggerFactory on a file, JSON lines with level and ISO time."""
    import structlog

    path = context.workdir / "structlog.log"
    stream = path.open("w", encoding="utf-8")
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        logger_factory=structlog.WriteLoggerFactory(file=stream),
        cache_logger_on_first_use=True,
    )
    info = structlog.get_logger(_LOGGER_NAME).info

    def emit(seq: int, user: str) -> None:
        info("user logged in", **{"user.id": user, "http.route": ROUTE, "bench.seq": seq})

    return Sink(emit, stream.close, path)


SCENARIOS: dict[str, Scenario] = {
    s.key: s
    for s in (
        Scenario("a", "(a) stdlib → OTel SDK handler + batch + OTLP/HTTP", True, stock_otel),
        Scenario("b", "(b) stdlib → FileHandler", False, stdlib_file),
        Scenario("c", "(c) hydra-logger 0.7.0 → file", False, hydra_logger_file),
        Scenario("d", "(d) HydraLogger → OTLP/HTTP", True, hydra_otlp),
        Scenario(
            "e", "(e) stdlib → hydra bridge (configure()) → OTLP/HTTP", True, hydra_bridge_otlp
        ),
        Scenario("f-loguru", "(f) loguru → file", False, loguru_file),
        Scenario("f-structlog", "(f) structlog → file", False, structlog_file),
    )
}
"""Every scenario by key, in table order."""
