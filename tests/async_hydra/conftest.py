"""Fixtures for the async logger's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from hydra_otel import AsyncHydraLogger


def memory_config(**layers: dict[str, Any]) -> dict[str, Any]:
    """Every level of every layer into one memory destination."""
    return {
        "layers": {
            "DEFAULT": {"level": "DEBUG", "destinations": [{"type": "memory"}]},
            **layers,
        }
    }


def otlp_config(endpoint: str, service: str = "async-tests", **destination: Any) -> dict[str, Any]:
    """Every level into one OTLP/HTTP destination at ``endpoint``."""
    otlp = {"type": "otlp", "endpoint": endpoint, "protocol": "http/protobuf", **destination}
    return {
        "service_name": service,
        "layers": {"DEFAULT": {"level": "DEBUG", "destinations": [otlp]}},
    }


def attrs(record: Any) -> dict[str, Any]:
    """The attributes of a memory-destination record."""
    return dict(record.log_record.attributes or {})


@pytest.fixture
async def memory_logger() -> AsyncIterator[AsyncHydraLogger]:
    """An AsyncHydraLogger writing every level into memory, closed after the test."""
    async with AsyncHydraLogger(memory_config()) as log:
        yield log
