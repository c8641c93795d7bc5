"""Fixtures shared by the whole hydra-otel test suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hydra_otel.testing import OtlpReceiver, RotelCollector, isolated_logging_state


@pytest.fixture(autouse=True)
def _isolate_global_logging_state() -> Iterator[None]:
    """Undo what a test did to process-wide logging state.

    After each test: forget the OTel global providers (they are set-once) and
    remove handlers the test left on the root stdlib logger, restoring its level.
    """
    with isolated_logging_state():
        yield


@pytest.fixture(autouse=True)
def _private_spool_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Give each test its own HYDRA_SPOOL_DIR, so no test replays another's leftovers."""
    monkeypatch.setenv("HYDRA_SPOOL_DIR", str(tmp_path_factory.mktemp("spool")))


@pytest.fixture
def otlp_receiver() -> Iterator[OtlpReceiver]:
    """A running in-process OTLP backend (gRPC + HTTP) on free loopback ports."""
    with OtlpReceiver() as receiver:
        yield receiver


@pytest.fixture
def collector(otlp_receiver: OtlpReceiver) -> Iterator[RotelCollector]:
    """A real rotel collector forwarding into a fresh receiver, available as ``collector.receiver``.

    rotel starts in ~10 ms, so every test gets its own; nothing leaks between tests.
    """
    rotel = RotelCollector(otlp_receiver).start()
    yield rotel
    # SIGKILL: a graceful stop waits ~3 s when a test left the downstream down
    rotel.kill()
