"""Fixtures for the distro tests: every test ends with hydra's telemetry shut down."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

import hydra_otel.distro


@pytest.fixture(autouse=True)
def _shut_down_hydra_telemetry() -> Iterator[None]:
    """Stop what ``configure()`` installed (the suite's fixture then resets the OTel globals)."""
    yield
    hydra_otel.distro.shutdown()


@pytest.fixture
def app_logger() -> Iterator[logging.Logger]:
    """An application logger at INFO, without handlers of its own."""
    logger = logging.getLogger("tests.distro.app")
    logger.setLevel(logging.INFO)
    yield logger
    logger.setLevel(logging.NOTSET)
