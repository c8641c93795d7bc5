"""Fixtures for the stdlib logging bridge: a real SDK LoggerProvider with an in-memory exporter."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

from hydra_otel.testing import isolated_logging_state
from hydra_otel_instrumentation_logging import HydraLoggingInstrumentor


@pytest.fixture(autouse=True)
def _restore_logging_state() -> Iterator[None]:
    """Uninstrument the bridge and undo root-logger and OTel global changes after each test."""
    with isolated_logging_state():
        yield
        instrumentor = HydraLoggingInstrumentor()
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()


@pytest.fixture
def log_exporter() -> InMemoryLogRecordExporter:
    """Collects every record the bridge emits, synchronously."""
    return InMemoryLogRecordExporter()


@pytest.fixture
def logger_provider(log_exporter: InMemoryLogRecordExporter) -> Iterator[LoggerProvider]:
    """A real SDK LoggerProvider exporting into ``log_exporter``."""
    provider = LoggerProvider(shutdown_on_exit=False)
    provider.add_log_record_processor(SimpleLogRecordProcessor(log_exporter))
    yield provider
    provider.shutdown()


@pytest.fixture
def bridge(logger_provider: LoggerProvider) -> HydraLoggingInstrumentor:
    """The bridge instrumented into ``logger_provider``, forwarding every level."""
    instrumentor = HydraLoggingInstrumentor()
    instrumentor.instrument(logger_provider=logger_provider, level="NOTSET")
    return instrumentor


@pytest.fixture
def app_logger() -> Iterator[logging.Logger]:
    """An application logger at DEBUG with no handler of its own (records reach the root)."""
    logger = logging.getLogger("tests.app")
    logger.setLevel(logging.DEBUG)
    yield logger
    logger.setLevel(logging.NOTSET)
    logger.handlers.clear()


@contextlib.contextmanager
def _root_as_in_a_fresh_process() -> Iterator[None]:
    root = logging.getLogger()
    foreign = [h for h in root.handlers if type(h).__module__.startswith("_pytest")]
    for handler in foreign:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for handler in foreign:
            root.addHandler(handler)


@pytest.fixture
def fresh_root() -> Callable[[], AbstractContextManager[None]]:
    """Use in a test body: hides pytest's log-capture handlers, which it adds to the root
    logger at the start of each test phase, so the root looks as in a plain process."""
    return _root_as_in_a_fresh_process
