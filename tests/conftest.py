"""Fixtures shared by the whole hydra-otel test suite."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from hydra_otel.testing import OtlpReceiver, RotelCollector, reset_otel_globals


@pytest.fixture(autouse=True)
def _isolate_global_logging_state() -> Iterator[None]:
    """Undo what a test did to process-wide logging state.

    After each test: forget the OTel global providers (they are set-once) and
    remove handlers the test left on the root stdlib logger, restoring its level.
    """
    root = logging.getLogger()
    handlers_before = list(root.handlers)
    level_before = root.level
    yield
    reset_otel_globals()
    for handler in list(root.handlers):
        if handler not in handlers_before:
            root.removeHandler(handler)
    root.setLevel(level_before)


@pytest.fixture
def otlp_receiver() -> Iterator[OtlpReceiver]:
    """A running in-process OTLP backend (gRPC + HTTP) on free loopback ports."""
    with OtlpReceiver() as receiver:
        yield receiver


@pytest.fixture
def collector(otlp_receiver: OtlpReceiver) -> Iterator[RotelCollector]:
    """A real rotel collector forwarding into a fresh receiver, available as ``collector.receiver``.

    rotel starts in ~15 ms, so every test gets its own; nothing leaks between tests.
    """
    with RotelCollector(otlp_receiver) as rotel:
        yield rotel
